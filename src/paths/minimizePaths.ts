import { DEFAULT_TARGETS, greedyCover, type CoverResult } from './greedyCover.ts';
import type { CoverageKind } from './coverageItems.ts';
import { stepItems } from './pathItems.ts';
import { CRASH, type StateGraph } from './stateGraph.ts';

/**
 * The post-pass that makes a greedy cover smaller without losing anything it covers: a path whose
 * aimed-at items all lie on other paths is dropped; each path is cut after its first step that
 * covers the last item no other path covers (a prefix of a path is still a path); and a path whose
 * own items the end of another path can reach in fewer steps than it has is merged into that path
 * (the other path is extended, it is dropped). Then a lower bound on the total steps of any cover:
 * exact (the fewest steps over all sets of paths, by a shortest-path search over graph state x
 * covered set) when that search is small, else the largest of: the longest way to any one item,
 * and the fewest edges whose items could add up to everything aimed at.
 */
export function minimizeCover(g: StateGraph, cover: CoverResult, targets: readonly CoverageKind[] = DEFAULT_TARGETS): CoverResult {
  const kinds = new Set(targets);
  const initial = new Set(g.initialItems);
  const aimed = (i: number): boolean => kinds.has(g.coverage.items[i].kind) && cover.reachable[i] === 1 && !initial.has(i);
  interface Trimmed {
    edges: number[];
    newItems: number;
    /** Aimed-at items of each step. */
    steps: number[][];
  }
  const withSteps = (edges: number[], newItems: number): Trimmed => ({
    edges,
    newItems,
    steps: stepItems(g, edges).map((l) => l.filter(aimed)),
  });
  let paths: Trimmed[] = cover.paths.map((p) => withSteps([...p.edges], p.newItems));
  /** On how many paths each item lies. */
  const count = new Map<number, number>();
  const add = (p: Trimmed, d: number): void => {
    for (const i of new Set(p.steps.flat())) count.set(i, (count.get(i) ?? 0) + d);
  };
  for (const p of paths) add(p, 1);
  const own = (p: Trimmed): number[] => [...new Set(p.steps.flat())].filter((i) => count.get(i) === 1);
  // later paths were built to pick up what was left: try dropping them first
  for (let j = paths.length - 1; j >= 0; j--) {
    if (own(paths[j]).length === 0) {
      add(paths[j], -1);
      paths = paths.filter((_, x) => x !== j);
    }
  }
  // each path ends at the first step that covers the last item no other path covers
  paths = paths.map((p) => {
    const mine = new Set(own(p));
    let cut = 0;
    p.steps.forEach((items, x) => {
      for (const i of items)
        if (mine.has(i)) {
          cut = Math.max(cut, x + 1);
          mine.delete(i);
        }
    });
    const kept = withSteps(p.edges.slice(0, cut), p.newItems);
    add(p, -1);
    add(kept, 1);
    return kept;
  });
  paths = paths.filter((p) => p.edges.length > 0);
  // merge: a path whose own items another path's end reaches in fewer steps goes into that path
  for (let j = paths.length - 1; j >= 0 && paths.length > 1; j--) {
    const b = paths[j];
    const mine = own(b);
    const only = new Uint8Array(g.coverage.items.length);
    for (const i of mine) only[i] = 1;
    let best: { at: number; edges: number[] } | undefined;
    for (const a of mergeCandidates(g, paths, j, only)) {
      const extended = greedyCover(g, {
        aim: only,
        prefix: paths[a].edges,
        onePath: true,
        maxLength: paths[a].edges.length + b.edges.length,
      });
      const edges = extended.paths[0]?.edges ?? [];
      const grown = edges.length - paths[a].edges.length;
      if (grown <= 0 || grown >= b.edges.length || mine.some((i) => !extended.covered[i])) continue;
      if (!best || grown < best.edges.length - paths[best.at].edges.length) best = { at: a, edges: [...edges] };
    }
    if (!best) continue;
    const merged = withSteps(best.edges, paths[best.at].newItems + b.newItems);
    add(paths[best.at], -1);
    add(b, -1);
    add(merged, 1);
    paths[best.at] = merged;
    paths = paths.filter((_, x) => x !== j);
  }
  return { ...cover, paths: paths.map(({ edges, newItems }) => ({ edges, newItems })) };
}

/**
 * The paths (indices, at most two) whose end is nearest to an edge covering one of `only`: the ones
 * worth trying to extend with path j's items. A path that ends in a crash cannot be extended.
 */
