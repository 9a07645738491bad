/**
 * The path cover: paths from the initial state that together take every reachable coverage item of the
 * chosen kinds, each extended greedily to the nearest uncovered item rather than restarted.
 */
import type { CoverageKind } from './coverageItems.ts';
import { CRASH, type StateGraph } from './stateGraph.ts';

/** A covering path: edges of the state graph from the initial state, in order. */
export interface CoverPath {
  readonly edges: readonly number[];
  /** Items this path covered first (it may pass through others covered before). */
  readonly newItems: number;
}

export interface CoverResult {
  readonly paths: readonly CoverPath[];
  /** Items some reachable edge (or the initial state) covers. */
  readonly reachable: Uint8Array;
  readonly covered: Uint8Array;
}

export interface CoverOptions {
  /** A path stops growing at this many steps and the next one starts from the initial state. */
  readonly maxLength?: number;
  /** The kinds of item the paths aim at (default: states, transitions and guard outcomes). */
  readonly targets?: readonly CoverageKind[];
}

export const DEFAULT_TARGETS: readonly CoverageKind[] = ['state', 'transition', 'guard'];

/**
 * Greedy path cover of every reachable state node and transition. A path starts at the initial
 * state and repeatedly walks the shortest way (BFS) to the nearest edge that covers something not
 * yet covered, preferring at that distance the edge that covers most; it ends when nothing
 * uncovered is reachable from where it stands, at a crashing step, or at maxLength. Extending
 * from the current state rather than restarting is what keeps the number of paths small: one path
 * typically covers dozens of items, where shortest-path-per-target tools need one path each.
 * Crashing edges are taken only when no other uncovered item is reachable, since they end the path.
 */
export function greedyCover(g: StateGraph, options: CoverOptions = {}): CoverResult {
  const maxLength = options.maxLength ?? 1000;
  const nItems = g.coverage.items.length;
  const kinds = new Set(options.targets ?? DEFAULT_TARGETS);
  const aimed = Uint8Array.from(g.coverage.items, (item) => (kinds.has(item.kind) ? 1 : 0));
  const reachable = new Uint8Array(nItems);
  const covered = new Uint8Array(nItems);
  for (const i of g.initialItems) reachable[i] = 1;
  for (let k = 0; k < g.edgeItems.length; k++) reachable[g.edgeItems[k]] = 1;
  let remaining = 0;
  for (let i = 0; i < nItems; i++) remaining += reachable[i] & aimed[i];
  /** Marks what edge e covers; returns how many aimed-at items were new. */
  const cover = (e: number): number => {
    let fresh = 0;
    for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++) {
      const i = g.edgeItems[k];
      if (!covered[i]) {
        covered[i] = 1;
        fresh += aimed[i];
      }
    }
    remaining -= fresh;
    return fresh;
  };
  for (const i of g.initialItems) {
    if (!covered[i]) {
      covered[i] = 1;
      remaining -= aimed[i];
    }
  }
  const gain = (e: number): number => {
    let n = 0;
    for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++) {
      const i = g.edgeItems[k];
      if (!covered[i]) n += aimed[i];
    }
    return n;
  };

  const seen = new Int32Array(g.states);
  const parentEdge = new Int32Array(g.states);
  const queue = new Int32Array(g.states);
  let stamp = 0;

  /** Shortest walk from `from` to the best nearest edge with something uncovered, as edges; empty if none. */
  const nearest = (from: number): number[] => {
    stamp++;
    let head = 0;
    let tail = 0;
    queue[tail++] = from;
    seen[from] = stamp;
    parentEdge[from] = -1;
    let best = -1;
    let bestGain = 0;
    let crash = -1;
    let crashGain = 0;
    let crashLevel = -1;
    let level = 0;
    let levelEnd = tail;
    while (head < tail) {
      if (head === levelEnd) {
        if (best >= 0) break;
        levelEnd = tail;
        level++;
      }
      const u = queue[head++];
      for (let e = g.edgeStart[u]; e < g.edgeStart[u + 1]; e++) {
        const to = g.edgeTo[e];
        const n = gain(e);
        if (n > 0) {
          if (to === CRASH) {
            // the nearest crashing edge, the one covering most at that distance
            if (crash < 0 || (level === crashLevel && n > crashGain)) {
              crash = e;
              crashGain = n;
              crashLevel = level;
            }
          } else if (n > bestGain) {
            best = e;
            bestGain = n;
          }
        }
        if (to !== CRASH && seen[to] !== stamp) {
          seen[to] = stamp;
          parentEdge[to] = e;
          queue[tail++] = to;
        }
      }
    }
    const last = best >= 0 ? best : crash;
    if (last < 0) return [];
    const walk = [last];
    for (let s = sourceOf(last); parentEdge[s] >= 0; s = sourceOf(parentEdge[s])) walk.push(parentEdge[s]);
    return walk.reverse();
  };
  const sourceOf = (e: number): number => {
    // edges are stored grouped by source in state order: binary search edgeStart
    let lo = 0;
    let hi = g.states - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (g.edgeStart[mid] <= e) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  const paths: CoverPath[] = [];
  while (remaining > 0) {
    const edges: number[] = [];
    let fresh = 0;
    let at = 0;
    while (edges.length < maxLength) {
      const walk = nearest(at);
      if (walk.length === 0) break;
      for (const e of walk) {
        edges.push(e);
        fresh += cover(e);
      }
      const end = g.edgeTo[walk[walk.length - 1]];
      if (end === CRASH) break;
      at = end;
    }
    if (edges.length === 0) break;
    paths.push({ edges, newItems: fresh });
  }
  return { paths, reachable, covered };
}
