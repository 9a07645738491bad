/**
 * What a shrunk counterexample must still break (a finding's key and kind), and the questions both shrinking
 * stages ask of the system about it: does a state fail it, and which offer of an actor is a step's event.
 */
import { STEP_BLOCKED } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import type { ViolationKind } from './finding.ts';
import type { SimStep } from './simulate.ts';

/** What must still fail: a finding's key and kind. */
export interface ShrinkTarget {
  readonly key: string;
  readonly kind: ViolationKind;
}

/** For a property of states (an invariant, deadlock): whether a state fails it. Step violations have none. */
export function failsInState(system: System, target: ShrinkTarget): ((state: Int32Array) => boolean) | undefined {
  if (target.kind === 'invariant') {
    const inv = system.invariants.find((i) => `invariant:${i.id}` === target.key);
    if (!inv) throw new Error(`internal: no invariant has the key ${target.key}`);
    return (state) => !inv.holds(system.view(state));
  }
  if (target.kind === 'deadlock') return (state) => system.checkDeadlock && !anyEnabled(system, state) && system.unfinished(state) >= 0;
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
