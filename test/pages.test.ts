import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenario, resolveSizes, type CheckReport } from '../src/check/check.ts';
import { pageScenarios } from '../machines/scenarios/pages.ts';
import { explore } from '../src/check/explore.ts';
import { System } from '../src/compose/system.ts';

/**
 * Checks one page scenario at one revision, exhaustively, for safety and progress: these tests
 * are about what the kernel does and whether a wake-up can come. Whether it must come (liveness
 * under fairness) has its own tests below and in liveness.test.ts.
 */
function check(name: string, rev: string, sizes: Record<string, number> = {}): CheckReport {
  const r = checkWithLiveness(name, rev, sizes);
  return { ...r, findings: r.findings.filter((f) => f.kind !== 'liveness') };
}

function checkWithLiveness(name: string, rev: string, sizes: Record<string, number> = {}): CheckReport {
  const sc = pageScenarios.find((s) => s.name === name);
  if (!sc) throw new Error(`no scenario ${name}`);
  const r = checkScenario(sc, rev, resolveSizes(sc, sizes), { maxStates: 500_000 });
  assert.ok(r.complete, `${name} @ ${rev} must be explored completely`);
  return r;
}

const properties = (r: CheckReport) => new Set(r.findings.map((f) => f.property));
const texts = (r: CheckReport) => r.findings.map((f) => f.text).join('\n');

// Bug 5: the devmap_managed_key race between two pmem devices.
test('static-key race: v4.18 loses the wake-up (I7, I8, a truncate that sleeps for ever, deadlock)', () => {
  const r = check('static-key-race', 'v4.18', { gup_fast: 0 });
  const p = properties(r);
  for (const id of ['I7', 'I8', 'progress', 'deadlock']) assert.ok(p.has(id), `${id} must fail in v4.18; found ${[...p].join(', ')}`);
  const lost = r.findings.find((f) => f.property === 'I8')!;
  const events = lost.trace.steps.map((s) => `${s.actor}:${s.event.type}`);
  // The counterexample is the race itself: pmem0's decrement, pmem1's increment and enable, then pmem0's disable.
  const order = ['pmem0:dev_pagemap_put_ops', 'pmem1:probe', 'pmem1:static_branch_enable', 'pmem0:static_branch_disable', 'dma0:unpin'];
  let at = -1;
  for (const e of order) {
    const i = events.indexOf(e, at + 1);
    assert.ok(i > at, `${e} after the previous race step in: ${events.join(' ')}`);
    at = i;
  }
});

test('static-key race: absent with atomic static_branch_inc/dec (v5.10) and without the key (v6.15)', () => {
  for (const rev of ['v5.10', 'v6.15']) {
    const r = check('static-key-race', rev, { gup_fast: 0 });
    assert.is(r.findings.length, 0, `${rev}: ${texts(r)}`);
  }
});

// Bug 6: truncate vs DMA.
test('dma-truncate: v4.16 frees a pinned block (I9) silently; v4.17 WARNs in dax_disassociate_entry and frees it anyway', () => {
  const silent = check('dma-truncate', 'v4.16', { gup_fast: 0 });
  assert.ok(properties(silent).has('I9'), texts(silent));
  assert.not.ok(properties(silent).has('kernel-failure'), texts(silent));
  const warned = check('dma-truncate', 'v4.17', { gup_fast: 0 });
  assert.ok(properties(warned).has('I9'), texts(warned));
  assert.ok(
    warned.findings.some((f) => f.property === 'kernel-failure' && /WARN_ON_ONCE\(trunc && page_ref_count\(page\) > 1\)/.test(f.text)),
    texts(warned),
  );
});

test('dma-truncate: every revision from the v8 series on waits', () => {
  for (const rev of ['v8', 'v9', 'v4.18', 'v5.10', 'v6.15']) {
    const r = check('dma-truncate', rev, { gup_fast: 0 });
    assert.is(r.findings.length, 0, `${rev}: ${texts(r)}`);
  }
});

test('dma-truncate, two pages and two pinners: the v9 series stops scanning after a page idle at the first test (no sleep, no rescan)', () => {
  const sizes = { pages: 2, pinners: 2, gup_fast: 0 };
  const r = check('dma-truncate', 'v9', sizes);
  assert.ok(properties(r).has('I9'), texts(r));
  const steps = stepsOf(r, 'I9');
  // One scan: the break-layouts pass that found page0 idle without sleeping does not scan again.
  assert.is(steps.filter((s) => s === 'truncate:break_layouts').length, 1, steps.join(' '));
  for (const rev of ['v4.18', 'v5.10', 'v6.15']) assert.is(check('dma-truncate', rev, sizes).findings.length, 0, rev);
});

