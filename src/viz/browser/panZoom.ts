import svgPanZoom from 'svg-pan-zoom';

/**
 * Fit, zoom and pan for one diagram, by svg-pan-zoom (bundled into app.js: nothing is fetched).
 * The diagram is fitted to its card whenever the card changes size, until the reader zooms or pans;
 * "fit" goes back to that. The wheel zooms only with Ctrl (or ⌘) held, so that scrolling the page
 * over a tall diagram still scrolls the page; double click zooms in, drag pans.
 */
export interface PanZoom {
  fit(): void;
  zoomBy(factor: number): void;
  panBy(dx: number, dy: number): void;
  /** Screen pixels per diagram unit (Graphviz points) now: 4/3 is the natural size. */
  readonly scale: number;
  /** With a readable floor: after a refit below it, show this part of the diagram (the active state). */
  focusOn(target: Element | undefined): void;
}

/**
 * The least scale a fitted diagram is shown at when a floor is asked for: 0.8 px per point, so the
 * 12pt state names are 9.6 px high and the 10pt transition labels 8 px. A diagram that would be
 * smaller than that fitted is shown at the floor instead, around its active state; the reader pans.
 */
export const READABLE_SCALE = 0.8;

/**
 * `fitHeight`: the card's height follows its width, so that a wide diagram fitted to the width leaves
 * no empty band below it: the diagram's natural size (in Graphviz points) and the greatest height.
 */
export function panZoom(
  host: HTMLElement,
  svg: SVGSVGElement,
  fitHeight?: { readonly width: number; readonly height: number; readonly max: number },
  floor?: number,
): PanZoom {
  let focus: Element | undefined;
  let pz: SvgPanZoom.Instance | undefined;
  let touched = false;
  // svg-pan-zoom writes overflow into a style attribute unless one is there; the CSP refuses style
  // attributes from script, but a property set through the CSSOM is allowed and makes it skip.
  svg.style.overflow = 'hidden';
  const init = (): SvgPanZoom.Instance => {
    pz = svgPanZoom(svg, {
      fit: true,
      center: true,
      minZoom: 0.2,
      maxZoom: 20,
      zoomScaleSensitivity: 0.25,
      dblClickZoomEnabled: true,
      mouseWheelZoomEnabled: false,
      controlIconsEnabled: false,
      onZoom: () => void (touched = !fitting),
      onPan: () => void (touched = !fitting),
    });
    return pz;
  };
  // Fitting never enlarges past the natural size (1pt of Graphviz = 4/3 px): a small machine is not blown up.
  const NATURAL = 4 / 3;
  const cap = (): void => {
    if (!pz) return;
    const real = pz.getSizes().realZoom;
    if (real > NATURAL) pz.zoom((pz.getZoom() * NATURAL) / real);
    pz.center();
    if (floor !== undefined && real < floor) {
      pz.zoom((pz.getZoom() * floor) / real);
      showFocus();
    }
  };
  /** Pans so that the focused element (or the diagram's top left corner) is in view, at the floor. */
  const showFocus = (): void => {
    if (!pz) return;
    const stage = host.getBoundingClientRect();
    const drawn = (svg.querySelector('.svg-pan-zoom_viewport') ?? svg).getBoundingClientRect();
    if (focus && focus.isConnected) {
      const r = focus.getBoundingClientRect();
      pz.panBy({ x: stage.left + stage.width / 2 - (r.left + r.width / 2), y: stage.top + stage.height / 2 - (r.top + r.height / 2) });
    } else pz.panBy({ x: stage.left - drawn.left, y: stage.top - drawn.top });
  };
  let fitting = false;
  const refit = (): void => {
    if (!pz) return;
    fitting = true;
    pz.resize();
    pz.fit();
    cap();
    fitting = false;
  };
  new ResizeObserver(() => {
    if (fitHeight && host.clientWidth > 0) {
      const scale = Math.max(floor ?? 0, Math.min(4 / 3, host.clientWidth / fitHeight.width));
      const want = Math.round(Math.min(fitHeight.max, fitHeight.height * scale) + 8);
      if (Math.abs(host.clientHeight - want) > 1) host.style.height = `${want}px`;
    }
    if (host.clientWidth === 0 || host.clientHeight === 0) return;
    if (!pz) {
      fitting = true;
      init();
      cap();
      fitting = false;
    } else if (!touched) refit();
    else pz.resize();
  }).observe(host);
  host.addEventListener(
    'wheel',
    (e) => {
      if (!pz || !(e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      touched = true;
      pz.zoomAtPointBy(e.deltaY < 0 ? 1.2 : 1 / 1.2, { x: e.clientX - r.left, y: e.clientY - r.top });
    },
    { passive: false },
  );
  return {
    fit() {
      refit();
      touched = false;
    },
    zoomBy(f) {
      touched = true;
      pz?.zoomBy(f);
    },
    panBy(dx, dy) {
      touched = true;
      pz?.panBy({ x: dx, y: dy });
    },
    get scale() {
      return pz ? pz.getSizes().realZoom : 1;
    },
    focusOn(target) {
      focus = target;
      if (pz && !touched && floor !== undefined && pz.getSizes().realZoom <= floor + 1e-6) {
        fitting = true;
        showFocus();
        fitting = false;
      }
    },
  };
}
