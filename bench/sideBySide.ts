/**
 * Versions of the explorer measured side by side on a shared machine: `tsx bench/sideBySide.ts
 * DIR_A DIR_B [DIR_C...] RUNS -- MEASURE_ARGS...` runs each DIR's bench/measure.ts in turn (the order
 * rotating every round), RUNS times each, every run its own process, and prints the medians (own timer,
 * CPU seconds, peak RSS) with the load average before and after. Taking turns keeps a burst of load
 * from landing on one side only; the ratio of medians is the figure to read, not either side's seconds.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const dirs = argv.slice(0, dash - 1);
const runsText = argv[dash - 1];
const rest = argv.slice(dash + 1);
const runs = Number(runsText);

interface Row {
  seconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  states: number;
  edges: number;
  wall: number;
}

function once(dir: string): Row {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=16384', '--import', 'tsx', join(dir, 'bench/measure.ts'), ...rest], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${dir}: ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as Row;
  return { ...m, wall: (performance.now() - t0) / 1000 };
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[(xs.length - 1) >> 1];
const load0 = loadavg()[0];
const rows: Record<string, Row[]> = Object.fromEntries(dirs.map((d) => [d, []]));
for (let i = 0; i < runs; i++)
  for (let j = 0; j < dirs.length; j++) rows[dirs[(i + j) % dirs.length]].push(once(dirs[(i + j) % dirs.length]));
const load1 = loadavg()[0];
for (const d of dirs) {
  const r = rows[d];
  process.stdout.write(
    `${d}: ${r[0].states} states ${r[0].edges} edges; median own ${median(r.map((x) => x.seconds)).toFixed(2)} s, ` +
      `cpu ${median(r.map((x) => x.cpuSeconds)).toFixed(2)} s, whole process ${median(r.map((x) => x.wall)).toFixed(2)} s, ` +
      `peak RSS ${(median(r.map((x) => x.peakRssBytes)) / 2 ** 20).toFixed(0)} MiB; ` +
      `states/s by own timer ${(r[0].states / median(r.map((x) => x.seconds)) / 1e6).toFixed(2)}M\n`,
  );
}
process.stdout.write(`load average (1 min) ${load0.toFixed(2)} before, ${load1.toFixed(2)} after\n`);