test('dma-truncate on ext4: 4.18 does not wait yet (ext4 broke layouts from 4.19); 5.10 waits. ext2 never waits', () => {
  assert.ok(properties(check('dma-truncate', 'v4.18', { gup_fast: 0, fstype: 0 })).has('I9'));
  assert.is(check('dma-truncate', 'v5.10', { gup_fast: 0, fstype: 0 }).findings.length, 0);
  for (const rev of ['v4.18', 'v5.10']) assert.ok(properties(check('dma-truncate', rev, { gup_fast: 0, fstype: 1 })).has('I9'), rev);
});

test('dma-truncate: the freed block goes to file B and the device writes into it (v4.16, v4.17)', () => {
  for (const rev of ['v4.16', 'v4.17']) {
    const r = check('dma-truncate', rev, { gup_fast: 0 });
    assert.ok(
      r.findings.some((f) => f.kind === 'violation-state' && /another file/.test(f.text)),
      `${rev}: ${texts(r)}`,
    );
  }
});

test('dma-truncate: two pinners, FOLL_PIN multi-reference puts, two rounds: no lost wake-up in v5.10 or v6.15', () => {
  for (const rev of ['v5.10', 'v6.15']) {
    const r = check('dma-truncate', rev, { pinners: 2, rounds: 2, foll_pin: 1, gup_fast: 0 });
    assert.is(r.findings.length, 0, `${rev}: ${texts(r)}`);
  }
});

test('dma-truncate with GUP-fast: I9 and I10 hold in every revision that waits (the PTE re-check)', () => {
  for (const rev of ['v4.18', 'v5.10', 'v6.15']) {
    const p = properties(check('dma-truncate', rev));
    assert.not.ok(p.has('I9'), rev);
    assert.not.ok(p.has('I10'), rev);
  }
});

test('dma-truncate: I10 rests on GUP-fast re-checking the PTE where the TLB flush does not wait (counterfactual gup_recheck=0, nonipi, v4.18)', () => {
  const p = properties(check('dma-truncate', 'v4.18', { gup_recheck: 0, arch: 1 }));
  assert.ok(p.has('I10') && p.has('I9'), [...p].join(', '));
  // On x86 the zap's flush IPI waits for the walker's interrupts-off section, so the scan sees its reference anyway.
  const x86 = properties(check('dma-truncate', 'v4.18', { gup_recheck: 0, arch: 0 }));
  assert.not.ok(x86.has('I10'), [...x86].join(', '));
});

// Every way a page reference is dropped (eras.ts putRoutes).
test('release_pages(): 4.18 and the v8/v9 series drop the pin with put_page_testzero(), no hook: truncate sleeps for ever (I8, progress)', () => {
  for (const rev of ['v8', 'v9', 'v4.18']) {
    const r = check('dma-truncate', rev, { put_route: 1, gup_fast: 0 });
    const p = properties(r);
    for (const id of ['I8', 'progress']) assert.ok(p.has(id), `${rev}: ${id} must fail; found ${[...p].join(', ')}`);
    const lost = r.findings.find((f) => f.property === 'I8')!;
    assert.ok(
      lost.trace.steps.some((s) => s.actor === 'dma0' && s.event.type === 'unpin'),
      `${rev}: the drop is the driver's release: ${lost.trace.steps.map((s) => s.event.type).join(' ')}`,
    );
    // The pin's own put reaches the hook in the same revision.
    const own = properties(check('dma-truncate', rev, { put_route: 0, gup_fast: 0 }));
    assert.not.ok(own.has('I8') || own.has('progress'), `${rev} put_page: ${[...own].join(', ')}`);
  }
});

test('release_pages(): from 5.3 (c5d6c45e90c4) ZONE_DEVICE pages go through the hook: no lost wake-up in v5.10, v6.8, v6.15', () => {
  for (const rev of ['v5.10', 'v6.8', 'v6.15']) {
    const p = properties(check('dma-truncate', rev, { put_route: 1, gup_fast: 0, pinners: 2 }));
    assert.not.ok(p.has('I8') || p.has('progress') || p.has('deadlock'), `${rev}: ${[...p].join(', ')}`);
  }
});

