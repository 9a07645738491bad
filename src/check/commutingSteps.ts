/**
 * Lookups the breadth-first search can leave out without changing anything it finds: the second way round a
 * diamond. State x was first reached from its parent p by step e2 (actor b). A step e1 of an actor a < b from x
 * reaches y. If e1 is the same step from p (a's state is the same in p and x, and a step's offer depends on its
 * actor's state alone), and p·e1 then e2 reaches y too, then y is reached from p·e1, a state numbered before x
 * (p takes a's steps before b's). On one thread p·e1 is already expanded, so looking y up again can only
 * answer "known"; in the parallel levels p·e1 may be expanded after x or on another thread, and its edge is
 * the one that inserts y (or lowers y's pending parent to its own, which is smaller). The check runs on the
 * step memo: both steps are taken from it and the result compared with y field by field. It reads no slot of
 * the visited set; it reads the parent's vector once per state, and parents of a level's states come in index
 * order, so those reads move forward through the level above.
 *
 * Only the lookup is left out: the edge is still counted and still makes its state not a deadlock. Each edge left
 * out has an earlier edge (in the order the search meets them) into the same state, so the edge that first
 * reaches a state is never one left out: states are numbered, and their parents and labels recorded, exactly
 * as without this, and so are the counts, traces, findings and checkpoints. This is partial-order reduction's
 * sleep set one step deep, with the independence of the two steps checked on the states themselves, and kept to
 * what preserves every state and every shortest path. (The proof needs some step of b from p·e1 into y; it
 * takes e2's own offer, which is that step whenever b's state is p's.)
 *
 * Not for runs that need every edge's target (the progress check's edge list, so not the one-thread search of a
 * scenario with waiters) or that store states up to symmetry (a canonical state is not p·e1·e2).
 */
import { MemoMiss } from '../compose/actorTable.ts';
import { OWN_MOVE } from '../compose/stepIndex.ts';
import { NOT_MEMOIZED, STEP_BLOCKED, STEP_OK, stepActor, stepOffer } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import type { StateStore } from './storeInterface.ts';

/** What the check reads of the states already numbered: a store, or the shared arrays of the parallel levels. */
export type NumberedStates = Pick<StateStore, 'label' | 'parent' | 'load'>;

export class CommutingSteps {
  /** The parent p of the state last asked about, loaded only when a step could commute. */
  private readonly parent: Int32Array;
  /** The state asked about; the label of its first step and its actor b (-1: none), its step e2, and whether p is loaded. */
  private state = -1;
  private label = -1;
  private first = -1;
  private step = -1;
  private target = -1;
  private loaded = false;
  /**
   * Answers already worked out, by e2 and the state of its callee t2 in p (rows[e2][p[t2]]), each a byte per
   * offer k: 0 not yet, KNOWN, or NOT_KNOWN. For an offer k that calls t2 or nobody, the answer reads nothing
   * else: k fixes a and a's state, e2 fixes b and b's state in p, and x differs from p in b and t2 alone
   * (loadParent's guard). What fixes x on b and t2 is this thread's memo of e2 from p[t2]: an entry exists only
   * for a step that touched b and t2 alone (a step that reached a third actor, even one whose state it left
   * alone, drops the offer's memo), so a row is used only where that entry answers and gives x's own b and t2.
   * Without the entry, x's fields could depend on a third actor's state (e2 taken by another thread, or before
   * a resumed run), and so could the answer. Then every field the check compares is a function of
   * (k, e2, p[t2]). At percpu_ref N=5, 6.3M of the 8.6M questions got that far, and a few thousand rows answer
   * them. An answer worked out while the memo lacked a step it needed is not kept: it would stay "not known".
   */
  private readonly rows: (Int8Array | undefined)[][] = [];
  /** This state's row (undefined: none applies). */
  private row: Int8Array | undefined;
  /**
   * Bytes the rows hold; past `rowLimits.max`, or when its `room` says the run's memory budget has none, no row is
   * made or grown (each may grow to a byte per offer the system has). Rows only save work: a question without
   * one is worked out from the memo, with the same answer.
   */
  private rowBytes = 0;
  /** Set by `decide` when the memo could not answer a step it asked for. */
  private missing = false;

