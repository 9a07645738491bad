/**
 * The successors of a stored state, as the liveness checks need them: every non-blocked step to a state that
 * continues, with its label and fair class. They are kept per state once known: recorded by the exploration as it
 * meets them (in a run that looks every edge up anyway), or worked out from the steps at the check's first visit.
 */
import { STEP_BLOCKED, STEP_OK, stepActor, stepLabel } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import { UNFAIR, type FairClass, type Fairness } from './fairness.ts';
import type { StateStore } from './stateStore.ts';

/**
 * The explored graph's edges: a state's successors are its steps again, through the system's memoized step relation
 * (after exploration every actor state and pair step is in the memo, so no XState call is made), looked up in the
 * store. The liveness check visits a state once for each property (and again for the lasso of one that fails: the
 * region's pass, Tarjan's, each component's judgement), and a step that reaches a third actor is not in the memo but
 * cascaded again at each visit: so a state's successors are kept once known (12 bytes an edge, 6 a state), up to
 * `cacheBytes`, and states past that are worked out again at each visit. A run that keeps the progress check's edges
 * looks every successor up as it explores, and records them here as it goes (`recordStart`, `record`, `recordEnd`):
 * then the check works no state out at all (it did each once, 20% of `check --all`).
 *
 * Fair classes are numbered twice. The Fairness instance numbers them as they are first classed, which in a
 * recording run is the exploration's order, and that differs with what the run recorded (a run resumed from a
 * checkpoint, or one whose levels ran on threads, records less). The check numbers them in the order its own visits
 * meet them (`meet`), and `cls` is given in that numbering: the order the check has always met them in, so its
 * lassos' obligations and its report do not depend on what was recorded.
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
  private keptAt: Int32Array;
  private keptCount: Uint16Array;
  /**
   * The kept successors: to, label and class, three words each, in chunks that are never copied (so the bound
   * holds while they grow), each twice the last up to 2^CHUNK_BITS words; a state's words lie in one chunk.
   * `used` words of the last. A state's classes are in the Fairness instance's numbering until the check first
   * visits it, and in the check's from then on (`expand`).
   */
  private readonly chunks: Int32Array[] = [];
  private used = 0;
  private keptBytes = 0;
  /** Per state, whether the check has expanded it (`meet`): made at its first visit. */
  private visited = new Uint8Array(0);
  /** The fair classes in the check's numbering (see above): what `cls` holds after `expand`. */
  readonly checked: { readonly classes: FairClass[] } = { classes: [] };
  /** The check's number of each of the Fairness instance's classes (-1: not met yet). */
  private checkId = new Int32Array(16).fill(-1);
  /** Set once the recorded successors were let go (`release`): the exploration records no more. */
  private released = false;

  constructor(
    private readonly system: System,
    private readonly store: StateStore,
    readonly fairness: Fairness,
    /** The most bytes the kept successors may take, their per-state arrays included (0: none kept). */
    private cacheBytes = CACHE_BYTES,
    /** Asked before the kept successors grow (a memory budget's `allows`): false keeps no more. */
    private readonly room: (bytes: number) => boolean = () => true,
  ) {
    this.vec = new Int32Array(system.width);
    this.out = new Int32Array(system.width);
    const n = cacheBytes >= 6 * store.count ? store.count : 0;
    this.keptAt = new Int32Array(n).fill(-1);
    this.keptCount = new Uint16Array(n);
    // Classes the mode declares before any step is classed (`Next`) come first, as they always did.
    for (let c = 0; c < fairness.count; c++) this.number(c);
  }

  /**
   * Starts recording the successors of the state being explored (explore.ts, in a run that keeps every edge): its
   * steps are met in the order `work` takes them, each target already looked up.
   */
  recordStart(): void {
    this.count = 0;
  }

  /** A successor of the state being recorded: its target (CRASH for an oops), its step label, and offer `o` of actor `a` in its state `id`, which it takes (for its fair class). */
  record(to: number, label: number, a: number, id: number, o: number): void {
    const n = this.count;
    if (n === this.to.length) this.grow();
    this.to[n] = to;
    this.label[n] = label;
    this.cls[n] = this.fairness.classOf(a, id, o);
    this.count = n + 1;
  }

  /** Keeps the successors recorded since `recordStart` as state `s`'s, when there is room. */
  recordEnd(s: number): void {
    if (!this.released && this.ensure(s)) this.keep(s, this.count);
  }

  /**
   * Lets the kept successors go, and records no more: what a run under a memory budget does when its store needs the
   * room (explore.ts). The check then works them out, as it did before they were recorded.
   */
  release(): void {
    this.released = true;
    this.chunks.length = 0;
    this.used = 0;
    this.keptBytes = 0;
    this.keptAt = new Int32Array(0);
    this.keptCount = new Uint16Array(0);
  }

  /**
   * Before the check: the per-state arrays reach every stored state (they grew only as far as the exploration recorded,
   * and a resumed run's began empty), and the kept successors grow no further than `bytes`.
   */
  prepare(bytes: number): void {
    this.cacheBytes = Math.min(this.cacheBytes, Math.max(bytes, this.bytes()));
    if (this.store.count > 0) this.ensure(this.store.count - 1);
  }

  /** Whether the per-state arrays reach state `s`, grown (doubling) when there is room. */
  private ensure(s: number): boolean {
    const had = this.keptAt.length;
    if (s < had) return true;
    const n = Math.max(1024, 2 * had, s + 1, this.store.count);
    const more = 6 * (n - had);
    // The old arrays are held while the new ones are filled: room for all of the new.
    if (this.bytes() + more > this.cacheBytes || !this.room(6 * n)) return false;
    const at = new Int32Array(n).fill(-1);
    at.set(this.keptAt);
    const count = new Uint16Array(n);
    count.set(this.keptCount);
    this.keptAt = at;
    this.keptCount = count;
    return true;
  }

  /** Bytes the kept successors take (and the check's byte a state of `meet`). */
  bytes(): number {
    return this.keptBytes + this.keptAt.byteLength + this.keptCount.byteLength + this.visited.byteLength;
  }

  /** Fills to/label/cls with the successors of state `s`; returns how many. */
  expand(s: number): number {
    const at = s < this.keptAt.length ? this.keptAt[s] : -1;
    // `visited` is made at the first visit (empty, it reads undefined for every state).
    const first = this.visited[s] !== 1;
    if (at >= 0) {
      const n = this.fromKept(at, this.keptCount[s]);
      // A kept state's classes are in the check's numbering from its first visit on: translated once, there.
      if (first) {
        this.meet(s, n);
        this.translate(n);
        const chunk = this.chunks[at >>> CHUNK_BITS];
        for (let i = 0, j = (at & (CHUNK_WORDS - 1)) + 2; i < n; i++, j += 3) chunk[j] = this.cls[i];
      }
      return n;
    }
    const n = this.work(s);
    if (first) this.meet(s, n);
    this.translate(n);
    if (s < this.keptAt.length) this.keep(s, n);
    return n;
  }

  /** The `n` successors' classes (in `cls`) from the Fairness instance's numbering into the check's. */
  private translate(n: number): void {
    const { cls, checkId } = this;
    for (let i = 0; i < n; i++) if (cls[i] !== UNFAIR) cls[i] = checkId[cls[i]];
  }

  /**
   * Numbers, in the check's order, the classes state `s`'s successors (`n` of them, in to/label/cls) make met: those of
   * every offer of each actor with a step there, as working the state out classes them (Fairness.classOf classes all
   * of an actor state's offers at once). Once a state, at its first visit.
   */
  private meet(s: number, n: number): void {
    if (this.visited.length === 0) this.visited = new Uint8Array(this.store.count);
    this.visited[s] = 1;
    this.store.load(s, this.vec);
    let last = -1;
    for (let i = 0; i < n; i++) {
      const a = stepActor(this.label[i]);
      if (a === last) continue;
      last = a;
      const classes = this.fairness.offerClasses(a, this.vec[a]);
      for (let o = 0; o < classes.length; o++) if (classes[o] !== UNFAIR) this.number(classes[o]);
    }
  }

  /** Gives the Fairness instance's class `c` the check's next number, unless it has one. */
  private number(c: number): void {
    if (c >= this.checkId.length) {
      const more = new Int32Array(Math.max(c + 1, 2 * this.checkId.length)).fill(-1);
      more.set(this.checkId);
      this.checkId = more;
    }
    if (this.checkId[c] >= 0) return;
    this.checkId[c] = this.checked.classes.length;
    this.checked.classes.push(this.fairness.classes[c]);
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
      if (this.bytes() + 4 * words > this.cacheBytes || this.chunks.length === MAX_CHUNKS || !this.room(4 * words)) return;
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
