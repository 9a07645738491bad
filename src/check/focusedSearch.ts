/**
 * The last stage of shrinking: a breadth-first search for the shortest way to the same failure in which only
 * the actors that start a step of the shrunk counterexample start steps (the others still answer the calls
 * made to them, and stay where they are otherwise). Dropping steps cannot replace a long detour by a shorter
 * different route; this search can, and it stays small because most actors of a large configuration are held
 * still. It is bounded by a number of states and gives up (keeping the shrunk sequence) when it reaches it.
 */
import { STEP_BLOCKED, STEP_OK } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import { failsInState, type ShrinkTarget } from './shrinkTarget.ts';
import type { SimStep } from './simulate.ts';

/** States the search may visit: a few MB and a second or two at most, whatever the size of the system. */
export const FOCUS_STATES = 30_000;

/**
 * The shortest step sequence, among those whose steps only `actors` start, that breaks the target, if the
 * search finds one within `maxStates` states shorter than `within` steps; else undefined.
 */
export function focusedSearch(
  system: System,
  target: ShrinkTarget,
  actors: readonly number[],
  within: number,
  maxStates = FOCUS_STATES,
): SimStep[] | undefined {
  const fails = failsInState(system, target);
  const w = system.width;
  const seen = new Map<string, number>();
  // Per visited state: its vector, its parent and the step that reached it.
  const states: Int32Array[] = [];
  const parent: number[] = [];
  const via: (SimStep | undefined)[] = [];
  const depth: number[] = [];
  const add = (vec: Int32Array, from: number, step: SimStep | undefined): number => {
    const key = vec.join(',');
    if (seen.has(key)) return -1;
    seen.set(key, states.length);
    states.push(vec);
    parent.push(from);
    via.push(step);
    depth.push(from < 0 ? 0 : depth[from] + 1);
    return states.length - 1;
  };
  const path = (at: number, last?: SimStep): SimStep[] => {
    const out: SimStep[] = last ? [last] : [];
    for (let s = at; parent[s] >= 0; s = parent[s]) out.push(via[s]!);
    return out.reverse();
  };
  const first = add(system.initial.slice(), -1, undefined);
  if (fails?.(states[first])) return [];
  for (let head = 0; head < states.length; head++) {
    // A path through this state is at least depth+1 long: nothing shorter than `within` is left.
    if (depth[head] + 1 >= within) return undefined;
    const cur = states[head];
    for (const a of actors) {
      const offers = system.actors[a].offers(cur[a]);
      for (let o = 0; o < offers.length; o++) {
        const next = new Int32Array(w);
        next.set(cur);
        const r = system.step(next, a, o);
        if (r === STEP_BLOCKED) continue;
        const step = { actor: a, event: offers[o].event };
        if (r !== STEP_OK) {
          const also = system.alsoViolated;
          if (system.violation(r).key === target.key || (also !== 0 && system.violation(also).key === target.key)) return path(head, step);
          if (!system.violation(r).continues) continue;
        }
        const at = add(next, head, step);
        if (at < 0) continue;
        if (fails?.(next)) return path(at);
        if (states.length >= maxStates) return undefined;
      }
    }
  }
  return undefined;
}
