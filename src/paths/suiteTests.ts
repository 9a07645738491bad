import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { System } from '../compose/system.ts';
import { findScenario } from '../registry.ts';
import type { GeneratedSuite } from './generate.ts';
import { replayExpected } from './replayExpected.ts';

export function readSuite(file: URL | string): GeneratedSuite {
  return JSON.parse(readFileSync(file, 'utf8')) as GeneratedSuite;
}

/** The system a suite was generated from, rebuilt from the registry's scenario, revision and sizes. */
export function suiteSystem(suite: Pick<GeneratedSuite, 'scenario' | 'revision' | 'sizes'>): System {
  return new System(findScenario(suite.scenario).build(suite.revision ?? undefined, suite.sizes));
}

/**
 * Registers the uvu tests of one generated suite: every coverage path and every counterexample,
 * each replayed through the composed system step by step against what the spec said when the
 * suite was generated. A machine change that alters a step, loses a counterexample or moves it
 * fails the test and names the first step that differs.
 */
export function suiteTests(file: URL): void {
  const suite = readSuite(file);
  const where = `${suite.scenario}${suite.revision ? ` @ ${suite.revision}` : ''}`;
  let system: System | undefined;
  const sys = (): System => (system ??= suiteSystem(suite));
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
  test.run();
}
