/**
 * Graphviz in wasm (@viz-js/viz): DOT to SVG with no binary installed and nothing downloaded, one
 * instance for every graph of a run.
 */
import type { instance } from '@viz-js/viz';
import { InputError } from '../compose/errors.ts';

type Viz = Awaited<ReturnType<typeof instance>>;
let viz: Promise<Viz> | undefined;
// Loaded on first use: the wasm module is large, and every command but viz starts without it.
const loadViz = async (): Promise<Viz> => (await import('@viz-js/viz')).instance();

/**
 * Lays a DOT graph out with Graphviz (compiled to wasm: no binary to install, nothing downloaded) and
 * returns the SVG without its XML prologue, ready to be parsed by the site. One wasm instance serves
 * every graph of a run.
 */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= loadViz();
  const r = (await viz).render(dot, { format: 'svg', engine: 'dot' });
  if (r.status !== 'success' || r.output === undefined) {
    throw new InputError(
      'layout-failed',
      { errors: r.errors.map((e) => e.message) },
      `Graphviz could not lay out a diagram: ${r.errors.map((e) => e.message).join('; ')}`,
    );
  }
  // Warnings (an edge Graphviz could not clip at a cluster, say) still give a usable picture.
  // Graphviz cannot class a table cell, but it names the group of a cell with an ID: `a_tr_tN`.
  // Internal transitions (rows inside their state) become `transition tN` like every edge.
  return r.output.slice(r.output.indexOf('<svg')).replace(/<g id="a_tr_t(\d+)">/g, '<g class="transition internal t$1">');
}