test('PMD entries: one fault maps every subpage and one zap unmaps them all; with the PMD re-check I9 and I10 hold where the flush does not wait', () => {
  for (const rev of ['v4.18', 'v5.10', 'v6.8', 'v6.15']) {
    const p = properties(check('dma-truncate', rev, { entry: 1, pages: 2, pinners: 2, arch: 1, reuse: 0 }));
    assert.not.ok(p.has('I9') || p.has('I10') || p.has('I13'), `${rev}: ${[...p].join(', ')}`);
  }
});

test('I13 (no reference on a free page) holds, and not vacuously where pages sit at refcount 0 (6.15 idle folios)', () => {
  const r = check('dma-truncate', 'v6.15', { arch: 1 });
  assert.not.ok(properties(r).has('I13'), texts(r));
  assert.ok(r.premises?.find((p) => p.id === 'I13')?.reached, 'a free folio was reached');
});

// What a faithful model of munmap and eviction shows (DOMAIN.md [src]/[infer]).
test('munmap with the pin held, then truncate: 4.18..5.10 skip the wait (!mapping_mapped), WARN and free a pinned block; 6.15 waits', () => {
  for (const rev of ['v4.18', 'v5.10']) {
    const r = check('munmap-pinned-truncate', rev, { gup_fast: 0 });
    assert.ok(properties(r).has('I9'), `${rev}: ${texts(r)}`);
    assert.ok(/dax_disassociate_entry/.test(texts(r)), `${rev}: the kernel's own WARN fires`);
  }
  assert.is(check('munmap-pinned-truncate', 'v6.15', { gup_fast: 0 }).findings.length, 0);
});

test('eviction with the pin held: 4.18..5.10 free the pinned block; 6.15 dax_break_layout_final waits', () => {
  for (const rev of ['v4.16', 'v4.17', 'v4.18', 'v5.10']) {
    assert.ok(properties(check('evict-pinned', rev, { gup_fast: 0 })).has('I9'), rev);
  }
  assert.is(check('evict-pinned', 'v6.15', { gup_fast: 0 }).findings.length, 0);
});

// Bug 7: FS_DAX_LIMITED.
test('dcssblk: safe only because GUP refuses pfns without struct page (I11); the counterfactual breaks I9', () => {
  for (const rev of ['v4.16', 'v4.17', 'v4.18', 'v5.10']) {
    const safe = check('dcssblk-limited', rev);
    assert.is(safe.findings.length, 0, `${rev}: ${texts(safe)}`);
    const p = properties(check('dcssblk-limited', rev, { gup_special: 1 }));
    assert.ok(p.has('I11') && p.has('I9'), `${rev}: ${[...p].join(', ')}`);
  }
});

// Faults go through the dax_device: dax_read_lock, dax_direct_access (-ENXIO once ALIVE is clear), unlock, insert.
test('pmem-remove-pinned: a fault asks the dax_device; none is inside dax_direct_access once kill_dax is done, one may still insert after', () => {
  const sc = pageScenarios.find((s) => s.name === 'pmem-remove-pinned')!;
  for (const rev of ['v4.16', 'v4.18', 'v5.10', 'v6.15'] as const) {
    const system = new System(sc.build(rev, resolveSizes(sc, {})));
    const r = explore(system);
    const vec = new Int32Array(system.width);
    const view = system.view(vec);
    const seen = new Set<string>();
    for (let i = 0; i < r.store.count; i++) {
      r.store.load(i, vec);
      const dax = view('dax0');
      const killed = dax.matches('dead') || dax.matches('freed');
      for (const st of ['faultGotPfn', 'faultInserting', 'slowFaultGotPfn', 'slowFaultInserting'])
        if (view('dma0').matches(st)) seen.add(`${st}${killed ? '@killed' : ''}`);
      // A fault that saw ALIVE holds dax_read_lock until it has the pfn: synchronize_srcu waits for it.
      assert.not.ok(killed && (view('dma0').matches('faultGotPfn') || view('dma0').matches('slowFaultGotPfn')), `${rev}: state ${i}`);
    }
    assert.ok(seen.has('faultGotPfn') && seen.has('faultInserting'), `${rev}: ${[...seen].join(', ')}`);
    // The window the kernel has: the SRCU section ends before the PTE is installed.
    assert.ok(seen.has('faultInserting@killed'), `${rev}: a fault that passed dax_direct_access may insert after kill_dax returned`);
  }
});

// pmem removal while a page is pinned: memunmap_pages() as each era has it.
const stepsOf = (r: CheckReport, property: string) =>
  r.findings.find((f) => f.property === property)!.trace.steps.map((s) => `${s.actor}:${s.event.type}`);
const uafOn = (r: CheckReport, call: string) =>
  r.findings.some((f) => f.kind === 'unaccepted' && new RegExp(`^${call} on page0 .*removed`).test(f.text));

