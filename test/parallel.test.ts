/**
 * Exploration on worker threads gives what one thread gives: the same counts, depth, findings (with their
 * states and lengths), counterexample traces, premises, liveness verdicts and verdict, for 1, 2 and 3
 * threads, on a scenario with many findings (step violations, an invariant, progress, a deadlock, a
 * liveness lasso) and on the percpu_ref benchmark. The threads join early (parallelFrom) so that most
 * levels are explored by them, and each run says how many threads explored, so a run that silently
 * stayed on one thread fails the test.
 *
 * A third case, dma-truncate at v4.17 with two pages and two pinners (889 states), makes the rarest lookup of the
 * parallel levels: a step violation that lets the kernel go on (a WARN) reaches a state an earlier parallel level
 * settled, so its target has no index in its slot, and the level's end finds it among its parent's children
 * (SlotTable.find, then indexOf). bench/parallelSweep.ts, which runs every cell over every configuration on one
 * thread and on two joining at 30 states, counts these lookups. It found this configuration and arch=nonipi with
 * two pinners (1,097 states) once a WARN was committed only by the step that fires it (before, every later step
 * of the warned page committed it again, and the 109-state arch=nonipi run was the smallest). The test checks
 * that the run makes one, so that it stays a test of that path.
 *
 * Where threads join by default: past PARALLEL_FROM states, and never in a run that checks progress, which keeps
 * every edge where the parallel levels keep none (explore.ts parallelSkipped); the last test runs one past it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenarioAsync, reportJson, resolveSizes, type CheckReport } from '../src/check/check.ts';
import { PARALLEL_FROM } from '../src/check/explore.ts';
import { findScenario } from '../src/registry.ts';
import { comparable, countEarlierTargets } from './parallelCompare.ts';

async function run(
  name: string,
  revision: string | undefined,
  sizes: Record<string, number>,
  workers: number,
  parallelFrom: number,
): Promise<CheckReport> {
  const scenario = findScenario(name);
  return checkScenarioAsync(scenario, revision, resolveSizes(scenario, sizes), { workers, builtin: true, parallelFrom });
}

for (const [name, revision, sizes, parallelFrom] of [
  ['pmem-remove-pinned', 'v5.10', {}, 60],
  ['percpu-ref', undefined, { users: 3 }, 60],
  ['dma-truncate', 'v4.17', { pages: 2, pinners: 2 }, 30],
] as const) {
  test(`${name}${revision ? ` @ ${revision}` : ''}: 1, 2 and 3 threads report the same`, async () => {
    const one = await run(name, revision, sizes, 1, parallelFrom);
    assert.is(one.threads, 1);
    const expected = comparable(one);
    for (const workers of [2, 3]) {
      const { result: r, earlier } = await countEarlierTargets(() => run(name, revision, sizes, workers, parallelFrom));
      assert.is(r.threads, workers, `${workers} threads explored`);
      assert.is((reportJson(r) as { threads: number }).threads, workers, 'the JSON report says how many threads explored');
      assert.is(r.states, one.states);
      assert.is(r.edges, one.edges);
      assert.is(r.verdict, one.verdict);
      assert.fixture(comparable(r), expected, `${workers} threads: findings, traces and counts`);
      if (name === 'dma-truncate')
        assert.ok(earlier > 0, `${workers} threads: a violation's target settled by an earlier parallel level was looked up`);
    }
    if (name === 'pmem-remove-pinned') assert.ok(one.findings.length >= 5, 'the scenario breaks several properties');
  });
}

test('a run whose progress check keeps every edge stays on one thread past PARALLEL_FROM states', async () => {
  // kill-dax-readers at v6.15 with 6 readers: 380,251 states. The parallel levels keep no edges; a run that needs them
  // would rebuild them on one thread after the threads (explore.ts parallelSkipped says what that costs).
  const scenario = findScenario('kill-dax-readers');
  const r = await checkScenarioAsync(scenario, 'v6.15', resolveSizes(scenario, { readers: 6, sections: 1 }), {
    workers: 2,
    builtin: true,
    liveness: false,
  });
  assert.ok(r.states > PARALLEL_FROM, `${r.states} states, past PARALLEL_FROM`);
  assert.is(r.progressSkipped, undefined, 'progress was checked');
  assert.is(r.threads, 1);
  assert.is(r.threadsSkipped, "the progress check's edges", 'the report says why');
  assert.is((reportJson(r) as { threadsSkipped: string }).threadsSkipped, "the progress check's edges");
});

test.run();
