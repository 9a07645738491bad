/**
 * The invariant check of the explorer: every invariant on every new state, re-evaluated only where an
 * actor it has read changed, with its premises tracked for vacuity; and what it remembers, for checkpoints.
 */
import { isCodedModelError, ModelError } from '../compose/errors.ts';
import type { System } from '../compose/system.ts';
import type { ActorView, SystemView } from '../../machines/kit/types.ts';
import { PremiseCheck, type PremiseMemory } from './premiseCheck.ts';

/** What the check remembers between states (a checkpoint saves it): which invariants failed and what each read. */
export interface InvariantMemory {
  readonly failed: readonly number[];
  readonly reads: readonly number[];
  readonly premises: PremiseMemory;
}

/**
 * Checks every invariant on every new state, but evaluates one only when the state
 * differs from its parent in an actor the invariant has ever read.
 *
 * Why that is sound: an invariant is a pure function of the views it reads, so two
 * states that agree on every actor one evaluation read give that evaluation the same
 * values, the same path through the code and the same answer. Each invariant keeps
 * the union of the actors its evaluations have read. A state is checked after its
 * parent (the parent is expanded before its children are added), the parent held
 * (a failed invariant is reported once and not evaluated again), and the actors the
 * parent's answer rests on are inside that union: either the parent was evaluated and
 * its reads were added, or it agreed with its own parent on them, and so on up to
 * the initial state, which is always evaluated. So a child that agrees with its
 * parent on the union holds too.
 *
 * Most steps move one or two actors and most invariants read a few: at
 * kill-dax-readers 6 readers most evaluations are skipped.
 */
export class InvariantCheck {
  /** 1 once an invariant has failed: it is reported at its first failing state only. */
  private readonly failed: Uint8Array;
  /** Between beginLevel and endLevel: 1 for an invariant that failed in this level, `failed` only at its end. */
  private readonly held: Uint8Array;
  private holding = false;
  private readonly count: number;
  private readonly width: number;
  /** reads[k * width + a] = 1 when invariant k has read actor a. */
  private readonly reads: Uint8Array;
  /** Actors that differ between parent and child, reused per child. */
  private readonly changed: Int32Array;
  private state: Int32Array;
  private reading = 0;
  private readonly view: SystemView;
  evaluations = 0;
  /** Answers taken from `answers` instead of an evaluation. */
  answered = 0;
  /**
   * Per invariant: the actors its answers are kept by (the union of its reads when they began; undefined while
   * that union is larger than MEMO_ACTORS), and its answers by their ids (answerKey): HOLDS or FAILS.
   */
  private readonly memoBy: (Int32Array | undefined)[];
  private readonly answers: Map<number, number>[];
  /** Whether each invariant's premise was reached: checked on the same states. */
  readonly premises: PremiseCheck;

  /**
   * `reads`, when given, holds the union of actors read (InvariantCheck.readsBytes(system) bytes each) and
   * is shared: threads that check the children of states another thread checked must see what that
   * thread's evaluations read, or the argument above does not hold (parallelExplore.ts).
   */
  constructor(
    private readonly system: System,
    reads?: { invariants: Uint8Array; premises: Uint8Array },
  ) {
    this.count = system.invariants.length;
    this.width = system.width;
    this.failed = new Uint8Array(this.count);
    this.held = new Uint8Array(this.count);
    this.reads = reads?.invariants ?? new Uint8Array(this.count * this.width);
    this.changed = new Int32Array(this.width);
    this.state = system.initial;
    this.premises = new PremiseCheck(system, reads?.premises);
    this.memoBy = system.invariants.map(() => undefined);
    this.answers = system.invariants.map(() => new Map());
    const { index, actors } = system;
    // One view for every evaluation: it reads the state being checked and records
    // which actors the invariant being evaluated touched.
    this.view = (name: string): ActorView => {
      const i = index.get(name);
      if (i === undefined) throw new ModelError(`an invariant reads actor '${name}', which is not in the system`);
      this.reads[this.reading + i] = 1;
      return actors[i].view(this.state[i]);
    };
  }

  /** Bytes of each `reads` array for `system`. */
  static readsBytes(system: System): number {
    return system.invariants.length * system.width;
  }

  /** Evaluates every invariant on `state` (the initial one); calls `fail` with each that fails. */
  checkAll(state: Int32Array, fail: (k: number) => void): void {
    this.premises.all(state);
    for (let k = 0; k < this.count; k++) if (this.failed[k] === 0) this.evaluate(k, state, fail);
  }

  /** Checks `child`, a new state reached from `parent`, whose invariants all held or were reported. */
  checkChild(parent: Int32Array, child: Int32Array, fail: (k: number) => void): void {
    if (this.premises.active) this.premises.child(parent, child);
    const w = this.width;
    const changed = this.changed;
    let n = 0;
    for (let a = 0; a < w; a++) if (parent[a] !== child[a]) changed[n++] = a;
    const reads = this.reads;
    for (let k = 0; k < this.count; k++) {
      if (this.failed[k] !== 0) continue;
      const base = k * w;
      for (let j = 0; j < n; j++) {
        if (reads[base + changed[j]] !== 0) {
          this.answer(k, child, fail);
          break;
        }
      }
    }
  }

