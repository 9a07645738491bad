/**
 * `npm run bench`: explorer speed and memory, side by side with @xstate/graph in the same run,
 * written to bench/results.md. Never part of `npm test`: these machines are shared and noisy.
 * Options: --quick (small sizes only), --out FILE; for percpu_ref side by side with TLC, SPIN and @xstate/graph
 * (bench/percpuRefSideBySide.ts): --big (N=6 too), --side-by-side-only (that section alone), --tlc JAR (or the
 * environment's TLA2TOOLS), --runs K, --tlc-xmx SIZE, --tlc-live-xmx SIZE, --live-max N, --graph-max N, --cap SECONDS;
 * --help says so. An unknown option or a malformed number exits 2 before anything runs.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIOS } from '../src/registry.ts';
import { percpuRefSideBySide } from './percpuRefSideBySide.ts';

interface Measure {
  engine: string;
  scenario: string;
  revision: string | null;
  sizes: Record<string, number>;
  symmetry: boolean;
  states: number;
  edges: number;
  seconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  storeBytes: number;
  xstateCalls: number;
}
type Outcome = Measure | { timeout: true; engine: string; scenario: string; sizes: Record<string, number>; symmetry: boolean; cap: number };

const USAGE = `Usage: npm run bench -- [options]

Explorer speed and memory beside @xstate/graph, and percpu_ref beside TLC, SPIN and @xstate/graph, each tool a
whole process, written to bench/results.md (or --out). Takes about an hour with --big; never part of npm test.

Options:
  --quick               small sizes only, one run each (minutes)
  --big                 percpu_ref N=6 too
  --side-by-side-only   the percpu_ref side by side alone
  --out FILE            where to write the results (default: bench/results.md)
  --tlc JAR             TLC's tla2tools.jar (default: the environment's TLA2TOOLS; without it, no TLC rows)
  --runs K              runs of each percpu_ref row (default 3, --quick 1)
  --tlc-xmx SIZE        TLC's heap for safety (default 1g)
  --tlc-live-xmx SIZE   TLC's heap for liveness (default 4g)
  --live-max N          largest N checked for liveness (default 5, --quick 4)
  --graph-max N         largest N given to @xstate/graph (default 4, --quick 3)
  --cap SECONDS         longest a single run may take (default 900)
  -h, --help            this text`;

let parsed: ReturnType<typeof parseBenchArgs>;
function parseBenchArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean' },
      big: { type: 'boolean' },
      'side-by-side-only': { type: 'boolean' },
      out: { type: 'string' },
      tlc: { type: 'string' },
      runs: { type: 'string' },
      'tlc-xmx': { type: 'string' },
      'tlc-live-xmx': { type: 'string' },
      'live-max': { type: 'string' },
      'graph-max': { type: 'string' },
      cap: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
const args = process.argv.slice(2);
try {
  parsed = parseBenchArgs(args);
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message} (npm run bench -- --help)\n`);
  process.exit(2);
}
if (parsed.values.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
const given = parsed.values;
/** A whole number option, or exit 2 naming it. */
const count = (name: 'runs' | 'live-max' | 'graph-max' | 'cap', fallback: number): number => {
  const text = given[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`bench: --${name} takes a whole number of at least 1, not ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return value;
};
const quick = given.quick ?? false;
const outFile = given.out ?? join(import.meta.dirname, 'results.md');
const here = import.meta.dirname;
const big = given.big ?? false;
const sideBySideOnly = given['side-by-side-only'] ?? false;

// 0. percpu_ref beside TLC, SPIN and @xstate/graph, every tool a whole process, in turns.
const sideBySide = await percpuRefSideBySide(
  {
    sizes: quick ? [3, 4] : big ? [3, 4, 5, 6] : [3, 4, 5],
    runs: count('runs', quick ? 1 : 3),
    tlcJar: given.tlc ?? process.env.TLA2TOOLS,
    tlcXmx: given['tlc-xmx'] ?? '1g',
    tlcLiveXmx: given['tlc-live-xmx'] ?? '4g',
    liveMax: count('live-max', quick ? 4 : 5),
    graphMax: count('graph-max', quick ? 3 : 4),
    capSeconds: count('cap', 900),
  },
  (line) => process.stderr.write(line + '\n'),
);
const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const machineLine = (): string =>
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${n(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}; load average at the end ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (a shared machine: compare ratios measured in one run, not seconds across runs).`;
if (sideBySideOnly) {
  const md = [
    '# Benchmark results: percpu_ref side by side',
    '',
    `Written by \`npm run bench -- ${args.join(' ')}\`. ${machineLine()}`,
    '',
    ...sideBySide,
  ];
  writeFileSync(outFile, md.join('\n'));
  process.stdout.write(md.join('\n'));
  process.exit(0);
}

/** `reduction`: explore with --symmetry or keep --fingerprint(s) instead of vectors. */
function measure(
  engine: string,
  scenario: string,
  revision: string | undefined,
  sizes: Record<string, number>,
  capSeconds: number,
  reduction?: 'symmetry' | 'fingerprint',
): Outcome {
  const symmetry = reduction === 'symmetry';
  const argv = [
    '--import',
    'tsx',
    join(here, 'measure.ts'),
    engine,
    scenario,
    revision ?? '-',
    ...Object.entries(sizes).map(([k, v]) => `${k}=${v}`),
    ...(reduction ? [`--${reduction}`] : []),
  ];
  const r = spawnSync(process.execPath, ['--max-old-space-size=16384', ...argv], { encoding: 'utf8', timeout: capSeconds * 1000 });
  if (r.error || r.status !== 0) {
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' || r.signal)
      return { timeout: true, engine, scenario, sizes, symmetry, cap: capSeconds };
    throw new Error(`${engine} ${scenario}: ${r.stderr.trim().split('\n').pop()}`);
  }
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure;
  process.stderr.write(
    `  ${engine.padEnd(12)} ${scenario} ${JSON.stringify(sizes)}${reduction ? ` ${reduction}` : ''}: ${m.states} states, ${m.seconds.toFixed(2)} s\n`,
  );
  return m;
}

/**
 * The run of median time among `k`: the targets' rows (percpu_ref composed) are read against fixed
 * seconds, and one run on a shared machine can be a third slower than the next.
 */
function medianOf(k: number, run: () => Outcome): Outcome {
  const runs = Array.from({ length: k }, run);
  if (runs.some((r) => 'timeout' in r)) return runs.find((r) => 'timeout' in r)!;
  return (runs as Measure[]).sort((a, b) => a.seconds - b.seconds)[(k - 1) >> 1];
}

const rows: { model: string; ours: Outcome; graph?: Outcome; memo?: Outcome }[] = [];

// 1. percpu_ref, both encodings, against TLC's table; @xstate/graph where it can finish.
for (const users of quick ? [3, 4] : [3, 4, 5, 6]) {
  const ours = medianOf(quick ? 1 : 3, () => measure('daxspec', 'percpu-ref', undefined, { users, rounds: 3 }, 600));
  // Past N=3 the plain baseline does not finish in minutes; its cap then gives a lower bound on the ratio.
  const graph = users <= 4 ? measure('xstate-graph-plain', 'percpu-ref', undefined, { users, rounds: 3 }, 300) : undefined;
  const memo = users <= 4 ? measure('xstate-graph', 'percpu-ref', undefined, { users, rounds: 3 }, 300) : undefined;
  rows.push({ model: 'percpu-ref (composed actors)', ours, graph, memo });
}
for (const users of quick ? [3, 4] : [3, 4, 5, 6]) {
  rows.push({
    model: 'percpu-ref (composed, symmetry)',
    ours: measure('daxspec', 'percpu-ref', undefined, { users, rounds: 3 }, 600, 'symmetry'),
  });
}
for (const users of quick ? [4] : [5, 6]) {
  rows.push({
    model: 'percpu-ref (composed, fingerprints)',
    ours: measure('daxspec', 'percpu-ref', undefined, { users, rounds: 3 }, 600, 'fingerprint'),
  });
}
for (const users of quick ? [3] : [3, 4]) {
  const ours = measure('daxspec', 'percpu-ref-machine', undefined, { users, rounds: 3 }, 600);
  const graph = users <= 3 ? measure('xstate-graph-plain', 'percpu-ref-machine', undefined, { users, rounds: 3 }, 300) : undefined;
  rows.push({ model: 'percpu-ref (one machine)', ours, graph });
}

// 2. The DAX scenarios at growing sizes (at their newest revision), until a run passes a minute.
// The plain baseline runs beside each size until it first passes its cap: a ratio on a model of a
// few hundred states is mostly both tools' warm-up, so the sweep shows how it grows with the model.
const GRAPH_CAP = quick ? 30 : 120;
for (const s of SCENARIOS.filter((x) => x.revisions.length > 0 && x.sizes.length > 0)) {
  const rev = s.revisions[s.revisions.length - 1];
  const sizes = Object.fromEntries(s.sizes.map((p) => [p.name, p.default]));
  let graphFinishes = true;
  const beside = (sz: Record<string, number>): Outcome | undefined => {
    if (!graphFinishes) return undefined;
    const g = measure('xstate-graph-plain', s.name, rev, sz, GRAPH_CAP);
    if ('timeout' in g) graphFinishes = false;
    return g;
  };
  rows.push({
    model: `${s.name} @ ${rev}`,
    ours: measure('daxspec', s.name, rev, sizes, 120),
    graph: beside({ ...sizes }),
    memo: measure('xstate-graph', s.name, rev, { ...sizes }, 120),
  });
  for (let step = 0; step < (quick ? 1 : 6); step++) {
    const grow = s.sizes.find((p) => sizes[p.name] < p.max);
    if (!grow) break;
    sizes[grow.name]++;
    const m = measure('daxspec', s.name, rev, { ...sizes }, 120);
    rows.push({ model: `${s.name} @ ${rev}`, ours: m, graph: 'timeout' in m ? undefined : beside({ ...sizes }) });
    if ('timeout' in m || m.seconds > 60) break;
  }
}

// 3. The whole bug matrix at default sizes, as `npm start` runs it.
const t0 = performance.now();
const matrix = spawnSync(process.execPath, ['--import', 'tsx', join(here, '..', 'src', 'cli.ts'), 'check', '--all', '--json', '-q'], {
  encoding: 'utf8',
});
const matrixSeconds = (performance.now() - t0) / 1000;
// check --all exits 0 once every cell is checked (violations are the matrix's content); 1 is read as well.
const cells = matrix.status === 0 || matrix.status === 1 ? (JSON.parse(matrix.stdout) as { cells: unknown[]; seconds: number }) : undefined;

const perSecond = (m: Outcome | undefined): number | undefined => (m && !('timeout' in m) ? m.states / m.seconds : undefined);
const line = (r: (typeof rows)[number]): string => {
  const o = r.ours;
  const sizes = Object.entries(o.sizes)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  if ('timeout' in o) return `| ${r.model} | ${sizes} | over ${o.cap} s | | | | | | | | |`;
  const ratio = (b: Outcome | undefined): string => {
    // Both explore the same system: a different count means one of them is wrong, and no ratio is fair.
    if (b && !('timeout' in b) && b.states !== o.states) return `counts differ: ${n(b.states)} states`;
    if (perSecond(b)) return `${(perSecond(o)! / perSecond(b)!).toFixed(1)}x`;
    // It did not finish: it reached at most all the states in the cap, so the ratio is at least this.
    if (b && 'timeout' in b) return `over ${(o.states / o.seconds / (o.states / b.cap)).toFixed(0)}x (it: over ${b.cap} s)`;
    return '';
  };
  const g = r.graph && !('timeout' in r.graph) ? r.graph : undefined;
  const calls = `${n(o.xstateCalls)}${g ? ` / ${n(g.xstateCalls)} (${(g.xstateCalls / o.xstateCalls).toFixed(0)}x)` : ''}`;
  return `| ${r.model} | ${sizes} | ${n(o.states)} | ${n(o.edges)} | ${o.seconds.toFixed(2)} | ${n(o.states / o.seconds)} | ${n(o.peakRssBytes / 2 ** 20)} MB | ${o.storeBytes ? n(o.storeBytes / o.states) : ''} | ${calls} | ${ratio(r.graph)} | ${ratio(r.memo)} |`;
};

/** Where both finished: the ratio to the plain baseline against the 300x target, by model size. */
function ratioSummary(): string[] {
  const both = rows.flatMap((r) => {
    const o = r.ours;
    const g = r.graph;
    if ('timeout' in o || !g || 'timeout' in g || g.states !== o.states) return [];
    return [{ states: o.states, ratio: perSecond(o)! / perSecond(g)!, calls: g.xstateCalls / o.xstateCalls }];
  });
  if (both.length === 0) return [];
  const met = both.filter((b) => b.ratio >= 300).length;
  const range = (xs: number[]): string => {
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    return lo.toFixed(0) === hi.toFixed(0) ? `${lo.toFixed(0)}x` : `${lo.toFixed(0)}x to ${hi.toFixed(0)}x`;
  };
  const bands: [string, number, number][] = [
    ['under 1,000 states', 0, 1e3],
    ['1,000 to 10,000', 1e3, 1e4],
    ['10,000 to 100,000', 1e4, 1e5],
    ['100,000 and more', 1e5, Infinity],
  ];
  const lines = bands.flatMap(([name, lo, hi]) => {
    const band = both.filter((b) => b.states >= lo && b.states < hi);
    if (band.length === 0) return [];
    return [
      `| ${name} | ${band.length} | ${range(band.map((b) => b.ratio))} | ${range(band.map((b) => b.calls))} | ${band.filter((b) => b.ratio >= 300).length} |`,
    ];
  });
  return [
    `Where both finished (${both.length} models), ${met} ${met === 1 ? 'reaches' : 'reach'} 300x the plain baseline's states per second. By size:`,
    '',
    '| states | models | speed ratio | XState calls saved | at 300x or more |',
    '| --- | --- | --- | --- | --- |',
    ...lines,
    '',
  ];
}

const md = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}\`. ${machineLine()}`,
  '',
  `Each row is one process: seconds are wall time of the exploration alone (XState warm-up included), peak memory is that process's maximum resident set, bytes per state is the visited set (vectors, parents, labels, hashes, table) divided by the states.${quick ? '' : ' The percpu-ref (composed actors) rows, which the targets are read against, are the median of three runs.'}`,
  "The last two columns divide our states per second by @xstate/graph getShortestPaths' on the same scenario, measured in the same run: first on a composition that calls XState's transition on every delivery (bench/plainLogic.ts, what a tool without our interning would do), then on our own memoized system logic (src/compose/systemLogic.ts: the traversal alone).",
  '',
  "XState calls: calls into XState's transition functions (getTransitionData, transition, getNextTransitions), ours, then the plain baseline's and the factor between them. No tool that runs the machines makes fewer than one per distinct (actor state, event); where these calls are most of both runs (small models), the speed ratio is bounded by about that factor.",
  '',
  '| model | size | states | transitions | seconds | states/s | peak memory | bytes/state | XState calls (ours / plain) | vs @xstate/graph (plain XState) | vs @xstate/graph (memoized logic) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(line),
  '',
  ...ratioSummary(),
  `Bug matrix at default sizes (\`daxspec check --all\`): ${cells ? `${cells.cells.length} cells in ${cells.seconds.toFixed(2)} s of checking, ${matrixSeconds.toFixed(2)} s for the whole command` : `failed: ${matrix.stderr.trim().split('\n').pop()}`}.`,
  '',
  ...sideBySide,
];
writeFileSync(outFile, md.join('\n'));
process.stdout.write(md.join('\n'));
