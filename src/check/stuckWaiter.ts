/**
 * Whether a waiter can never stop waiting, decided on the future of one state: every state reachable from it
 * (explored here, up to a bound) keeps it waiting. progress.ts decides the same on the explored graph; a walk
 * has no such graph, so simulation (walkChecks.ts at the end of a walk, shrinkTarget.ts while shrinking)
 * explores the state's own future and claims nothing when the bound cuts it short.
 */
import { STEP_BLOCKED, STEP_OK } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';

/**
 * States explored from one waiting state before giving up claiming it stuck, while shrinking. Large enough
 * that a stuck state early on a path, whose future still holds the other actors' interleavings, is proved
 * (kill_dax behind an oopsed reader at 6 readers of 3 sections needs thousands); a state a walk proved stuck
 * needs at most the walk's length, and simulation.ts takes the larger of the two.
 */
export const PROGRESS_CLOSURE = 50_000;

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
