/**
 * Exploration on worker threads gives what one thread gives: the same counts, depth, findings (with their
 * states and lengths), counterexample traces, premises, liveness verdicts and verdict, for 1, 2 and 3
 * threads, on a scenario with many findings (step violations, an invariant, progress, a deadlock, a
 * liveness lasso) and on the percpu_ref benchmark. The threads join early (parallelFrom) so that most
 * levels are explored by them, and each run says how many threads explored, so a run that silently
 * stayed on one thread fails the test.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenarioAsync, reportJson, resolveSizes, type CheckReport } from '../src/check/check.ts';
import { formatFinding } from '../src/check/formatTrace.ts';
import { findScenario } from '../src/registry.ts';

async function run(name: string, revision: string | undefined, sizes: Record<string, number>, workers: number): Promise<CheckReport> {
  const scenario = findScenario(name);
  return checkScenarioAsync(scenario, revision, resolveSizes(scenario, sizes), { workers, builtin: true, parallelFrom: 60 });
}

/** Everything a run reports except its timings, the bytes its store took (a shared table is sized otherwise) and its threads. */
function comparable(r: CheckReport): string {
  const skip = new Set(['seconds', 'memoryBytes', 'threads']);
  const json = JSON.stringify(reportJson(r), (k, v: unknown) => (skip.has(k) ? undefined : v), 1);
  const traces = r.findings.map((f) => formatFinding(f, f.trace));
  return json + '\n' + traces.join('\n') + '\n' + JSON.stringify(r.findings.map((f) => f.itf()));
}

for (const [name, revision, sizes] of [
  ['pmem-remove-pinned', 'v5.10', {}],
  ['percpu-ref', undefined, { users: 3 }],
] as const) {
  test(`${name}${revision ? ` @ ${revision}` : ''}: 1, 2 and 3 threads report the same`, async () => {
    const one = await run(name, revision, sizes, 1);
    assert.is(one.threads, 1);
    const expected = comparable(one);
    for (const workers of [2, 3]) {
      const r = await run(name, revision, sizes, workers);
      assert.is(r.threads, workers, `${workers} threads explored`);
      assert.is((reportJson(r) as { threads: number }).threads, workers, 'the JSON report says how many threads explored');
      assert.is(r.states, one.states);
      assert.is(r.edges, one.edges);
      assert.is(r.verdict, one.verdict);
      assert.fixture(comparable(r), expected, `${workers} threads: findings, traces and counts`);
    }
    if (name === 'pmem-remove-pinned') assert.ok(one.findings.length >= 5, 'the scenario breaks several properties');
  });
}

test.run();
