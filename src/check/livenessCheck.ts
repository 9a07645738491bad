/**
 * The liveness half of a check: the declared liveness properties run on the graph the safety run explored,
 * each failure turned into a finding with its lasso, and the report's JSON.
 */
import type { System } from '../compose/system.ts';
import type { ExploreResult } from './exploration.ts';
import type { Finding } from './finding.ts';
import { STEP_BLOCKED } from '../compose/stepLabel.ts';
import { Fairness, UNFAIR, type FairClass, type FairnessMode } from './fairness.ts';
import { checkLivenessSteps, type LivenessRun, type Obligation } from './liveness.ts';
import { drain, drainAsync, type Steps } from './slices.ts';
import type { Liveness } from '../../machines/kit/types.ts';
import { CACHE_BYTES } from './successors.ts';
import { replayLabels, type Trace } from './trace.ts';

/**
 * The liveness half of a check: runs the declared liveness properties on the graph the safety
 * run explored and turns each failure into a finding with its lasso. Kept apart from check.ts, which
 * calls `livenessAfter` once (and asks the exploration to record successors for it, check.ts `recordingFor`).
 */
export interface LivenessFinding extends Finding {
  readonly kind: 'liveness';
  readonly trace: Trace;
  /** The state index (in trace.states) where the cycle starts; == steps when the system stutters there. */
  readonly loop: number;
  readonly obligations: readonly Obligation[];
  /** Steps enabled on the cycle that no fairness makes anyone take (`dma0.munmap`): what would end it, if someone chose to. */
  readonly unassumed: readonly string[];
}

/** Per property, whether it held and whether its premise was ever reached. */
export interface LivenessPropertyReport {
  readonly id: string;
  readonly actor?: string;
  readonly form: string;
  readonly holds: boolean;
  readonly premiseReached: boolean;
}

export interface LivenessReport {
  readonly mode: FairnessMode;
  readonly properties: readonly LivenessPropertyReport[];
  readonly fairness: readonly FairClass[];
  readonly seconds: number;
  readonly bytes: number;
  readonly expansions: number;
  /** Why liveness was not checked, when it was not. */
  readonly skipped?: string;
}

/** What `livenessAfter` gives: the findings, and the report (none when the system declares no liveness property). */
export interface LivenessAfter {
  readonly findings: LivenessFinding[];
  readonly report?: LivenessReport;
}

type LivenessOptions = { fingerprint?: boolean; symmetry?: boolean; fairness?: FairnessMode; liveness?: boolean };

export function livenessAfter(system: System, result: ExploreResult, options: LivenessOptions): LivenessAfter {
  const plan = planFor(system, result, options);
  return 'skipped' in plan ? plan.skipped : outcomeOf(system, plan.mode, drain(runOf(system, result, plan)));
}

/**
 * The same with turns of the event loop while the check runs (slices.ts), so that `shouldStop` (a signal) can end it:
 * then `{ stopped }`, the reason, and nothing of the check is kept.
 */
export async function livenessAfterAsync(
  system: System,
  result: ExploreResult,
  options: LivenessOptions,
  shouldStop: (() => string | undefined) | undefined,
  /** Told when the check begins (not when it is skipped). */
  onStart?: () => void,
): Promise<LivenessAfter | { readonly stopped: string }> {
  const plan = planFor(system, result, options);
  if ('skipped' in plan) return plan.skipped;
  onStart?.();
  const run = await drainAsync(runOf(system, result, plan), shouldStop);
  return 'stopped' in run ? run : outcomeOf(system, plan.mode, run.value);
}

/** What a check stopped by `why` before its end reports: nothing of it, and why. */
export function livenessStopped(options: LivenessOptions, why: string): LivenessAfter {
  return notChecked(options.fairness ?? 'declared', `interrupted by ${why} before it ended`);
}

/** A liveness report of no check, and why there was none. */
function notChecked(mode: FairnessMode, why: string): LivenessAfter {
  return { findings: [], report: { mode, properties: [], fairness: [], seconds: 0, bytes: 0, expansions: 0, skipped: why } };
}

