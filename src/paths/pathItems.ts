/**
 * What a path covers, step by step: the items of each edge it takes (state nodes, transitions, guard
 * outcomes, partition blocks) and the transition pairs it makes, which depend on the transitions each
 * actor took earlier on the same path (src/paths/transitionPairs.ts). A path starts at the initial
 * state with no last transition for any actor; a prefix of a path covers what its steps list.
 */
import { forEachPair, lastAfter } from './transitionPairs.ts';
import type { StateGraph } from './stateGraph.ts';

/** The items each step of the path covers, in step order (each list sorted, without repeats). */
export function stepItems(g: StateGraph, edges: readonly number[]): number[][] {
  const lasts = new Int32Array(g.system.width).fill(-1);
  return edges.map((e) => {
    const out = new Set<number>();
    for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++) out.add(g.edgeItems[k]);
    forEachPair(
      g,
      e,
      (a) => lasts[a],
      (t1, t2) => g.pairs.item(t1, t2),
      (p) => out.add(p),
    );
    advanceLasts(g, e, lasts);
    return [...out].sort((x, y) => x - y);
  });
}

/** Each actor's last transition after edge `e`, in place. */
export function advanceLasts(g: StateGraph, e: number, lasts: Int32Array): void {
  for (let d = g.runStart[e]; d < g.runStart[e + 1]; d++) lasts[g.runActor[d]] = lastAfter(g, e, g.runActor[d]);
}

/** Items the paths cover together, the initial state's included: 1 per covered item id. */
export function coveredBy(g: StateGraph, paths: readonly { readonly edges: readonly number[] }[]): Uint8Array {
  const covered = new Uint8Array(g.coverage.items.length);
  for (const i of g.initialItems) covered[i] = 1;
  for (const p of paths) for (const step of stepItems(g, p.edges)) for (const i of step) covered[i] = 1;
  return covered;
}
