import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percpuRefSystem } from '../machines/bench/percpuRef.ts';
import { pgRefSystem } from '../machines/bench/percpuRefMachine.ts';
import { explore } from '../src/check/explore.ts';
import { System } from '../src/compose/system.ts';
import { abba, ordered } from './fixtures/deadlock.ts';
import { dieHard } from './fixtures/dieHard.ts';
import { atomicUpdate, lostUpdate } from './fixtures/lostUpdate.ts';
import { traceOf } from '../src/check/trace.ts';

const run = (decl: ConstructorParameters<typeof System>[0], opts = {}) => explore(new System(decl), opts);

test('die hard: the shortest way to 4 gallons takes 6 pours', () => {
  const r = run(dieHard());
  assert.ok(r.complete);
  const f = r.findings.find((x) => x.kind === 'invariant');
  assert.ok(f, 'the invariant "never 4 gallons" must fail');
  assert.is(f!.length, 6);
  const trace = traceOf(r.system, r.store, f!);
  assert.is(trace.steps.length, 6);
});

test('lost update: the invariant fails with the 4-step interleaving, and only that length', () => {
  const r = run(lostUpdate());
  const f = r.findings.filter((x) => x.kind === 'invariant');
  assert.is(f.length, 1);
  assert.is(f[0].length, 4);
  const steps = traceOf(r.system, r.store, f[0]).steps;
  // both reads come before both writes: each increment read the other's stale value
  const kinds = steps.map((s) => s.event.type);
  assert.is(kinds.filter((k) => k === kinds[0]).length, 2, `two reads first: ${kinds.join(' ')}`);
  assert.is(run(atomicUpdate()).findings.length, 0);
});

test('deadlock: two paths taking two locks in opposite order; same order holds', () => {
  const bad = run(abba());
  const d = bad.findings.find((x) => x.kind === 'deadlock');
  assert.ok(d);
  assert.is(d!.length, 2);
  const good = run(ordered());
  assert.ok(good.complete);
  assert.equal(good.findings, []);
});

test('percpu_ref at N=3: 8,357 states and 28,845 transitions in both encodings', () => {
  for (const decl of [percpuRefSystem(3, 3), pgRefSystem(3, 3)]) {
    const r = run(decl);
    assert.ok(r.complete);
    assert.is(r.states, 8357);
    assert.is(r.edges, 28845);
    assert.equal(r.findings, []);
  }
});

test('bounds: a run stopped at --max-states or --max-depth says it is not complete', () => {
  const byStates = run(percpuRefSystem(3, 3), { maxStates: 100 });
  assert.not.ok(byStates.complete);
  assert.is(byStates.bound, 'states');
  const byDepth = run(percpuRefSystem(3, 3), { maxDepth: 5 });
  assert.not.ok(byDepth.complete);
  assert.is(byDepth.bound, 'depth');
  assert.is(byDepth.depth, 5);
});

test.run();
