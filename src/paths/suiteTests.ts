import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModelError } from '../compose/errors.ts';
import { System } from '../compose/system.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import type { GeneratedSuite } from './generate.ts';
import { runAgainstImplementation, type ImplementationAdapter } from './adapter.ts';
import { kernelAdapter } from './kernelAdapter.ts';
import { knownDivergence } from './knownDivergences.ts';
import { replayExpected } from './replayExpected.ts';

/** The implementation the paths of a suite also drive: src/kernel at the revisions it follows. */
export function implementationFor(suite: Pick<GeneratedSuite, 'revision'>, system: System): ImplementationAdapter | undefined {
  if (suite.revision !== 'v8' && suite.revision !== 'v4.18') return undefined;
  const adapter = kernelAdapter(suite.revision);
  return adapter.unsupported(system) ? undefined : adapter;
}

export function readSuite(file: URL | string): GeneratedSuite {
  return JSON.parse(readFileSync(file, 'utf8')) as GeneratedSuite;
}

/** What a generated test imports: the scenario it was generated from, or the list its module exports. */
export type ScenarioExport = Scenario | readonly Scenario[];

/** The system a suite was generated from, rebuilt from its scenario's factory at the suite's revision and sizes. */
export function suiteSystem(suite: Pick<GeneratedSuite, 'scenario' | 'revision' | 'sizes'>, from: ScenarioExport): System {
  const list: readonly Scenario[] = Array.isArray(from) ? from : [from as Scenario];
  const scenario = list.find((s) => s.name === suite.scenario);
  if (!scenario)
    throw new ModelError(
      `the suite of scenario '${suite.scenario}' was generated from a scenario its module no longer exports (it exports: ${list.map((s) => s.name).join(', ')}); regenerate it`,
    );
  return new System(scenario.build(suite.revision ?? undefined, suite.sizes));
}

/**
 * Registers the uvu tests of one generated suite: every coverage path and every counterexample,
 * each replayed through the composed system step by step against what the spec said when the
 * suite was generated. A machine change that alters a step, loses a counterexample or moves it
 * fails the test and names the first step that differs. Where src/kernel implements every actor of
 * the suite, each path and counterexample also runs against it (model-based testing).
 */
export function suiteTests(file: URL, from: ScenarioExport): void {
  const suite = readSuite(file);
  const where = `${suite.scenario}${suite.revision ? ` @ ${suite.revision}` : ''}`;
  let system: System | undefined;
  const sys = (): System => (system ??= suiteSystem(suite, from));
  for (const p of suite.paths) {
    test(`${where}: ${p.name}`, () => {
      const d = replayExpected(sys(), p.steps);
      assert.ok(!d, d?.message);
    });
  }
  for (const r of suite.regressions) {
    test(`${where}: counterexample ${r.name}`, () => {
      const d = replayExpected(sys(), r.steps, r.end);
      assert.ok(!d, d?.message);
    });
  }
  // Model-based tests: the same paths drive src/kernel; a divergence names its first step.
  const impl = implementationFor(suite, sys());
  if (impl) {
    for (const p of [...suite.paths, ...suite.regressions]) {
      // A known, explained divergence is named in the test and must stay exactly where it is.
      const seen = runAgainstImplementation(sys(), p.steps, impl);
      const known = seen && knownDivergence(suite.revision, seen);
      const title = known ? `diverges as known (${known.why.split(':')[0]}) at ${seen!.message}` : 'agrees with the spec';
      test(`${where}: ${impl.name} ${title} on ${p.name}`, () => {
        const d = runAgainstImplementation(sys(), p.steps, impl);
        if (known) assert.is(d?.message, seen!.message, 'the known divergence moved or went away');
        else assert.ok(!d, d?.message);
      });
    }
  }
  test.run();
}
