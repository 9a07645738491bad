import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenario, resolveSizes, type CheckReport } from '../src/check/check.ts';
import type { Scenario } from '../machines/kit/types.ts';
import { deviceScenarios } from '../machines/scenarios/devices.ts';
import type { Revision } from '../machines/kit/revision.ts';

/**
 * The device/ownership half through the checker: each bug of DOMAIN.md comes out of
 * exhaustive exploration in the revisions that have it and is absent where it was fixed.
 */
const scenario = (name: string): Scenario<Revision> => {
  const s = deviceScenarios.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
};

const cache = new Map<string, CheckReport>();
function check(name: string, rev: Revision, sizes: Record<string, number> = {}): CheckReport {
  const key = `${name}@${rev}:${JSON.stringify(sizes)}`;
  let r = cache.get(key);
  if (!r) {
    const s = scenario(name);
    r = checkScenario(s as Scenario, rev, resolveSizes(s as Scenario, sizes));
    cache.set(key, r);
  }
  return r;
}

const props = (r: CheckReport) => r.findings.map((f) => f.property);
const has = (r: CheckReport, pred: (f: CheckReport['findings'][number]) => boolean) => r.findings.some(pred);

test('bug 1: v8 root on a non-DAX disk oopses in fs_dax_release(NULL) on the ext4 error path', () => {
  const r = check('root-nondax', 'v8');
  assert.is(r.verdict, 'violated');
  const f = r.findings.find((x) => x.kind === 'null-call');
  assert.ok(f, `findings: ${props(r)}`);
  assert.match(f!.text, /fs_dax_release on a NULL dax_device/);
  assert.is(f!.length, 2);
});

test('bug 1: a plain unmount of a non-DAX ext2/ext4/xfs does the same in v8', () => {
  for (const fstype of [0, 1, 2]) {
    const r = check('nondax-mount-umount', 'v8', { fstype });
    assert.ok(
      has(r, (f) => f.kind === 'null-call' && /fs_dax_release/.test(f.text)),
      `fstype ${fstype}: ${props(r)}`,
    );
  }
});

test('bug 1 is gone with the NULL check (v9) and without the claim (v4.18+)', () => {
  for (const rev of ['v9', 'v4.16', 'v4.17', 'v4.18', 'v5.10', 'v6.15'] as const) {
    for (const name of ['root-nondax', 'nondax-mount-umount']) {
      const r = check(name, rev);
      assert.is(r.verdict, 'holds', `${name}@${rev}: ${props(r)}`);
      assert.ok(r.complete);
    }
  }
});

test('bug 2: partitions of one pmem collide on the pgmap claim in v8 and v9 (I5)', () => {
  for (const rev of ['v8', 'v9'] as const) {
    const r = check('pmem-partitions', rev);
    const f = r.findings.find((x) => x.property === 'I5');
    assert.ok(f, `${rev}: ${props(r)}`);
    assert.is(f!.length, 2, 'two mounts suffice');
  }
});

test('bug 2 is gone from v4.18 on (ext4 on partitions)', () => {
  for (const rev of ['v4.16', 'v4.17', 'v4.18', 'v5.10', 'v6.15'] as const) {
    const r = check('pmem-partitions', rev, { failures: 1 });
    assert.is(r.verdict, 'holds', `${rev}: ${props(r)}`);
  }
});

test('bugs 3 and 4: dm with two targets on one pmem puts the member once per target in v8 and v9', () => {
  for (const rev of ['v8', 'v9'] as const) {
    const r = check('dm-targets-one-pmem', rev);
    const p = props(r);
    assert.ok(p.includes('I2'), `${rev}: final put while ALIVE: ${p}`);
    assert.ok(p.includes('I3'), `${rev}: a put of a reference nobody took: ${p}`);
    assert.ok(
      has(r, (f) => f.kind === 'violation-state' && /kill_dax\(\) must be called before final iput/.test(f.text)),
      `${rev}: the WARN`,
    );
    assert.ok(
      has(r, (f) => f.kind === 'unaccepted' && /pmem0\.dax/.test(f.text) && /use after free/.test(f.text)),
      `${rev}: use after free at teardown`,
    );
    // The WARN comes at the unmount itself: create, load, mount, fill_super, umount.
    assert.is(r.findings.find((f) => f.property === 'I2')!.length, 5);
  }
});

