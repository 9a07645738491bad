import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenario } from '../src/check/check.ts';
import { explore } from '../src/check/explore.ts';
import { fromItfValue, toItfValue, traceToItf, type ItfTrace } from '../src/check/itf.ts';
import { replayItf } from '../src/check/replay.ts';
import { traceOf } from '../src/check/trace.ts';
import { System } from '../src/compose/system.ts';
import type { Scenario } from '../machines/kit/types.ts';
import { lostUpdate } from './fixtures/lostUpdate.ts';

const scenario: Scenario = { name: 'lost-update', description: 'test', revisions: [], sizes: [], build: () => lostUpdate() };

function counterexample(): { system: System; itf: ItfTrace } {
  const report = checkScenario(scenario, undefined, {});
  const f = report.findings[0];
  return { system: report.system, itf: JSON.parse(JSON.stringify(f.itf())) };
}

test('ITF values: integers as #bigint, records and lists kept, null survives', () => {
  const v = { n: 3, ok: true, s: 'x', list: [1, 2], nested: { z: null } };
  const itf = toItfValue(v) as Record<string, unknown>;
  assert.equal(itf.n, { '#bigint': '3' });
  assert.equal(fromItfValue(itf), v);
});

test('ITF trace: #meta, vars, one state per step, and it replays exactly into the same violation', () => {
  const { system, itf } = counterexample();
  assert.is(itf['#meta'].format, 'ITF');
  assert.equal(itf.vars, system.names);
  assert.is(itf.states.length, 5);
  const r = replayItf(new System(lostUpdate()), itf);
  assert.is(r.divergence, undefined);
  assert.is(r.matched, 4);
  assert.match(r.violation ?? '', /counter/i);
});

test('replay without step labels (a trace from another tool) finds the steps itself', () => {
  const { itf } = counterexample();
  for (const s of itf.states) s['#meta'] = { index: s['#meta'].index };
  const r = replayItf(new System(lostUpdate()), itf);
  assert.is(r.divergence, undefined);
  assert.is(r.matched, 4);
});

test('replay says where a tampered trace diverges', () => {
  const { itf } = counterexample();
  const third = itf.states[3] as Record<string, any>;
  const name = itf.vars.find((v) => third[v].context && Object.keys(third[v].context).length)!;
  const key = Object.keys(third[name].context)[0];
  third[name].context[key] = { '#bigint': '41' };
  const r = replayItf(new System(lostUpdate()), itf);
  assert.is(r.divergence?.step, 3);
  assert.match(r.divergence!.message, new RegExp(name));
});

test('the counterexample text of a step names actor, event and what changed', () => {
  const system = new System(lostUpdate());
  const r = explore(system);
  const t = traceOf(system, r.store, r.findings[0]);
  assert.ok(t.steps.every((s) => s.changes.length > 0 && s.actor.length > 0));
  const itf = traceToItf(system, t, { scenario: 'lost-update', sizes: {} });
  assert.is(itf.states[1]['#meta'].actor, t.steps[0].actor);
});

test.run();
