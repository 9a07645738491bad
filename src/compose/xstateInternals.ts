/**
 * Every XState internal daxspec relies on, in one place. package.json pins xstate to the exact version
 * these were read from, and test/xstateInternals.test.ts holds a canary for each, so an upgrade that
 * changes one fails there, naming it. Nothing else in src/ reaches into XState past its public API:
 * - an actor scope made by hand (`actionExecutor` receives every action instead of running it), passed
 *   to `machine.transition(snapshot, event, scope)` and `machine.getInitialSnapshot(scope, input)`;
 * - the scope's system's `_sendInspectionEvent`, which receives `@xstate.microstep` events carrying the
 *   `_transitions` each microstep took;
 * - `snapshot._nodes` (every active state node) and `snapshot.historyValue` (history node -> nodes).
 */
import {
  createActor,
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type EventObject,
} from 'xstate';

/** An action XState handed to the scope's executor instead of running it (a `sendTo` is `xstate.sendTo`). */
export interface ExecutedAction {
  readonly type: string;
  readonly params?: unknown;
}

/** A transition definition as a microstep reports it taken. */
export interface TakenTransition {
  readonly source: AnyStateNode;
  readonly target?: readonly AnyStateNode[];
  readonly eventType: string;
  readonly meta?: unknown;
  readonly description?: string;
}

export interface InertScopeHooks {
  /** Every action of a transition, in order, instead of running it. */
  readonly execute: (action: ExecutedAction) => void;
  /** The transitions of each microstep, in order (the event's, then eventless ones), synchronously. */
  readonly microstep?: (transitions: readonly TakenTransition[]) => void;
}

/**
 * A scope for `transition`/`getInitialSnapshot` with nothing live behind it: actions go to
 * `hooks.execute` (recorded, not run) and microsteps to `hooks.microstep`. One scope serves every
 * transition of a machine: xstate's own `transition()` builds an actor per call, which costs more
 * than the transition itself.
 */
export function inertScope(machine: AnyStateMachine, input: unknown, hooks: InertScopeHooks): AnyActorScope {
  const self = createActor(machine, { input });
  // XState reports each microstep's transitions to the actor system's inspection hook: a system that
  // delegates to the real one but keeps those is how a step learns every transition it took.
  const system = Object.create(self.system) as typeof self.system & { _sendInspectionEvent: (e: MicrostepEvent) => void };
  const microstep = hooks.microstep;
  system._sendInspectionEvent = (e: MicrostepEvent) => {
    if (microstep && e.type === '@xstate.microstep' && e._transitions) microstep(e._transitions);
  };
  return {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system,
    emit: () => {},
    actionExecutor: hooks.execute,
  };
}

interface MicrostepEvent {
  readonly type: string;
  readonly _transitions?: readonly TakenTransition[];
}

/** The machine's initial snapshot, its entry actions handed to the scope. */
export function initialIn(machine: AnyStateMachine, scope: AnyActorScope, input: unknown): AnyMachineSnapshot {
  return machine.getInitialSnapshot(scope, input);
}

/** The snapshot `event` leads to, its actions handed to the scope. */
export function transitionIn(
  machine: AnyStateMachine,
  scope: AnyActorScope,
  snapshot: AnyMachineSnapshot,
  event: EventObject,
): AnyMachineSnapshot {
  return machine.transition(snapshot, event, scope);
}

/** Every active state node of a snapshot, in XState's order (after a transition, the order they were entered in). */
export function activeNodes(s: AnyMachineSnapshot): readonly AnyStateNode[] {
  return s._nodes;
}

/** The history a snapshot remembers: per history node id, the nodes it would restore. */
export function historyNodes(s: AnyMachineSnapshot): Readonly<Record<string, readonly AnyStateNode[]>> {
  return s.historyValue as Record<string, readonly AnyStateNode[]>;
}

/** What a `sendTo` hands the executor: `{ type: 'xstate.sendTo', params: { to, event } }`, the target resolved. */
export interface SendToParams {
  readonly to: unknown;
  readonly event: EventObject;
}

/** The target and event of an executed `sendTo`, or undefined for any other action. */
export function sendToParams(action: ExecutedAction): SendToParams | undefined {
  return action.type === 'xstate.sendTo' ? (action.params as SendToParams) : undefined;
}
