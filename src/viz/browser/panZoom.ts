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
}

/**
 * `fitHeight`: the card's height follows its width, so that a wide diagram fitted to the width leaves
 * no empty band below it: the diagram's natural size (in Graphviz points) and the greatest height.
 */
export function panZoom(
  host: HTMLElement,
  svg: SVGSVGElement,
  fitHeight?: { readonly width: number; readonly height: number; readonly max: number },
): PanZoom {
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
      const want = Math.round(Math.min(fitHeight.max, fitHeight.height * Math.min(4 / 3, host.clientWidth / fitHeight.width)) + 8);
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
  };
}
