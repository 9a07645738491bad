/**
 * Layout of one statechart with Graphviz: left to right, or top to bottom when that is closer to a
 * screen's shape.
 */
import type { Chart } from '../model/chart.ts';
import { chartToDot } from './dot.ts';
import { renderSvg } from './render.ts';

/** Width over height of a Graphviz SVG, from its `width="Npt" height="Npt"`. */
function aspect(svg: string): number {
  const w = /width="([\d.]+)pt"/.exec(svg);
  const h = /height="([\d.]+)pt"/.exec(svg);
  return w && h ? Number(w[1]) / Math.max(1, Number(h[1])) : 1;
}

/**
 * Left to right reads like a protocol, but a long chain of states (pmem's probe and remove) comes out
 * as a strip too thin to read on a screen: then top to bottom is laid out too and the one closer to
 * a screen's shape wins.
 */
export async function layoutChart(chart: Chart, lr: string): Promise<string> {
  const wide = await renderSvg(lr);
  if (aspect(wide) < 3) return wide;
  const tall = await renderSvg(chartToDot(chart, { rankdir: 'TB' }));
  const fit = (a: number) => Math.abs(Math.log(a / 1.6));
  return fit(aspect(tall)) < fit(aspect(wide)) ? tall : wide;
}