test('v8: one dm target is enough: the claim takes no member reference, the release puts one per target', () => {
  const r = check('dm-targets-one-pmem', 'v8', { targets: 1 });
  for (const id of ['I2', 'I3']) assert.ok(props(r).includes(id), `${id}: ${props(r)}`);
});

test('v8: targets over two pmems lose a member reference each', () => {
  const r = check('dm-targets-one-pmem', 'v8', { targets: 2, pmems: 2 });
  for (const id of ['I2', 'I3']) assert.ok(props(r).includes(id), `${id}: ${props(r)}`);
  assert.is(check('dm-targets-one-pmem', 'v4.18', { targets: 2, pmems: 2 }).verdict, 'holds');
});

test('bugs 3 and 4 are gone from v4.18 on, and absent before the claim (v4.16, v4.17)', () => {
  for (const rev of ['v4.16', 'v4.17', 'v4.18', 'v5.10', 'v6.15'] as const) {
    const r = check('dm-targets-one-pmem', rev);
    assert.is(r.verdict, 'holds', `${rev}: ${props(r)}`);
  }
});

test('kill_dax against SRCU readers: I1 holds in every revision', () => {
  for (const rev of ['v4.16', 'v4.17', 'v8', 'v9', 'v4.18', 'v5.10', 'v6.15'] as const) {
    const r = check('kill-dax-readers', rev);
    assert.ok(r.complete);
    assert.not.ok(props(r).includes('I1'), `${rev}: ${props(r)}`);
  }
  for (const rev of ['v4.16', 'v4.17', 'v8', 'v9', 'v4.18'] as const) {
    assert.is(check('kill-dax-readers', rev).verdict, 'holds', rev);
  }
});

test('v5.10, v6.15: dax_get_private() turning NULL between the alive check and the driver is found', () => {
  for (const rev of ['v5.10', 'v6.15'] as const) {
    const r = check('kill-dax-readers', rev);
    const f = r.findings.find((x) => x.kind === 'violation-state');
    assert.ok(f, `${rev}: ${props(r)}`);
    assert.match(f!.text, /NULL pointer dereference/);
    // remove, lock, alive, clear ALIVE, use; v6.15 first reads the holder fields in its own step.
    assert.is(f!.length, rev === 'v6.15' ? 6 : 5);
  }
});

test('readers with several sections still hold in v4.18', () => {
  const r = check('kill-dax-readers', 'v4.18', { readers: 2, sections: 2 });
  assert.is(r.verdict, 'holds', `${props(r)}`);
});

test('v6.15: remove while an ext4 (no holder) is mounted frees cleanly at unmount', () => {
  const r = check('pmem-remove-mounted', 'v6.15', { fstype: 0 });
  assert.is(r.verdict, 'holds', `${props(r)}`);
});

test('v6.15: kill_dax reads holder_ops, the xfs holder unmounts, xfs_dax_notify_failure finds dax_holder() NULL', () => {
  const r = check('pmem-remove-mounted', 'v6.15', { fstype: 2 });
  const f = r.findings.find((x) => x.kind === 'null-call');
  assert.ok(f, `${props(r)}`);
  assert.match(f!.text, /notify_failure on a NULL xfs_mount/);
  assert.is(f!.actor, 'pmem0');
});

test('v6.15: memory_failure notifying the holder races its unmount the same way', () => {
  const r = check('holder-notify-umount', 'v6.15');
  assert.ok(
    has(r, (f) => f.kind === 'null-call' && f.actor === 'mf0'),
    `${props(r)}`,
  );
});

test('v6.15: memory_failure holding only a pgmap reference reaches the dax_device pmem already put', () => {
  const r = check('holder-notify-umount', 'v6.15', { remove: 1 });
  assert.ok(
    has(r, (f) => f.kind === 'unaccepted' && /dax_alive on pmem0\.dax in state "freed"/.test(f.text)),
    `${props(r)}`,
  );
});

