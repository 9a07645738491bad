import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
/**
 * The explorer's run control: a failing initial state, runs in slices that stop at a state
 * boundary when asked, a memory budget that stops a run before a growth would pass it, and
 * allocation failures taken as that same bound, and where worker threads are started.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenario, resolveSizes } from '../src/check/check.ts';
import { explore, exploreAsync, parallelSkipped, startExploration } from '../src/check/explore.ts';
import { isAllocationFailure } from '../src/check/memoryBudget.ts';
import { System } from '../src/compose/system.ts';
import type { Scenario } from '../machines/kit/types.ts';
import { percpuRefSystem } from '../machines/bench/percpuRef.ts';
import { badStart } from './fixtures/badStart.ts';
import { findScenario } from '../src/registry.ts';

test('an invariant that fails in the initial state is a finding of 0 steps, not a crash', () => {
  const r = explore(new System(badStart()));
  assert.is(r.findings.length, 1);
  assert.is(r.findings[0].property, 'neverZero');
  assert.is(r.findings[0].length, 0);
  assert.is(r.findings[0].state, 0);
  assert.is(r.states, 2, 'and the run goes on past it');
  assert.ok(r.complete);
  const scenario: Scenario = { name: 'bad-start', description: 'test', revisions: [], sizes: [], build: () => badStart() };
  const report = checkScenario(scenario, undefined, {});
  assert.is(report.verdict, 'violated');
  assert.is(report.findings[0].trace.steps.length, 0);
  assert.is(report.findings[0].itf().states.length, 1);
});

test('a run in slices finds what one run finds; asked to stop, it stops at a state boundary and says why', async () => {
  const whole = explore(new System(percpuRefSystem(4, 2)));
  const sliced = await exploreAsync(new System(percpuRefSystem(4, 2)));
  assert.is(sliced.states, whole.states);
  assert.is(sliced.edges, whole.edges);
  assert.ok(sliced.complete);
  let asked = 0;
  const stopped = await exploreAsync(new System(percpuRefSystem(4, 2)), { shouldStop: () => (++asked > 1 ? 'SIGINT' : undefined) });
  assert.not.ok(stopped.complete);
  assert.is(stopped.bound, 'interrupted');
  assert.is(stopped.interrupted, 'SIGINT');
  assert.ok(stopped.states > 1 && stopped.states < whole.states, `${stopped.states} of ${whole.states}`);
});

test('a memory budget stops the run before a growth would pass it: bound memory, the states so far kept', () => {
  // In a fresh process: the budget counts the V8 heap too, and in the shared test process a
  // collection during the run can free more than the store grows, so the bound would depend on
  // what ran before. Budget: the heap in use now plus 8 MiB, where the whole run (1.6 million
  // states) would need about 60 MiB of store.
  const code = [
    "import { explore } from './src/check/explore.ts';",
    "import { System } from './src/compose/system.ts';",
    "import { percpuRefSystem } from './machines/bench/percpuRef.ts';",
    'const budget = process.memoryUsage().heapUsed + 8 * 2 ** 20;',
    'const r = explore(new System(percpuRefSystem(5, 3)), { maxMemory: budget });',
    'console.log(JSON.stringify({ complete: r.complete, bound: r.bound, states: r.states, memory: r.memory, budget }));',
  ].join('\n');
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: join(import.meta.dirname, '..'),
    encoding: 'utf8',
  });
  assert.is(out.status, 0, out.stderr);
  const r = JSON.parse(out.stdout) as {
    complete: boolean;
    bound: string;
    states: number;
    memory: { bytes: number; budget: number };
    budget: number;
  };
  assert.not.ok(r.complete);
  assert.is(r.bound, 'memory');
  assert.ok(r.states > 1000 && r.states < 1_616_597, `${r.states} states kept`);
  assert.ok(r.memory.bytes < r.budget, `${r.memory.bytes} bytes held`);
  assert.is(r.memory.budget, r.budget);
});

test('an allocation the system refuses is the memory bound, anything else is not', () => {
  let e: unknown;
  try {
    new ArrayBuffer(2 ** 53);
  } catch (x) {
    e = x;
  }
  assert.ok(isAllocationFailure(e), String(e));
  assert.not.ok(isAllocationFailure(new RangeError('Maximum call stack size exceeded')));
  assert.not.ok(isAllocationFailure(new Error('Array buffer allocation failed')));
});

test('startExploration: advance in steps of one state gives the same graph', () => {
  const run = startExploration(new System(badStart()));
  let turns = 0;
  while (!run.advance(1)) turns++;
  assert.is(run.result().states, 2);
  assert.ok(turns >= 1);
});

test('a run that keeps every edge for the progress check stays on one thread unless told where its threads join', () => {
  const recipe = { scenario: 'any', revision: undefined, sizes: {} };
  assert.is(parallelSkipped(new System(percpuRefSystem(3, 2)), { parallel: { workers: 2, recipe } }), undefined);
  const scenario = findScenario('kill-dax-readers');
  const waiting = new System(scenario.build('v6.15', resolveSizes(scenario, {})));
  assert.ok(waiting.checkProgress, 'kill-dax-readers has waiters whose progress is checked');
  assert.is(parallelSkipped(waiting, { parallel: { workers: 2, recipe } }), "the progress check's edges");
  assert.is(startExploration(waiting, { parallel: { workers: 2, recipe } }).parallel, undefined);
  // Told where its threads join (the tests, bench/parallelSweep.ts), it takes them; fingerprints keep no edges.
  assert.is(parallelSkipped(waiting, { parallel: { workers: 2, recipe, from: 30 } }), undefined);
  assert.is(parallelSkipped(waiting, { fingerprint: true, parallel: { workers: 2, recipe } }), 'fingerprints');
});

test.run();
