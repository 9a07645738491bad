/**
 * The bug matrix on worker threads (matrixThreads.ts) against the one-thread matrix (matrix.ts): the same
 * cells in the same order, configurations merged the same way, whichever thread ran which configuration;
 * and a stop keeps only whole cells, in order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bugMatrix, type Matrix, type MatrixCell } from '../src/check/matrix.ts';
import { bugMatrixThreads, matrixThreadCount } from '../src/check/matrixThreads.ts';
import { builtinRegistry, findScenario } from '../src/registry.ts';

const { revisions } = builtinRegistry();
const withoutSeconds = (cells: readonly MatrixCell[]) => cells.map((c) => ({ ...c, seconds: 0 }));
const same = (threads: Matrix, one: Matrix, what: string) => {
  assert.is(threads.interrupted, undefined, what);
  assert.equal(withoutSeconds(threads.cells), withoutSeconds(one.cells), what);
};

test('every scenario at its defaults (--quick): two and three threads make the one-thread matrix, cells reported in order', async () => {
  const scenarios = builtinRegistry().scenarios.filter((s) => s.revisions.length > 0);
  const one = bugMatrix(scenarios, revisions, { quick: true });
  assert.ok(one.cells.length > 100, `${one.cells.length} cells`);
  for (const threads of [2, 3]) {
    const reported: MatrixCell[] = [];
    const m = await bugMatrixThreads(scenarios, revisions, { quick: true }, threads, (c) => reported.push(c));
    same(m, one, `${threads} threads`);
    assert.equal(reported, m.cells, `${threads} threads: onCell in the matrix's order`);
  }
});

test('cells of many configurations: each configuration run on some thread, merged as on one thread', async () => {
  const scenarios = ['dm-and-direct-one-pmem', 'holder-notify-umount', 'kill-dax-readers', 'pmem-partitions'].map(findScenario);
  const one = bugMatrix(scenarios, revisions);
  assert.ok(
    one.cells.some((c) => c.configurations > 1 && c.findings.some((f) => f.needs.length > 0)),
    'some finding needs a configuration other than the defaults',
  );
  const configurations: string[] = [];
  const m = await bugMatrixThreads(
    scenarios,
    revisions,
    { onConfiguration: (s, r, _c, i, of) => configurations.push(`${s}@${r} ${i}/${of}`) },
    2,
  );
  same(m, one, 'two threads');
  assert.is(
    configurations.length,
    one.cells.reduce((k, c) => k + c.configurations, 0),
    'every configuration reported once',
  );
  assert.is(new Set(configurations).size, configurations.length);
});

test('a stop keeps the cells finished, in order, and says why', async () => {
  const scenarios = ['pmem-partitions', 'dm-targets-one-pmem'].map(findScenario);
  const one = bugMatrix(scenarios, revisions);
  let seen = 0;
  const reported: MatrixCell[] = [];
  const m = await bugMatrixThreads(
    scenarios,
    revisions,
    { onConfiguration: () => seen++, shouldStop: () => (seen >= 30 ? 'a test' : undefined) },
    2,
    (c) => reported.push(c),
  );
  assert.is(m.interrupted, 'a test');
  assert.ok(m.cells.length > 0 && m.cells.length < one.cells.length, `${m.cells.length} of ${one.cells.length} cells`);
  assert.equal(reported, m.cells, 'every cell returned was reported, in order');
  const full = new Map(one.cells.map((c, i) => [`${c.scenario}@${c.revision}`, { c, i }]));
  let last = -1;
  for (const c of m.cells) {
    const f = full.get(`${c.scenario}@${c.revision}`)!;
    assert.equal({ ...c, seconds: 0 }, { ...f.c, seconds: 0 }, `${c.scenario}@${c.revision} is whole`);
    assert.ok(f.i > last, 'in the matrix order');
    last = f.i;
  }
});

test('under a memory budget, a thread for each 64 MiB at most, each with its share: 128 MiB bounds none of the small cells', async () => {
  assert.is(matrixThreadCount(8, 100, 128 << 20), 2);
  assert.is(matrixThreadCount(8, 100, 32 << 20), 1);
  assert.is(matrixThreadCount(8, 3, undefined), 3);
  // Against the matrix without a budget: a budget counts its process's heap, and this test runner's is past 128 MiB
  // (a fresh worker's is 10-16 MB). Split eight ways, each worker's share bounded every cell at one state.
  const scenarios = builtinRegistry().scenarios.filter((s) => s.revisions.length > 0);
  const unbounded = bugMatrix(scenarios, revisions, { quick: true });
  same(await bugMatrixThreads(scenarios, revisions, { quick: true, maxMemory: 128 << 20 }, 8), unbounded, '8 threads asked, 128 MiB');
});

test.run();