  /**
   * From here to `endLevel`, an invariant that fails is reported and still evaluated on the states that follow.
   * A thread of the parallel levels checks its states of a level out of index order (the main thread checks
   * last the children of the states the workers left it), and a failure that stopped the evaluation at once
   * could hide a failing state of a smaller index, which a one-thread search reports instead: the
   * counterexample would then depend on which thread took which chunk (bench/parallelSweep.ts found such runs of
   * pmem-remove-pinned with two pinners under load). Evaluated on every state of the level, each thread
   * reports its least failing state and the level's end keeps the least of those (levelExpander.ts).
   */
  beginLevel(): void {
    this.holding = true;
  }

  /** Ends what beginLevel began: an invariant that failed in the level is no longer evaluated, as on one thread. */
  endLevel(): void {
    this.holding = false;
    for (let k = 0; k < this.count; k++) {
      if (this.held[k] !== 0) this.failed[k] = 1;
      this.held[k] = 0;
    }
  }

  save(): InvariantMemory {
    return { failed: [...this.failed], reads: [...this.reads], premises: this.premises.save() };
  }

  /** Takes up where a saved check was: skipping an invariant is sound only with the reads that justified it. */
  restore(m: InvariantMemory): void {
    this.failed.set(m.failed);
    this.reads.set(m.reads);
    this.premises.restore(m.premises);
  }

  /** Invariant k on the state being read; a fault in it (an unknown actor or state) names the invariant. */
  private holds(k: number): boolean {
    const inv = this.system.invariants[k];
    try {
      return inv.holds(this.view);
    } catch (e) {
      // What the invariant's own code threw already names it (System's guard); other model errors get its name here.
      if (e instanceof ModelError && !(isCodedModelError(e) && e.code === 'property-threw'))
        throw new ModelError(`invariant ${inv.id} (${inv.text}): ${e.message}`);
      throw e;
    }
  }

  /**
   * Invariant k's answer on `state`: remembered when an earlier state agreed with it on every actor an
   * evaluation of k has read, else evaluated (and remembered). Why that is sound is the argument of this class:
   * the earlier evaluation read only actors of `memoBy[k]`, where the two states agree. At percpu_ref N=5 every
   * step moves the ref, which its one invariant reads, so each new state was evaluated: 1.6M evaluations of a
   * function of the ref's and the owner's ids, of which a few hundred pairs occur.
   */
  private answer(k: number, state: Int32Array, fail: (k: number) => void): void {
    const by = this.memoBy[k];
    const key = by === undefined ? -1 : answerKey(by, state);
    if (key >= 0) {
      const known = this.answers[k].get(key);
      if (known !== undefined) {
        this.answered++;
        if (known === FAILS) this.fails(k, fail);
        return;
      }
    }
    const holds = this.evaluate(k, state, fail);
    // Kept only by the actors the union held before this evaluation: one that read beyond them starts the memo again.
    const w = this.width;
    const base = k * w;
    let union = 0;
    for (let a = 0; a < w; a++) union += this.reads[base + a];
    if (by !== undefined && union === by.length) {
      if (key >= 0) this.answers[k].set(key, holds ? HOLDS : FAILS);
      return;
    }
    this.answers[k].clear();
    if (union > MEMO_ACTORS) {
      this.memoBy[k] = undefined;
      return;
    }
    const next = new Int32Array(union);
    for (let a = 0, i = 0; a < w; a++) if (this.reads[base + a] !== 0) next[i++] = a;
    this.memoBy[k] = next;
    const again = answerKey(next, state);
    if (again >= 0) this.answers[k].set(again, holds ? HOLDS : FAILS);
  }

  private evaluate(k: number, state: Int32Array, fail: (k: number) => void): boolean {
    this.evaluations++;
    this.state = state;
    this.reading = k * this.width;
    const holds = this.holds(k);
    if (!holds) this.fails(k, fail);
    return holds;
  }

  private fails(k: number, fail: (k: number) => void): void {
    if (this.holding) this.held[k] = 1;
    else this.failed[k] = 1;
    fail(k);
  }
}

const HOLDS = 1;
const FAILS = 2;
/** Actors an invariant's answers may be kept by: their ids make one key of ANSWER_BITS each. */
const MEMO_ACTORS = 3;
const ANSWER_BITS = 17;

/** The key of `state`'s ids of actors `by` (at most MEMO_ACTORS), or -1 when one is too large for its bits. */
function answerKey(by: Int32Array, state: Int32Array): number {
  let key = 0;
  for (let i = 0; i < by.length; i++) {
    const id = state[by[i]];
    if (id >= 1 << ANSWER_BITS) return -1;
    key = key * (1 << ANSWER_BITS) + id;
  }
  return key;
}
