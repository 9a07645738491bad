/**
 * daxspec's public API: what `import ... from 'daxspec'` gives. Everything exported here is the contract
 * (semver from 0.2: a change to it is a major version); every other module of the package is internal.
 *
 * - Defining systems: the message helpers {@link call} and {@link reply} that machines use to talk to
 *   each other, and the declaration types ({@link ActorDecl}, {@link SystemDecl}, {@link Invariant},
 *   {@link Scenario}, {@link SizeParam}), and {@link defineScenario}, which types a scenario's sizes by the
  names it declares. Machines themselves are plain XState v5 machines.
 * - Using them: {@link check} (exhaustive exploration and its findings), {@link paths} (path suites),
 *   {@link exportMachine} (one machine as DOT, Mermaid, SCXML or JSON), {@link renderSite} (the
 *   visualizer) and {@link generateDocs} (the Markdown spec).
 * - A model for the command line (`daxspec check --model FILE`) is a module that exports `scenarios`,
 *   an array of {@link Scenario}: see {@link ModelModule}.
 *
 * @packageDocumentation
 */
import type { Scenario } from '../machines/kit/types.ts';

export { call, reply, type Delivered } from '../machines/kit/messages.ts';
export type {
  ActorDecl,
  ActorKind,
  ActorView,
  EnvEvents,
  InertSize,
  Invariant,
  Liveness,
  Premise,
  Scenario,
  ScenarioSpec,
  SizeParam,
  Sizes,
  StatePath,
  StepLabel,
  SystemDecl,
  SystemView,
  Severity,
} from '../machines/kit/types.ts';
export { defineScenario } from '../machines/kit/scenario.ts';
export { countPartition, withPartitions, type ContextPartition } from '../machines/kit/partitions.ts';
export { ModelError } from './compose/errors.ts';

export {
  check,
  type CallRecord,
  type Change,
  type CheckOptions,
  type CheckReport,
  type Finding,
  type ItfTrace,
  type Progress,
  type TraceStep,
  type ViolationKind,
} from './api/check.ts';
export {
  paths,
  type CoverageReport,
  type ExpectedEnd,
  type ExpectedStep,
  type GeneratedPath,
  type GeneratedSuite,
  type PathsOptions,
  type Regression,
} from './api/paths.ts';
export { exportMachine, FORMATS, type Format } from './viz/exportMachine.ts';
// What turns an exported JSON config back into the machine: the `not`/`and`/`or` guards it names (README, export).
export { higherOrderGuards } from './viz/config.ts';
export { renderSite, type SiteOptions } from './api/site.ts';
export { generateDocs, type DocsOptions } from './api/docs.ts';

/**
 * What a model module passed to `--model` exports (only `scenarios` is required):
 *
 * ```ts
 * export const scenarios: Scenario[] = [{ name: 'my-system', description: '...', revisions: [], sizes: [], build: () => mySystem() }];
 * export const revisions = [{ name: 'v1', text: 'the first design' }]; // optional: order and words
 * export const description = 'My protocol';                              // optional: the docs' summary
 * ```
 */
export interface ModelModule {
  readonly scenarios: readonly Scenario[];
  readonly revisions?: readonly (string | { readonly name: string; readonly text?: string })[];
  readonly description?: string;
}
