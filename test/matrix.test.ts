/**
 * The seven bugs of DOMAIN.md, cell by cell: each must come out of exploring the revision
 * that had it and be absent from the revision that fixed it. Nothing here tells the checker
 * what to find; these assertions only read what exhaustive exploration reports.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenario, resolveSizes } from '../src/check/check.ts';
import { findScenario } from '../src/registry.ts';

const cache = new Map<string, { verdict: string; props: Set<string>; live: Set<string> }>();
function cell(scenario: string, revision: string, sizes: Record<string, number> = {}) {
  const key = `${scenario}@${revision}${JSON.stringify(sizes)}`;
  let c = cache.get(key);
  if (!c) {
    const s = findScenario(scenario);
    const r = checkScenario(s, revision, resolveSizes(s, sizes));
    assert.ok(r.complete, `${key} must be explored completely`);
    // The seven bugs are safety and progress findings; liveness under fairness is asserted on its own below.
    const safety = r.findings.filter((f) => f.kind !== 'liveness');
    c = {
      verdict: safety.length ? 'violated' : r.complete ? 'holds' : 'bounded',
      props: new Set(safety.map((f) => f.property)),
      live: new Set(r.findings.filter((f) => f.kind === 'liveness').map((f) => f.property)),
    };
    cache.set(key, c);
  }
  return c;
}
const violates = (scenario: string, revision: string, props: string[], sizes?: Record<string, number>) => {
  const c = cell(scenario, revision, sizes);
  for (const p of props) assert.ok(c.props.has(p), `${scenario} @ ${revision}: expected ${p} among [${[...c.props].join(', ')}]`);
};
const holds = (scenario: string, revision: string, sizes?: Record<string, number>) => {
  const c = cell(scenario, revision, sizes);
  assert.is(c.verdict, 'holds', `${scenario} @ ${revision}: expected holds, found [${[...c.props].join(', ')}]`);
};
const free = (scenario: string, revision: string, props: string[], sizes?: Record<string, number>) => {
  const c = cell(scenario, revision, sizes);
  for (const p of props) assert.not.ok(c.props.has(p), `${scenario} @ ${revision}: ${p} must be gone`);
};

test('bug 1: fs_dax_release(NULL) oopses in v8 (root on a non-DAX disk, and a plain unmount); v9 checks for NULL', () => {
  for (const s of ['root-nondax', 'nondax-mount-umount']) {
    violates(s, 'v8', ['null-deref']);
    for (const rev of ['v9', 'v4.18', 'v5.10', 'v6.15']) holds(s, rev);
  }
});

test('bug 2: two partitions of one pmem collide on the pgmap claim in v8 and v9; v4.18 drops the claim', () => {
  violates('pmem-partitions', 'v8', ['I5']);
  violates('pmem-partitions', 'v9', ['I5']);
  for (const rev of ['v4.16', 'v4.17', 'v4.18', 'v5.10', 'v6.15']) holds('pmem-partitions', rev);
});

test('bugs 3 and 4: dm claims its member once per target and puts it once per target (I3), so the final put comes while pmem is alive (I2)', () => {
  for (const rev of ['v8', 'v9']) violates('dm-targets-one-pmem', rev, ['I3', 'I2']);
  for (const rev of ['v4.16', 'v4.17', 'v4.18', 'v5.10', 'v6.15']) holds('dm-targets-one-pmem', rev);
});

test('bug 5: the two-step static key races in v4.18 (I7), the drop to idle wakes nobody (I8) and truncate never finishes; v5.10 is atomic', () => {
  violates('static-key-race', 'v4.18', ['I7', 'I8']);
  const c = cell('static-key-race', 'v4.18');
  assert.ok(c.props.has('deadlock') || c.props.has('progress'), `truncate must be stuck: [${[...c.props].join(', ')}]`);
  holds('static-key-race', 'v5.10');
  holds('static-key-race', 'v6.15');
});

test('bug 6: in v4.16 and v4.17 truncate frees a block still pinned for DMA and file B gets it (I9); from v4.18 truncate waits', () => {
  violates('dma-truncate', 'v4.16', ['I9']);
  violates('dma-truncate', 'v4.17', ['I9', 'kernel-failure']);
  for (const rev of ['v4.18', 'v5.10', 'v6.15']) free('dma-truncate', rev, ['I9']);
  holds('dma-truncate', 'v6.15');
});

test('bug 7: FS_DAX_LIMITED pages have no struct page; safety rests on GUP refusing them (I11 fails in the counterfactual)', () => {
  for (const rev of ['v4.18', 'v5.10']) {
    holds('dcssblk-limited', rev);
    violates('dcssblk-limited', rev, ['I11'], { gup_special: 1 });
  }
});

test('I12 as liveness (under the declared fairness): truncate may wait for ever in 6.15 (a re-fault during its wait), not in 5.10', () => {
  for (const s of ['dma-truncate', 'munmap-pinned-truncate', 'static-key-race']) assert.ok(cell(s, 'v6.15').live.has('I12'), s);
  for (const s of ['dma-truncate', 'munmap-pinned-truncate', 'static-key-race', 'evict-pinned'])
    assert.not.ok(cell(s, 'v5.10').live.has('I12'), s);
  // 4.18's static-key race loses the wake-up: the liveness half fails with the invariant I7.
  assert.ok(cell('static-key-race', 'v4.18').live.has('I12'));
});

test.run();