test('v6.15: two xfs on two partitions share one holder_data: I5, the leaked igrab (I3), and the holder_ops race (I6)', () => {
  const r = check('pmem-partitions', 'v6.15', { fstype: 2 });
  for (const id of ['I5', 'I3', 'I6']) assert.ok(props(r).includes(id), `${id}: ${props(r)}`);
});

test('dm and a direct mount on one pmem: v8/v9 dm releases a claim fs0 owns (WARN in __fs_dax_release), and fs0 still believes it holds it (I14); the claims collide (I5)', () => {
  for (const rev of ['v8', 'v9'] as const) {
    const r = check('dm-and-direct-one-pmem', rev, { fstype: 2 });
    for (const id of ['I5', 'I14']) assert.ok(props(r).includes(id), `${rev}: ${id} must fail; found ${props(r).join(', ')}`);
    const i14 = r.findings.find((f) => f.property === 'I14')!;
    const steps = i14.trace.steps.map((s) => `${s.actor}:${s.event.type}`);
    assert.ok(steps.includes('fs1:umount'), `${rev}: the release is the dm filesystem's: ${steps.join(' ')}`);
    assert.ok(
      has(r, (f) => /WARN_ON\(pgmap->data != owner\)/.test(f.text)),
      `${rev}: the non-owner release is visible`,
    );
  }
});

test('dm and a direct mount on one pmem: no claim from v4.18 on; 5.19+ holders are per dax_device (dm opens its member with a NULL holder)', () => {
  for (const rev of ['v4.18', 'v5.10'] as const) {
    const r = check('dm-and-direct-one-pmem', rev, { fstype: 2 });
    assert.is(r.findings.length, 0, `${rev}: ${props(r).join(', ')}`);
  }
  const r = check('dm-and-direct-one-pmem', 'v6.15', { fstype: 2 });
  assert.ok(r.premises?.find((p) => p.id === 'I14')?.reached, 'both xfs hold a holder slot');
});

test('6.6-6.8: the unmount releases the dm disk before fs_put_dax, so dm remove passes its open check and kill_dax notifies a torn-down holder', () => {
  // 6.8 xfs_kill_sb(): kill_block_super() -> bdev_release() closes the dm disk, then xfs_mount_free() -> fs_put_dax(). dm
  // remove refuses an open device only; in between, its kill_dax() finds holder_data still set.
  const r = check('dm-and-direct-one-pmem', 'v6.8', { fstype: 2 });
  assert.ok(props(r).includes('kernel-failure'), props(r).join(', '));
  for (const f of r.findings) {
    const s = f.trace.steps.map((x) => `${x.actor}:${x.event.type}`);
    const closed = s.indexOf('fs1:kill_block_super');
    assert.ok(closed >= 0 && s.indexOf('dm0:dm_remove') > closed, `${f.property}: ${s.join(' ')}`);
  }
  assert.is(check('dm-and-direct-one-pmem', 'v6.8', { fstype: 0 }).findings.length, 0, 'ext4 registers no holder');
  // From 6.9 bdev_fput() defers the close past ->kill_sb, after fs_put_dax(): no dm remove can come in between.
  assert.is(check('dm-and-direct-one-pmem', 'v6.15', { fstype: 2 }).findings.length, 0);
});

test('dcssblk (no pgmap) mounts with -o dax from v4.18 on', () => {
  for (const rev of ['v4.16', 'v4.17', 'v4.18', 'v5.10'] as const) {
    assert.is(check('dcssblk-mount', rev).verdict, 'holds', rev);
  }
});

test('6.8 dcssblk unloads the segment right after its use_count check: a mount that opens the disk then faults on its first read', () => {
  for (const fstype of [0, 1, 2]) {
    const f = check('dcssblk-mount', 'v6.8', { fstype }).findings.find((x) => /dcssblk_submit_bio/.test(x.text));
    assert.ok(f, `fstype ${fstype}`);
    assert.equal(
      f!.trace.steps.map((x) => `${x.actor}:${x.event.type}`),
      ['dcss0:remove', 'fs0:mount'],
    );
  }
  // 6.0 unloads it last, after del_gendisk(): no such fault.
  assert.not.ok(check('dcssblk-mount', 'v6.0').findings.some((x) => /dcssblk_submit_bio/.test(x.text)));
});

test.run();
