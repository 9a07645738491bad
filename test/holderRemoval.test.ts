import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenario, resolveSizes, type CheckReport } from '../src/check/check.ts';
import type { Scenario } from '../machines/kit/types.ts';
import { deviceScenarios } from '../machines/scenarios/devices.ts';
import { pageScenarios } from '../machines/scenarios/pages.ts';
import type { Revision } from '../machines/kit/revision.ts';
import { ERAS } from '../machines/eras.ts';

/**
 * Device removal under a mounted filesystem that is the dax_device's holder (issue 14): what
 * kill_dax() tells it in each era, what xfs does with and without rmapbt, the holder_ops double
 * read, and I15 (once kill_dax() tore the device down, no file of its holder keeps a DAX entry on it).
 */
const scenario = (name: string): Scenario => {
  const s = [...deviceScenarios, ...pageScenarios].find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s as Scenario;
};
const check = (name: string, rev: Revision, sizes: Record<string, number> = {}): CheckReport =>
  checkScenario(scenario(name), rev, resolveSizes(scenario(name), sizes));
const props = (r: CheckReport) => new Set(r.findings.map((f) => f.property));
const steps = (f: CheckReport['findings'][number]) => f.trace.steps.map((s) => `${s.actor}.${s.event.type}`);

// pmem-remove-pinned sizes: fstype 0 ext4, 2 xfs; rmapbt only for xfs.
const XFS_RMAPBT = { fstype: 2, rmapbt: 1 };
const XFS_NO_RMAPBT = { fstype: 2, rmapbt: 0 };
const EXT4 = { fstype: 0 };

test('eras: 5.19 has no holder (its include/linux/dax.h has fs_put_dax(dax_dev)); 6.0 notifies with flags 0, 6.8 with MF_MEM_PRE_REMOVE', () => {
  assert.is(ERAS['v5.19'].device.holder, false);
  assert.is(ERAS['v5.19'].device.killNotifies, 'none');
  assert.is(ERAS['v6.0'].device.killNotifies, 'flags0');
  assert.is(ERAS['v6.8'].device.killNotifies, 'preRemove');
  const r = check('pmem-remove-pinned', 'v5.19', XFS_RMAPBT);
  assert.ok(!props(r).has('I15'), 'no holder, nothing to tear down');
  assert.ok(
    r.premises!.some((p) => p.id === 'I15' && !p.reached),
    'I15 is vacuous without a holder',
  );
});

test('ext4 registers no holder: kill_dax tells nobody, I15 is never put to the test', () => {
  for (const rev of ['v6.0', 'v6.8', 'v6.15'] as const) {
    const r = check('pmem-remove-pinned', rev, EXT4);
    assert.ok(!props(r).has('I15'), rev);
    assert.ok(
      r.premises!.some((p) => p.id === 'I15' && !p.reached),
      rev,
    );
  }
});

test('xfs without rmapbt: notify_failure returns -EOPNOTSUPP, nothing is unmapped: a DAX entry outlives the teardown (I15)', () => {
  for (const rev of ['v6.0', 'v6.8', 'v6.15'] as const) {
    const f = check('pmem-remove-pinned', rev, XFS_NO_RMAPBT).findings.find((x) => x.property === 'I15');
    assert.ok(f, rev);
    assert.ok(steps(f!).includes('pmem0.kill_dax_teardown'), `${rev}: ${steps(f!).join(' ')}`);
    const byFs = f!.trace.steps.flatMap((st) => st.calls.filter((c) => c.from === 'fs0').map((c) => c.event.type));
    assert.not.ok(
      byFs.includes('zap_pte') || byFs.includes('dax_disassociate_entry') || byFs.includes('fs_shutdown'),
      `${rev}: ${byFs.join(' ')}`,
    );
  }
});

test('a holder that kept no DAX entry is not I15, told or not, shut down or not: pmem remove under a mounted xfs with no file', () => {
  // The notification may reach xfs inside fill_super (6.8 xfs_dax_notify_failure: no SB_BORN, -EIO) and nothing shuts it
  // down; it maps nothing after the teardown (dax_direct_access() fails once ALIVE is clear), and from 6.6 del_gendisk()
  // shuts it down before memunmap_pages(). The teardown is still reached, so I15 is put to the test, and it holds.
  for (const rev of ['v6.0', 'v6.8', 'v6.15'] as const) {
    const r = check('pmem-remove-mounted', rev, { fstype: 2 });
    assert.ok(!props(r).has('I15'), rev);
    assert.ok(
      r.premises!.some((p) => p.id === 'I15' && p.reached),
      rev,
    );
  }
});

