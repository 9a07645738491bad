/**
 * One actor of a composed system as a table: its machine's distinct snapshots interned to small integers, the
 * offers (environment events) of each, and every delivery of an event to a snapshot memoized (the next
 * snapshot, the calls it sends, the transitions it took, the violation it commits), so XState runs once per
 * distinct (snapshot, event). It also refuses what the checker cannot explore faithfully: impure actions,
 * spawned children, unbounded contexts, nondeterminism.
 *
 * A delivery is made in two halves: the machine's outcome (outcome.ts: what XState answers, nothing of the system in
 * it), then that outcome made this system's (`materialize`: the snapshot and the events interned, the calls resolved
 * to actors). In the bug matrix the outcome may come from the cell's cache instead (transitionCache.ts), and the
 * second half is the same either way.
 */
import {
  getNextTransitions,
  matchesState,
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type EventObject,
} from 'xstate';
import { canonicalJson, type EventTable } from './events.ts';
import { InputError, ModelError } from './errors.ts';
import { addressOf } from '../../machines/kit/messages.ts';
import { assertPlainData, assertPureAction, assertStaticallyPure, isPlainData } from './purity.ts';
import { idOfTransition } from './transitionId.ts';
import type { Call, DeliveryFacts, Fate, Outcome } from './outcome.ts';
import type { TransitionCache } from './transitionCache.ts';
import {
  activeNodes,
  historyNodes,
  inertScope,
  initialIn,
  sendToParams,
  transitionIn,
  type ExecutedAction,
  type TakenTransition,
} from './xstateInternals.ts';
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
  private inert: AnyActorScope | undefined;
  private readonly actions: ExecutedAction[] = [];
  /** The transitions of every microstep of the last `run`, in order (the event's, then eventless ones). */
  private readonly fired: TakenTransition[] = [];
  /** Calls into XState's transition functions so far: what memoization saves is counted in these. */
  xstateCalls = 0;
  /**
   * Ids are handed out in the order snapshots are first met, so two threads agree on them only if they
   * meet them in one order: a frozen table answers from its memo alone and throws MemoMiss rather than
   * intern anything (parallel exploration: workers freeze theirs, the main thread replays each miss).
   */
  frozen = false;
  /** Told of every memo miss (a computation that may intern a snapshot or an event). */
  onMiss: (() => void) | undefined = undefined;
  /** How often each transition definition has been re-run for the determinism check. */
  private readonly sampled = new Map<object, number>();
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
      const snapshot = initialIn(this.machine, this.scope, decl.input);
      this.assertHealthy(snapshot, 'its initial state');
      const initialSends = this.collectSends();
      if (initialSends.length > 0) {
        throw new ModelError('initial-sends', { actor: this.name, event: initialSends[0].event.type });
      }
      first = { snapshot, key: this.key(snapshot) };
      if (inputKey !== undefined) cache?.setInitial(this.machine, inputKey, first);
    }
    this.initial = this.internKeyed(first.snapshot, first.key);
    this.envEvents = Object.entries(decl.env ?? {}).flatMap(([type, variants]) => variants.map((p) => this.events.intern({ ...p, type })));
  }

  /**
   * One inert scope for all transitions; it hands over every transition each microstep took, eventless ones
   * included, so a step learns them without re-deriving them. Made when XState is first asked: a table whose
   * answers all come from the cell's cache never needs one (making it builds an actor, 2% of `check --all`).
   */
  private get scope(): AnyActorScope {
    return (this.inert ??= inertScope(this.machine, this.decl.input, {
      execute: (a) => this.actions.push(a),
      microstep: (taken) => this.fired.push(...taken),
    }));
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

  /** What the machine does with event `eventId` in state `id`, asked of XState: nothing of this system in it. */
  private outcome(id: number, eventId: number, env: boolean): Outcome {
    const snapshot = this.snapshots[id];
    const event = this.events.get(eventId);
    const selected = this.machine.getTransitionData(snapshot, event);
    this.xstateCalls++;
    if (selected.length === 0) {
      if (env) return BLOCKED;
      this.xstateCalls++;
      const exists = getNextTransitions(snapshot).some((t) => t.eventType === event.type || t.eventType === '*');
      return exists ? BLOCKED : { ...BLOCKED, fate: 'unaccepted', unaccepted: this.stateMeta(snapshot, 'unaccepted') };
    }
    const [next, calls] = this.run(snapshot, event);
    const nextKey = this.key(next);
    const fired = [...this.fired];
    if (this.unsampled(selected)) {
      const [again, callsAgain] = this.run(snapshot, event);
      if (this.key(again) !== nextKey || canonicalJson(callsAgain.map(plainCall)) !== canonicalJson(calls.map(plainCall))) {
        throw new ModelError('nondeterministic', { actor: this.name, event: event.type, state: JSON.stringify(snapshot.value) });
      }
    }
    const entered = enteredViolation(snapshot, next);
    return {
      fate: 'taken',
      next,
      nextKey,
      calls,
      taken: fired.map((t) => ({
        id: idOfTransition(t),
        source: t.source.id,
        fn: (t.meta as { fn?: string } | undefined)?.fn,
        src: (t.meta as { src?: string } | undefined)?.src,
        description: t.description,
      })),
      violation: entered ? (entered.description ?? entered.key) : undefined,
      violates: entered ? inheritedMeta(entered, 'violates') : undefined,
      severity: entered ? ownMeta(entered, 'severity') : undefined,
      variant: entered ? ownMeta(entered, 'variant') : undefined,
      warns: entered ? entered.tags.includes('warn') : false,
      unaccepted: undefined,
    };
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

  /** Whether one of these transitions is still owed determinism samples (and counts them). */
  private unsampled(selected: readonly object[]): boolean {
    let owed = false;
    for (const t of selected) {
      const n = this.sampled.get(t) ?? 0;
      if (n < this.options.determinismSamples) {
        this.sampled.set(t, n + 1);
        owed = true;
      }
    }
    return owed;
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

  private run(snapshot: AnyMachineSnapshot, event: EventObject): [AnyMachineSnapshot, Call[]] {
    this.actions.length = 0;
    this.fired.length = 0;
    this.xstateCalls++;
    const next = transitionIn(this.machine, this.scope, snapshot, event);
    this.assertHealthy(next, `event ${event.type}`);
    return [next, this.collectSends()];
  }

  /** The calls the last run made, by address: `resolveCall` makes each one this system's. */
  private collectSends(): Call[] {
    const calls: Call[] = [];
    for (const action of this.actions) {
      assertPureAction(this.name, action);
      const send = sendToParams(action);
      if (!send) continue;
      const address = addressOf(send.to);
      if (!address) {
        throw new ModelError('send-by-reference', { actor: this.name });
      }
      calls.push({ address, event: send.event as EventObject, keys: new Map() });
    }
    this.actions.length = 0;
    return calls;
  }

  private assertHealthy(s: AnyMachineSnapshot, during: string): void {
    if (s.status === 'error') {
      const err = s.error instanceof Error ? s.error.message : String(s.error);
      throw new ModelError('machine-threw', { actor: this.name, during, error: err });
    }
    if (Object.keys(s.children).length > 0) {
      throw new ModelError('spawned-child', { actor: this.name });
    }
  }

  /** Identity of a snapshot: value, context, history and status; two equal keys have the same futures. */
  private key(s: AnyMachineSnapshot): string {
    const history: Record<string, string[]> = {};
    for (const [k, nodes] of Object.entries(historyNodes(s))) {
      history[k] = nodes.map((n) => n.id);
    }
    return canonicalJson([s.value, s.context, history, s.status]);
  }

  private intern(s: AnyMachineSnapshot): number {
    return this.internKeyed(s, this.key(s));
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
        '; bound it in the machine',
    );
  }

  private stateMeta(s: AnyMachineSnapshot, key: string): string | undefined {
    for (const node of [...activeNodes(s)].reverse()) {
      const v = (node.meta as Record<string, unknown> | undefined)?.[key];
      if (typeof v === 'string') return v;
    }
    return undefined;
  }
}

/** The outcome of an event no transition takes (every guard failed, or, for an environment event, none exists). */
const BLOCKED: Outcome = { fate: 'blocked', calls: [], taken: [], warns: false };

/** A call without its memo of keys: what the determinism check compares. */
const plainCall = (c: Call): { address: Call['address']; event: EventObject } => ({ address: c.address, event: c.event });

/**
 * The `violation`-tagged state a step newly makes active: one active in `after` that was not in `before`. A
 * violation state the actor stays in is not committed again, whatever XState exits and re-enters on the way
 * (the kernel's WARN_ON_ONCE prints once): in a machine of parallel regions (the page: its memory lifecycle and
 * the WARNs printed about it) a WARN that fired earlier would otherwise be the violation of every later step.
 * Of two newly active at once, a failure the kernel does not go on from outranks a WARN it does; then the last
 * in XState's order of active states (after a step, the order they were entered in).
 */
function enteredViolation(before: AnyMachineSnapshot, after: AnyMachineSnapshot): AnyStateNode | undefined {
  const was = new Set(activeNodes(before));
  let found: AnyStateNode | undefined;
  for (const n of activeNodes(after)) {
    if (!n.tags.includes('violation') || was.has(n)) continue;
    if (found === undefined || !n.tags.includes('warn') || found.tags.includes('warn')) found = n;
  }
  return found;
}

/** A string `meta[key]` of state node `n` alone. */
function ownMeta(n: AnyStateNode, key: string): string | undefined {
  const v = (n.meta as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** A string `meta[key]` of `n` or its nearest ancestor that has one: a region's states share what it declares. */
function inheritedMeta(n: AnyStateNode, key: string): string | undefined {
  for (let at: AnyStateNode | undefined = n; at; at = at.parent) {
    const v = ownMeta(at, key);
    if (v !== undefined) return v;
  }
  return undefined;
}
