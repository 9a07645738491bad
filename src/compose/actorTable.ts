import {
  createActor,
  getNextTransitions,
  matchesState,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type EventObject,
} from 'xstate';
import { canonicalJson, type EventTable } from './events.ts';
import { InputError, ModelError } from './errors.ts';
import { addressOf } from '../../machines/kit/messages.ts';
import { assertPlainData, assertPureAction, assertStaticallyPure } from './purity.ts';
import { idOfTransition } from './transitionId.ts';
import type { ActorDecl, ActorView } from '../../machines/kit/types.ts';

/** Target index of a call on a NULL pointer. */
export const NULL_TARGET = -1;

export interface Send {
  /** Actor index, or NULL_TARGET. */
  readonly to: number;
  readonly toName: string;
  /** What the target is (`dax_device`), as the caller named it. */
  readonly role: string;
  /** Interned event, stamped with the sender's name. */
  readonly event: number;
}

/** What one transition of a machine says about itself, for traces. */
export interface TransitionInfo {
  /** `transitionId` of the definition: what diagrams light. */
  readonly id: string;
  readonly source: string;
  readonly fn?: string;
  readonly src?: string;
  readonly description?: string;
}

/** A transition definition as XState's microstep inspection event hands it over. */
interface FiredTransition {
  readonly source: AnyStateNode;
  readonly eventType: string;
  readonly meta?: unknown;
  readonly description?: string;
}

/**
 * The fate of one event in one actor state:
 * taken; blocked (transitions exist, every guard fails: the kernel would sleep);
 * unaccepted (no transition at all: the kernel called into an object in a state where that is a bug).
 */
export type Fate = 'taken' | 'blocked' | 'unaccepted';

export interface Delivery {
  readonly event: number;
  readonly fate: Fate;
  readonly next: number;
  readonly sends: readonly Send[];
  /** `sends` flattened as [to, event, to, event, ...] for the product loop. */
  readonly sendVector: Int32Array;
  readonly taken: readonly TransitionInfo[];
  /** The text of the `violation`-tagged state this delivery enters, if any. */
  readonly violation?: string;
  /** The invariant that state breaks, when its `meta.violates` names one (`I2`). */
  readonly violates?: string;
  /** The violation state's `meta.severity` and `meta.variant` (src/check/severity.ts reads them). */
  readonly severity?: string;
  readonly variant?: string;
  /** What the state that could not take the event says such a call means. */
  readonly unaccepted?: string;
  /**
   * The system's memo of whole steps this environment event starts, when the step
   * touches only its actor and the first target: keyed by the target's state.
   */
  pair?: PairMemo;
}