function mergeCandidates(g: StateGraph, paths: readonly { edges: readonly number[] }[], j: number, only: Uint8Array): number[] {
  // backward breadth-first from the edges that cover one of the items
  const into: number[][] = Array.from({ length: g.states }, () => []);
  const dist = new Int32Array(g.states).fill(-1);
  const queue: number[] = [];
  for (let s = 0; s < g.states; s++)
    for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
      if (g.edgeTo[e] !== CRASH) into[g.edgeTo[e]].push(s);
      if (dist[s] < 0)
        for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++)
          if (only[g.edgeItems[k]]) {
            dist[s] = 0;
            queue.push(s);
            break;
          }
    }
  for (let h = 0; h < queue.length; h++)
    for (const s of into[queue[h]])
      if (dist[s] < 0) {
        dist[s] = dist[queue[h]] + 1;
        queue.push(s);
      }
  const ends = paths
    .map((p, a) => ({ a, end: p.edges.length ? g.edgeTo[p.edges[p.edges.length - 1]] : 0 }))
    .filter(({ a, end }) => a !== j && end !== CRASH && dist[end] >= 0)
    .sort((x, y) => dist[x.end] - dist[y.end] || x.a - y.a);
  return ends.slice(0, 2).map((x) => x.a);
}

export interface StepsBound {
  readonly steps: number;
  /** True when `steps` is the exact minimum, not only a bound. */
  readonly exact: boolean;
  /** With `exact`: a cover of that many steps, as paths of edges. */
  readonly paths?: readonly (readonly number[])[];
}

/** Largest search (graph states x 2^items) the exact minimum is computed for. */
const EXACT_LIMIT = 1 << 22;

export function stepsLowerBound(g: StateGraph, reachable: Uint8Array, targets: readonly CoverageKind[] = DEFAULT_TARGETS): StepsBound {
  const kinds = new Set(targets);
  const initial = new Set(g.initialItems);
  const wanted = g.coverage.items.map((it, i) => i).filter((i) => reachable[i] && kinds.has(g.coverage.items[i].kind) && !initial.has(i));
  const bit = new Map(wanted.map((i, b) => [i, b]));
  // a pair is not an item of one edge: the exact search, whose state is (graph state, covered set), cannot see it
  const pairs = wanted.filter((i) => g.coverage.items[i].kind === 'pair');
  if (!pairs.length && wanted.length <= 20 && g.states * 2 ** wanted.length <= EXACT_LIMIT) {
    const maskOf = new Int32Array(g.edges);
    for (let e = 0; e < g.edges; e++)
      for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++) {
        const b = bit.get(g.edgeItems[k]);
        if (b !== undefined) maskOf[e] |= 1 << b;
      }
    return { ...exactMinimum(g, maskOf, wanted.length), exact: true };
  }
  // the nearest edge covering each item: any cover walks at least that far for the farthest item
  const dist = new Int32Array(g.states).fill(-1);
  dist[0] = 0;
  const order = [0];
  const best = new Map<number, number>();
  for (let h = 0; h < order.length; h++) {
    const u = order[h];
    for (let e = g.edgeStart[u]; e < g.edgeStart[u + 1]; e++) {
      for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++)
        if (bit.has(g.edgeItems[k]) && !best.has(g.edgeItems[k])) best.set(g.edgeItems[k], dist[u] + 1);
      const to = g.edgeTo[e];
      if (to !== CRASH && dist[to] < 0) {
        dist[to] = dist[u] + 1;
        order.push(to);
      }
    }
  }
  for (const p of pairs) best.set(p, g.pairs.reachable.get(p)!.steps);
  let far = 0;
  for (const d of best.values()) far = Math.max(far, d);
  // Every step takes one edge. Without pairs, taking an edge again adds nothing, so k steps cover at
  // most what the k richest edges hold. A pair is new or not by what came before, so an edge taken
  // again may add pairs: then each step adds at most what the richest edge can (its items, and one
  // pair per transition it takes, the pair that transition ends).
  const gains: number[] = [];
  for (let e = 0; e < g.edges; e++) {
    let n = 0;
    for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++) if (bit.has(g.edgeItems[k])) n++;
    if (pairs.length) n += g.transitionStart[g.runStart[e + 1]] - g.transitionStart[g.runStart[e]];
    gains.push(n);
  }
  gains.sort((x, y) => y - x);
  let edges = 0;
  if (pairs.length) edges = gains[0] > 0 ? Math.ceil(wanted.length / gains[0]) : 0;
  else for (let sum = 0; sum < wanted.length && edges < gains.length && gains[edges] > 0; edges++) sum += gains[edges];
  return { steps: Math.max(far, edges), exact: false };
}

