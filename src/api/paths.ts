/**
 * The public `paths`: the path suite of one scenario at one revision, as `daxspec paths` writes it:
 * paths from the initial state that together cover every reachable state and transition of every machine,
 * each with the states it passes through, and every counterexample kept as a regression.
 */
import type { Scenario, SystemDecl } from '../../machines/kit/types.ts';
import { generateSuite, type GeneratedSuite } from '../paths/generate.ts';
import { asScenario, pickRevision } from './check.ts';

export type { GeneratedPath, GeneratedSuite, Regression } from '../paths/generate.ts';
export type { CoverageReport } from '../paths/coverageReport.ts';
export type { ExpectedEnd, ExpectedStep } from '../paths/expectedSteps.ts';

/** Options of {@link paths}. */
export interface PathsOptions {
  /** The revision; required when the scenario has more than one. */
  readonly revision?: string;
  /** Leave states past this many unexpanded (the coverage report then says the graph is not complete). */
  readonly maxStates?: number;
  /** The longest path, in steps (default 1000). */
  readonly maxLength?: number;
}

/**
 * Generates the path suite of a scenario (at its default sizes) or of a bare system. `daxspec paths`
 * writes it as a data file and a test file that replays it (`suiteTests` of `daxspec/testing`).
 */
export function paths(model: Scenario | SystemDecl, options: PathsOptions = {}): GeneratedSuite {
  const scenario = asScenario(model);
  return generateSuite(scenario, pickRevision(scenario, options.revision), { maxStates: options.maxStates, maxLength: options.maxLength });
}
