/**
 * One machine asked through XState on behalf of one actor: its initial snapshot for the actor's input, what an
 * event does in a snapshot (an Outcome, outcome.ts: the next snapshot, the calls by address, the transitions taken,
 * the violation state entered), and a snapshot's identity key. Nothing of a system is in its answers: the actor
 * table interns them and resolves the calls to its system's actors (actorTable.ts), and the bug matrix may keep
 * them for the next configuration of a cell (transitionCache.ts).
 *
 * It refuses what the checker cannot explore faithfully, as it meets it: a machine that throws or spawns, an
 * impure action, a call sent by reference, an initial state that calls, and a transition that answers one
 * event in one snapshot two ways (each transition is run twice the first `determinismSamples` times it is taken).
 */
import {
  getNextTransitions,
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type EventObject,
} from 'xstate';
import { addressOf } from '../../machines/kit/messages.ts';
import { canonicalJson } from './events.ts';
import { InputError, isAllocationFailure, ModelError } from './errors.ts';
import type { Call, Outcome } from './outcome.ts';
import { assertPureAction } from './purity.ts';
import type { Initial } from './transitionCache.ts';
import { idOfTransition } from './transitionId.ts';
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

export class MachineRunner {
  /** Calls into XState's transition functions so far: what memoization saves is counted in these. */
  calls = 0;
  private inert: AnyActorScope | undefined;
  private readonly actions: ExecutedAction[] = [];
  /** The transitions of every microstep of the last `run`, in order (the event's, then eventless ones). */
  private readonly fired: TakenTransition[] = [];
  /** How often each transition definition has been re-run for the determinism check. */
  private readonly sampled = new Map<object, number>();

  constructor(
    /** The actor's name, for the errors. */
    private readonly name: string,
    readonly machine: AnyStateMachine,
    private readonly input: unknown,
    private readonly determinismSamples: number,
  ) {}

  /**
   * One inert scope for all transitions; it hands over every transition each microstep took, eventless ones
   * included, so a step learns them without re-deriving them. Made when XState is first asked: a table whose
   * answers all come from the cell's cache never needs one (making it builds an actor, 2% of `check --all`).
   */
  private get scope(): AnyActorScope {
    return (this.inert ??= inertScope(this.machine, this.input, {
      execute: (a) => this.actions.push(a),
      microstep: (taken) => this.fired.push(...taken),
    }));
  }

  /** The machine's initial snapshot for the input, and its key: an initial state that calls anyone is refused. */
  initial(): Initial {
    const snapshot = this.guarded('its initial state', () => initialIn(this.machine, this.scope, this.input));
    this.assertHealthy(snapshot, 'its initial state');
    const initialSends = this.collectSends();
    if (initialSends.length > 0) {
      throw new ModelError('initial-sends', { actor: this.name, event: initialSends[0].event.type });
    }
    return { snapshot, key: this.key(snapshot) };
  }

  /**
   * What the machine does with `event` in `snapshot`, asked of XState: nothing of the system in it. For an
   * environment event (`env`) blocked and unaccepted are both "not offered", and the costlier second question is not asked.
   */
  outcome(snapshot: AnyMachineSnapshot, event: EventObject, env: boolean): Outcome {
    const selected = this.machine.getTransitionData(snapshot, event);
    this.calls++;
    if (selected.length === 0) {
      if (env) return BLOCKED;
      this.calls++;
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

  /** Whether one of these transitions is still owed determinism samples (and counts them). */
  private unsampled(selected: readonly object[]): boolean {
    let owed = false;
    for (const t of selected) {
      const n = this.sampled.get(t) ?? 0;
      if (n < this.determinismSamples) {
        this.sampled.set(t, n + 1);
        owed = true;
      }
    }
    return owed;
  }

  private run(snapshot: AnyMachineSnapshot, event: EventObject): [AnyMachineSnapshot, Call[]] {
    this.actions.length = 0;
    this.fired.length = 0;
    this.calls++;
    const next = this.guarded(`event ${event.type}`, () => transitionIn(this.machine, this.scope, snapshot, event));
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

  /**
   * XState's call, with what the machine's own code throws (an assign, a guard) said as the machine's: XState throws
   * some of them out of `transition` rather than putting the snapshot in status 'error'.
   */
  private guarded<T>(during: string, run: () => T): T {
    try {
      return run();
    } catch (e) {
      // Ours, or the machine's memory running out (the run's bound, not the machine's fault), pass as they are.
      if (e instanceof ModelError || e instanceof InputError || isAllocationFailure(e)) throw e;
      throw new ModelError('machine-threw', { actor: this.name, during, error: e instanceof Error ? e.message : String(e) });
    }
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
  key(s: AnyMachineSnapshot): string {
    const history: Record<string, string[]> = {};
    for (const [k, nodes] of Object.entries(historyNodes(s))) {
      history[k] = nodes.map((n) => n.id);
    }
    return canonicalJson([s.value, s.context, history, s.status]);
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