export interface PairMemo {
  /** The one other actor the step touches, or -1 when it touches more (no memo). */
  readonly target: number;
  /** [own next state, target's next state, step code] at 3 * target state. */
  readonly results: number[];
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
 * The scope XState's `machine.transition(snapshot, event, scope)` runs actions in,
 * with nothing live behind it: actions are handed to `execute` (to be recorded, not run).
 * `system` is the actor system inspection events go to.
 */
export function inertScope(self: AnyActorRef, system: unknown, execute: (action: { type: string; params?: unknown }) => void) {
  return {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system,
    emit: () => {},
    actionExecutor: execute,
  };
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
  private readonly views: (ActorView | undefined)[] = [];
  private readonly offerMemo: (readonly Delivery[] | undefined)[] = [];
  /** deliverMemo[state][event]: events are few, so a dense array beats a Map on the hot path. */
  private readonly deliverMemo: (Delivery | undefined)[][] = [];
  private readonly scope: any;
  private readonly actions: { type: string; params?: any }[] = [];
  /** The transitions of every microstep of the last `run`, in order (the event's, then eventless ones). */
  private readonly fired: FiredTransition[] = [];
  /** Calls into XState's transition functions so far: what memoization saves is counted in these. */
  xstateCalls = 0;
  /** How often each transition definition has been re-run for the determinism check. */
  private readonly sampled = new Map<object, number>();
  private readonly nullRoles = new Map<number, string>();

  constructor(
    decl: ActorDecl,
    private readonly events: EventTable,
    private readonly resolve: (name: string) => number,
    private readonly options: ActorTableOptions,
  ) {
    this.name = decl.name;
    this.machine = decl.machine;
    this.decl = decl;
    assertStaticallyPure(this.name, this.machine);
    // One inert scope for all transitions: xstate's own `transition()` builds an
    // actor per call, which costs more than the transition itself.
    const self = createActor(this.machine, { input: decl.input as any });
    // XState reports each microstep's transitions to the actor system's inspection hook, synchronously:
    // a system that delegates to the real one but keeps those is how a step learns every transition it
    // took, eventless ones included, without re-deriving them.
    const system = Object.assign(Object.create(self.system), {
      _sendInspectionEvent: (e: { type: string; _transitions?: FiredTransition[] }) => {
        if (e.type === '@xstate.microstep' && e._transitions) this.fired.push(...e._transitions);
      },
    });
    this.scope = inertScope(self, system, (a) => this.actions.push(a));
    const first = this.machine.getInitialSnapshot(this.scope, decl.input);
    this.assertHealthy(first, 'its initial state');
    const initialSends = this.collectSends();
    if (initialSends.length > 0) {
      throw new ModelError(
        `actor ${this.name}: its initial state sends ${this.events.get(initialSends[0].event).type}; start actors quiet and let an event begin the work`,
      );
    }
    this.initial = this.intern(first);
    this.envEvents = Object.entries(decl.env ?? {}).flatMap(([type, variants]) => variants.map((p) => this.events.intern({ ...p, type })));
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
    return this.key(this.snapshots[id]);
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
              throw new ModelError(
                `actor ${this.name} (machine ${this.machine.id}) has no state '${path}'; its states: ${[...this.statePaths()].join(', ')}`,
              );
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
    if (m === undefined) m = this.deliverMemo[id] = [];
    let d = m[event];
    if (d === undefined) {
      d = this.compute(id, event, env);
      m[event] = d;
    }
    return d;
  }

  private compute(id: number, eventId: number, env: boolean): Delivery {
    const snapshot = this.snapshots[id];
    const event = this.events.get(eventId);
    const selected = this.machine.getTransitionData(snapshot as any, event as any);
    this.xstateCalls++;
    if (selected.length === 0) {
      if (env) return this.stay(id, eventId, 'blocked');
      this.xstateCalls++;
      const exists = getNextTransitions(snapshot).some((t) => t.eventType === event.type || t.eventType === '*');
      return exists ? this.stay(id, eventId, 'blocked') : this.stay(id, eventId, 'unaccepted', this.stateMeta(snapshot, 'unaccepted'));
    }
    const [next, sends] = this.run(snapshot, event);
    const fired = [...this.fired];
    if (this.unsampled(selected)) {
      const [again, sendsAgain] = this.run(snapshot, event);
      if (this.key(again) !== this.key(next) || canonicalJson(sendsAgain) !== canonicalJson(sends)) {
        throw new ModelError(
          `actor ${this.name}: event ${event.type} in state ${JSON.stringify(snapshot.value)} gives different results on two runs; machines must be deterministic`,
        );
      }
    }
    const violation = next.hasTag('violation') ? this.stateText(next, 'violation') : undefined;
    const violates = violation ? this.stateMeta(next, 'violates') : undefined;
    const severity = violation ? this.taggedMeta(next, 'violation', 'severity') : undefined;
    const variant = violation ? this.taggedMeta(next, 'violation', 'variant') : undefined;
    return {
      event: eventId,
      fate: 'taken',
      next: this.intern(next),
      sends,
      sendVector: Int32Array.from(sends.flatMap((s) => [s.to, s.event])),
      taken: fired.map((t) => ({
        id: idOfTransition(t),
        source: t.source.id,
        fn: (t.meta as { fn?: string } | undefined)?.fn,
        src: (t.meta as { src?: string } | undefined)?.src,
        description: t.description,
      })),
      violation,
      violates,
      severity,
      variant,
      unaccepted: undefined,
      pair: undefined,
    };
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
      unaccepted,
      pair: undefined,
    };
  }

