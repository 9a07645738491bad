/**
 * What a shrunk counterexample must still break (a finding's key and kind), and the questions both shrinking
 * stages ask of the system about it: does a state fail it, and which offer of an actor is a step's event.
 * For progress a state fails when a waiter of the finding's machine waits there and the whole of what is
 * reachable from it (explored by stuckWaiter.ts, up to a bound) keeps it waiting: progress.ts's definition, decided on
 * the state's own future instead of the explored graph.
 */
import { STEP_BLOCKED } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import type { ViolationKind } from './finding.ts';
import { progressFailure } from './progress.ts';
import type { SimStep } from './simulate.ts';
import { stuckWaiter } from './stuckWaiter.ts';

/** What must still fail: a finding's key and kind. */
export interface ShrinkTarget {
  readonly key: string;
  readonly kind: ViolationKind;
  /** Progress: the oops the waiter is stuck behind; without one, the stuck state must have no oopsing step (progress.ts's root finding). */
  readonly cause?: string;
  /** Progress: states explored from a waiting state before giving up claiming it stuck (default stuckWaiter.ts's PROGRESS_CLOSURE). */
  readonly closure?: number;
}

/** For a property of states (an invariant, deadlock): whether a state fails it. Step violations have none. */
export function failsInState(system: System, target: ShrinkTarget): ((state: Int32Array) => boolean) | undefined {
  if (target.kind === 'invariant') {
    const inv = system.invariants.find((i) => `invariant:${i.id}` === target.key);
    if (!inv) throw new Error(`internal: no invariant has the key ${target.key}`);
    return (state) => !inv.holds(system.view(state));
  }
  if (target.kind === 'deadlock') return (state) => system.checkDeadlock && !anyEnabled(system, state) && system.unfinished(state) >= 0;
  if (target.kind === 'progress') {
    const actors = system.actors.flatMap((_, a) => (progressFailure(system, a, system.initial).key === target.key ? [a] : []));
    // Replays pass the same states again and again: each is decided once.
    const known = new Map<string, boolean>();
    return (state) => {
      const key = state.join(',');
      let stuck = known.get(key);
      if (stuck === undefined)
        known.set(key, (stuck = stuckWaiter(system, state, actors, target.cause === undefined, target.closure) >= 0));
      return stuck;
    };
  }
  return undefined;
}

function anyEnabled(system: System, state: Int32Array): boolean {
  const out = new Int32Array(system.width);
  for (let a = 0; a < system.width; a++) {
    const offers = system.actors[a].offers(state[a]);
    for (let o = 0; o < offers.length; o++) {
      out.set(state);
      if (system.step(out, a, o) !== STEP_BLOCKED) return true;
    }
  }
  return false;
}

/** The index of the actor's offer of the step's event in `state`, or -1 when it is not offered there. */
export function offerOf(system: System, state: Int32Array, s: SimStep): number {
  const offers = system.actors[s.actor].offers(state[s.actor]);
  for (let o = 0; o < offers.length; o++) if (offers[o].event === s.event) return o;
  return -1;
}
