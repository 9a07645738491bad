/**
 * The runner of generated suites: rebuilds a suite's system from its scenario, and registers one uvu
 * test per path and counterexample, replayed against the spec and, where src/kernel implements the
 * actors, against the implementation, with known divergences checked against their pinned data.
 */
import { readFileSync } from 'node:fs';
import type { AnyStateMachine } from 'xstate';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModelError } from '../compose/errors.ts';
import { isMachine, machineScenario } from '../compose/singleMachine.ts';
import { System } from '../compose/system.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import type { GeneratedSuite } from './generate.ts';
import { traceAgainstImplementation, type ImplementationAdapter } from './adapter.ts';
import { suiteStem } from './emitFiles.ts';
import { kernelAdapter } from './kernelAdapter.ts';
import { pinLine, readPinned, samePlace } from './knownDivergences.ts';
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

/**
 * What a generated test imports: the scenario it was generated from, the list its module exports,
 * or the single XState machine a module exports instead (src/compose/singleMachine.ts).
 */
export type ScenarioExport = Scenario | readonly Scenario[] | AnyStateMachine;

/** The system a suite was generated from, rebuilt from its scenario's factory at the suite's revision and sizes. */
export function suiteSystem(suite: Pick<GeneratedSuite, 'scenario' | 'revision' | 'sizes'>, from: ScenarioExport): System {
  if (isMachine(from)) return new System(machineScenario(suite.scenario, from).build(undefined, {}));
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
  const where = `${suite.scenario}${suite.revision ? ` @ ${suite.revision}` : ''}${suite.variant ? ` (${suite.variant})` : ''}`;
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
  // Model-based tests: the same paths drive src/kernel. Known divergences are pinned in data beside
  // the suites; each path must diverge exactly as pinned, and is compared past a pinned divergence.
  const stem = suiteStem(suite);
  const pinned = readPinned(file).divergences.filter((d) => d.suite === stem);
  const impl = implementationFor(suite, sys());
  const runs = [...suite.paths, ...suite.regressions];
  for (const gone of pinned.filter((d) => !impl || !runs.some((p) => p.name === d.path))) {
    test(`${where}: pinned divergence at step ${gone.step} of ${gone.path}`, () => {
      assert.unreachable(
        impl
          ? `the suite has no path "${gone.path}" any more: re-pin the divergences (test/generated/known-divergences.json)`
          : 'no implementation runs this suite',
      );
    });
  }
  if (impl) {
    for (const p of runs) {
      const mine = pinned.filter((d) => d.path === p.name);
      const title = mine.length
        ? `diverges as pinned (${mine.map((d) => `step ${d.step}, ${d.reason}`).join('; ')})`
        : 'agrees with the spec';
      test(`${where}: ${impl.name} ${title} on ${p.name}`, () => {
        const seen = traceAgainstImplementation(sys(), p.steps, impl, (d) => mine.some((m) => samePlace(m, d)));
        const unpinned = seen.filter((d) => !mine.some((m) => samePlace(m, d)));
        const missing = mine.filter((m) => !seen.some((d) => samePlace(m, d)));
        const lines = [
          ...unpinned.map(
            (d) => `diverges where nothing is pinned: ${d.message}\n  (if understood, pin it: ${pinLine(stem, suite.revision, p.name, d)})`,
          ),
          ...missing.map((m) => `the pinned divergence at step ${m.step} moved or went away: ${m.message}`),
        ];
        assert.ok(lines.length === 0, lines.join('\n'));
      });
    }
  }
  test.run();
}