  private run(snapshot: AnyMachineSnapshot, event: EventObject): [AnyMachineSnapshot, Send[]] {
    this.actions.length = 0;
    this.fired.length = 0;
    this.xstateCalls++;
    const next = this.machine.transition(snapshot as any, event as any, this.scope) as AnyMachineSnapshot;
    this.assertHealthy(next, `event ${event.type}`);
    return [next, this.collectSends()];
  }

  private collectSends(): Send[] {
    const sends: Send[] = [];
    for (const action of this.actions) {
      assertPureAction(this.name, action);
      if (action.type !== 'xstate.sendTo') continue;
      const address = addressOf(action.params.to);
      if (!address) {
        throw new ModelError(`actor ${this.name}: sendTo must name its target with call() or reply(), not an actor reference`);
      }
      const to = address.null ? NULL_TARGET : this.resolve(address.id);
      const event = this.events.intern({ ...(action.params.event as EventObject), from: this.name } as EventObject);
      if (to === NULL_TARGET) this.nullRoles.set(event, address.role);
      sends.push({ to, toName: address.id, role: address.role, event });
    }
    this.actions.length = 0;
    return sends;
  }

  private assertHealthy(s: AnyMachineSnapshot, during: string): void {
    if (s.status === 'error') {
      const err = s.error instanceof Error ? s.error.message : String(s.error);
      throw new ModelError(`actor ${this.name}: machine threw during ${during}: ${err}`);
    }
    if (Object.keys(s.children).length > 0) {
      throw new ModelError(`actor ${this.name}: machine spawned a child actor; compose actors in the scenario instead`);
    }
  }

  /** Identity of a snapshot: value, context, history and status; two equal keys have the same futures. */
  private key(s: AnyMachineSnapshot): string {
    const history: Record<string, string[]> = {};
    for (const [k, nodes] of Object.entries((s as any).historyValue as Record<string, AnyStateNode[]>)) {
      history[k] = nodes.map((n) => n.id);
    }
    return canonicalJson([s.value, s.context, history, s.status]);
  }

  private intern(s: AnyMachineSnapshot): number {
    const key = this.key(s);
    let id = this.ids.get(key);
    if (id === undefined) {
      assertPlainData(this.name, s.context);
      id = this.snapshots.length;
      if (id >= this.options.maxSnapshots) this.refuseGrowth(s);
      this.snapshots.push(s);
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

  private activeNodes(s: AnyMachineSnapshot): AnyStateNode[] {
    return (s as any)._nodes as AnyStateNode[];
  }

  private stateText(s: AnyMachineSnapshot, tag: string): string {
    const node = this.activeNodes(s)
      .filter((n) => n.tags.includes(tag))
      .pop();
    return node?.description ?? node?.key ?? JSON.stringify(s.value);
  }

  /** A meta field of the deepest active state that carries `tag` (the one stateText describes). */
  private taggedMeta(s: AnyMachineSnapshot, tag: string, key: string): string | undefined {
    const node = this.activeNodes(s)
      .filter((n) => n.tags.includes(tag))
      .pop();
    const v = (node?.meta as Record<string, unknown> | undefined)?.[key];
    return typeof v === 'string' ? v : undefined;
  }

  private stateMeta(s: AnyMachineSnapshot, key: string): string | undefined {
    for (const node of [...this.activeNodes(s)].reverse()) {
      const v = (node.meta as Record<string, unknown> | undefined)?.[key];
      if (typeof v === 'string') return v;
    }
    return undefined;
  }
}
