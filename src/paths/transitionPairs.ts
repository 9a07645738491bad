/**
 * Transition pairs: two transitions one actor takes one after the other, within one delivery (the
 * microsteps of an eventless chain) or across two deliveries (the last transition of one, the first
 * of the next the same actor takes, whatever other actors did in between). Unlike a state node or a
 * transition, a pair is not a property of one edge: it depends on the path that led to the edge. So
 * which pairs are reachable is found on the product of the state graph with each actor's last
 * transition (a breadth-first walk per actor over (state, last transition)), which is exact: a pair
 * is reachable iff some path from the initial state takes it. The same walk, kept with parents, gives
 * the shortest path to each pair, which is how generation reaches the pairs its greedy walk missed.
 * A path starts with no last transition for any actor (the initial eventless transitions start no pair).
 */
import { pairItem, type CoverageIndex } from './coverageItems.ts';
import { CRASH } from '../check/exploreGraph.ts';

/** The parts of a StateGraph (src/paths/stateGraph.ts) the pairs are computed from. */
export interface PairGraph {
  readonly coverage: CoverageIndex;
  readonly edgeStart: Int32Array;
  readonly edgeTo: Int32Array;
  readonly runStart: Int32Array;
  readonly runActor: Int32Array;
  readonly transitionStart: Int32Array;
  readonly runTransitions: Int32Array;
}

export interface PairIndex {
  /** The coverage item of the pair (t1, t2) of transition items, or -1 when no path takes it. */
  item(t1: number, t2: number): number;
  /** Every reachable pair item, with the fewest steps from the initial state that take it and an actor that does. */
  readonly reachable: ReadonlyMap<number, { readonly steps: number; readonly actor: number }>;
}

/** Transition ids stay far below this in any system we can explore. */
const SPAN = 1 << 20;

/**
 * Calls `visit` with each pair edge `e` takes, given each actor's last transition before it
 * (`lastOf`, -1 for none); pair ids come from `pairOf` (a pair it returns -1 for is skipped).
 */
export function forEachPair(
  g: PairGraph,
  e: number,
  lastOf: (actor: number) => number,
  pairOf: (t1: number, t2: number) => number,
  visit: (pair: number) => void,
): void {
  let touched: number[] | undefined;
  for (let d = g.runStart[e]; d < g.runStart[e + 1]; d++) {
    const a = g.runActor[d];
    // an actor delivered to twice in one step: its second run follows its first
    let prev = -1;
    let seen = false;
    if (touched)
      for (let k = 0; k < touched.length; k += 2)
        if (touched[k] === a) {
          prev = touched[k + 1];
          seen = true;
        }
    if (!seen) prev = lastOf(a);
    for (let k = g.transitionStart[d]; k < g.transitionStart[d + 1]; k++) {
      const t = g.runTransitions[k];
      if (prev >= 0) {
        const p = pairOf(prev, t);
        if (p >= 0) visit(p);
      }
      prev = t;
    }
    (touched ??= []).push(a, prev);
  }
}

/** The last transition actor `a` takes in edge `e`, or -1 when it takes none. */
export function lastAfter(g: PairGraph, e: number, a: number): number {
  for (let d = g.runStart[e + 1] - 1; d >= g.runStart[e]; d--)
    if (g.runActor[d] === a) return g.runTransitions[g.transitionStart[d + 1] - 1];
  return -1;
}

/** Actors that take some transition in some edge. */
function movingActors(g: PairGraph): number[] {
  const set = new Set<number>();
  for (let d = 0; d < g.runActor.length; d++) set.add(g.runActor[d]);
  return [...set].sort((x, y) => x - y);
}

/**
 * Breadth-first over (state, last transition of actor a). Calls `onPair(pair, steps, e, node)` the
 * first time each pair is taken in this walk (steps: the path's length including edge e; node: the
 * product node e leaves); `parent` (when given) records, per product node, the node and edge it was
 * first reached by.
 */
function productWalk(
  g: PairGraph,
  a: number,
  pairOf: (t1: number, t2: number) => number,
  onPair: (pair: number, steps: number, e: number, node: number) => void,
  parent?: Map<number, [number, number]>,
): void {
  const K = g.coverage.items.length + 1;
  const key = (s: number, last: number): number => s * K + last + 1;
  const seen = new Set<number>([key(0, -1)]);
  const queue: number[] = [key(0, -1)];
  const depth: number[] = [0];
  const found = new Set<number>();
  for (let h = 0; h < queue.length; h++) {
    const node = queue[h];
    const s = Math.floor(node / K);
    const last = (node % K) - 1;
    for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
      let next = last;
      for (let d = g.runStart[e]; d < g.runStart[e + 1]; d++) {
        if (g.runActor[d] !== a) continue;
        for (let k = g.transitionStart[d]; k < g.transitionStart[d + 1]; k++) {
          const t = g.runTransitions[k];
          if (next >= 0) {
            const p = pairOf(next, t);
            if (p >= 0 && !found.has(p)) {
              found.add(p);
              onPair(p, depth[h] + 1, e, node);
            }
          }
          next = t;
        }
      }
      const to = g.edgeTo[e];
      if (to === CRASH) continue;
      const k2 = key(to, next);
      if (!seen.has(k2)) {
        seen.add(k2);
        queue.push(k2);
        depth.push(depth[h] + 1);
        parent?.set(k2, [node, e]);
      }
    }
  }
}

/** Finds and interns every reachable pair of the graph (see the module header). */
export function reachablePairs(g: PairGraph): PairIndex {
  const ids = new Map<number, number>();
  const reachable = new Map<number, { steps: number; actor: number }>();
  const intern = (t1: number, t2: number): number => {
    let id = ids.get(t1 * SPAN + t2);
    if (id === undefined) {
      const a = g.coverage.items[t1];
      id = g.coverage.intern(pairItem(a.machine, a, g.coverage.items[t2]));
      ids.set(t1 * SPAN + t2, id);
    }
    return id;
  };
  for (const a of movingActors(g))
    productWalk(g, a, intern, (p, steps) => {
      const r = reachable.get(p);
      if (!r || steps < r.steps) reachable.set(p, { steps, actor: a });
    });
  return { item: (t1, t2) => ids.get(t1 * SPAN + t2) ?? -1, reachable };
}

/**
 * A shortest path (edges from the initial state) that takes each of `wanted` (pair items), by the
 * actors that reach them; pairs no path takes are left out.
 */
export function shortestPathsToPairs(g: PairGraph & { readonly pairs: PairIndex }, wanted: ReadonlySet<number>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const byActor = new Map<number, number[]>();
  for (const p of wanted) {
    const r = g.pairs.reachable.get(p);
    if (r) byActor.set(r.actor, [...(byActor.get(r.actor) ?? []), p]);
  }
  for (const [a] of [...byActor].sort(([x], [y]) => x - y)) {
    const parent = new Map<number, [number, number]>();
    const ends = new Map<number, [number, number]>();
    productWalk(
      g,
      a,
      (t1, t2) => {
        const p = g.pairs.item(t1, t2);
        return wanted.has(p) ? p : -1;
      },
      (p, _steps, e, node) => ends.set(p, [node, e]),
      parent,
    );
    for (const [p, [node, e]] of ends) {
      if (out.has(p)) continue;
      const edges = [e];
      for (let n = node; parent.has(n); n = parent.get(n)![0]) edges.push(parent.get(n)![1]);
      out.set(p, edges.reverse());
    }
  }
  return out;
}
