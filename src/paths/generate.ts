/**
 * Generation of one suite: build a scenario at a revision and sizes, explore it, cover it with paths
 * and keep the checker's counterexamples as regression paths.
 */
import { resolveSizes } from '../check/check.ts';
import { explore } from '../check/explore.ts';
import { stepLabel } from '../compose/stepLabel.ts';
import { traceOf, type TraceStep } from '../check/trace.ts';
import { System } from '../compose/system.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { coverageReport, type CoverageReport } from './coverageReport.ts';
import { expectedSteps, type ExpectedEnd, type ExpectedStep } from './expectedSteps.ts';
import type { CoverageKind } from './coverageItems.ts';
import { DEFAULT_TARGETS, greedyCover } from './greedyCover.ts';
import { smallestCover } from './minimizePaths.ts';
import { offerOf } from './replayExpected.ts';
import { variantName } from './sizes.ts';
import { buildStateGraph } from './stateGraph.ts';

/** A generated coverage path: its steps and what it covers first. */
export interface GeneratedPath {
  readonly name: string;
  readonly steps: readonly ExpectedStep[];
}

/** A counterexample of the checker, kept as a regression test. */
export interface Regression {
  readonly name: string;
  readonly property: string;
  readonly kind: string;
  readonly text: string;
  readonly steps: readonly ExpectedStep[];
  readonly end?: ExpectedEnd;
}

/** Everything generated for one scenario at one revision: the data a generated test file replays. */
export interface GeneratedSuite {
  readonly scenario: string;
  readonly revision: string | null;
  /** The sizes changed from the scenario's defaults (src/paths/sizes.ts), as a name; absent at default sizes. */
  readonly variant?: string;
  readonly sizes: Readonly<Record<string, number>>;
  readonly paths: readonly GeneratedPath[];
  readonly regressions: readonly Regression[];
  readonly coverage: CoverageReport;
}

export interface GenerateOptions {
  /** Leave states past this many unexpanded (the report then says so). */
  readonly maxStates?: number;
  readonly maxLength?: number;
  /** What the paths aim to cover (default states, transitions and guard outcomes). */
  readonly targets?: readonly CoverageKind[];
  /** Sizes other than the scenario's defaults (the rest stay default). */
  readonly sizes?: Readonly<Record<string, number>>;
}

/** Builds the scenario at the revision, explores it, covers it with paths and records its counterexamples. */
export function generateSuite(scenario: Scenario, revision: string | undefined, options: GenerateOptions = {}): GeneratedSuite {
  const sizes = resolveSizes(scenario, options.sizes ?? {});
  const variant = options.sizes && Object.keys(options.sizes).length ? variantName(options.sizes) : undefined;
  const system = new System(scenario.build(revision, sizes));
  const graph = buildStateGraph(system, { maxStates: options.maxStates });
  const { cover, bound, greedySteps } = smallestCover(
    graph,
    greedyCover(graph, { maxLength: options.maxLength, targets: options.targets }),
    options.targets,
  );
  const labelsOf = (edges: readonly number[]): number[] => edges.map((e) => graph.edgeLabel[e]);
  const paths = cover.paths.map((p, i): GeneratedPath => ({
    name: `path ${i + 1}: ${p.edges.length} steps, first to cover ${p.newItems} item${p.newItems === 1 ? '' : 's'}`,
    steps: expectedSteps(system, labelsOf(p.edges)),
  }));
  const coverage = {
    ...coverageReport(graph, cover, scenario.name, revision, sizes, options.targets ?? DEFAULT_TARGETS),
    greedySteps,
    lowerBound: bound,
  };
  // The checker explores the same System, whose memoized transitions the graph has warmed.
  const checked = explore(system, { maxStates: options.maxStates });
  const findings = [...checked.findings].sort((a, b) => a.length - b.length || a.key.localeCompare(b.key));
  const regressions = findings.map((f): Regression => {
    const labels = labelsOfTrace(system, traceOf(system, checked.store, f).steps);
    const end: ExpectedEnd | undefined =
      f.kind === 'deadlock' || f.kind === 'progress' ? { kind: f.kind, actor: f.actor ?? '' } : undefined;
    return {
      name: `${f.property} (${f.kind}) in ${f.length} step${f.length === 1 ? '' : 's'}: ${f.text}`,
      property: f.property,
      kind: f.kind,
      text: f.text,
      steps: expectedSteps(system, labels),
      ...(end ? { end } : {}),
    };
  });
  return { scenario: scenario.name, revision: revision ?? null, ...(variant ? { variant } : {}), sizes, paths, regressions, coverage };
}

/** The step labels of a checker trace, found again by actor and event. */
function labelsOfTrace(system: System, steps: readonly TraceStep[]): number[] {
  let cur = system.initial.slice();
  return steps.map((s) => {
    const a = system.index.get(s.actor)!;
    const offer = offerOf(system, cur, a, s.event);
    if (offer < 0) throw new Error(`internal: step ${s.index} of a counterexample is not offered on replay`);
    cur = cur.slice();
    system.step(cur, a, offer);
    return stepLabel(a, offer);
  });
}