  constructor(
    private readonly system: System,
    private readonly store: NumberedStates,
    private readonly rowLimits: RowLimits = {},
  ) {
    this.parent = new Int32Array(system.width);
  }

  /**
   * Whether offer `k` (its number in the system's StepIndex) of actor `a` from state `s` (whose vector is `x`),
   * which reaches x with a's id set to `aNext` and, when `t` is not -1, actor t's to `tNext`, reaches a state an
   * earlier edge reached.
   */
  known(s: number, x: Int32Array, a: number, k: number, aNext: number, t: number, tNext: number): boolean {
    if (s !== this.state) this.meet(s);
    if (a >= this.first) return false;
    if (!this.loaded) {
      this.loadParent(x);
      if (this.first < 0) return false;
    }
    let row = this.row;
    if (row === undefined || (t >= 0 && t !== this.target)) return this.decide(x, a, k, aNext, t, tNext);
    if (k < row.length) {
      const v = row[k];
      if (v !== 0) return v === KNOWN;
    } else {
      // An offer numbered past the row's end.
      const more = Math.max(2 * row.length, k + 1) - row.length;
      if (!this.roomFor(more)) return this.decide(x, a, k, aNext, t, tNext);
      const grown = new Int8Array(row.length + more);
      grown.set(row);
      this.rowBytes += more;
      this.rows[this.step][this.parent[this.target]] = this.row = row = grown;
    }
    this.missing = false;
    const known = this.decide(x, a, k, aNext, t, tNext);
    if (!this.missing) row[k] = known ? KNOWN : NOT_KNOWN;
    return known;
  }

  /** Forgets every row (their answers are worked out again when asked). */
  dropRows(): void {
    this.rows.length = 0;
    this.row = undefined;
    this.rowBytes = 0;
  }

  /** Bytes the rows hold (outside the V8 heap, in typed arrays): the memory budget counts them. */
  bytes(): number {
    return this.rowBytes;
  }

  private roomFor(bytes: number): boolean {
    const { max = ROW_BYTES, room } = this.rowLimits;
    return this.rowBytes + bytes <= max && (room?.(bytes) ?? true);
  }

  /** `known` worked out from the memo, for state s's parent p (loaded) and first step e2. */
  private decide(x: Int32Array, a: number, k: number, aNext: number, t: number, tNext: number): boolean {
    const b = this.first;
    const p = this.parent;
    if (p[a] !== x[a]) return false;
    const sys = this.system;
    // e1 from p, as the explorer takes it: the actor's own move, or the memo's whole step (the same callee t as from x).
    let za = sys.steps.next[k];
    let zt = 0;
    if (t >= 0) {
      const code = sys.memoized(p, k);
      if (code === NOT_MEMOIZED) this.missing = true;
      if (code !== STEP_OK) return false;
      za = sys.memoSelf;
      zt = sys.memoTargetNext;
    }
    // e2 from z = p·e1: the same step only if b's state is still p's.
    if (t === b && zt !== p[b]) return false;
    const e2 = this.step;
    const t2 = this.target;
    let yb = sys.steps.next[e2];
    let yt2 = 0;
    if (t2 >= 0) {
      // z is p with a and t rewritten: rewritten in place for the memo's read, then put back.
      const pa = p[a];
      const pt = t >= 0 ? p[t] : 0;
      p[a] = za;
      if (t >= 0) p[t] = zt;
      const code = sys.memoized(p, e2);
      if (t >= 0) p[t] = pt;
      p[a] = pa;
      if (code === NOT_MEMOIZED) this.missing = true;
      if (code !== STEP_OK) return false;
      yb = sys.memoSelf;
      yt2 = sys.memoTargetNext;
    }
    // p·e1·e2 against y = x·e1. Outside a, t, b and t2 both are p's (loadParent checked x). A field of one step
    // alone agrees by the memo (the same step from the same state of its callee), so what can differ is a
    // field both steps write: compared are a, b and the callees (once, when both steps call the same actor).
    return (
      this.same(a, x, a, aNext, t, tNext, za, zt, yb, yt2) &&
      this.same(b, x, a, aNext, t, tNext, za, zt, yb, yt2) &&
      (t < 0 || this.same(t, x, a, aNext, t, tNext, za, zt, yb, yt2)) &&
      (t2 < 0 || t2 === t || this.same(t2, x, a, aNext, t, tNext, za, zt, yb, yt2))
    );
  }

