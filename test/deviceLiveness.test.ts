import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenario, vacuousProperties, type CheckReport } from '../src/check/check.ts';
import type { FairnessMode } from '../src/check/fairness.ts';
import { findScenario } from '../src/registry.ts';
import { deviceInvariants, pageInvariants } from '../machines/invariants.ts';

/*
 * The device half's liveness (machines/invariants.ts deviceLiveness) under the fairness its machines
 * declare: kill_dax returns, readers leave, unbinds and unmounts finish. Each property is shown to
 * hold for the right reason: it fails without fairness (the system may stop inside the code path),
 * and the fair actions it relies on are the running kernel code's, not the users' choices.
 */
const run = (scenario: string, revision: string, fairness: FairnessMode = 'declared'): CheckReport =>
  checkScenario(findScenario(scenario), revision, {}, { fairness });
const outcome = (r: CheckReport, id: string, actor: string) => r.liveness!.properties.find((p) => p.id === id && p.actor === actor);
const lassoOf = (r: CheckReport, id: string, actor: string) =>
  r.findings.find((f) => f.kind === 'liveness' && f.property === id && f.actor === actor);

test('kill-dax-readers: kill_dax returns and every reader leaves its section, under the declared fairness, with their premises reached', () => {
  const r = run('kill-dax-readers', 'v4.17');
  for (const [id, actor] of [
    ['L-kill', 'pmem0'],
    ['L-unbind', 'pmem0'],
    ['L-reader', 'reader0'],
    ['L-reader', 'reader1'],
  ] as const) {
    assert.equal(outcome(r, id, actor), { id, actor, form: 'leads-to', holds: true, premiseReached: true }, `${id} (${actor})`);
  }
});

test('kill-dax-readers: without fairness kill_dax may stop inside itself for ever (the lasso stutters in a kill_ state)', () => {
  const r = run('kill-dax-readers', 'v4.17', 'none');
  const f = lassoOf(r, 'L-kill', 'pmem0');
  assert.ok(f, 'L-kill fails without fairness');
  assert.is(f!.loop, f!.trace.steps.length, 'it stutters');
  const steps = f!.trace.steps.map((s) => `${s.actor}.${s.event.type}`);
  assert.is(steps[steps.length - 1], 'pmem0.remove', 'the shortest lasso: the unbind starts kill_dax, then nothing runs');
});

test('the fair actions of the device half are its running code: a reader leaving, the grace period ending, not a reader starting or an unbind', () => {
  const r = run('kill-dax-readers', 'v4.17');
  const fair = new Map(r.liveness!.fairness.map((c) => [c.name, c.kind]));
  assert.is(fair.get('reader0.dax_read_unlock'), 'weak');
  assert.is(fair.get('pmem0.srcu_grace_period_end'), 'weak');
  assert.is(fair.get('pmem0.synchronize_srcu'), 'weak');
  assert.is(fair.has('reader0.dax_read_lock'), false, 'a reader entering a section is its caller’s choice');
  assert.is(fair.has('pmem0.remove'), false, 'an unbind is an administrator’s choice');
  assert.is(fair.has('pmem0'), false, 'every step of the pmem driver declares its fairness: no default class is left');
});

test('mount and unmount finish once begun; the mount itself is not assumed (L-umount holds vacuously where nobody unmounts)', () => {
  const r = run('pmem-remove-mounted', 'v6.15');
  assert.equal(outcome(r, 'L-mount', 'fs0'), { id: 'L-mount', actor: 'fs0', form: 'leads-to', holds: true, premiseReached: true });
  assert.equal(outcome(r, 'L-umount', 'fs0'), { id: 'L-umount', actor: 'fs0', form: 'leads-to', holds: true, premiseReached: true });
  const root = run('root-nondax', 'v4.17');
  assert.equal(outcome(root, 'L-umount', 'root'), { id: 'L-umount', actor: 'root', form: 'leads-to', holds: true, premiseReached: false });
  const fair = new Map(r.liveness!.fairness.map((c) => [c.name, c.kind]));
  assert.is(fair.has('fs0.mount'), false);
  assert.is(fair.has('fs0.umount'), false);
  assert.is(fair.get('fs0.fill_super'), 'weak');
});

test('dm remove and the kill_dax of the mapped device finish once begun', () => {
  const r = run('dm-targets-one-pmem', 'v6.15');
  for (const [id, actor] of [
    ['L-kill', 'dm0'],
    ['L-dmremove', 'dm0'],
    ['L-unbind', 'pmem0'],
  ] as const) {
    assert.equal(outcome(r, id, actor), { id, actor, form: 'leads-to', holds: true, premiseReached: true }, `${id} (${actor})`);
  }
  assert.ok(lassoOf(run('dm-targets-one-pmem', 'v6.15', 'none'), 'L-dmremove', 'dm0'), 'without fairness dm remove may stop half way');
});

test('every invariant has a premise: a device system reports which of I1-I15 it never put to the test', () => {
  const r = run('pmem-remove-mounted', 'v5.10');
  assert.equal(
    [...deviceInvariants, ...pageInvariants].filter((i) => !i.premise).map((i) => i.id),
    [],
    'every rule says what it is about',
  );
  assert.equal(
    r.premises!.map((p) => p.id),
    ['I2', 'I3', 'I4', 'I5', 'I6', 'I14', 'I15'],
    'a premise is attached where its machines are: no reader (I1), no key or pages (I7-I12) here',
  );
  const reached = new Map(r.premises!.map((p) => [p.id, p.reached]));
  assert.is(reached.get('I3'), true, 'the unmount finished: its references were put to the test');
  assert.is(reached.get('I4'), true, 'the filesystem held its dax_device');
  assert.is(reached.get('I5'), false, 'one filesystem: no two owners compete for a slot');
  assert.is(reached.get('I6'), false, 'no holder protocol before 6.0');
  assert.is(reached.get('I14'), false, 'no claim and no holder slot before 6.0');
  assert.is(reached.get('I15'), false, 'no holder for kill_dax to tear down before 6.0');
  assert.equal(vacuousProperties(run('root-nondax', 'v4.17')), ['I4', 'I5', 'I14', 'L-umount']);
  const six = new Map(run('pmem-remove-mounted', 'v6.15').premises!.map((p) => [p.id, p.reached]));
  assert.is(six.get('I6'), true, 'xfs registers itself as the holder from 6.0');
});

test('I11 is put to the test where GUP must refuse a pfn without struct page (dcssblk), and I7 where the static key counts', () => {
  const r = run('dcssblk-limited', 'v4.17');
  assert.is(r.premises!.find((p) => p.id === 'I11')!.reached, true);
  const key = run('static-key-race', 'v5.10');
  assert.is(key.premises!.find((p) => p.id === 'I7')!.reached, true);
});

test.run();