test('pmem-remove-pinned: 4.18 and 5.10 put the base reference of a pinned page, so truncate frees its block under the pin (I9, not I10)', () => {
  for (const rev of ['v4.18', 'v5.10']) {
    // Without the removal the same file, pin and truncate are safe in these revisions.
    assert.is(check('dma-truncate', rev, { gup_fast: 0 }).findings.length, 0, rev);
    const r = check('pmem-remove-pinned', rev);
    const p = properties(r);
    // The pin existed before the scan and memunmap_pages() hid it: a pinned block freed (I9),
    // not a reference taken after the scan (I10).
    assert.ok(p.has('I9') && !p.has('I10'), `${rev}: ${[...p].join(', ')}`);
    const steps = stepsOf(r, 'I9');
    // The put of the base reference comes before the blocks are freed, and the DMA pin is never dropped.
    const put = steps.indexOf(rev === 'v4.18' ? 'pmem0:put_page_base' : 'pmem0:percpu_ref_kill');
    const free = steps.indexOf('truncate:itruncate_extents');
    assert.ok(put >= 0 && put < free, `${rev}: ${steps.join(' ')}`);
    assert.not.ok(steps.includes('dma0:unpin'), `${rev}: ${steps.join(' ')}`);
  }
});

test('pmem-remove-pinned: before 5.0 the struct pages go before the wait, so the unpin is a use after free; 5.10 waits for it', () => {
  for (const rev of ['v4.16', 'v4.17', 'v8', 'v9', 'v4.18']) assert.ok(uafOn(check('pmem-remove-pinned', rev), 'put_page'), rev);
  const r = check('pmem-remove-pinned', 'v5.10');
  assert.not.ok(uafOn(r, 'put_page'), texts(r));
});

test('pmem-remove-pinned: 6.15 leaves page refcounts alone (no I9) but removes the struct page of a pinned folio (unpin after pageunmap_range)', () => {
  const r = check('pmem-remove-pinned', 'v6.15');
  const p = properties(r);
  assert.not.ok(p.has('I9') || p.has('I10'), [...p].join(', '));
  assert.ok(uafOn(r, 'put_page'), texts(r));
});

test('I12 liveness in 6.15: a fault while truncate is woken but has not retaken the mmap lock maps the page again, and the wait for refcount 0 then lasts as long as the process keeps the mapping', () => {
  for (const name of ['dma-truncate', 'munmap-pinned-truncate']) {
    const r = checkWithLiveness(name, 'v6.15', { gup_fast: 0 });
    const f = r.findings.find((x) => x.kind === 'liveness' && x.property === 'I12');
    assert.ok(f, `${name} @ v6.15: ${texts(r)}`);
    const steps = f!.trace.steps.map((s) => `${s.actor}.${s.event.type}`);
    const woken = steps.indexOf('dma0.unpin');
    assert.ok(
      woken >= 0 &&
        steps.indexOf('dma0.fault', woken) > woken &&
        steps.indexOf('truncate.relock', woken) > steps.indexOf('dma0.fault', woken),
      steps.join(' '),
    );
    assert.is(f!.loop, f!.trace.steps.length, 'then it stutters: only the process could end it, by munmap');
    assert.ok(f!.unassumed?.includes('dma0.munmap'), `only the process's munmap would end it: ${f!.unassumed}`);
  }
  // Before 6.15 a mapping holds no page reference: the same re-fault leaves the page idle and truncate goes on.
  for (const rev of ['v4.18', 'v5.10']) {
    const r = checkWithLiveness('dma-truncate', rev, { gup_fast: 0 });
    assert.not.ok(
      r.findings.some((x) => x.kind === 'liveness'),
      `${rev}: ${texts(r)}`,
    );
  }
});

test('evict-pinned at v6.15: xfs and ext4 wait for the pinned page at eviction, ext2 frees its block under the DMA (I9)', () => {
  // 6.15 fs/xfs and fs/ext4 evict_inode call dax_break_layout_final(); fs/ext2/inode.c ext2_evict_inode does not.
  for (const fstype of [2, 0]) assert.not.ok(properties(check('evict-pinned', 'v6.15', { fstype })).has('I9'), `fstype ${fstype}`);
  assert.ok(properties(check('evict-pinned', 'v6.15', { fstype: 1 })).has('I9'));
  // Before 6.15 no filesystem waits there.
  assert.ok(properties(check('evict-pinned', 'v6.8', { fstype: 2 })).has('I9'));
});

test.run();
