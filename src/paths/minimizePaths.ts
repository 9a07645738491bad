import { DEFAULT_TARGETS, type CoverPath, type CoverResult } from './greedyCover.ts';
import type { CoverageKind } from './coverageItems.ts';
import { CRASH, type StateGraph } from './stateGraph.ts';

/**
 * The post-pass that makes a greedy cover smaller without losing anything it covers: a path whose
 * aimed-at items all lie on other paths is dropped, and each path is cut after its last step that
 * covers an item no other path covers (a prefix of a path is still a path). Then a lower bound on the
 * total steps of any cover: exact (the fewest steps over all sets of paths, by a shortest-path search
 * over graph state x covered set) when that search is small, else the longest way to any one item.
 */
export function minimizeCover(g: StateGraph, cover: CoverResult, targets: readonly CoverageKind[] = DEFAULT_TARGETS): CoverResult {
  const kinds = new Set(targets);
  const aimed = (i: number): boolean => kinds.has(g.coverage.items[i].kind) && cover.reachable[i] === 1;
  const itemsOf = (e: number): number[] => {
    const out: number[] = [];
    for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++) if (aimed(g.edgeItems[k])) out.push(g.edgeItems[k]);
    return out;
  };
  const initial = new Set(g.initialItems);
  const count = new Map<number, number>();
  const add = (edges: readonly number[], d: number): void => {
    for (const e of edges) for (const i of new Set(itemsOf(e))) count.set(i, (count.get(i) ?? 0) + d);
  };
  let paths: CoverPath[] = cover.paths.map((p) => ({ ...p, edges: [...p.edges] }));
  for (const p of paths) add(p.edges, 1);
  // later paths were built to pick up what was left: try dropping them first
  for (let j = paths.length - 1; j >= 0; j--) {
    const own = new Set(paths[j].edges.flatMap(itemsOf));
    if ([...own].every((i) => initial.has(i) || pathCount(paths, i, itemsOf) > 1)) {
      add(paths[j].edges, -1);
      paths = paths.filter((_, x) => x !== j);
    }
  }
  // each path ends at the first step that covers the last item no other path covers
  paths = paths.map((p) => {
    const mine = new Map<number, number>();
    for (const e of p.edges) for (const i of new Set(itemsOf(e))) mine.set(i, (mine.get(i) ?? 0) + 1);
    let cut = 0;
    p.edges.forEach((e, x) => {
      for (const i of itemsOf(e))
        if (!initial.has(i) && (count.get(i) ?? 0) === mine.get(i) && x + 1 > cut) cut = firstAt(p.edges, i, itemsOf) + 1;
    });
    add(p.edges.slice(cut), -1);
    return { ...p, edges: p.edges.slice(0, cut) };
  });
  return { ...cover, paths: paths.filter((p) => p.edges.length > 0) };
}

/** On how many paths item i lies (counting each path once). */
function pathCount(paths: readonly CoverPath[], i: number, itemsOf: (e: number) => number[]): number {
  return paths.filter((p) => p.edges.some((e) => itemsOf(e).includes(i))).length;
}

/** The first step of a path that covers item i. */
function firstAt(edges: readonly number[], i: number, itemsOf: (e: number) => number[]): number {
  return edges.findIndex((e) => itemsOf(e).includes(i));
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
  const maskOf = new Int32Array(g.edges);
  for (let e = 0; e < g.edges; e++)
    for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++) {
      const b = bit.get(g.edgeItems[k]);
      if (b !== undefined) maskOf[e] |= 1 << b;
    }
  if (wanted.length <= 20 && g.states * 2 ** wanted.length <= EXACT_LIMIT)
    return { ...exactMinimum(g, maskOf, wanted.length), exact: true };
  // the nearest edge covering each item: any cover walks at least that far for the farthest item
  const dist = new Int32Array(g.states).fill(-1);
  dist[0] = 0;
  const order = [0];
  let far = 0;
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
  for (const d of best.values()) far = Math.max(far, d);
  return { steps: far, exact: false };
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