/** What the check runs on: the properties, the fairness, and the room for the successors it keeps. */
interface LivenessPlan {
  readonly props: readonly Liveness[];
  readonly mode: FairnessMode;
  readonly cache?: number;
}

/** Whether the check runs, under which fairness, with how much room for the successors it keeps; or why it does not. */
function planFor(system: System, result: ExploreResult, options: LivenessOptions): { readonly skipped: LivenessAfter } | LivenessPlan {
  const props = system.liveness;
  if (props.length === 0) return { skipped: { findings: [] } };
  const mode = options.fairness ?? 'declared';
  const skip = (why: string) => ({ skipped: notChecked(mode, why) });
  if (options.liveness === false) return skip('a safety run only was asked for');
  if (!result.complete) return skip('liveness needs the whole graph; the run was bounded');
  if (options.fingerprint) return skip('liveness needs every state; fingerprint mode keeps none');
  if (result.symmetry) return skip('liveness is checked on the full graph; run without --symmetry');
  // Under a memory budget, the successors kept between visits take a quarter at most of what the safety run left: a
  // run that recorded them as it explored keeps what it recorded (its budget allowed that) and keeps no more past it.
  const { bytes, budget } = result.memory;
  const cache = budget === undefined ? undefined : Math.min(CACHE_BYTES, Math.max(0, Math.floor((budget - bytes) / 4)));
  return { props, mode, cache };
}

function runOf(system: System, result: ExploreResult, plan: LivenessPlan): Steps<LivenessRun> {
  return checkLivenessSteps(system, result.store, plan.props, plan.mode, plan.cache, result.successors);
}

/** Each failed property as a finding with its lasso replayed, and the report. */
function outcomeOf(system: System, mode: FairnessMode, run: LivenessRun): LivenessAfter {
  const findings: LivenessFinding[] = [];
  for (const o of run.outcomes) {
    if (o.holds || !o.lasso) continue;
    const trace = replayLabels(system, o.lasso.labels);
    findings.push({
      key: `liveness:${o.property.id}${o.property.actor ? `:${o.property.actor}` : ''}`,
      property: o.property.id,
      kind: 'liveness',
      text: o.property.text,
      ...(o.property.actor ? { actor: o.property.actor } : {}),
      state: -1,
      length: o.lasso.labels.length,
      trace,
      loop: o.lasso.loop,
      obligations: o.lasso.obligations,
      unassumed: unassumedSteps(system, trace, o.lasso.loop, mode),
    });
  }
  return {
    findings,
    report: {
      mode,
      properties: run.outcomes.map((o) => ({
        id: o.property.id,
        ...(o.property.actor ? { actor: o.property.actor } : {}),
        form: o.property.form,
        holds: o.holds,
        premiseReached: o.premiseReached,
      })),
      fairness: run.fairness,
      seconds: run.seconds,
      bytes: run.bytes,
      expansions: run.expansions,
    },
  };
}

/** The liveness run for `--json`: each property with its premise, the fairness assumed, the cost. */
export function livenessJson(r: LivenessReport | undefined): unknown {
  if (!r) return null;
  return {
    fairness: r.mode,
    skipped: r.skipped ?? null,
    seconds: Number(r.seconds.toFixed(3)),
    bytes: r.bytes,
    expansions: r.expansions,
    properties: r.properties,
    fairActions: r.fairness.map((c) => ({ name: c.name, kind: c.kind, why: c.why })),
  };
}

/** The steps enabled somewhere on the cycle that belong to no fair action, as `actor.event`. */
export function unassumedSteps(system: System, trace: Trace, loop: number, mode: FairnessMode): string[] {
  const fairness = new Fairness(system, mode);
  const out = new Set<string>();
  for (const state of trace.states.slice(loop)) {
    for (let a = 0; a < system.width; a++) {
      const offers = system.actors[a].offers(state[a]);
      for (let o = 0; o < offers.length; o++) {
        if (fairness.classOf(a, state[a], o) !== UNFAIR) continue;
        if (system.step(state.slice(), a, o) === STEP_BLOCKED) continue;
        out.add(`${system.names[a]}.${system.events.get(offers[o].event).type}`);
      }
    }
  }
  return [...out];
}