test('6.0 xfs with rmapbt: flags 0 shuts down at the first record of no file and unmaps nobody: one step, no freeze, no kill, no invalidation', () => {
  // 6.0 fs/xfs/xfs_notify_failure.c xfs_dax_failure_fn: a non-inode owner (AG 0's superblock, where a whole-device
  // walk starts) forces a shutdown and returns -EFSCORRUPTED, which ends the walk; 6.1 (e033f40be262) scans on.
  const f = check('pmem-remove-pinned', 'v6.0', XFS_RMAPBT).findings.find((x) => x.property === 'I15');
  assert.ok(f);
  const s = steps(f!);
  assert.is(s.filter((x) => x === 'pmem0.notify_failure_step').length, 1, s.join(' '));
  const byFs = f!.trace.steps.flatMap((st) => st.calls.filter((c) => c.from === 'fs0').map((c) => c.event.type));
  assert.ok(byFs.includes('fs_shutdown'), byFs.join(' '));
  assert.not.ok(byFs.includes('zap_pte') || byFs.includes('dax_disassociate_entry') || byFs.includes('down_write'), byFs.join(' '));
});

test('6.8+ xfs with rmapbt: freeze, kill, invalidate, shutdown leave no entry, unless a read fault that passed iomap_begin before the shutdown inserts one after the teardown', () => {
  for (const rev of ['v6.8', 'v6.15'] as const) {
    const f = check('pmem-remove-pinned', rev, XFS_RMAPBT).findings.find((x) => x.property === 'I15');
    assert.ok(f, rev);
    const s = steps(f!);
    const teardown = s.indexOf('pmem0.kill_dax_teardown');
    assert.ok(teardown > 0 && s.slice(teardown).includes('dma0.dax_insert_mapping'), `${rev}: ${s.join(' ')}`);
    // the handler ran all its steps first: freeze, kill, invalidate, shutdown, thaw, return
    assert.ok(s.filter((x) => x === 'pmem0.notify_failure_step').length >= 5, `${rev}: ${s.join(' ')}`);
  }
});

test('dax_holder_notify_failure reads holder_ops twice: fs_put_dax clearing it between the check and the call is a NULL dereference', () => {
  for (const rev of ['v6.0', 'v6.8', 'v6.15'] as const) {
    const r = check('pmem-remove-mounted', rev, { fstype: 2 });
    const f = r.findings.find((x) => x.kind === 'null-call' && /holder_ops/.test(x.text));
    assert.ok(f, `${rev}: ${r.findings.map((x) => x.text).join(' | ')}`);
    const s = steps(f!);
    const check1 = s.indexOf('pmem0.dax_holder_notify_failure');
    const clear = s.indexOf('fs0.fs_put_dax_clear_ops');
    assert.ok(check1 >= 0 && clear > check1 && s.indexOf('pmem0.notify_failure') > clear, `${rev}: ${s.join(' ')}`);
  }
});

test("memory_failure's own walk runs on under dax_read_lock alone: an unmount that frees the mount meanwhile is a use after free (no device removed)", () => {
  // fs_put_dax() clears the holder and waits for no SRCU reader (6.x drivers/dax/super.c); xfs_dax_notify_failure()
  // walks the reverse map of the mount it got from dax_holder() after that.
  for (const rev of ['v6.0', 'v6.8', 'v6.15'] as const) {
    const r = check('holder-notify-umount', rev, { remove: 0 });
    const f = r.findings.find((x) => x.kind === 'unaccepted' && /notify_step on fs0/.test(x.text));
    assert.ok(f, `${rev}: ${r.findings.map((x) => x.text).join(' | ')}`);
    const s = steps(f!);
    const started = s.indexOf('mf0.notify_failure');
    const gone = s.indexOf('fs0.umount');
    assert.ok(started >= 0 && gone > started && s[s.length - 1] === 'mf0.notify_failure_step', `${rev}: ${s.join(' ')}`);
  }
});

test.run();
