/**
 * `npx tsx bench/parallelSweep.ts`: a differential check of the parallel explorer over the whole configuration
 * space, too long for `npm test` (about 35 minutes on two cores). Every built-in scenario, in every revision and
 * every configuration its matrix cell covers, is checked on one thread and on worker threads that join early
 * (at 30 states, so that nearly every level is theirs), and the two reports are compared as test/parallel.test.ts
 * compares them: counts, findings, traces and ITF. It also counts the rarest lookup of the parallel levels (a
 * continuing violation's target settled by an earlier parallel level: test/parallelCompare.ts), which is how
 * the test's third case was found. Safety only: liveness runs on one thread either way.
 *
 * Exit 0: every pair the same; 1: some pair differs (each is named on stderr); 2: bad options; 4: a run threw.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkScenarioAsync } from '../src/check/check.ts';
import { configurations } from '../src/check/configSpace.ts';
import { SCENARIOS } from '../src/registry.ts';
import { comparable, countEarlierTargets } from '../test/parallelCompare.ts';
import { scheduledThreads } from '../test/fixtures/scheduledThreads.ts';

const USAGE = `Usage: npx tsx bench/parallelSweep.ts [options]

Checks every built-in scenario, revision and configuration on one thread and on worker threads, and compares.
With --schedules, the other threads run in this one on seeded schedules a state at a time instead
(test/fixtures/scheduledThreads.ts): the interleavings differ from seed to seed and a seed repeats its own.

Options:
  --scenario NAME   only this scenario (repeatable; default: all)
  --quick           each cell at its default sizes only
  --workers N       threads of the parallel runs (default 2)
  --from N          states the parallel runs reach on one thread before the threads join (default 30)
  --schedules K     K runs per configuration on scheduled threads (seeds 1..K, 2 or 3 threads by
                    seed, chunks of one state) instead of one on worker threads
  --json            a JSON summary on stdout
  --dump DIR        write both reports of each pair that differs into DIR (created; a file it would
                    overwrite is refused)
  -h, --help        this text`;

function fail(message: string): never {
  process.stderr.write(`parallelSweep: ${message} (--help)\n`);
  process.exit(2);
}

let values: ReturnType<typeof parse>['values'];
function parse() {
  return parseArgs({
    strict: true,
    allowPositionals: false,
    options: {
      scenario: { type: 'string', multiple: true },
      quick: { type: 'boolean' },
      workers: { type: 'string' },
      from: { type: 'string' },
      schedules: { type: 'string' },
      json: { type: 'boolean' },
      dump: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  ({ values } = parse());
} catch (e) {
  fail((e as Error).message);
}
if (values.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
const whole = (name: string, text: string | undefined, fallback: number, least: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < least) fail(`--${name} takes a whole number of at least ${least}, not ${JSON.stringify(text)}`);
  return n;
};
const workers = whole('workers', values.workers, 2, 2);
const from = whole('from', values.from, 30, 1);
const schedules = whole('schedules', values.schedules, 0, 1);
const names = values.scenario ?? [];
for (const name of names) if (!SCENARIOS.some((s) => s.name === name)) fail(`no built-in scenario ${JSON.stringify(name)}`);
const scenarios = names.length > 0 ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;

/** Writes pair `n`'s two reports as n-one.txt and n-threads.txt in `dir`, never over a file that is there. */
function dump(dir: string, n: number, cell: string, one: string, threads: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${n}-one.txt`), `${cell}\n${one}`, { flag: 'wx' });
  writeFileSync(join(dir, `${n}-threads.txt`), `${cell}\n${threads}`, { flag: 'wx' });
}

let runs = 0;
/** Pairs whose parallel run did go on threads (a run that ends before `--from` states never does). */
let threaded = 0;
let earlierTotal = 0;
const differing: string[] = [];
const withEarlier: string[] = [];
const started = performance.now();
try {
  for (const scenario of scenarios) {
    const revisions: (string | undefined)[] = scenario.revisions.length > 0 ? [...scenario.revisions] : [undefined];
    for (const config of configurations(scenario, values.quick ?? false)) {
      for (const revision of revisions) {
        const cell = `${scenario.name}${revision ? ` @ ${revision}` : ''}${config.departures.length ? ` (${config.departures.join(', ')})` : ''}`;
        const options = { liveness: false, builtin: true, parallelFrom: from };
        const one = await checkScenarioAsync(scenario, revision, { ...config.sizes }, { ...options, workers: 1 });
        const expected = comparable(one);
        // The parallel runs of this configuration: one on worker threads, or one per seed on scheduled threads.
        const tries = schedules === 0 ? [{ label: '', workers, seed: 0 }] : [];
        for (let seed = 1; seed <= schedules; seed++) tries.push({ label: ` seed ${seed}`, workers: 2 + (seed % 2), seed });
        for (const t of tries) {
          const scheduled = t.seed > 0 ? { threads: scheduledThreads(t.seed), chunk: 1 } : {};
          const { result: many, earlier } = await countEarlierTargets(() =>
            checkScenarioAsync(scenario, revision, { ...config.sizes }, { ...options, ...scheduled, workers: t.workers }),
          );
          runs++;
          if (many.threads > 1) threaded++;
          earlierTotal += earlier;
          if (earlier > 0) withEarlier.push(cell + t.label);
          const got = comparable(many);
          const same = expected === got;
          if (!same) {
            differing.push(cell + t.label);
            if (values.dump) dump(values.dump, differing.length, cell + t.label, expected, got);
          }
          process.stderr.write(
            `${same ? 'same' : 'DIFFERS'}  ${cell}${t.label}: ${one.states} states, ${many.threads} threads` +
              `${earlier > 0 ? `, ${earlier} earlier-level targets` : ''}\n`,
          );
        }
      }
    }
  }
} catch (e) {
  process.stderr.write(`parallelSweep: internal error after ${runs} pairs: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(4);
}
const seconds = (performance.now() - started) / 1000;
if (values.json) {
  process.stdout.write(
    JSON.stringify(
      { pairs: runs, threaded, workers, schedules, from, differing, earlierLevelTargets: earlierTotal, withEarlier, seconds },
      null,
      1,
    ) + '\n',
  );
} else {
  process.stdout.write(
    `${runs} pairs (1 thread against ${schedules ? `${schedules} schedules of 2-3 threads` : workers}, joining at ${from} states; ` +
      `${threaded} went on threads) in ${seconds.toFixed(0)} s: ` +
      `${differing.length === 0 ? 'all the same' : `${differing.length} differ`}; ` +
      `${earlierTotal} lookups of a target an earlier parallel level settled, in ${withEarlier.length} runs\n`,
  );
}
process.exit(differing.length > 0 ? 1 : 0);
