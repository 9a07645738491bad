/**
 * Shrinking a liveness counterexample found by simulation: a lasso (a prefix, then a cycle repeated for
 * ever, or stuttering) cut down while the same property still fails under the same fairness. Every try
 * replays its steps (skipping those not possible where they come, as shrink.ts does), builds the graph of
 * the states it passed (walkGraph.ts) and runs liveness.ts's check on it: what is kept is the lasso that
 * check builds there, so each try is judged fair or not exactly as the exhaustive check judges a component.
 * Steps are dropped in chunks (halves down to single steps, at every offset, prefix and cycle alike), then
 * every step of one actor at once, and last a breadth-first graph of the remaining actors' steps is searched
 * the same way (as focusedSearch.ts does for safety), which finds the shortest prefix within it.
 */
import type { Liveness } from '../../machines/kit/types.ts';
import { STEP_BLOCKED, STEP_OK, stepLabel } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import type { Fairness } from './fairness.ts';
import { FOCUS_STATES } from './focusedSearch.ts';
import type { Obligation } from './liveness.ts';
import { offerOf } from './shrinkTarget.ts';
import { stepsOf, type SimStep } from './simulate.ts';
import { walkLiveness } from './walkChecks.ts';
import { WalkStore, WalkSuccessors } from './walkGraph.ts';

/** A lasso as steps: the prefix is steps[0, loop), the cycle steps[loop, end) (empty: it stutters at the state after the prefix). */
export interface StepLasso {
  readonly steps: readonly SimStep[];
  readonly loop: number;
  readonly obligations: readonly Obligation[];
}

export interface ShrunkLasso extends StepLasso {
  /** Replays tried. */
  readonly tries: number;
  /** Whether the search over the remaining actors' steps found a shorter lasso than dropping steps left. */
  readonly searched?: boolean;
}

/** Tries at most per lasso: each builds a small graph and checks it. */
const MAX_TRIES = 5_000;

/** The lasso liveness.ts finds for `property` on a graph, as steps. */
function lassoIn(system: System, store: WalkStore, fairness: Fairness, property: Liveness): StepLasso | undefined {
  const succ = new WalkSuccessors(system, store, fairness);
  const [l] = walkLiveness(system, store, succ, fairness, [property]);
  return l ? { steps: stepsOf(system, l.labels), loop: l.loop, obligations: l.obligations } : undefined;
}

/**
 * Replays `steps` from the initial state (skipping those not possible where they come, and those that
 * oops: a path that dies is no way on) and returns the lasso that breaks `property` among the states
 * passed, or undefined when none does.
 */
export function replayLasso(system: System, fairness: Fairness, property: Liveness, steps: readonly SimStep[]): StepLasso | undefined {
  const store = new WalkStore(system.width);
  let cur: Int32Array = system.initial.slice();
  let at = store.add(cur, -1, -1);
  for (const s of steps) {
    const o = offerOf(system, cur, s);
    if (o < 0) continue;
    const next = cur.slice();
    const r = system.step(next, s.actor, o);
    if (r === STEP_BLOCKED || (r !== STEP_OK && !system.violation(r).continues)) continue;
    const added = store.add(next, at, stepLabel(s.actor, o));
    at = added >= 0 ? added : -1 - added;
    cur = next;
  }
  return lassoIn(system, store, fairness, property);
}

/**
 * The breadth-first graph of the states reached when only `actors` start steps (at most `maxStates`), and
 * the lasso liveness.ts finds on it: the other actors' steps are still enabled steps (fairness sees them),
 * they only lead out of the graph.
 */
export function focusedLasso(
  system: System,
  fairness: Fairness,
  property: Liveness,
  actors: readonly number[],
  maxStates = FOCUS_STATES,
): StepLasso | undefined {
  const store = new WalkStore(system.width);
  store.add(system.initial.slice(), -1, -1);
  const vec = new Int32Array(system.width);
  for (let head = 0; head < store.count && store.count < maxStates; head++) {
    store.load(head, vec);
    for (const a of actors) {
      const offers = system.actors[a].offers(vec[a]);
      for (let o = 0; o < offers.length && store.count < maxStates; o++) {
        const next = vec.slice();
        const r = system.step(next, a, o);
        if (r === STEP_BLOCKED || (r !== STEP_OK && !system.violation(r).continues)) continue;
        store.add(next, head, stepLabel(a, o));
      }
    }
  }
  return lassoIn(system, store, fairness, property);
}

/** Shrinks a lasso that breaks `property` to one that still does and that no single try shortens. */
export function shrinkLasso(system: System, fairness: Fairness, property: Liveness, steps: readonly SimStep[]): ShrunkLasso {
  let tries = 0;
  const attempt = (cand: readonly SimStep[]): StepLasso | undefined => {
    tries++;
    return replayLasso(system, fairness, property, cand);
  };
  let cur = attempt(steps);
  if (!cur) throw new Error(`internal: the walk that broke ${property.id} does not break it on replay`);
  const better = (r: StepLasso | undefined): r is StepLasso => r !== undefined && r.steps.length < cur!.steps.length;
  for (let changed = true; changed && tries < MAX_TRIES;) {
    changed = false;
    for (let k = highestPowerOfTwo(cur.steps.length >> 1); k >= 1; k >>= 1) {
      for (let i = 0; i + k <= cur.steps.length && tries < MAX_TRIES;) {
        const r = attempt([...cur.steps.slice(0, i), ...cur.steps.slice(i + k)]);
        if (better(r)) {
          cur = r;
          changed = true;
        } else i++;
      }
    }
    for (const actor of [...new Set(cur.steps.map((s) => s.actor))]) {
      if (tries >= MAX_TRIES) break;
      const r = attempt(cur.steps.filter((s) => s.actor !== actor));
      if (better(r)) {
        cur = r;
        changed = true;
      }
    }
  }
  const actors = [...new Set(cur.steps.map((s) => s.actor))];
  const focused = cur.steps.length > 1 ? focusedLasso(system, fairness, property, actors) : undefined;
  if (better(focused)) return { ...focused, tries, searched: true };
  return { ...cur, tries };
}

function highestPowerOfTwo(n: number): number {
  let k = 1;
  while (k * 2 <= n) k *= 2;
  return n < 1 ? 0 : k;
}
