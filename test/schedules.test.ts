/**
 * The parallel levels report what one thread reports under interleavings that worker threads make only now
 * and then. The other threads run here in the test's thread (test/fixtures/scheduledThreads.ts), a seed
 * deciding when each takes its next chunks, with chunks of one state: within a level's expansion the main
 * thread and the others claim new states and meet violations in orders that differ from seed to seed and are
 * the same on every run of one seed, so each thread then writes and checks (phase 3) a share of the level that
 * differs too. The table is not grown to the parallel levels' usual least size (minSlots) but starts at the
 * one-thread store's 8,192 slots, so three of the cases fill it mid-level and every thread rehashes its part
 * while the level waits. What it does not reach: a state's expansion is never interrupted (no insert contends
 * with another's half-written slot), and the later phases run their threads in one fixed order. test/parallel.test.ts runs real worker threads, where the order is the machine's;
 * bench/parallelSweep.ts runs every configuration that way. A seed that makes a report differ names the
 * interleaving: run it again to debug it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenarioAsync, resolveSizes, type CheckReport } from '../src/check/check.ts';
import { findScenario } from '../src/registry.ts';
import { comparable } from './parallelCompare.ts';
import { scheduledThreads, type ScheduleStats } from './fixtures/scheduledThreads.ts';
import { relayWarns } from './fixtures/relayWarns.ts';
import { explore, exploreAsync } from '../src/check/explore.ts';
import type { ExploreResult } from '../src/check/exploration.ts';
import { traceOf } from '../src/check/trace.ts';
import { System } from '../src/compose/system.ts';

// More, to search for an interleaving: SCHEDULE_SEEDS=200 npx tsx test/schedules.test.ts
const SEEDS = Array.from({ length: Number(process.env.SCHEDULE_SEEDS ?? 6) }, (_, i) => i + 1);

async function run(
  name: string,
  revision: string | undefined,
  sizes: Record<string, number>,
  workers: number,
  seed = 0,
  stats?: ScheduleStats,
): Promise<CheckReport> {
  const scenario = findScenario(name);
  const threads = workers > 1 ? { threads: scheduledThreads(seed, undefined, stats), chunk: 1, minSlots: 8, parallelFrom: 20 } : {};
  return checkScenarioAsync(scenario, revision, resolveSizes(scenario, sizes), { workers, builtin: true, ...threads });
}

for (const [name, revision, sizes, table] of [
  // Many findings of several kinds: step violations in two actors of one machine, an invariant, a deadlock.
  ['pmem-remove-pinned', 'v8', { pinners: 2 }, 'grows'],
  // Two pages a step can fail alike on: the finding names the page its trace fails on.
  ['pmem-remove-pinned', 'v4.17', { pages: 2, pinners: 2 }, 'grows'],
  // A WARN whose target an earlier level settled, and an oops beside it.
  ['dma-truncate', 'v4.17', { pages: 2, pinners: 2 }, 'fits'],
  ['percpu-ref', undefined, { users: 3 }, 'grows'],
] as const) {
  test(`${name}${revision ? ` @ ${revision}` : ''}: ${SEEDS.length} schedules of 2 and 3 threads report what one thread does`, async () => {
    const one = await run(name, revision, sizes, 1);
    const expected = comparable(one);
    for (const seed of SEEDS) {
      const workers = 2 + (seed % 2);
      const stats: ScheduleStats = { expansions: 0 };
      const r = await run(name, revision, sizes, workers, seed, stats);
      assert.is(r.threads, workers, `seed ${seed}: ${workers} threads explored`);
      // r.threads says the threads took the run over; a level they expanded says they explored some of it.
      assert.ok(stats.expansions > 0, `seed ${seed}: no parallel level was expanded`);
      assert.fixture(comparable(r), expected, `seed ${seed}, ${workers} threads`);
      // From a table of 8,192 slots (minSlots does not grow it first): these levels fill it while their threads insert.
      if (table === 'grows') assert.ok((stats.midLevelGrowths ?? 0) > 0, `seed ${seed}: the table never grew mid-level`);
    }
  });
}

/** What a run of the relay fixture reports: counts, and each finding with its trace's steps. */
function relayReport(system: System, r: ExploreResult): unknown {
  const findings = r.findings.map((f) => ({
    text: f.text,
    steps: traceOf(system, r.store, f).steps.map((s) => `${s.actor} ${s.event.type}`),
  }));
  return { states: r.states, edges: r.edges, findings };
}

for (const fatal of [false, true]) {
  const only = fatal ? 'relay WARN' : 'device WARN';
  test(`a ${fatal ? 'fatal' : 'continuing'} step's second violation, of a key no other step commits, is found on 2 and 3 threads as on one`, async () => {
    // The finding comes only beside the clock's third tick (fixtures/relayWarns.ts), in a level the threads share.
    const one = new System(relayWarns(fatal));
    const expected = relayReport(one, explore(one));
    assert.ok(JSON.stringify(expected).includes(only));
    for (const seed of SEEDS) {
      const workers = 2 + (seed % 2);
      const system = new System(relayWarns(fatal));
      const stats: ScheduleStats = { expansions: 0 };
      const parallel = {
        workers,
        recipe: { scenario: 'relay-warns', revision: undefined, sizes: {} },
        threads: scheduledThreads(seed, () => new System(relayWarns(fatal)), stats),
        chunk: 1,
        from: 5,
      };
      const r = await exploreAsync(system, { parallel });
      assert.is(r.threads, workers, `seed ${seed}: ${workers} threads explored`);
      assert.ok(stats.expansions > 0, `seed ${seed}: no parallel level was expanded`);
      assert.equal(relayReport(system, r), expected, `seed ${seed}, ${workers} threads`);
    }
  });
}

test.run();
