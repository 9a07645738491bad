import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percpuRefSystem } from '../machines/bench/percpuRef.ts';
import { checkScenario } from '../src/check/check.ts';
import { explore } from '../src/check/explore.ts';
import type { FingerprintStateStore } from '../src/check/fingerprintStore.ts';
import { replayItf } from '../src/check/replay.ts';
import { System } from '../src/compose/system.ts';
import type { Scenario } from '../machines/kit/types.ts';
import { lostUpdate } from './fixtures/lostUpdate.ts';
import { lostWakeup } from './fixtures/lostWakeup.ts';

test('fingerprint mode finds the same states and transitions, and bounds the chance of a miss', () => {
  const r = explore(new System(percpuRefSystem(3, 3)), { fingerprint: true });
  assert.is(r.states, 8357);
  assert.is(r.edges, 28845);
  assert.ok(r.collisionProbability! > 0 && r.collisionProbability! < 1e-9);
  // past the first frontier chunk (65,536 states), expanded vectors are dropped
  const big = explore(new System(percpuRefSystem(4, 3)), { fingerprint: true });
  assert.is(big.states, 115873);
  assert.not.ok((big.store as FingerprintStateStore).holds(0), 'expanded vectors are freed');
});

test('fingerprint mode rebuilds counterexamples without stored vectors, with and without symmetry', () => {
  const scenario: Scenario = { name: 'lost-update', description: 'test', revisions: [], sizes: [], build: () => lostUpdate() };
  for (const symmetry of [false, true]) {
    const report = checkScenario(scenario, undefined, {}, { fingerprint: true, symmetry });
    assert.is(report.findings.length, 1);
    assert.is(report.findings[0].length, 4);
    const r = replayItf(new System(lostUpdate()), JSON.parse(JSON.stringify(report.findings[0].itf())));
    assert.is(r.divergence, undefined);
  }
});

test('fingerprint mode says progress was not checked rather than claiming it holds', () => {
  const r = explore(new System(lostWakeup()), { fingerprint: true });
  assert.equal(
    r.findings.filter((f) => f.kind === 'progress'),
    [],
  );
  assert.match(r.progressSkipped ?? '', /fingerprint/);
});

test.run();
