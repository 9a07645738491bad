/**
 * The composed system: actor tables side by side, a system state as an Int32Array of interned snapshot ids,
 * and the step relation over those vectors (a step is one actor's offer and every call it causes, delivered
 * within the step), with the step violations it finds and a memo of whole call-and-reply steps.
 */
import { ActorTable, MemoMiss, NULL_TARGET, type ActorTableOptions, type Delivery } from './actorTable.ts';
import type { TransitionCache } from './transitionCache.ts';
import { InputError, isAllocationFailure, ModelError } from './errors.ts';
import { EventTable } from './events.ts';
import { NOT_MEMOIZED, STEP_BLOCKED, STEP_OK } from './stepLabel.ts';
import { MEMO_ENTRY, StepIndex, UNKNOWN } from './stepIndex.ts';
import type { ActorView, Invariant, Liveness, SystemDecl } from '../../machines/kit/types.ts';

/** Something the kernel must never do, found on a step (as opposed to an invariant over a state). */
export interface StepViolation {
  /** Distinct property: the same failure reached by another instance is the same property. */
  readonly key: string;
  readonly kind: 'violation-state' | 'null-call' | 'unaccepted';
  /** The property id reports show: the invariant a failure state names, else the kind of failure. */
  readonly property: string;
  readonly actor: string;
  readonly text: string;
  /** Whether exploration goes on from the resulting state (a WARN does; an oops does not). */
  readonly continues: boolean;
  /** A violation state's declared `meta.severity` and `meta.variant` (src/check/severity.ts reads them). */
  readonly severity?: string;
  readonly variant?: string;
}

/** What one delivery within a step did, for traces. */
export interface DeliveryRecord {
  /** The target, or NULL_TARGET for a call on a NULL pointer (then `delivery` is absent). */
  readonly actor: number;
  readonly from?: number;
  readonly delivery?: Delivery;
  /** The event of a call on NULL, and what the caller called its target. */
  readonly nullEvent?: number;
  readonly role?: string;
  readonly before: number;
}

/**
 * The context of an actor read by name (reports, path tests): its machine, hence its type, is known to
 * the reader, not here. Kept `any` so those readers need not cast every field; invariants, which are
 * typed, get `unknown` instead (SystemView).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: the context's type is the reader's
export type LooseContext = any;

/** Longest chain of calls one step may make before it is judged not to terminate. */
const MAX_CASCADE = 10_000;

/**
 * A machine with more distinct snapshots than maxSnapshots is refused as unbounded. The built-in DAX actors have at most
 * a few hundred (dax_srcu 275 at kill-dax-readers with 5 readers of 3 sections, 7.9M states; percpu_ref's ref 63 at
 * N=6, 22.6M states); the largest one-actor model the bench runs, percpu-ref-machine at N=4, has 115,873. A snapshot
 * takes a KB or two of heap, so the old 2,000,000 ran out of heap first, and paths and viz, which have no memory
 * budget, died of it after minutes (a user's review).
 */
export const DEFAULT_TABLE_OPTIONS: ActorTableOptions = { maxSnapshots: 250_000, determinismSamples: 4 };

/**
 * A composed system: actor tables, the initial state vector, and the step
 * relation over state vectors. A system state is an Int32Array holding each
 * actor's interned snapshot id; after warm-up a step touches no XState object.
 */
export class System {
  readonly events = new EventTable();
  readonly actors: ActorTable[];
  readonly names: string[];
  readonly index = new Map<string, number>();
  readonly width: number;
  readonly initial: Int32Array;
  readonly invariants: readonly Invariant[];
  /** The liveness properties, their predicates guarded as the invariants' are. */
  readonly liveness: readonly Liveness[];
  readonly checkDeadlock: boolean;
  readonly checkProgress: boolean;
  /** Indices of code-path actors: the ones that must finish. */
  readonly paths: number[];
  readonly violations: StepViolation[] = [];
  private readonly violationIds = new Map<string, number>();
  /** Every offer met so far, numbered, with the memo of whole steps (stepIndex.ts). */
  readonly steps: StepIndex;
  /** FIFO of pending calls within a step, as [sender, to, event] triples; reused across steps. */
  private readonly queue = new Int32Array(MAX_CASCADE * 3);

