/**
 * What the spec says follows from each step of a generated path: the actors it changes and to which
 * states, the violation it commits, the invariants failing after it, and how a regression path ends.
 */
import type { EventObject, StateValue } from 'xstate';
import { STEP_BLOCKED, STEP_OK, decodeStep } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import { plainEvent } from './coverageItems.ts';

/** An actor's state as a generated test asserts it: value and context, history aside. */
export interface ActorState {
  readonly value: StateValue;
  readonly context: unknown;
}

/**
 * One step of a generated path and what the spec says follows from it: the new state of every
 * actor the step changed (an actor not listed must not change), the violation the step commits,
 * if any, a second violation it commits in the same step (System.alsoViolated), each with the actor
 * it is in, and the invariants that fail in the state it reaches (none, on a healthy path).
 */
export interface ExpectedStep {
  readonly actor: string;
  readonly event: EventObject;
  readonly changed: Readonly<Record<string, ActorState>>;
  readonly violation?: string;
  /** The actor the violation is in (StepViolation.actor): two actors may commit the same text in one step. */
  readonly violationBy?: string;
  readonly alsoViolation?: string;
  readonly alsoViolationBy?: string;
  readonly failing?: readonly string[];
}

/** What the last state of a regression path must show besides its steps: a deadlock or a lost wake-up. */
export interface ExpectedEnd {
  readonly kind: 'deadlock' | 'progress';
  readonly actor: string;
}

export function actorState(system: System, a: number, id: number): ActorState {
  const v = system.actors[a].view(id);
  return { value: v.value, context: v.context ?? null };
}

export function failingInvariants(system: System, state: Int32Array): string[] {
  const view = system.view(state);
  return system.invariants.filter((inv) => !inv.holds(view)).map((inv) => inv.id);
}

/** Replays step labels (see compose/stepLabel.ts) and writes down what the spec says of each step. */
export function expectedSteps(system: System, labels: readonly number[]): ExpectedStep[] {
  let cur = system.initial.slice();
  return labels.map((label, i) => {
    const { actor: a, offer } = decodeStep(label);
    const d = system.actors[a].offers(cur[a])[offer];
    const next = cur.slice();
    const code = system.step(next, a, offer);
    if (code === STEP_BLOCKED) throw new Error(`internal: step ${i + 1} of a generated path is blocked`);
    const changed: Record<string, ActorState> = {};
    for (let x = 0; x < system.width; x++) if (next[x] !== cur[x]) changed[system.names[x]] = actorState(system, x, next[x]);
    const step: { -readonly [K in keyof ExpectedStep]: ExpectedStep[K] } = {
      actor: system.names[a],
      event: plainEvent(system.events.get(d.event)),
      changed,
    };
    const crashed = code !== STEP_OK && !system.violation(code).continues;
    if (code !== STEP_OK) {
      const v = system.violation(code);
      step.violation = v.text;
      step.violationBy = v.actor;
      if (system.alsoViolated !== 0) {
        const w = system.violation(system.alsoViolated);
        step.alsoViolation = w.text;
        step.alsoViolationBy = w.actor;
      }
    }
    if (!crashed) {
      const failing = failingInvariants(system, next);
      if (failing.length) step.failing = failing;
    }
    cur = next;
    return step;
  });
}
