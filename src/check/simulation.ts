/**
 * One scenario simulated at one revision: the walks (simulate.ts), each finding's walk shrunk (shrink.ts; a
 * liveness lasso by shrinkLasso.ts) and replayed into a trace with delivery records, classified like the checker's findings (severity, variant,
 * consequence), and the report every front end reads, with its JSON and ITF forms. What it says to users is
 * src/cli's business.
 */
import type { Scenario } from '../../machines/kit/types.ts';
import type { CheckedFinding } from './check.ts';
import type { System } from '../compose/system.ts';
import { classify } from './consequences.ts';
import { Fairness, type FairnessMode } from './fairness.ts';
import { traceToItf } from './itf.ts';
import { unassumedSteps } from './livenessCheck.ts';
import { progressFailure } from './progress.ts';
import { labelsOf, lastStepViolation, shrink } from './shrink.ts';
import { shrinkLasso } from './shrinkLasso.ts';
import { PROGRESS_CLOSURE, stuckWaiter } from './stuckWaiter.ts';
import { simulateAsync, type SimBound, type SimStep, type SimulateOptions, type Strategy, type WalkFinding } from './simulate.ts';
import { replayLabels, type Trace } from './trace.ts';

/** A finding a walk met, shrunk: a checked finding's fields (trace, lasso, ITF) and how it was found. */
export interface SimulatedFinding extends CheckedFinding {
  /** The run whose walk found it. */
  readonly run: number;
  /** Steps of the walk up to the failure, before shrinking. */
  readonly foundLength: number;
  /** Liveness: where the cycle of the lasso found on the walk's graph started, before shrinking. */
  readonly foundLoop?: number;
  /** Replays the shrinker tried. */
  readonly shrinkTries: number;
}

export interface SimulationReport {
  readonly scenario: string;
  readonly revision?: string;
  readonly sizes: Readonly<Record<string, number>>;
  readonly seed: number;
  readonly strategy: Strategy;
  readonly fairness: FairnessMode;
  readonly maxDepth: number;
  /** Runs asked for (undefined: as many as the time budget allows). */
  readonly runsWanted?: number;
  readonly runs: number;
  readonly steps: number;
  readonly longest: number;
  readonly cutAtDepth: number;
  readonly futureStates: number;
  readonly seconds: number;
  readonly bound?: SimBound;
  readonly interrupted?: string;
  readonly findings: readonly SimulatedFinding[];
  readonly system: System;
}

/** Simulates the scenario's system and shrinks every counterexample found. */
export async function simulateScenario(
  scenario: Scenario,
  revision: string | undefined,
  sizes: Record<string, number>,
  system: System,
  options: SimulateOptions,
): Promise<SimulationReport> {
  const r = await simulateAsync(system, options);
  const mode = options.fairness ?? 'declared';
  const fairness = new Fairness(system, mode);
  const closure = Math.max(PROGRESS_CLOSURE, options.maxDepth + 1);
  const traced = r.findings.map((f) => shrunkFinding(system, fairness, closure, f));
  const classes = classify(system, traced);
  const findings = traced.map((f, i): SimulatedFinding => {
    const c = classes[i];
    const { steps: _walk, ...rest } = f;
    return {
      ...rest,
      ...c,
      itf: () => {
        const itf = traceToItf(
          system,
          f.trace,
          {
            scenario: scenario.name,
            revision,
            sizes,
            property: f.property,
            text: f.text,
            severity: c.severity,
            variant: c.variant ?? null,
            consequenceOf: c.consequenceOf ? { property: c.consequenceOf.property, variant: c.consequenceOf.variant ?? null } : null,
            // A lasso is judged on replay under the fairness it was found under, for the actor its property is about.
            ...(f.kind === 'liveness' ? { fairness: mode, ...(f.actor ? { actor: f.actor } : {}) } : {}),
          },
          f.kind === 'invariant' || f.kind === 'deadlock' || f.kind === 'progress' || f.kind === 'liveness' ? undefined : f.text,
          f.loop,
        );
        itf['#meta'].simulation = { seed: options.seed, run: f.run, strategy: options.strategy, foundLength: f.steps.length };
        return itf;
      },
    };
  });
  findings.sort((a, b) => a.length - b.length || a.key.localeCompare(b.key));
  return {
    scenario: scenario.name,
    revision,
    sizes,
    seed: options.seed,
    strategy: options.strategy,
    fairness: mode,
    maxDepth: options.maxDepth,
    runsWanted: options.runs,
    runs: r.runs,
    steps: r.steps,
    longest: r.longest,
    cutAtDepth: r.cutAtDepth,
    futureStates: r.futureStates,
    seconds: r.seconds,
    bound: r.bound,
    interrupted: r.interrupted,
    findings,
    system,
  };
}

