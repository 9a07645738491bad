/**
 * One actor of a composed system as a table: its machine's distinct snapshots interned to small integers, the
 * offers (environment events) of each, and every delivery of an event to a snapshot memoized (the next
 * snapshot, the calls it sends, the transitions it took, the violation it commits), so XState runs once per
 * distinct (snapshot, event). It refuses a context that is not plain data or grows without bound; what else the
 * checker cannot explore faithfully (impure actions, spawned children, nondeterminism) its runner refuses as XState
 * answers it (machineRunner.ts).
 *
 * A delivery is made in two halves: the machine's outcome (outcome.ts: what XState answers through the runner,
 * nothing of the system in it), then that outcome made this system's (`materialize`: the snapshot and the events interned, the calls resolved
 * to actors). In the bug matrix the outcome may come from the cell's cache instead (transitionCache.ts), and the
 * second half is the same either way.
 */
import { matchesState, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { canonicalJson, type EventTable } from './events.ts';
import { InputError, ModelError } from './errors.ts';
import { assertPlainData, assertStaticallyPure, isPlainData } from './purity.ts';
import type { Call, DeliveryFacts, Fate, Outcome } from './outcome.ts';
import type { TransitionCache } from './transitionCache.ts';
import { MachineRunner } from './machineRunner.ts';
import type { ActorDecl, ActorView } from '../../machines/kit/types.ts';

export type { Fate, TransitionInfo } from './outcome.ts';

/** Target index of a call on a NULL pointer. */
export const NULL_TARGET = -1;

/**
 * Thrown by a frozen table (see ActorTable.frozen) instead of computing what it has not memoized:
 * a worker thread that meets one leaves that state to the thread that owns the ids.
 */
export class MemoMiss extends Error {
  constructor() {
    super('internal: a frozen actor table was asked for something it has not memoized');
  }
}

export interface Send {
  /** Actor index, or NULL_TARGET. */
  readonly to: number;
  readonly toName: string;
  /** What the target is (`dax_device`), as the caller named it. */
  readonly role: string;
  /** Interned event, stamped with the sender's name. */
  readonly event: number;
}

/** A delivery made this system's: the next snapshot's id, and the calls resolved to actors with their events interned. */
export interface Delivery extends DeliveryFacts {
  readonly event: number;
  readonly next: number;
  readonly sends: readonly Send[];
  /** `sends` flattened as [to, event, to, event, ...] for the product loop. */
  readonly sendVector: Int32Array;
}

export interface ActorTableOptions {
  /** Refuse an actor with more distinct snapshots than this: its context grows without bound. */
  readonly maxSnapshots: number;
  /**
   * Re-run each transition of a machine (each entry of an `on`) the first this many times it is
   * taken and compare, to catch nondeterministic machines: every transition the exploration
   * reaches is sampled, at a cost that does not grow with the state space.
   */
  readonly determinismSamples: number;
}

/**
 * One actor of a system: its distinct snapshots interned to small integers and
 * its transitions memoized, so XState runs once per distinct (snapshot, event).
 */
export class ActorTable {
  readonly name: string;
  readonly machine: AnyStateMachine;
  readonly decl: ActorDecl;
  readonly initial: number;
  private readonly snapshots: AnyMachineSnapshot[] = [];
  private readonly ids = new Map<string, number>();
  /** The identity key of each snapshot, by id (the cache is asked by it). */
  private readonly keys: string[] = [];
  private readonly views: (ActorView | undefined)[] = [];
  private readonly offerMemo: (readonly Delivery[] | undefined)[] = [];
  /** deliverMemo[state][event]: events are few, so a dense array beats a Map on the hot path. */
  private readonly deliverMemo: (Delivery | undefined)[][] = [];
  /** Asks XState what the machine does (machineRunner.ts): only where the memo and the cell's cache have no answer. */
  private readonly runner: MachineRunner;
  /**
   * Ids are handed out in the order snapshots are first met, so two threads agree on them only if they
   * meet them in one order: a frozen table answers from its memo alone and throws MemoMiss rather than
   * intern anything (parallel exploration: workers freeze theirs, the main thread replays each miss).
   */
  frozen = false;
  /** Told of every memo miss (a computation that may intern a snapshot or an event). */
  onMiss: (() => void) | undefined = undefined;
  private readonly nullRoles = new Map<number, string>();

  constructor(
    decl: ActorDecl,
    private readonly events: EventTable,
    private readonly resolve: (name: string) => number,
    private readonly options: ActorTableOptions,
    /** The cell's cache of what XState answered (transitionCache.ts); none outside the bug matrix. */
    private readonly cache?: TransitionCache,
  ) {
    this.name = decl.name;
    this.machine = decl.machine;
    this.decl = decl;
    assertStaticallyPure(this.name, this.machine);
    this.runner = new MachineRunner(this.name, this.machine, decl.input, options.determinismSamples);
    // The initial snapshot is kept by the input's canonical JSON, which names an input only when it is plain data.
    const inputKey = !cache
      ? undefined
      : decl.input === undefined
        ? 'undefined'
        : isPlainData(decl.input)
          ? canonicalJson(decl.input)
          : undefined;
    let first = inputKey === undefined ? undefined : cache?.initial(this.machine, inputKey);
    if (first === undefined) {
      first = this.runner.initial();
      if (inputKey !== undefined) cache?.setInitial(this.machine, inputKey, first);
    }
    this.initial = this.internKeyed(first.snapshot, first.key);
    this.envEvents = Object.entries(decl.env ?? {}).flatMap(([type, variants]) => variants.map((p) => this.events.intern({ ...p, type })));
  }

  /** Calls into XState's transition functions so far: what memoization saves is counted in these. */
  get xstateCalls(): number {
    return this.runner.calls;
  }

  /** The interned environment events, in declaration order (the order offers are listed in). */
  private readonly envEvents: number[];

  get size(): number {
    return this.snapshots.length;
  }

  /** What this actor called the NULL target it sent `event` to (`dax_device`). */
  sendsTo(event: number): string {
    return this.nullRoles.get(event) ?? 'pointer';
  }

  /** The identity key of state `id` (value, context, history, status). */
  keyOf(id: number): string {
    return this.keys[id];
  }

  /**
   * Interns a snapshot of the same machine met by a sibling actor: symmetry
   * reduction moves states between interchangeable actors.
   */
  adopt(s: AnyMachineSnapshot): number {
    return this.intern(s);
  }

  snapshot(id: number): AnyMachineSnapshot {
    return this.snapshots[id];
  }

  private paths: ReadonlySet<string> | undefined;
  /** Every dotted state path of the machine (`alive`, `mem.online.released`): what `matches` accepts. */
  private statePaths(): ReadonlySet<string> {
    if (!this.paths) {
      const paths = new Set<string>();
      const visit = (node: { path: readonly string[]; states: Record<string, unknown> }): void => {
        if (node.path.length) paths.add(node.path.join('.'));
        for (const child of Object.values(node.states)) visit(child as typeof node);
      };
      visit(this.machine.root);
      this.paths = paths;
    }
    return this.paths;
  }

  /** The view invariants read; built once per snapshot. */
  view(id: number): ActorView {
    let v = this.views[id];
    if (!v) {
      const s = this.snapshots[id];
      const tags = new Set<string>(s.tags);
      const matched = new Map<string, boolean>();
      v = Object.freeze({
        value: s.value,
        context: s.context,
        tags,
        done: s.status === 'done',
        matches: (path: string) => {
          let hit = matched.get(path);
          if (hit === undefined) {
            if (!this.statePaths().has(path)) {
              throw new ModelError('unknown-state', { actor: this.name, machine: this.machine.id, path, states: [...this.statePaths()] });
            }
            matched.set(path, (hit = matchesState(path, s.value)));
          }
          return hit;
        },
      });
      this.views[id] = v;
    }
    return v;
  }

  /** Environment events this actor takes in state `id`, each already delivered. */
  offers(id: number): readonly Delivery[] {
    let o = this.offerMemo[id];
    if (!o) {
      if (this.frozen) throw new MemoMiss();
      this.onMiss?.();
      const list: Delivery[] = [];
      for (const event of this.envEvents) {
        const d = this.deliver(id, event, true);
        if (d.fate === 'taken') list.push(d);
      }
      o = this.offerMemo[id] = list;
    }
    return o;
  }

  /**
   * The memoized fate of event `event` in state `id`. For an environment event
   * (`env`), blocked and unaccepted both just mean "not offered", so the costlier
   * distinction between them is skipped.
   */
  deliver(id: number, event: number, env = false): Delivery {
    let m = this.deliverMemo[id];
    if (m === undefined) {
      if (this.frozen) throw new MemoMiss();
      m = this.deliverMemo[id] = [];
    }
    let d = m[event];
    if (d === undefined) {
      if (this.frozen) throw new MemoMiss();
      this.onMiss?.();
      d = this.compute(id, event, env);
      m[event] = d;
    }
    return d;
  }

  /**
   * The delivery of event `eventId` to state `id`: the machine's outcome (from the cell's cache, or from XState),
   * then made this system's (`materialize`), the same way whichever it came from.
   */
  private compute(id: number, eventId: number, env: boolean): Delivery {
    const cache = this.cache;
    if (cache === undefined) return this.materialize(id, eventId, this.outcome(id, eventId, env));
    // env: an environment event's blocked and unaccepted are one outcome (`outcome`), so the cache keeps them apart.
    const stateKey = this.keys[id];
    const eventKey = this.events.keyOf(eventId);
    let o = cache.get(this.machine, stateKey, eventKey, env);
    if (o === undefined) cache.set(this.machine, stateKey, eventKey, env, (o = this.outcome(id, eventId, env)));
    return this.materialize(id, eventId, o);
  }

  /**
   * Outcome `o` as a delivery of this system: the calls resolved to its actors and their events interned (stamped
   * with this actor's name), then the next snapshot interned, in the order the table always interned them.
   */
  private materialize(id: number, eventId: number, o: Outcome): Delivery {
    if (o.fate !== 'taken') return this.stay(id, eventId, o.fate, o.unaccepted);
    const sends = o.calls.map((c) => this.resolveCall(c));
    return {
      event: eventId,
      fate: 'taken',
      next: this.internKeyed(o.next!, o.nextKey!),
      sends,
      sendVector: Int32Array.from(sends.flatMap((s) => [s.to, s.event])),
      taken: o.taken,
      violation: o.violation,
      violates: o.violates,
      severity: o.severity,
      variant: o.variant,
      warns: o.warns,
      unaccepted: undefined,
    };
  }

  /** Call `c` made by this actor: its target's index (or NULL_TARGET) and its event, stamped with this actor's name. */
  private resolveCall(c: Call): Send {
    const { address } = c;
    const to = address.null ? NULL_TARGET : this.resolve(address.id);
    let key = c.keys.get(this.name);
    const stamped = { ...c.event, from: this.name } as EventObject;
    if (key === undefined) c.keys.set(this.name, (key = canonicalJson(stamped)));
    const event = this.events.internKeyed(key, stamped);
    if (to === NULL_TARGET) this.nullRoles.set(event, address.role);
    return { to, toName: address.id, role: address.role, event };
  }

  // Every Delivery has the same fields in the same order: one hidden class keeps the product loop monomorphic.
  private stay(id: number, eventId: number, fate: Fate, unaccepted?: string): Delivery {
    return {
      event: eventId,
      fate,
      next: id,
      sends: [],
      sendVector: new Int32Array(0),
      taken: [],
      violation: undefined,
      violates: undefined,
      severity: undefined,
      variant: undefined,
      warns: false,
      unaccepted,
    };
  }

  private intern(s: AnyMachineSnapshot): number {
    return this.internKeyed(s, this.runner.key(s));
  }

  /** What the machine does with event `eventId` in state `id`, asked of XState. */
  private outcome(id: number, eventId: number, env: boolean): Outcome {
    return this.runner.outcome(this.snapshots[id], this.events.get(eventId), env);
  }

  /** Interns snapshot `s` whose identity key is `key`. */
  private internKeyed(s: AnyMachineSnapshot, key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      assertPlainData(this.name, s.context);
      id = this.snapshots.length;
      if (id >= this.options.maxSnapshots) this.refuseGrowth(s);
      this.snapshots.push(s);
      this.keys.push(key);
      this.ids.set(key, id);
    }
    return id;
  }

  private refuseGrowth(s: AnyMachineSnapshot): never {
    const first = this.snapshots[0].context ?? {};
    const grown = Object.keys(s.context ?? {}).filter((k) => canonicalJson(s.context[k]) !== canonicalJson(first[k]));
    const fields = grown.map((k) => `context.${k} = ${JSON.stringify(s.context[k]).slice(0, 40)}`);
    throw new InputError(
      'actor-unbounded',
      { actor: this.name, max: this.options.maxSnapshots, grown: fields },
      `actor ${this.name}: more than ${this.options.maxSnapshots} distinct states; its context grows without bound` +
        (fields.length ? ` (${fields.join(', ')})` : '') +
        '; bound it in the machine (or, for a model written as one machine, split it into actors)',
    );
  }
}
