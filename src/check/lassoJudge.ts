/**
 * Judging a replayed lasso: which liveness properties the behaviour it stands for (the prefix, then the cycle for
 * ever) breaks, and whether that behaviour is one the fairness allows. A lasso that closes shows nothing by itself:
 * a cycle where the property's premise never held, where its goal holds, or that neglects a fair action (a truncate
 * that could go on waking, never taking the step) is no counterexample, and replay must say so rather than take
 * every closed cycle for a hang.
 */
import type { Liveness } from '../../machines/kit/types.ts';
import { STEP_BLOCKED } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import { Fairness, UNFAIR, type FairnessKind, type FairnessMode } from './fairness.ts';

/** A step of the lasso: the actor and its offer, taken from the state before it. */
export interface LassoStep {
  readonly actor: number;
  readonly offer: number;
}

/** A fair action the cycle neglects: enabled in every state of it (weak) or in some (strong), and never taken there. */
export interface Neglected {
  readonly action: string;
  readonly kind: FairnessKind;
  /** Why the action is fair, as its declaration says. */
  readonly why: string;
}

export interface LassoJudgement {
  /** The liveness properties the behaviour breaks (with the actor of a per-actor one); empty when it is unfair. */
  readonly broken: readonly Liveness[];
  /** Why the cycle is no fair behaviour: the first fair action it neglects. */
  readonly unfair?: Neglected;
}

/**
 * `states` are the lasso's states (the last the one at `loop` again; `loop` == the last index when it stutters there),
 * `steps` the steps between them.
 */
export function judgeLasso(
  system: System,
  states: readonly Int32Array[],
  steps: readonly LassoStep[],
  loop: number,
  mode: FairnessMode,
): LassoJudgement {
  const last = states.length - 1;
  // The states the behaviour visits for ever, and the steps it keeps taking.
  const cycle = loop < last ? states.slice(loop, last) : [states[last]];
  const cycleSteps = steps.slice(loop);
  const unfair = neglected(system, states, cycle, cycleSteps, loop, mode);
  if (unfair !== undefined) return { broken: [], unfair };
  const broken = system.liveness.filter((p) => breaks(system, p, states, cycle, loop, last));
  return { broken };
}

/** Whether the behaviour (states[0..loop), then the cycle for ever) breaks property p. */
function breaks(
  system: System,
  p: Liveness,
  states: readonly Int32Array[],
  cycle: readonly Int32Array[],
  loop: number,
  last: number,
): boolean {
  const goal = (s: Int32Array): boolean => p.then(system.view(s));
  const cycleWithoutGoal = cycle.every((s) => !goal(s));
  if (p.form === 'infinitely-often') return cycleWithoutGoal;
  if (!cycleWithoutGoal) return false;
  if (p.form === 'eventually') return states.slice(0, loop).every((s) => !goal(s));
  // P ~> Q: some state where P holds with Q holding nowhere after it; in the cycle, every state comes after it again.
  const premise = (s: Int32Array): boolean => p.when!(system.view(s));
  let goalAfter = false;
  for (let i = Math.min(loop, last) - 1; i >= 0; i--) {
    goalAfter ||= goal(states[i]);
    if (!goalAfter && premise(states[i])) return true;
  }
  return cycle.some(premise);
}

/**
 * The first fair action the cycle neglects, or undefined when it neglects none: a weakly fair action enabled in every
 * state of the cycle and never taken in it, or a strongly fair one enabled in some state of it.
 */
function neglected(
  system: System,
  states: readonly Int32Array[],
  cycle: readonly Int32Array[],
  cycleSteps: readonly LassoStep[],
  loop: number,
  mode: FairnessMode,
): Neglected | undefined {
  const fairness = new Fairness(system, mode);
  const taken = new Set<number>();
  cycleSteps.forEach((st, i) => {
    const before = states[loop + i];
    const c = fairness.classOf(st.actor, before[st.actor], st.offer);
    if (c !== UNFAIR) taken.add(c);
  });
  // Per state of the cycle: the fair actions some step of it is enabled for.
  const enabled = cycle.map((s) => {
    const on = new Set<number>();
    for (let a = 0; a < system.width; a++) {
      const classes = fairness.offerClasses(a, s[a]);
      for (let o = 0; o < classes.length; o++) {
        if (classes[o] === UNFAIR || on.has(classes[o])) continue;
        if (system.step(s.slice(), a, o) !== STEP_BLOCKED) on.add(classes[o]);
      }
    }
    return on;
  });
  for (let c = 0; c < fairness.count; c++) {
    if (taken.has(c)) continue;
    const cls = fairness.classes[c];
    const always = enabled.every((on) => on.has(c));
    const ever = enabled.some((on) => on.has(c));
    if ((cls.kind === 'weak' && always) || (cls.kind === 'strong' && ever)) return { action: cls.name, kind: cls.kind, why: cls.why };
  }
  return undefined;
}
