/**
 * Shrinking a counterexample found by simulation: the walk that broke a property is cut down to a short
 * sequence of steps that still breaks the same property (the same finding key), replaying the system at
 * every try. First chunks of steps are dropped (halves, quarters, ... single steps, at every offset), then
 * every step of one actor at once, and again until nothing more can go. A replay skips a step that is not
 * possible where it comes (the actor is not offered that event there, a callee blocks it, or it would crash
 * the path some other way), so dropping a step also drops whatever depended on it. Last, focusedSearch.ts
 * looks for a still shorter route among the actors that are left.
 */
import { STEP_BLOCKED, STEP_OK, decodeStep, stepLabel } from '../compose/stepLabel.ts';
import type { StepViolation, System } from '../compose/system.ts';
import { focusedSearch } from './focusedSearch.ts';
import { violationWithKey } from './trace.ts';
import { failsInState, offerOf, type ShrinkTarget } from './shrinkTarget.ts';
import type { SimStep } from './simulate.ts';

export interface Shrunk {
  readonly steps: readonly SimStep[];
  /** Replays tried. */
  readonly tries: number;
  /** Whether the focused search (focusedSearch.ts) found a shorter route than dropping steps left. */
  readonly searched?: boolean;
}

/** Replays tried at most per counterexample: a walk of thousands of steps still shrinks in bounded time. */
const MAX_TRIES = 50_000;

/**
 * Replays `steps` from the initial state, skipping those not possible where they come, and returns the
 * steps taken up to where the target first fails (the failing step last, for a step violation), or
 * undefined when it does not fail.
 */
export function replayFails(system: System, target: ShrinkTarget, steps: readonly SimStep[]): SimStep[] | undefined {
  const fails = failsInState(system, target);
  let cur: Int32Array = system.initial.slice();
  if (fails?.(cur)) return [];
  const kept: SimStep[] = [];
  for (const s of steps) {
    const o = offerOf(system, cur, s);
    if (o < 0) continue;
    const next = cur.slice();
    const r = system.step(next, s.actor, o);
    if (r === STEP_BLOCKED) continue;
    if (r !== STEP_OK) {
      const also = system.alsoViolated;
      if (system.violation(r).key === target.key || (also !== 0 && system.violation(also).key === target.key)) {
        kept.push(s);
        return kept;
      }
      // Another oops ends the path before the target: not a way to the target.
      if (!system.violation(r).continues) continue;
    }
    kept.push(s);
    cur = next;
    if (fails?.(cur)) return kept;
  }
  return undefined;
}

/** Shrinks `steps`, which must break the target, to a sequence that still does and that no single try shortens. */
export function shrink(system: System, target: ShrinkTarget, steps: readonly SimStep[]): Shrunk {
  let tries = 0;
  const attempt = (cand: readonly SimStep[]): SimStep[] | undefined => {
    tries++;
    return replayFails(system, target, cand);
  };
  let cur = attempt(steps);
  if (!cur) throw new Error(`internal: the walk that found ${target.key} does not break it on replay`);
  for (let changed = true; changed && tries < MAX_TRIES;) {
    changed = false;
    // Chunks, largest first, at every offset: a try that works is kept and the same offset tried again.
    for (let k = highestPowerOfTwo(cur.length >> 1); k >= 1; k >>= 1) {
      for (let i = 0; i + k <= cur.length && tries < MAX_TRIES;) {
        const r = attempt([...cur.slice(0, i), ...cur.slice(i + k)]);
        if (r && r.length < cur.length) {
          cur = r;
          changed = true;
        } else i++;
      }
    }
    // Whole actors: every step one actor starts, at once.
    for (const actor of [...new Set(cur.map((s) => s.actor))]) {
      if (tries >= MAX_TRIES) break;
      const r = attempt(cur.filter((s) => s.actor !== actor));
      if (r && r.length < cur.length) {
        cur = r;
        changed = true;
      }
    }
  }
  // Last, the shortest way to the same failure with only the actors still in it starting steps.
  const focused = cur.length > 1 ? focusedSearch(system, target, [...new Set(cur.map((s) => s.actor))], cur.length) : undefined;
  return { steps: focused ?? cur, tries, ...(focused ? { searched: true } : {}) };
}

function highestPowerOfTwo(n: number): number {
  let k = 1;
  while (k * 2 <= n) k *= 2;
  return n < 1 ? 0 : k;
}

/** The step labels (compose/stepLabel.ts) of a sequence that replays without skipping, for traces. */
export function labelsOf(system: System, steps: readonly SimStep[]): number[] {
  let cur: Int32Array = system.initial.slice();
  return steps.map((s, i) => {
    const o = offerOf(system, cur, s);
    if (o < 0) throw new Error(`internal: step ${i + 1} of a shrunk counterexample is not offered on replay`);
    const next = cur.slice();
    system.step(next, s.actor, o);
    cur = next;
    return stepLabel(s.actor, o);
  });
}

/**
 * The violation with key `key` that the last of `labels` commits, replayed from the initial state: what a shrunk
 * step violation's finding says. The steps shrinking kept may fail in another actor of the same machine than the
 * walk did (page1 where the walk broke page0: one key, one property), and the finding must name its own trace's.
 */
export function lastStepViolation(system: System, labels: readonly number[], key: string): StepViolation | undefined {
  if (labels.length === 0) return undefined;
  const cur = system.initial.slice();
  let code = STEP_OK;
  for (const label of labels) code = system.step(cur, decodeStep(label).actor, decodeStep(label).offer);
  return violationWithKey(system, code, key);
}
