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
 * so no XState call is made), looked up in the store. The liveness check visits a state once for each property
 * (and again for the lasso of one that fails: the region's pass, Tarjan's, each component's judgement), and a step
 * that reaches a third actor is not in the memo but cascaded again at each visit: so a state's successors are kept once
 * worked out (12 bytes an edge, 6 a state), up to `cacheBytes`, and states past that are worked out again
 * at each visit, as before.
 *
 * A step that commits a fatal violation (an oops) leads to CRASH, outside the graph: exploration
 * stopped there, as the task did. It is still an enabled step: a fair behaviour that must take it
 * ends in that oops, which is a finding of its own, and does not stay round a cycle (so a waiter
 * whose only way on is an oops is not reported again as a hang). Blocked steps are not edges.
 */
export const CRASH = -1;

/** The most the kept successors take without a memory budget: 2 GiB, 178M edges (with one, a quarter of what it has left). */
export const CACHE_BYTES = 2 ** 31;
/**
 * The most words in a chunk of kept successors (4 MiB), more than a state's 65,535 take; a chunk's offsets fit in
 * CHUNK_BITS bits, and MAX_CHUNKS chunks (8 GiB at most) in the rest of a 31-bit position. The first chunk is small:
 * most of the matrix's graphs have a few hundred states.
 */
const CHUNK_BITS = 20;
const CHUNK_WORDS = 1 << CHUNK_BITS;
const MAX_CHUNKS = 1 << (31 - CHUNK_BITS);
const FIRST_CHUNK_WORDS = 1 << 12;

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
  /** Per state, where its kept successors start (chunk << CHUNK_BITS | offset; -1: not kept), and how many. */
  private readonly keptAt: Int32Array;
  private readonly keptCount: Uint16Array;
  /**
   * The kept successors: to, label and class, three words each, in chunks that are never copied (so the bound
   * holds while they grow), each twice the last up to 2^CHUNK_BITS words; a state's words lie in one chunk.
   * `used` words of the last.
   */
  private readonly chunks: Int32Array[] = [];
  private used = 0;
  private keptBytes = 0;

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
    return this.keptBytes + this.keptAt.byteLength + this.keptCount.byteLength;
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
    const chunk = this.chunks[at >>> CHUNK_BITS];
    for (let i = 0, j = at & (CHUNK_WORDS - 1); i < n; i++, j += 3) {
      this.to[i] = chunk[j];
      this.label[i] = chunk[j + 1];
      this.cls[i] = chunk[j + 2];
    }
    this.count = n;
    return n;
  }

  /** Keeps state s's `n` successors (in to/label/cls) if there is room. */
  private keep(s: number, n: number): void {
    if (n > 0xffff) return;
    const last = this.chunks.length - 1;
    if (last < 0 || this.used + 3 * n > this.chunks[last].length) {
      let words = last < 0 ? FIRST_CHUNK_WORDS : Math.min(2 * this.chunks[last].length, CHUNK_WORDS);
      while (words < 3 * n) words *= 2;
      if (this.bytes() + 4 * words > this.cacheBytes || this.chunks.length === MAX_CHUNKS) return;
      this.chunks.push(new Int32Array(words));
      this.keptBytes += 4 * words;
      this.used = 0;
    }
    const chunk = this.chunks[this.chunks.length - 1];
    for (let i = 0, j = this.used; i < n; i++, j += 3) {
      chunk[j] = this.to[i];
      chunk[j + 1] = this.label[i];
      chunk[j + 2] = this.cls[i];
    }
    this.keptAt[s] = ((this.chunks.length - 1) << CHUNK_BITS) | this.used;
    this.keptCount[s] = n;
    this.used += 3 * n;
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