/** The report as plain JSON, for `--json`: the steps as check --json gives them, so replay reads them too. */
export function simulationJson(r: SimulationReport): unknown {
  return {
    mode: 'simulation',
    scenario: r.scenario,
    revision: r.revision ?? null,
    sizes: r.sizes,
    verdict: r.findings.length ? 'violated' : r.bound ? 'bounded' : 'none-found',
    seed: r.seed,
    strategy: r.strategy,
    fairness: r.fairness,
    maxDepth: r.maxDepth,
    runsWanted: r.runsWanted ?? null,
    runs: r.runs,
    steps: r.steps,
    longestWalk: r.longest,
    walksCutAtDepth: r.cutAtDepth,
    futureStatesExplored: r.futureStates,
    seconds: Number(r.seconds.toFixed(3)),
    bound: r.bound ?? null,
    interrupted: r.interrupted ?? null,
    findings: r.findings.map((f) => ({
      property: f.property,
      kind: f.kind,
      text: f.text,
      actor: f.actor ?? null,
      severity: f.severity,
      variant: f.variant ?? null,
      consequenceOf: f.consequenceOf ? { property: f.consequenceOf.property, variant: f.consequenceOf.variant ?? null } : null,
      length: f.length,
      ...(f.loop !== undefined ? { loop: f.loop, prefixLength: f.loop, cycleLength: f.length - f.loop } : {}),
      ...(f.unassumed ? { notAssumed: f.unassumed } : {}),
      ...(f.obligations
        ? { fairness: f.obligations.map((o) => ({ action: o.fair.name, kind: o.fair.kind, why: o.fair.why, how: o.how, cycleStep: o.at })) }
        : {}),
      foundLength: f.foundLength,
      ...(f.foundLoop !== undefined ? { foundPrefixLength: f.foundLoop, foundCycleLength: f.foundLength - f.foundLoop } : {}),
      run: f.run,
      shrinkTries: f.shrinkTries,
      steps: f.trace.steps.map((s) => ({
        step: s.index,
        actor: s.actor,
        event: s.event,
        fn: s.calls[0].fn ?? null,
        calls: s.calls,
        changes: s.changes,
      })),
    })),
  };
}

/** A walk's finding shrunk and replayed into a trace; `state` names a stored state in the explorer's findings, a walk stores none. */
export function shrunkFinding(system: System, fairness: Fairness, closure: number, f: WalkFinding) {
  const base = { ...f, state: -1, foundLength: f.steps.length, ...(f.loop !== undefined ? { foundLoop: f.loop } : {}) };
  const traceOf = (steps: readonly SimStep[]): Trace => replayLabels(system, labelsOf(system, steps));
  if (f.kind === 'liveness' && f.liveness) {
    const l = shrinkLasso(system, fairness, f.liveness, f.steps);
    const trace = traceOf(l.steps);
    return {
      ...base,
      length: l.steps.length,
      shrinkTries: l.tries,
      trace,
      loop: l.loop,
      obligations: l.obligations,
      unassumed: unassumedSteps(system, trace, l.loop, fairness.mode),
    };
  }
  const shrunk = shrink(system, { key: f.key, kind: f.kind, cause: f.cause, closure }, f.steps);
  const labels = labelsOf(system, shrunk.steps);
  const trace = replayLabels(system, labels);
  if (f.kind === 'progress') {
    // The waiter stuck at the end of the shrunk trace may be another instance of the same machine: named anew.
    const last = trace.states[trace.states.length - 1];
    const actors = system.actors.flatMap((_, a) => (progressFailure(system, a, system.initial).key === f.key ? [a] : []));
    const a = stuckWaiter(system, last, actors, f.cause === undefined, closure);
    if (a >= 0)
      return {
        ...base,
        ...progressFailure(system, a, last),
        actor: system.names[a],
        length: shrunk.steps.length,
        shrinkTries: shrunk.tries,
        trace,
      };
  }
  // A step violation names the actor of the trace's own failing step, which shrinking may have changed.
  const stepKind = f.kind === 'violation-state' || f.kind === 'null-call' || f.kind === 'unaccepted';
  const failed = stepKind ? lastStepViolation(system, labels, f.key) : undefined;
  const named = failed ? { actor: failed.actor, text: failed.text } : {};
  return { ...base, ...named, length: shrunk.steps.length, shrinkTries: shrunk.tries, trace };
}
