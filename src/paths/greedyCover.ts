/**
 * The path cover: paths from the initial state that together take every reachable coverage item of the
 * chosen kinds, each extended greedily to the nearest uncovered item rather than restarted.
 */
import type { CoverageKind } from './coverageItems.ts';
import { advanceLasts } from './pathItems.ts';
import { CRASH, type StateGraph } from './stateGraph.ts';
import { forEachPair, lastAfter, shortestPathsToPairs } from './transitionPairs.ts';

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
  /** Aim at exactly these items (1 per item id) instead of `targets`' kinds. */
  readonly aim?: Uint8Array;
  /** The first path starts with these edges (from the initial state) and grows from where they end. */
  readonly prefix?: readonly number[];
  /** Build that first path only (no more paths, no pair paths). */
  readonly onePath?: boolean;
}

export const DEFAULT_TARGETS: readonly CoverageKind[] = ['state', 'transition', 'guard', 'wait'];

/**
 * Greedy path cover of every reachable item of the kinds aimed at. A path starts at the initial
 * state and repeatedly walks the shortest way (BFS) to the nearest edge that covers something not
 * yet covered, preferring at that distance the edge that covers most; it ends when nothing
 * uncovered is reachable from where it stands, at a crashing step, or at maxLength. Extending
 * from the current state rather than restarting is what keeps the number of paths small: one path
 * typically covers dozens of items, where shortest-path-per-target tools need one path each.
 * Crashing edges are taken only when no other uncovered item is reachable, since they end the path.
 * A transition pair depends on the path, not only on the edge: while searching, the last transition
 * of each actor at a state is read off the search tree's path to it (and the path walked so far).
 * The tree gives one way to each state, so a pair that needs another way in can be missed; those
 * pairs get a shortest path of their own at the end (src/paths/transitionPairs.ts), so every
 * reachable pair aimed at is covered.
 */
export function greedyCover(g: StateGraph, options: CoverOptions = {}): CoverResult {
  const maxLength = options.maxLength ?? 1000;
  const nItems = g.coverage.items.length;
  const kinds = new Set(options.targets ?? DEFAULT_TARGETS);
  const aimed = options.aim ? options.aim.slice(0, nItems) : Uint8Array.from(g.coverage.items, (item) => (kinds.has(item.kind) ? 1 : 0));
  const reachable = new Uint8Array(nItems);
  const covered = new Uint8Array(nItems);
  for (const i of g.initialItems) reachable[i] = 1;
  for (let k = 0; k < g.edgeItems.length; k++) reachable[g.edgeItems[k]] = 1;
  for (const p of g.pairs.reachable.keys()) reachable[p] = 1;
  const pairsAimed = g.coverage.items.some((item, i) => item.kind === 'pair' && aimed[i] === 1);
  /** Each actor's last transition on the path walked so far. */
  const lasts = new Int32Array(g.system.width).fill(-1);
  let remaining = 0;
  for (let i = 0; i < nItems; i++) remaining += reachable[i] & aimed[i];
  const pairOf = (t1: number, t2: number): number => g.pairs.item(t1, t2);
  /** Marks what edge e covers, taken after the path walked so far; returns how many aimed-at items were new. */
  const cover = (e: number): number => {
    let fresh = 0;
    const mark = (i: number): void => {
      if (!covered[i]) {
        covered[i] = 1;
        fresh += aimed[i];
      }
    };
    for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++) mark(g.edgeItems[k]);
    forEachPair(g, e, (a) => lasts[a], pairOf, mark);
    advanceLasts(g, e, lasts);
    remaining -= fresh;
    return fresh;
  };
  for (const i of g.initialItems) {
    if (!covered[i]) {
      covered[i] = 1;
      remaining -= aimed[i];
    }
  }
  const seen = new Int32Array(g.states);
  const parentEdge = new Int32Array(g.states);
  const edgeFrom = new Int32Array(g.edges);
  for (let s = 0; s < g.states; s++) for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) edgeFrom[e] = s;
  /** Actor a's last transition at search state u: the last it took on the tree path to u, else on the path so far. */
  const lastAt = (u: number, a: number): number => {
    for (let x = u; parentEdge[x] >= 0; x = edgeFrom[parentEdge[x]]) {
      const t = lastAfter(g, parentEdge[x], a);
      if (t >= 0) return t;
    }
    return lasts[a];
  };
  /** Aimed-at items edge e (leaving search state u) would cover that are not covered yet. */
  const gain = (e: number, u: number): number => {
    let n = 0;
    for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++) {
      const i = g.edgeItems[k];
      if (!covered[i]) n += aimed[i];
    }
    if (pairsAimed)
      forEachPair(
        g,
        e,
        (a) => lastAt(u, a),
        pairOf,
        (p) => {
          if (!covered[p]) n += aimed[p];
        },
      );
    return n;
  };

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
        const n = gain(e, u);
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
    for (let s = edgeFrom[last]; parentEdge[s] >= 0; s = edgeFrom[parentEdge[s]]) walk.push(parentEdge[s]);
    return walk.reverse();
  };

  const paths: CoverPath[] = [];
  while (remaining > 0) {
    const edges: number[] = [];
    let fresh = 0;
    let at = 0;
    lasts.fill(-1);
    if (paths.length === 0 && options.prefix) {
      for (const e of options.prefix) {
        edges.push(e);
        fresh += cover(e);
        at = g.edgeTo[e];
      }
      if (at === CRASH) {
        paths.push({ edges, newItems: fresh });
        break;
      }
    }
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
    if (options.onePath) break;
  }
  if (pairsAimed && remaining > 0 && !options.onePath) {
    const missed = new Set([...g.pairs.reachable.keys()].filter((p) => aimed[p] && !covered[p]));
    const ways = shortestPathsToPairs(g, missed);
    for (const p of [...missed].sort((x, y) => x - y)) {
      const edges = ways.get(p);
      if (covered[p] || !edges) continue;
      lasts.fill(-1);
      let fresh = 0;
      for (const e of edges) fresh += cover(e);
      paths.push({ edges, newItems: fresh });
    }
  }
  return { paths, reachable, covered };
}
