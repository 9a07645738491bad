/**
 * What a shrunk counterexample must still break (a finding's key and kind), and the questions both shrinking
 * stages ask of the system about it: does a state fail it, and which offer of an actor is a step's event.
 * For progress a state fails when a waiter of the finding's machine waits there and the whole of what is
 * reachable from it (explored here, up to a bound) keeps it waiting: progress.ts's definition, decided on
 * the state's own future instead of the explored graph.
 */
import { STEP_BLOCKED, STEP_OK } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import type { ViolationKind } from './finding.ts';
import { progressFailure } from './progress.ts';
import type { SimStep } from './simulate.ts';

/** What must still fail: a finding's key and kind. */
export interface ShrinkTarget {
  readonly key: string;
  readonly kind: ViolationKind;
  /** Progress: the oops the waiter is stuck behind; without one, the stuck state must have no oopsing step (progress.ts's root finding). */
  readonly cause?: string;
  /** Progress: states explored from a waiting state before giving up claiming it stuck (default PROGRESS_CLOSURE). */
  readonly closure?: number;
}

/**
 * States a progress shrink explores from one waiting state before it gives up claiming it stuck. A walk
 * proves a waiter stuck only on a future it visited whole, so a bound of its length re-proves what it found;
 * a larger one would only let shrinking spend its time on futures no walk could have proved.
 */
export const PROGRESS_CLOSURE = 50_000;

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

/**
 * The first of `actors` that waits in `state` and can never stop waiting: every state reachable from it
 * (continuing steps; a step that oopses ends its path and leads nowhere, as in progress.ts) keeps it waiting.
 * With `root`, `state` must also have no oopsing step. -1 when none, or when the future is larger than
 * PROGRESS_CLOSURE states (then nothing is claimed).
 */
export function stuckWaiter(system: System, state: Int32Array, actors: readonly number[], root: boolean, bound = PROGRESS_CLOSURE): number {
  const waiting = actors.filter((a) => system.actors[a].view(state[a]).tags.has('waiting'));
  if (waiting.length === 0) return -1;
  if (root && oopses(system, state)) return -1;
  for (const a of waiting) {
    const seen = new Set<string>([state.join(',')]);
    // Depth first: where the wait can end, running on usually ends it in a few steps; a breadth-first
    // search would first visit every interleaving of the others.
    const stack = [state];
    let stuck = true;
    while (stack.length && stuck) {
      const cur = stack.pop()!;
      for (let b = 0; b < system.width && stuck; b++) {
        const offers = system.actors[b].offers(cur[b]);
        for (let o = 0; o < offers.length && stuck; o++) {
          const next = cur.slice();
          const r = system.step(next, b, o);
          if (r === STEP_BLOCKED || (r !== STEP_OK && !system.violation(r).continues)) continue;
          const key = next.join(',');
          if (seen.has(key)) continue;
          if (!system.actors[a].view(next[a]).tags.has('waiting') || seen.size >= bound) stuck = false;
          seen.add(key);
          stack.push(next);
        }
      }
    }
    if (stuck) return a;
  }
  return -1;
}

function oopses(system: System, state: Int32Array): boolean {
  for (let a = 0; a < system.width; a++) {
    const offers = system.actors[a].offers(state[a]);
    for (let o = 0; o < offers.length; o++) {
      const r = system.step(state.slice(), a, o);
      if (r !== STEP_BLOCKED && r !== STEP_OK && !system.violation(r).continues) return true;
    }
  }
  return false;
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