/** 0-1 BFS over (state, covered set): a step costs 1, starting a new path from the initial state costs 0. */
function exactMinimum(g: StateGraph, maskOf: Int32Array, n: number): { steps: number; paths: number[][] } {
  const full = (1 << n) - 1;
  if (full === 0) return { steps: 0, paths: [] };
  const size = g.states * (full + 1);
  const dist = new Int32Array(size).fill(-1);
  /** How each search state was reached: the edge (or -1, a new path) and the state before. */
  const viaEdge = new Int32Array(size).fill(-1);
  const viaFrom = new Int32Array(size).fill(-1);
  const deque = new Int32Array(size * 2 + 2);
  let head = size + 1;
  let tail = size + 1;
  const key = (s: number, m: number): number => s * (full + 1) + m;
  const settled = new Uint8Array(size);
  dist[key(0, 0)] = 0;
  deque[tail++] = key(0, 0);
  while (head < tail) {
    const k = deque[head++];
    if (settled[k]) continue;
    settled[k] = 1;
    const s = Math.floor(k / (full + 1));
    const m = k % (full + 1);
    if (m === full) return { steps: dist[k], paths: unwind(k, viaEdge, viaFrom) };
    const relax = (to: number, cost: number, edge = -1): void => {
      const d = dist[k] + cost;
      if (dist[to] < 0 || d < dist[to]) {
        dist[to] = d;
        viaEdge[to] = edge;
        viaFrom[to] = k;
        if (cost === 0) deque[--head] = to;
        else deque[tail++] = to;
      }
    };
    if (s !== 0) relax(key(0, m), 0);
    for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
      const m2 = m | maskOf[e];
      const to = g.edgeTo[e];
      if (to === CRASH) {
        // the path ends in the crash: go on with a new path
        relax(key(0, m2), 1, e);
        viaEdge[key(0, m2)] = e === viaEdge[key(0, m2)] ? -2 - e : viaEdge[key(0, m2)];
      } else relax(key(to, m2), 1, e);
    }
  }
  return { steps: -1, paths: [] };
}

/** The paths of the search's answer: edges back to the start; a -1 link starts a new path, a crash (-2 - e) ends one. */
function unwind(k: number, viaEdge: Int32Array, viaFrom: Int32Array): number[][] {
  const paths: number[][] = [[]];
  for (let x = k; viaFrom[x] >= 0; x = viaFrom[x]) {
    const e = viaEdge[x];
    if (e === -1) {
      if (paths[0].length) paths.unshift([]);
    } else if (e <= -2) {
      if (paths[0].length) paths.unshift([]);
      paths[0].unshift(-2 - e);
    } else paths[0].unshift(e);
  }
  return paths.filter((p) => p.length > 0);
}

/**
 * The smallest cover this module can give: the exact minimum where it was computed and beats the
 * trimmed greedy cover, else the trimmed greedy cover; with the bound and the greedy size for the report.
 */
export function smallestCover(
  g: StateGraph,
  greedy: CoverResult,
  targets: readonly CoverageKind[] = DEFAULT_TARGETS,
): { cover: CoverResult; bound: StepsBound; greedySteps: number } {
  const total = (c: CoverResult): number => c.paths.reduce((n, p) => n + p.edges.length, 0);
  const trimmed = minimizeCover(g, greedy, targets);
  const bound = stepsLowerBound(g, greedy.reachable, targets);
  let cover = trimmed;
  if (bound.exact && bound.paths && bound.steps < total(trimmed)) {
    const covered = new Uint8Array(greedy.covered.length);
    for (const i of g.initialItems) covered[i] = 1;
    const paths = bound.paths.map((edges) => {
      let fresh = 0;
      for (const e of edges)
        for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++)
          if (!covered[g.edgeItems[k]]) {
            covered[g.edgeItems[k]] = 1;
            fresh++;
          }
      return { edges, newItems: fresh };
    });
    cover = { paths, reachable: greedy.reachable, covered };
  }
  const { paths: _p, ...b } = bound;
  return { cover, bound: b, greedySteps: total(greedy) };
}
