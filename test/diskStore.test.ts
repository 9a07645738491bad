/**
 * The disk store (`check --store disk`): behind the same StateStore interface it gives the run the
 * in-memory store gives (states, transitions, findings, traces), with a tail and a page cache small
 * enough that flushes, page reads and re-reads of a page flushed in part all happen; it answers
 * load, parent and label as the in-memory store does for every state; and it removes its own
 * folder, and nothing else, when closed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSystem, checkScenario, reportJson, resolveSizes } from '../src/check/check.ts';
import { DiskStateStore } from '../src/check/diskStore.ts';
import { explore } from '../src/check/explore.ts';
import { scenarios } from '../machines/scenarios.ts';
import { runCli } from './runCli.ts';

const find = (name: string) => scenarios.find((s) => s.name === name)!;

function comparable(r: Parameters<typeof reportJson>[0]): unknown {
  const j = reportJson(r) as Record<string, unknown> & { liveness?: Record<string, unknown> | null };
  delete j.seconds;
  delete j.memoryBytes;
  if (j.liveness) delete j.liveness.seconds;
  return j;
}

test('the disk store gives the report the memory store gives, findings and traces included', () => {
  const scenario = find('dma-truncate');
  const sizes = resolveSizes(scenario, { pinners: 3, pages: 2 });
  const inMemory = checkScenario(scenario, 'v4.16', sizes);
  const system = buildSystem(scenario, 'v4.16', sizes);
  // 100 states in memory and 2 pages of cache: nearly every lookup and load goes to the files.
  const store = new DiskStateStore(system.width, { tail: 100, cache: 1 });
  try {
    const onDisk = checkScenario(scenario, 'v4.16', sizes, { store }, system);
    assert.ok(inMemory.findings.length > 0);
    assert.equal(comparable(onDisk), comparable(inMemory));
  } finally {
    store.close();
  }
});

test('every state loads with the same vector, parent and label from disk as from memory', () => {
  const scenario = find('kill-dax-readers');
  const sizes = resolveSizes(scenario, { readers: 3 });
  const mem = explore(buildSystem(scenario, 'v6.15', sizes));
  const system = buildSystem(scenario, 'v6.15', sizes);
  const store = new DiskStateStore(system.width, { tail: 37, cache: 1 });
  try {
    const disk = explore(system, { store });
    assert.is(disk.states, mem.states);
    assert.is(disk.edges, mem.edges);
    const a = new Int32Array(system.width);
    const b = new Int32Array(system.width);
    // Backwards, then forwards: pages are evicted and read again in both directions.
    for (let i = disk.states - 1; i >= 0; i--) {
      mem.store.load(i, a);
      store.load(i, b);
      assert.equal([...b], [...a], `state ${i}`);
      assert.is(store.parent(i), mem.store.parent(i));
      assert.is(store.label(i), mem.store.label(i));
    }
    for (let i = 0; i < disk.states; i++) {
      mem.store.load(i, a);
      assert.is(store.add(a, -1, -1), -1 - i, `state ${i} is found again`);
    }
  } finally {
    store.close();
  }
});

test('close removes the store folder and only it', () => {
  const store = new DiskStateStore(4);
  const dir = store.dir;
  store.add(Int32Array.of(1, 2, 3, 4), -1, -1);
  assert.equal(readdirSync(dir).sort(), ['meta.bin', 'vectors.bin']);
  store.close();
  assert.not.ok(existsSync(dir));
  store.close();
});

test('check --store disk: the same --json report as in memory; refused with --fingerprint', async () => {
  const args = ['check', '--scenario', 'dma-truncate', '--revision', 'v4.16', '--pinners', '2', '--json', '-q'];
  const mem = await runCli(...args);
  const disk = await runCli(...args, '--store', 'disk');
  assert.is(disk.code, mem.code, disk.err);
  const strip = (out: string): unknown => {
    const j = JSON.parse(out) as Record<string, unknown> & { liveness?: Record<string, unknown> | null };
    delete j.seconds;
    delete j.memoryBytes;
    if (j.liveness) delete j.liveness.seconds;
    return j;
  };
  assert.equal(strip(disk.out), strip(mem.out));
  const both = await runCli(...args, '--store', 'disk', '--fingerprint');
  assert.is(both.code, 2);
  assert.match(both.err, /--store disk .*--fingerprint/);
});

test('under a small --max-memory the disk store goes further than the memory store it is suggested instead of', () => {
  // Its tail and page cache take an eighth of the budget each: at their fixed 32 MiB each they took all of 64 MiB.
  // A process of its own: the budget counts the V8 heap, and this one's holds the other tests' too.
  const bin = join(import.meta.dirname, '..', 'bin', 'daxspec.js');
  const args = [
    'check',
    '--scenario',
    'percpu-ref',
    '--users',
    '5',
    '--workers',
    '1',
    '--no-liveness',
    '--max-memory',
    '64M',
    '--json',
    '-q',
  ];
  const cli = (...more: string[]) => spawnSync(process.execPath, [bin, ...args, ...more], { encoding: 'utf8' });
  const mem = cli();
  assert.is(mem.status, 3, mem.stderr);
  const memStates = (JSON.parse(mem.stdout) as { states: number }).states;
  const disk = cli('--store', 'disk');
  const j = JSON.parse(disk.stdout) as { states: number; complete: boolean };
  assert.ok(j.states > memStates, `${j.states} states on disk, ${memStates} in memory`);
  assert.is(disk.status, 0, disk.stderr);
  assert.is(j.states, 1_616_597);
  assert.ok(j.complete);
});

test.run();