  constructor(
    readonly decl: SystemDecl,
    options: Partial<ActorTableOptions> = {},
    /** What XState answered in the other systems of a bug-matrix cell (transitionCache.ts). */
    cache?: TransitionCache,
  ) {
    if (decl.actors.length === 0) throw new ModelError('no-actors', {});
    decl.actors.forEach((a, i) => {
      if (this.index.has(a.name)) throw new ModelError('duplicate-actor', { actor: a.name });
      this.index.set(a.name, i);
    });
    const opts = { ...DEFAULT_TABLE_OPTIONS, ...options };
    const resolve = (name: string): number => {
      const i = this.index.get(name);
      if (i === undefined) throw new ModelError('actor-not-in-system', { actor: name, by: 'a machine', actors: [...this.index.keys()] });
      return i;
    };
    this.actors = decl.actors.map((a) => new ActorTable(a, this.events, resolve, opts, cache));
    this.names = decl.actors.map((a) => a.name);
    this.width = this.actors.length;
    this.initial = Int32Array.from(this.actors.map((t) => t.initial));
    this.invariants = (decl.invariants ?? []).map((inv) => ({
      ...inv,
      holds: guardPredicate(inv.id, 'holds', inv.holds),
      ...(inv.premise ? { premise: { ...inv.premise, holds: guardPredicate(inv.id, 'premise', inv.premise.holds) } } : {}),
    }));
    this.liveness = (decl.liveness ?? []).map((p) => ({
      ...p,
      then: guardPredicate(p.id, 'then', p.then),
      ...(p.when ? { when: guardPredicate(p.id, 'when', p.when) } : {}),
    }));
    this.checkDeadlock = decl.deadlock ?? true;
    this.checkProgress = decl.progress ?? true;
    this.paths = decl.actors.flatMap((a, i) => (a.kind === 'path' ? [i] : []));
    for (const t of this.actors) t.onMiss = () => this.misses++;
    this.steps = new StepIndex(this.actors);
  }

  /**
   * Memo misses so far (actor tables' and new violations): a state whose expansion changed this may
   * have interned ids, and a parallel run replays it on every thread in the same order.
   */
  misses = 0;
  private isFrozen = false;

