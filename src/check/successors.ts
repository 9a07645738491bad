/**
 * The successors of a stored state, as the liveness checks need them: every non-blocked step to a state that
 * continues, with its label.
 */
import { STEP_BLOCKED, STEP_OK, stepLabel } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import type { Fairness } from './fairness.ts';
import type { StateStore } from './stateStore.ts';

/**
 * The explored graph's edges, recomputed on demand: a state's successors are its steps again, through
 * the system's memoized step relation (after exploration every actor state and pair step is in the memo,
 * so no XState call is made), looked up in the store. The liveness check visits a state several times
 * (the region's pass, Tarjan's, each component's judgement, for each property), and a step that reaches a
 * third actor is not in the memo but cascaded again at each visit: so a state's successors are kept once
 * worked out (12 bytes an edge, 6 a state), up to `cacheBytes`, and states past that are worked out again
 * at each visit, as before.
 *
 * A step that commits a fatal violation (an oops) leads to CRASH, outside the graph: exploration
 * stopped there, as the task did. It is still an enabled step: a fair behaviour that must take it
 * ends in that oops, which is a finding of its own, and does not stay round a cycle (so a waiter
 * whose only way on is an oops is not reported again as a hang). Blocked steps are not edges.
 */
export const CRASH = -1;

/** The most the kept successors take by default: 256 MiB, 22M edges. */
export const CACHE_BYTES = 256 << 20;

export class Successors {
  /** The last expanded state's successors: target index, step label, fair class. */
  to = new Int32Array(64);
  label = new Int32Array(64);
  cls = new Int32Array(64);
  count = 0;
  /** States whose successors were worked out from their steps (a kept state's, once): the cost of not storing the edges. */
  expansions = 0;
  private readonly vec: Int32Array;
  private readonly out: Int32Array;
  /** Per state, where its kept successors start in `kept` (-1: not kept), and how many. */
  private readonly keptAt: Int32Array;
  private readonly keptCount: Uint16Array;
  /** The kept successors: to, label and class, three words each, `keptWords` of them used. */
  private kept = new Int32Array(0);
  private keptWords = 0;

  constructor(
    private readonly system: System,
    private readonly store: StateStore,
    private readonly fairness: Fairness,
    /** The most bytes the kept successors may take, their per-state arrays included (0: none kept). */
    private readonly cacheBytes = CACHE_BYTES,
  ) {
    this.vec = new Int32Array(system.width);
    this.out = new Int32Array(system.width);
    const n = cacheBytes >= 6 * store.count ? store.count : 0;
    this.keptAt = new Int32Array(n).fill(-1);
    this.keptCount = new Uint16Array(n);
  }

  /** Bytes the kept successors take. */
  bytes(): number {
    return this.kept.byteLength + this.keptAt.byteLength + this.keptCount.byteLength;
  }

  /** Fills to/label/cls with the successors of state `s`; returns how many. */
  expand(s: number): number {
    if (s < this.keptAt.length) {
      const at = this.keptAt[s];
      if (at >= 0) return this.fromKept(at, this.keptCount[s]);
      const n = this.work(s);
      this.keep(s, n);
      return n;
    }
    return this.work(s);
  }

  /** Copies `n` kept successors from `at` into to/label/cls. */
  private fromKept(at: number, n: number): number {
    while (n > this.to.length) this.grow();
    const kept = this.kept;
    for (let i = 0, j = at; i < n; i++, j += 3) {
      this.to[i] = kept[j];
      this.label[i] = kept[j + 1];
      this.cls[i] = kept[j + 2];
    }
    this.count = n;
    return n;
  }

  /** Keeps state s's `n` successors (in to/label/cls) if there is room. */
  private keep(s: number, n: number): void {
    if (n > 0xffff) return;
    const need = this.keptWords + 3 * n;
    if (need > this.kept.length) {
      const fixed = this.keptAt.byteLength + this.keptCount.byteLength;
      const words = Math.min(Math.max(2 * this.kept.length, need, 1024), Math.floor((this.cacheBytes - fixed) / 4));
      if (words < need) return;
      const grown = new Int32Array(words);
      grown.set(this.kept.subarray(0, this.keptWords));
      this.kept = grown;
    }
    const kept = this.kept;
    for (let i = 0, j = this.keptWords; i < n; i++, j += 3) {
      kept[j] = this.to[i];
      kept[j + 1] = this.label[i];
      kept[j + 2] = this.cls[i];
    }
    this.keptAt[s] = this.keptWords;
    this.keptCount[s] = n;
    this.keptWords = need;
  }

  /** The successors of state `s` worked out from its steps. */
  private work(s: number): number {
    this.expansions++;
    const { system, vec, out } = this;
    const w = system.width;
    this.store.load(s, vec);
    let n = 0;
    for (let a = 0; a < w; a++) {
      const offers = system.actors[a].offers(vec[a]);
      for (let o = 0; o < offers.length; o++) {
        out.set(vec);
        const r = system.step(out, a, o);
        if (r === STEP_BLOCKED) continue;
        let to = CRASH;
        if (r === STEP_OK || system.violation(r).continues) {
          const known = this.store.add(out, -1, -1);
          if (known >= 0) throw new Error(`internal: a successor of state ${s} was not in the explored graph`);
          to = -1 - known;
        }
        if (n === this.to.length) this.grow();
        this.to[n] = to;
        this.label[n] = stepLabel(a, o);
        this.cls[n] = this.fairness.classOf(a, vec[a], o);
        n++;
      }
    }
    this.count = n;
    return n;
  }

  private grow(): void {
    const g = (x: Int32Array) => {
      const y = new Int32Array(x.length * 2);
      y.set(x);
      return y;
    };
    this.to = g(this.to);
    this.label = g(this.label);
    this.cls = g(this.cls);
  }
}
