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
import { MemoMiss, type Delivery } from '../compose/actorTable.ts';
import { STEP_OK, stepActor, stepOffer } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import type { StateStore } from './storeInterface.ts';

/** What the check reads of the states already numbered: a store, or the shared arrays of the parallel levels. */
export type NumberedStates = Pick<StateStore, 'label' | 'parent' | 'load'>;

export class CommutingSteps {
  /** The parent p of the state last asked about, loaded only when a step could commute. */
  private readonly parent: Int32Array;
  /** p·e1, then p·e1·e2. */
  private readonly via: Int32Array;
  /** The state asked about; the label of its first step and its actor b (-1: none), its step e2, and whether p is loaded. */
  private state = -1;
  private label = -1;
  private first = -1;
  private step: Delivery | undefined;
  private loaded = false;

  constructor(
    private readonly system: System,
    private readonly store: NumberedStates,
  ) {
    this.parent = new Int32Array(system.width);
    this.via = new Int32Array(system.width);
  }

  /**
   * Whether step `d` of actor `a` from state `s` (whose vector is `x`), which reaches x with a's id set to
   * `aNext` and, when `t` is not -1, actor t's to `tNext`, reaches a state an earlier edge reached.
   */
  known(s: number, x: Int32Array, a: number, d: Delivery, aNext: number, t: number, tNext: number): boolean {
    if (s !== this.state) this.meet(s);
    const b = this.first;
    if (a >= b) return false;
    if (!this.loaded) {
      this.loadParent(s);
      if (this.first < 0) return false;
    }
    const p = this.parent;
    if (p[a] !== x[a]) return false;
    const sys = this.system;
    const z = this.via;
    const w = z.length;
    for (let i = 0; i < w; i++) z[i] = p[i];
    // e1 from p, as the explorer takes it: the actor's own move, or the memo's whole step.
    if (t < 0) z[a] = d.next;
    else {
      if (sys.memoizedStep(p, d) !== STEP_OK) return false;
      z[a] = sys.memoSelf;
      z[sys.memoTarget] = sys.memoTargetNext;
    }
    // e2 from p·e1: the same step only if b's state is still p's.
    if (z[b] !== p[b]) return false;
    const e2 = this.step!;
    if (e2.sendVector.length === 0 && e2.violation === undefined) z[b] = e2.next;
    else {
      if (sys.memoizedStep(z, e2) !== STEP_OK) return false;
      const self = sys.memoSelf;
      z[b] = self;
      z[sys.memoTarget] = sys.memoTargetNext;
    }
    for (let i = 0; i < w; i++) {
      const y = i === t ? tNext : i === a ? aNext : x[i];
      if (z[i] !== y) return false;
    }
    return true;
  }

  /** Reads the first step into state `s` from its label; its parent's vector waits until a step could commute. */
  private meet(s: number): void {
    this.state = s;
    this.loaded = false;
    this.label = this.store.label(s);
    this.first = this.label < 0 ? -1 : stepActor(this.label);
  }

  private loadParent(s: number): void {
    this.store.load(this.store.parent(s), this.parent);
    this.loaded = true;
    try {
      this.step = this.system.actors[this.first].offers(this.parent[this.first])[stepOffer(this.label)];
    } catch (e) {
      // A guard: p was expanded, so every thread's table has its offers (the main thread's misses are replayed
      // to the workers before the next level). Were one missing, nothing would be left out here.
      if (!(e instanceof MemoMiss)) throw e;
      this.first = -1;
    }
  }
}
