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
  /** The current zoom relative to fitted-to-card (1 = fitted). */
  readonly zoom: number;
}

export function panZoom(host: HTMLElement, svg: SVGSVGElement): PanZoom {
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
      onZoom: () => void (touched = true),
      onPan: () => void (touched = true),
    });
    return pz;
  };
  const refit = (): void => {
    if (!pz) return;
    pz.resize();
    pz.fit();
    pz.center();
  };
  new ResizeObserver(() => {
    if (host.clientWidth === 0 || host.clientHeight === 0) return;
    if (!pz) init();
    else if (!touched) refit();
    else pz.resize();
  }).observe(host);
  host.addEventListener('wheel', (e) => {
    if (!pz || !(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    const r = svg.getBoundingClientRect();
    touched = true;
    pz.zoomAtPointBy(e.deltaY < 0 ? 1.2 : 1 / 1.2, { x: e.clientX - r.left, y: e.clientY - r.top });
  }, { passive: false });
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
    get zoom() {
      return pz ? pz.getZoom() : 1;
    },
  };
}
