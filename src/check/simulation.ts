/**
 * One scenario simulated at one revision: the walks (simulate.ts), each finding's walk shrunk (shrink.ts) and
 * replayed into a trace with delivery records, classified like the checker's findings (severity, variant,
 * consequence), and the report every front end reads, with its JSON and ITF forms. What it says to users is
 * src/cli's business.
 */
import type { Scenario } from '../../machines/kit/types.ts';
import type { System } from '../compose/system.ts';
import { classify, type Classified } from './consequences.ts';
import type { Finding } from './finding.ts';
import { traceToItf, type ItfTrace } from './itf.ts';
import { labelsOf, shrink } from './shrink.ts';
import { simulateAsync, type SimBound, type SimulateOptions, type Strategy } from './simulate.ts';
import { replayLabels, type Trace } from './trace.ts';

export interface SimulatedFinding extends Finding, Classified {
  /** The run whose walk found it. */
  readonly run: number;
  /** Steps of the walk up to the failure, before shrinking. */
  readonly foundLength: number;
  /** Replays the shrinker tried. */
  readonly shrinkTries: number;
  readonly trace: Trace;
  itf(): ItfTrace;
}

export interface SimulationReport {
  readonly scenario: string;
  readonly revision?: string;
  readonly sizes: Readonly<Record<string, number>>;
  readonly seed: number;
  readonly strategy: Strategy;
  readonly maxDepth: number;
  /** Runs asked for (undefined: as many as the time budget allows). */
  readonly runsWanted?: number;
  readonly runs: number;
  readonly steps: number;
  readonly longest: number;
  readonly cutAtDepth: number;
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
  const traced = r.findings.map((f) => {
    const shrunk = shrink(system, f, f.steps);
    const trace = replayLabels(system, labelsOf(system, shrunk.steps));
    // `state` names a stored state in the explorer's findings; a walk stores none.
    return { ...f, state: -1, length: shrunk.steps.length, foundLength: f.steps.length, shrinkTries: shrunk.tries, trace };
  });
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
            ...(c.variant ? { variant: c.variant } : {}),
            ...(c.consequenceOf ? { consequenceOf: c.consequenceOf.property } : {}),
          },
          f.kind === 'invariant' || f.kind === 'deadlock' ? undefined : f.text,
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
    maxDepth: options.maxDepth,
    runsWanted: options.runs,
    runs: r.runs,
    steps: r.steps,
    longest: r.longest,
    cutAtDepth: r.cutAtDepth,
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
    maxDepth: r.maxDepth,
    runsWanted: r.runsWanted ?? null,
    runs: r.runs,
    steps: r.steps,
    longestWalk: r.longest,
    walksCutAtDepth: r.cutAtDepth,
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
      foundLength: f.foundLength,
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