  /** Whether field `i` of x·e1 (x with a, then t, rewritten) equals that of p·e1·e2 (p with a, t, then b, t2 rewritten). */
  private same(
    i: number,
    x: Int32Array,
    a: number,
    aNext: number,
    t: number,
    tNext: number,
    za: number,
    zt: number,
    yb: number,
    yt2: number,
  ): boolean {
    const y = i === t ? tNext : i === a ? aNext : x[i];
    const v = i === this.target ? yt2 : i === this.first ? yb : i === t ? zt : i === a ? za : this.parent[i];
    return y === v;
  }

  /** Reads the first step into state `s` from its label; its parent's vector waits until a step could commute. */
  private meet(s: number): void {
    this.state = s;
    this.loaded = false;
    this.row = undefined;
    this.label = this.store.label(s);
    this.first = this.label < 0 ? -1 : stepActor(this.label);
  }

  /**
   * Loads p and finds e2 and the callee it changes (`target`, -1 for the actor's own move). Leaves nothing
   * out of this state (first = -1) unless e2 is a step the memo can take and x differs from p in b and that
   * callee alone: then every field the check does not compare is the same in x and p.
   */
  private loadParent(x: Int32Array): void {
    const p = this.parent;
    this.store.load(this.store.parent(this.state), p);
    this.loaded = true;
    const b = this.first;
    const steps = this.system.steps;
    let e2: number;
    try {
      e2 = steps.begin(b, p[b]) + stepOffer(this.label);
    } catch (e) {
      // A guard: p was expanded, so every thread's table has its offers (the main thread's misses are replayed
      // to the workers before the next level). Were one missing, nothing would be left out here.
      if (!(e instanceof MemoMiss)) throw e;
      this.first = -1;
      return;
    }
    this.step = e2;
    const callee = steps.callee[e2];
    const t2 = callee >= 0 ? callee : -1;
    this.target = t2;
    // A step the memo cannot take (WHOLE_STEP) leaves nothing out.
    if (callee !== OWN_MOVE && t2 < 0) this.first = -1;
    // A guard: a memo that answers for e2 holds only steps that touched b and t2 (system.ts drops it otherwise).
    for (let i = 0; i < p.length; i++) if (p[i] !== x[i] && i !== b && i !== t2) this.first = -1;
    if (this.first < 0 || t2 < 0) return;
    // The row's premise: this thread's memo has e2 from p[t2], and it reaches x's own b and t2 (see `rows`).
    const sys = this.system;
    const code = sys.memoized(p, e2);
    if (code === NOT_MEMOIZED || code === STEP_BLOCKED || sys.memoSelf !== x[b] || sys.memoTargetNext !== x[t2]) return;
    const byCallee = (this.rows[e2] ??= []);
    let row = byCallee[p[t2]];
    if (row === undefined) {
      const first = this.rowLimits.first ?? FIRST_ROW;
      if (!this.roomFor(first)) return;
      row = byCallee[p[t2]] = new Int8Array(first);
      this.rowBytes += first;
    }
    this.row = row;
  }
}

const KNOWN = 1;
const NOT_KNOWN = 2;
/** A new row's length (it grows to the largest offer number asked), and the most the rows may hold. */
const FIRST_ROW = 64;

/** What the rows may take: `max` bytes in all (ROW_BYTES), what `room` allows, and rows of `first` bytes to start (FIRST_ROW; tests make rows grow with less). */
export interface RowLimits {
  readonly max?: number;
  /** Asked before rows take `bytes` more: whether the run's memory budget has them (explore.ts). */
  readonly room?: (bytes: number) => boolean;
  readonly first?: number;
}
export const ROW_BYTES = 32 << 20;