  /** Freezes every table (ActorTable.frozen) and the violation list: a miss throws MemoMiss. */
  set frozen(on: boolean) {
    this.isFrozen = on;
    for (const t of this.actors) t.frozen = on;
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  /**
   * Applies offer `offer` of actor `actor` to `out` (a copy of the source state)
   * and delivers every call it causes. Returns STEP_OK, STEP_BLOCKED (the step is
   * not possible now), or the (1-based) id of the violation the step commits.
   */
  step(out: Int32Array, actor: number, offer: number, record?: DeliveryRecord[]): number {
    const steps = this.steps;
    const k = steps.begin(actor, out[actor]) + offer;
    // An offer past the state's list (a label from elsewhere) would name the next state's offer in the index.
    if (offer < 0 || k >= steps.end) throw new Error(`internal: ${this.names[actor]} has no offer ${offer} in state ${out[actor]}`);
    const d = steps.deliveries[k];
    const t = steps.callee[k];
    if (record !== undefined || t < 0) return this.cascade(out, actor, d, record);
    // Most steps are a call and its reply: memoize the whole step on the callee's state.
    const known = this.memoized(out, k);
    if (known !== NOT_MEMOIZED) {
      if (known !== STEP_BLOCKED) {
        out[actor] = this.memoSelf;
        out[t] = this.memoTargetNext;
      }
      return known;
    }
    const st = out[t];
    this.touched = 0;
    const code = this.cascade(out, actor, d, record, t);
    if (this.touched < 0) steps.wholeStep(k);
    else steps.remember(k, st, out[actor], out[t], code, this.alsoViolated);
    return code;
  }

  /**
   * The memo's answer for offer `k` (its number in `steps`) from `state`, without touching `state`: the step's
   * code, with the two actors' next ids in memoSelf and memoTargetNext (the callee is memoTarget), and its second
   * violation in alsoViolated. NOT_MEMOIZED when `step` must take it.
   */
  memoized(state: Int32Array, k: number): number {
    const steps = this.steps;
    const t = steps.callee[k];
    if (t < 0) return NOT_MEMOIZED;
    const m = steps.memo[k];
    const at = MEMO_ENTRY * state[t];
    if (at >= m.length || m[at] === UNKNOWN) return NOT_MEMOIZED;
    this.memoSelf = m[at];
    this.memoTarget = t;
    this.memoTargetNext = m[at + 1];
    // A hit answers alsoViolated as the cascade it replaces would have.
    this.alsoViolated = m[at + 3];
    return m[at + 2];
  }

  memoSelf = 0;
  memoTarget = 0;
  memoTargetNext = 0;

  /** Set to -1 by a cascade that touches an actor other than the stepping one and `pairTarget`. */
  private touched = 0;

  /**
   * The step's second violation, 0 when none. A step returns one code. It ends at its first fatal delivery, in
   * the step's delivery order (FIFO): a fatal violation state entered (an oops: the kernel's thread stops there,
   * so nothing queued after it is delivered) or a call on NULL or one the target does not accept. That one is the
   * code; else the first WARN entered is. Another WARN entered before the end is kept here. There is one slot:
   * of several, one of a key other than the code's is kept over one of the code's key, since the code already
   * stands for that key; otherwise the first. After a step that blocks it may hold what the cascade met before
   * the block; every reader looks at the code first.
   */
  alsoViolated = 0;

  private cascade(out: Int32Array, actor: number, d: Delivery, record?: DeliveryRecord[], pairTarget = -1): number {
    this.alsoViolated = 0;
    record?.push({ actor, delivery: d, before: out[actor] });
    out[actor] = d.next;
    let found = d.violation ? this.stateViolation(actor, d) : STEP_OK;
    if (d.sendVector.length === 0 || this.fatal(found)) return found;
    const q = this.queue;
    let head = 0;
    let tail = this.enqueue(0, actor, d.sendVector);
    while (head < tail) {
      const from = q[head++];
      const to = q[head++];
      const event = q[head++];
      if (to !== actor && to !== pairTarget) this.touched = -1;
      if (to === NULL_TARGET) {
        record?.push({ actor: NULL_TARGET, from, nullEvent: event, role: this.actors[from].sendsTo(event), before: -1 });
        return this.endedBy(found, this.nullCall(from, event));
      }
      const r = this.actors[to].deliver(out[to], event);
      if (r.fate === 'blocked') return STEP_BLOCKED;
      record?.push({ actor: to, from, delivery: r, before: out[to] });
      if (r.fate === 'unaccepted') {
        return this.endedBy(found, this.unaccepted(to, out[to], r));
      }
      out[to] = r.next;
      if (r.violation) {
        found = this.andViolated(found, this.stateViolation(to, r));
        if (this.fatal(found)) return found;
      }
      if (r.sendVector.length) tail = this.enqueue(tail, to, r.sendVector);
    }
    return found;
  }

  /** Whether step code `code` ends the path: a violation that does not continue (an oops, not a WARN). */
  private fatal(code: number): boolean {
    return code > 0 && !this.violations[code - 1].continues;
  }

  /**
   * The step's code once violation state `v` is also entered, where `found` is what it had committed so far (no
   * violation, or WARNs: a fatal one ends the step at once). A fatal `v` is the code, since it ends the path;
   * else the first stays the code. The other is kept beside it (`keepBeside`). Before this, a callee's violation
   * state entered after the stepping actor's WARN was dropped, so a step that warned and then oopsed went on as
   * if it had only warned.
   */
  private andViolated(found: number, v: number): number {
    if (found === STEP_OK || found === v) return v;
    const code = this.fatal(v) ? v : found;
    this.keepBeside(code, code === v ? found : v);
    return code;
  }

  /** A fatal call `fatal` (on NULL, or not accepted) ends the step and is its code; a WARN before it goes beside it. */
  private endedBy(found: number, fatal: number): number {
    if (found !== STEP_OK) this.keepBeside(fatal, found);
    return fatal;
  }

  /**
   * Keeps `other` in the one slot beside the step's code: when the slot is free, or when what it holds has the
   * code's key and `other` has not (the code already reports that key, so a finding of another key is worth the
   * slot more).
   */
  private keepBeside(code: number, other: number): void {
    const held = this.alsoViolated;
    const codeKey = this.violations[code - 1].key;
    if (held === 0 || (this.violations[held - 1].key === codeKey && this.violations[other - 1].key !== codeKey)) this.alsoViolated = other;
  }

  /** Appends `from`'s calls to the step's FIFO as [sender, to, event] triples; returns the new tail. */
  private enqueue(tail: number, from: number, sends: Int32Array): number {
    const q = this.queue;
    if (tail + (sends.length / 2) * 3 > q.length) {
      throw new ModelError('endless-step', { max: MAX_CASCADE });
    }
    for (let i = 0; i < sends.length; i += 2) {
      q[tail++] = from;
      q[tail++] = sends[i];
      q[tail++] = sends[i + 1];
    }
    return tail;
  }

  violation(code: number): StepViolation {
    return this.violations[code - 1];
  }

  /** Whether a code path has not finished in `state`. */
  unfinished(state: Int32Array): number {
    for (const i of this.paths) if (!this.actors[i].view(state[i]).done) return i;
    return -1;
  }

  /**
   * The system state as reports and path tests read it: their readers know each actor's
   * machine from its name, so the context is left untyped here (invariants get `unknown`).
   */
  view(state: Int32Array): (name: string) => ActorView<string, LooseContext> {
    return (name: string): ActorView<string, LooseContext> => {
      const i = this.index.get(name);
      if (i === undefined) throw new ModelError('actor-not-in-system', { actor: name, by: 'an invariant', actors: [...this.index.keys()] });
      return this.actors[i].view(state[i]);
    };
  }

  /**
   * The id of violation `v`, one per key and actor: the key names the violation in every actor of a machine (a
   * finding per key), while the text names the actor, so that a finding says which actor its own step failed
   * in. Interned by key alone, a violation took the actor of whichever step met it first, and on worker threads
   * that depends on which thread expands what (bench/parallelSweep.ts: pmem-remove-pinned's put_page on a removed
   * page named page0 or page1 for the same trace, from run to run). What the step does next (`continues`) and
   * what it breaks are interned with it for the same reason: two states of one text may declare them differently.
   */
  private register(v: StepViolation): number {
    const interned = [v.key, v.actor, v.property, v.continues, v.severity, v.variant].join('\u0000');
    let id = this.violationIds.get(interned);
    if (id === undefined) {
      if (this.isFrozen) throw new MemoMiss();
      this.misses++;
      this.violations.push(v);
      id = this.violations.length;
      this.violationIds.set(interned, id);
    }
    return id;
  }

  private stateViolation(actor: number, d: Delivery): number {
    const t = this.actors[actor];
    return this.register({
      key: `state:${t.machine.id}:${d.violation}`,
      kind: 'violation-state',
      property: d.violates ?? 'kernel-failure',
      actor: t.name,
      text: d.violation!,
      continues: d.warns,
      ...(d.severity !== undefined ? { severity: d.severity } : {}),
      ...(d.variant !== undefined ? { variant: d.variant } : {}),
    });
  }

  private nullCall(from: number, event: number): number {
    const e = this.events.get(event);
    const send = this.actors[from].sendsTo(event);
    return this.register({
      key: `null:${this.actors[from].machine.id}:${send}:${e.type}`,
      kind: 'null-call',
      property: 'null-deref',
      actor: this.names[from],
      text: `${e.type} on a NULL ${send} (NULL pointer dereference in ${this.names[from]})`,
      continues: false,
    });
  }

  private unaccepted(to: number, state: number, d: Delivery): number {
    const t = this.actors[to];
    const e = this.events.get(d.event);
    const where = JSON.stringify(t.snapshot(state).value);
    return this.register({
      key: `unaccepted:${t.machine.id}:${where}:${e.type}`,
      kind: 'unaccepted',
      property: 'bad-call',
      actor: t.name,
      text: `${e.type} on ${t.name} in state ${where}${d.unaccepted ? `: ${d.unaccepted}` : ' (no handler: the call is a bug in this state)'}`,
      continues: false,
    });
  }
}

/**
 * A property's predicate with what its own code throws said as the property's (model error, exit 2), not as a fault
 * of the checker; the model errors the views raise (an actor not in the system) pass as they are.
 */
function guardPredicate<V>(property: string, part: string, f: (view: V) => boolean): (view: V) => boolean {
  return (view) => {
    try {
      return f(view);
    } catch (e) {
      // Ours, or the machine's memory running out (the run's bound, not the property's fault), pass as they are.
      if (e instanceof ModelError || e instanceof InputError || isAllocationFailure(e)) throw e;
      throw new ModelError('property-threw', { property, part, error: e instanceof Error ? e.message : String(e) });
    }
  };
}
