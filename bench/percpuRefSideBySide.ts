/**
 * percpu_ref (../shared/bench/PERCPU_REF.md) side by side with the other tools, measured in the same
 * invocation: daxspec's safety run and its liveness run, TLC (one worker) on bench/tlc/PgRef.tla with PgRef.cfg
 * and PgRefLive.cfg, SPIN's pan on bench/spin/percpuRef.pml, and @xstate/graph's own API (getAdjacencyMap, and
 * getShortestPaths over the plain composition: the old "700x" baseline). Every run is a whole process; the
 * tools take turns (the order rotating each round) and each row is the median of its runs, so a burst of
 * load on a shared machine does not land on one side only. A tool that is not installed gets a row saying
 * so and how to install it, never a figure. Used by bench/run.ts; the options are parsed there.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { buildSync } from 'esbuild';
import { parsePan, parseTlc } from './toolOutput.ts';

export interface SideBySideOptions {
  /** Users N (K = 3 rounds throughout). */
  sizes: number[];
  /** Runs per tool and size, each its own process; the row is their median. */
  runs: number;
  /** tla2tools.jar, or undefined when none was given (TLA2TOOLS or --tlc). */
  tlcJar: string | undefined;
  /** The JVM heap TLC runs with: safety, then liveness (TLC keeps the liveness graph on its heap). */
  tlcXmx: string;
  tlcLiveXmx: string;
  /** Liveness rows (both tools) up to this N: TLC's liveness takes minutes at N=5 and far more past it. */
  liveMax: number;
  /** @xstate/graph rows up to this N: it holds every snapshot, and getShortestPaths takes minutes at N=4. */
  graphMax: number;
  /** Wall-clock cap of one run, in seconds; a run past it is killed (its whole process group) and shown as such. */
  capSeconds: number;
}

/** One whole process: wall time by us; CPU and peak RSS from GNU time when it is installed. */
interface Run {
  wall: number;
  cpu?: number;
  rssBytes?: number;
  timedOut: boolean;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** What a tool's own output says, read from its stdout. */
interface Parsed {
  states: number;
  /** Undefined where the tool does not count them (getShortestPaths gives paths, one a state). */
  transitions?: number;
  /** The tool's own timer of its search (no start-up), when it prints one. */
  own?: number;
  /** The run did not check what it should: an error, a violation, a cut-short run. */
  problem?: string;
}

interface Tool {
  id: string;
  /** What the row is, as the table shows it. */
  label: string;
  /** The command, N in it, for the README and the reader: copied as is, it reruns this row. */
  command: string;
  /** Why it cannot run here and how to make it run, or undefined when it can. */
  unavailable?: string;
  /** Only at these N (a row says why not elsewhere). */
  runsAt: (n: number) => boolean | string;
  /** One run only at this N (a slow baseline: its median would cost minutes more than it tells). */
  once?: (n: number) => boolean;
  /** Done once per N before its runs, untimed (compiling pan). */
  prepare?: (n: number) => string | undefined;
  argv: (n: number) => { cmd: string; args: string[]; cwd: string };
  parse: (stdout: string) => Parsed | undefined;
}

interface Row {
  tool: Tool;
  n: number;
  runs: (Run & { parsed?: Parsed })[];
  skipped?: string;
}

const here = import.meta.dirname;
const root = join(here, '..');
const TIME = '/usr/bin/time';
const onPath = (name: string): boolean => (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, name)));

/**
 * pan's hash table: 2^W slots, W one more than log2 of the states it will store (2-4 slots a state). pan's
 * default is 2^24 slots (128 MiB): ten slots a state at N=5, where -w22 ran 8% faster, taken in turn with the
 * default (2.37-3.25 s against 2.59-3.37 s, 4 rounds each), and 1.35 states a slot at N=6, where pan chains.
 * W stops at 28 (a 2 GiB table). The states, roughly: pan's own counts at N=3 to 5 and daxspec's beyond (pan's
 * graph is a little larger), about 14 times more with each user past them.
 */
const PAN_STATES: Readonly<Record<number, number>> = { 2: 613, 3: 8_513, 4: 116_654, 5: 1_620_503, 6: 22_700_000, 7: 318_000_000 };
const PAN_HASH_RULE = `one more than log2 of the states pan stores: ${[3, 4, 5, 6].map(panHashBits).join(', ')} at N=3, 4, 5, 6`;
function panHashBits(n: number): number {
  const states = PAN_STATES[n] ?? 14 ** n;
  return Math.min(28, Math.ceil(Math.log2(states)) + 1);
}

/** The process group of the run under way, killed if this process is stopped: no TLC or pan is left behind. */
let running: number | undefined;
const killRunning = (): void => {
  if (running !== undefined)
    try {
      process.kill(-running, 'SIGKILL');
    } catch {
      // already gone
    }
};
process.on('exit', killRunning);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    killRunning();
    process.exit(130);
  });

function wholeProcess(cmd: string, args: string[], cwd: string, capSeconds: number, scratch: string): Promise<Run> {
  const timed = existsSync(TIME);
  const timeFile = join(scratch, 'time.txt');
  rmSync(timeFile, { force: true });
  const [file, argv] = timed ? [TIME, ['-f', '%e %U %S %M', '-o', timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const t0 = performance.now();
    // Its own process group, so that the cap kills the tool and not only GNU time above it.
    const child = spawn(file, argv, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running = child.pid;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killRunning();
    }, capSeconds * 1000);
    child.on('close', (status) => {
      clearTimeout(timer);
      running = undefined;
      const wall = (performance.now() - t0) / 1000;
      // GNU time's last line; a line before it says when the command was killed.
      const last = timed && existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').pop()! : '';
      const [, user, sys, rssKb] = last.split(' ').map(Number);
      const measured = last !== '' && Number.isFinite(rssKb);
      resolve({
        wall,
        ...(measured ? { cpu: user + sys, rssBytes: rssKb * 1024 } : {}),
        timedOut,
        status,
        stdout,
        stderr,
      });
    });
  });
}

/** daxspec's `check --json` report, read into counts; its liveness verdict must be the reference's (Drains holds). */
function parseCheck(stdout: string, liveness: boolean): Parsed | undefined {
  try {
    const r = JSON.parse(stdout) as {
      states: number;
      transitions: number;
      seconds: number;
      verdict: string;
      complete: boolean;
      liveness?: { seconds: number; skipped: string | null; properties: { id: string; holds: boolean }[] } | null;
    };
    const problem =
      r.verdict !== 'holds' || !r.complete
        ? `verdict ${r.verdict}${r.complete ? '' : ', incomplete'}`
        : liveness && (!r.liveness || r.liveness.skipped || r.liveness.properties.some((p) => !p.holds))
          ? 'liveness not checked or not holding'
          : undefined;
    // The exploration's timer, plus the liveness check's when it ran.
    const own = r.seconds + (liveness && r.liveness ? r.liveness.seconds : 0);
    return { states: r.states, transitions: r.transitions, own, ...(problem ? { problem } : {}) };
  } catch {
    return undefined;
  }
}

/** A safety run on every core: parsed as parseCheck, and a problem when it stayed on one thread. */
function parseThreaded(stdout: string): Parsed | undefined {
  const p = parseCheck(stdout, false);
  if (!p || p.problem) return p;
  const threads = (JSON.parse(stdout) as { threads?: number }).threads;
  return threads !== undefined && threads > 1 ? p : { ...p, problem: `explored on ${threads ?? 'an unknown number of'} thread(s)` };
}

/** bench/measure.ts's one JSON line. */
function parseMeasure(stdout: string): Parsed | undefined {
  try {
    const m = JSON.parse(stdout.trim().split('\n').pop()!) as { states: number; edges: number; seconds: number };
    return { states: m.states, transitions: m.edges, own: m.seconds };
  } catch {
    return undefined;
  }
}

/**
 * The built CLI (dist/cli.js), when it is newer than every file it is built from (src/, machines/, package.json):
 * the daxspec rows then run what a user runs. Through tsx the same code was 10-15% slower after a start 0.4 s
 * longer (bench/README.md), so a stale or missing build falls back to the sources and the command says so.
 */
function builtCli(): string | undefined {
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) return undefined;
  const built = statSync(cli).mtimeMs;
  const newest = (path: string): number => {
    const st = statSync(path);
    if (!st.isDirectory()) return st.mtimeMs;
    return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
  };
  const sources = ['src', 'machines', 'package.json'].map((p) => join(root, p)).filter((p) => existsSync(p));
  return sources.every((p) => newest(p) <= built) ? cli : undefined;
}

/**
 * bench/measure.ts bundled by esbuild into one ES module (its packages left external, as the CLI's are), for the @xstate/graph
 * rows when the daxspec rows run the built CLI: through tsx they would carry tsx's start-up, which the daxspec
 * side no longer does. It goes in the run's scratch folder, laid out as the package is (the bundle one level
 * below a copy of package.json, which the registry reads; node_modules a link to the repository's), so nothing
 * is written in the repository.
 */
function bundledMeasure(scratch: string): string {
  const dir = join(scratch, 'measure');
  mkdirSync(join(dir, 'dist'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const out = join(dir, 'dist', 'measure.mjs');
  buildSync({
    absWorkingDir: root,
    entryPoints: [join(here, 'measure.ts')],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return out;
}

/** Whether this tree's `check` has --no-liveness (a safety run alone, as TLC with INVARIANT and no PROPERTY). */
function checkHasNoLiveness(): boolean {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), 'check', '--help'], {
    cwd: root,
    encoding: 'utf8',
  });
  return r.stdout.includes('--no-liveness');
}

function tools(o: SideBySideOptions, scratch: string): Tool[] {
  /** A node process from the repository root; `node` runs sources through tsx. */
  const plainNode = (args: string[]) => ({ cmd: process.execPath, args: ['--max-old-space-size=16384', ...args], cwd: root });
  const node = (args: string[]) => plainNode(['--import', 'tsx', ...args]);
  const built = builtCli();
  const cli = join(root, 'src', 'cli.ts');
  /** A run of daxspec's CLI: the built one when it is up to date (builtCli), else the sources through tsx. */
  const daxspec = (args: string[]) => (built ? plainNode([built, ...args]) : node([cli, ...args]));
  const shown = built ? 'node dist/cli.js' : 'node --import tsx src/cli.ts';
  const measure = join(here, 'measure.ts');
  /** A run of bench/measure.ts for the @xstate/graph rows: bundled beside a built CLI (bundledMeasure), else through tsx. */
  const bundled = built ? bundledMeasure(scratch) : undefined;
  const graphRun = (args: string[]) => (bundled ? plainNode([bundled, ...args]) : node([measure, ...args]));
  /** A command of bench/measure.ts as a reader would type it, and where measure.mjs came from. */
  const graphCommand = (args: string): string =>
    bundled
      ? `node measure.mjs ${args} (measure.mjs: bench/measure.ts bundled by esbuild, packages external)`
      : `node --import tsx bench/measure.ts ${args}`;
  /** `workers`: the threads asked for; none given, the default (one per core). */
  const checkArgs = (n: number, workers = ['--workers', '1']) => [
    'check',
    '-s',
    'percpu-ref',
    '--users',
    String(n),
    '--rounds',
    '3',
    ...workers,
    '--json',
    '-q',
  ];
  const noLiveness = checkHasNoLiveness();
  const java = onPath('java');
  const tlcMissing = !o.tlcJar
    ? "TLC not available: no tla2tools.jar given. Set TLA2TOOLS=/path/to/tla2tools.jar (or pass --tlc PATH): TLC's release jar, or one built from github.com/tlaplus/tlaplus (tlatools/org.lamport.tlatools); it needs java (Debian: apt-get install openjdk-17-jre-headless)"
    : !existsSync(o.tlcJar)
      ? `TLC not available: ${o.tlcJar} does not exist (TLA2TOOLS or --tlc must name a tla2tools.jar)`
      : !java
        ? 'TLC not available: java is not on PATH (Debian: apt-get install openjdk-17-jre-headless)'
        : undefined;
  const spinMissing =
    onPath('spin') && onPath('gcc') ? undefined : 'SPIN not available: spin and gcc must be on PATH (Debian: apt-get install spin gcc)';
  /** PgRef.tla and a .cfg with this N, in a folder of their own (TLC writes its states/ and trace files beside them). */
  const tlcFolder = (n: number, cfg: string): string => {
    const dir = join(scratch, `tlc-${cfg}-${n}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(here, 'tlc', 'PgRef.tla'), join(dir, 'PgRef.tla'));
    writeFileSync(join(dir, cfg), readFileSync(join(here, 'tlc', cfg), 'utf8').replace(/\bN = \d+/, `N = ${n}`));
    return dir;
  };
  const tlc = (cfg: string, xmx: string) => (n: number) => {
    const dir = tlcFolder(n, cfg);
    return {
      cmd: 'java',
      args: [
        `-Xmx${xmx}`,
        '-XX:+UseParallelGC',
        '-jar',
        o.tlcJar!,
        '-workers',
        '1',
        '-metadir',
        join(dir, 'meta'),
        '-config',
        cfg,
        'PgRef.tla',
      ],
      cwd: dir,
    };
  };
  const parseTlcRun = (stdout: string): Parsed | undefined => {
    const r = parseTlc(stdout);
    if (!r) return undefined;
    const problem = r.error ?? (r.complete ? undefined : 'TLC did not complete');
    return { states: r.states, transitions: r.transitions, own: r.ownSeconds, ...(problem ? { problem } : {}) };
  };
  const upTo = (max: number, what: string) => (n: number) => n <= max || `not run past N=${max} (${what})`;
  const live = upTo(o.liveMax, 'raise it with --live-max');
  const graph = upTo(o.graphMax, 'it keeps every snapshot; raise it with --graph-max');
  const tlcJarShown = o.tlcJar ?? '$TLA2TOOLS';
  // At N=4 getAdjacencyMap over XState's own transitions takes minutes (its queue is an array it shifts from).
  const slow = (n: number) => n > 3;
  return [
    {
      id: 'daxspec',
      label: noLiveness ? 'daxspec safety (`check --no-liveness`, one thread)' : 'daxspec safety (explorer alone: bench/measure.ts)',
      command: noLiveness
        ? `${shown} check -s percpu-ref --users N --rounds 3 --workers 1 --no-liveness --json -q`
        : graphCommand('daxspec percpu-ref - users=N rounds=3'),
      runsAt: () => true,
      argv: (n) =>
        noLiveness ? daxspec([...checkArgs(n), '--no-liveness']) : graphRun(['daxspec', 'percpu-ref', '-', `users=${n}`, 'rounds=3']),
      parse: (s) => (noLiveness ? parseCheck(s, false) : parseMeasure(s)),
    },
    {
      // The default run: one thread per core once past PARALLEL_FROM states (explore.ts), so only N=5 and up.
      id: 'daxspec-cores',
      label: `daxspec safety, every core (\`check --no-liveness\`, --workers default: ${availableParallelism()} here)`,
      command: `${shown} check -s percpu-ref --users N --rounds 3 --no-liveness --json -q`,
      unavailable: !noLiveness ? 'this tree has no --no-liveness' : availableParallelism() < 2 ? 'this machine has one core' : undefined,
      runsAt: (n) => n >= 5 || 'below 200,000 states a run stays on one thread (the row above)',
      argv: (n) => daxspec([...checkArgs(n, []), '--no-liveness']),
      parse: parseThreaded,
    },
    {
      id: 'tlc',
      label: `TLC safety (PgRef.cfg, -workers 1, -Xmx${o.tlcXmx})`,
      command: `cd bench/tlc && java -Xmx${o.tlcXmx} -XX:+UseParallelGC -jar ${tlcJarShown} -workers 1 -config PgRef.cfg PgRef.tla (N set in the .cfg)`,
      unavailable: tlcMissing,
      runsAt: () => true,
      argv: tlc('PgRef.cfg', o.tlcXmx),
      parse: parseTlcRun,
    },
    {
      id: 'spin',
      label: "SPIN's pan (safety, partial-order reduction)",
      command: `spin -DN=N -a bench/spin/percpuRef.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan -m1000 -wW (W: ${PAN_HASH_RULE}; pan alone is timed)`,
      unavailable: spinMissing,
      runsAt: () => true,
      prepare: (n) => {
        const dir = join(scratch, `spin-${n}`);
        mkdirSync(dir, { recursive: true });
        copyFileSync(join(here, 'spin', 'percpuRef.pml'), join(dir, 'percpuRef.pml'));
        const a = spawnSync('spin', [`-DN=${n}`, '-a', 'percpuRef.pml'], { cwd: dir, encoding: 'utf8' });
        if (a.status !== 0) return `spin -a failed: ${a.stderr.trim() || a.stdout.trim()}`;
        const c = spawnSync('gcc', ['-O2', '-DSAFETY', '-o', 'pan', 'pan.c'], { cwd: dir, encoding: 'utf8' });
        return c.status !== 0 ? `gcc failed: ${c.stderr.trim().split('\n').pop()}` : undefined;
      },
      argv: (n) => ({ cmd: join(scratch, `spin-${n}`, 'pan'), args: ['-m1000', `-w${panHashBits(n)}`], cwd: join(scratch, `spin-${n}`) }),
      parse: (s) => {
        const r = parsePan(s);
        if (!r) return undefined;
        return { states: r.states, transitions: r.transitions, own: r.ownSeconds, ...(r.errors ? { problem: `${r.errors} errors` } : {}) };
      },
    },
    {
      id: 'daxspec-live',
      label: 'daxspec safety + liveness (`check --fairness next`, one thread)',
      command: `${shown} check -s percpu-ref --users N --rounds 3 --workers 1 --fairness next --json -q`,
      runsAt: live,
      argv: (n) => daxspec([...checkArgs(n), '--fairness', 'next']),
      parse: (s) => parseCheck(s, true),
    },
    {
      id: 'tlc-live',
      label: `TLC safety + liveness (PgRefLive.cfg, -workers 1, -Xmx${o.tlcLiveXmx})`,
      command: `cd bench/tlc && java -Xmx${o.tlcLiveXmx} -XX:+UseParallelGC -jar ${tlcJarShown} -workers 1 -config PgRefLive.cfg PgRef.tla`,
      unavailable: tlcMissing,
      runsAt: live,
      argv: tlc('PgRefLive.cfg', o.tlcLiveXmx),
      parse: parseTlcRun,
    },
    {
      id: 'adjacency-memo',
      label: '@xstate/graph getAdjacencyMap, our memoized system logic (its traversal alone)',
      command: graphCommand('xstate-graph-adjacency-memo percpu-ref - users=N rounds=3'),
      runsAt: graph,
      argv: (n) => graphRun(['xstate-graph-adjacency-memo', 'percpu-ref', '-', `users=${n}`, 'rounds=3']),
      parse: parseMeasure,
    },
    {
      id: 'adjacency-machine',
      label: '@xstate/graph getAdjacencyMap, one machine (percpu-ref-machine)',
      command: graphCommand('xstate-graph-adjacency percpu-ref-machine - users=N rounds=3'),
      runsAt: graph,
      once: slow,
      argv: (n) => graphRun(['xstate-graph-adjacency', 'percpu-ref-machine', '-', `users=${n}`, 'rounds=3']),
      parse: parseMeasure,
    },
    {
      id: 'adjacency-composed',
      label: '@xstate/graph getAdjacencyMap, composed actors (bench/plainLogic.ts)',
      command: graphCommand('xstate-graph-adjacency percpu-ref - users=N rounds=3'),
      runsAt: graph,
      once: slow,
      argv: (n) => graphRun(['xstate-graph-adjacency', 'percpu-ref', '-', `users=${n}`, 'rounds=3']),
      parse: parseMeasure,
    },
    {
      id: 'plain',
      label: '@xstate/graph getShortestPaths, composed actors (bench/plainLogic.ts; one run)',
      command: graphCommand('xstate-graph-plain percpu-ref - users=N rounds=3'),
      runsAt: graph,
      once: () => true,
      argv: (n) => graphRun(['xstate-graph-plain', 'percpu-ref', '-', `users=${n}`, 'rounds=3']),
      parse: (s) => {
        const m = parseMeasure(s);
        return m && { states: m.states, own: m.own };
      },
    },
  ];
}

const median = (xs: number[]): number | undefined => (xs.length ? [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1] : undefined);
const fmt = (x: number | undefined, digits = 2): string => (x === undefined ? '-' : x.toFixed(digits));
const count = (x: number): string => x.toLocaleString('en-US');

/** A row's medians, or why it has none. */
function summary(r: Row): { wall?: number; cpu?: number; rss?: number; own?: number; parsed?: Parsed; why?: string } {
  if (r.skipped) return { why: r.skipped };
  const timedOut = r.runs.find((x) => x.timedOut);
  if (timedOut) return { why: `killed at the cap (over ${timedOut.wall.toFixed(0)} s)` };
  const failed = r.runs.find((x) => !x.parsed);
  if (failed) return { why: `failed (exit ${failed.status}): ${(failed.stderr.trim() || failed.stdout.trim()).split('\n').pop()}` };
  const first = r.runs[0].parsed!;
  if (r.runs.some((x) => x.parsed!.states !== first.states || x.parsed!.transitions !== first.transitions))
    return { why: 'counts differ between runs' };
  const problem = r.runs.find((x) => x.parsed!.problem)?.parsed!.problem;
  if (problem) return { why: problem };
  const ms = (f: (x: Row['runs'][number]) => number | undefined): number | undefined => {
    const xs = r.runs.map(f);
    return xs.every((x) => x !== undefined) ? median(xs as number[]) : undefined;
  };
  return { wall: ms((x) => x.wall), cpu: ms((x) => x.cpu), rss: ms((x) => x.rssBytes), own: ms((x) => x.parsed!.own), parsed: first };
}

/** Runs every tool at every size, in turns, and returns the Markdown section. */
export async function percpuRefSideBySide(o: SideBySideOptions, log: (line: string) => void): Promise<string[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'daxspec-bench-'));
  const cleanup = () => rmSync(scratch, { recursive: true, force: true });
  process.on('exit', cleanup);
  const all = tools(o, scratch);
  const rows: Row[] = [];
  const loads: number[] = [loadavg()[0]];
  try {
    for (const n of o.sizes) {
      const here: Row[] = all.map((tool) => {
        const at = tool.runsAt(n);
        const skipped = tool.unavailable ?? (at === true ? tool.prepare?.(n) : at || 'not run');
        return { tool, n, runs: [], ...(skipped ? { skipped } : {}) };
      });
      rows.push(...here);
      for (let round = 0; round < o.runs; round++) {
        for (let j = 0; j < here.length; j++) {
          const row = here[(round + j) % here.length];
          if (row.skipped || (row.tool.once?.(n) && row.runs.length) || row.runs.some((x) => x.timedOut)) continue;
          const { cmd, args, cwd } = row.tool.argv(n);
          const run = await wholeProcess(cmd, args, cwd, o.capSeconds, scratch);
          const parsed = run.timedOut ? undefined : row.tool.parse(run.stdout);
          row.runs.push({ ...run, ...(parsed ? { parsed } : {}) });
          loads.push(loadavg()[0]);
          log(
            `  N=${n} ${row.tool.id.padEnd(18)} ${run.timedOut ? 'killed at the cap' : parsed ? `${count(parsed.states)} states` : `failed (exit ${run.status})`}, ${run.wall.toFixed(2)} s whole process`,
          );
        }
      }
    }
  } finally {
    cleanup();
  }
  return section(all, rows, o, loads);
}

function section(all: Tool[], rows: Row[], o: SideBySideOptions, loads: number[]): string[] {
  const at = (id: string, n: number) => summary(rows.find((r) => r.tool.id === id && r.n === n)!);
  const table = rows.map((r) => {
    const s = summary(r);
    if (!s.parsed) return `| ${r.n} | ${r.tool.label} | ${s.why} | | | | | | |`;
    const p = s.parsed;
    const perSecond = s.own ? count(Math.round(p.states / s.own)) : '-';
    return `| ${r.n} | ${r.tool.label} | ${count(p.states)} | ${p.transitions === undefined ? '-' : count(p.transitions)} | ${fmt(s.wall)} | ${fmt(s.cpu)} | ${s.rss ? count(Math.round(s.rss / 2 ** 20)) : '-'} | ${fmt(s.own)} | ${perSecond} |`;
  });
  /** How many times `ours` beats `theirs` on one measure; '-' unless both were measured here and explored the same graph. */
  const ratio = (theirs: ReturnType<typeof summary>, ours: ReturnType<typeof summary>, key: 'wall' | 'cpu' | 'own'): string => {
    const [a, b] = [theirs[key], ours[key]];
    if (a === undefined || b === undefined || !theirs.parsed || !ours.parsed) return '-';
    const [x, y] = [theirs.parsed, ours.parsed];
    if (x.states !== y.states || (x.transitions !== undefined && y.transitions !== undefined && x.transitions !== y.transitions))
      return 'counts differ';
    return `${(a / b).toFixed(1)}x`;
  };
  /** States per second by own timers, pan's over ours: pan's graph is a little larger (its processes end), so rates, not times. */
  const spinRate = (n: number): string => {
    const [s, d] = [at('spin', n), at('daxspec', n)];
    if (!s.parsed || !d.parsed || !s.own || !d.own) return '-';
    return `${(s.parsed.states / s.own / (d.parsed.states / d.own)).toFixed(2)} (pan ${count(Math.round(s.parsed.states / s.own))}/s)`;
  };
  const sizes = [...new Set(rows.map((r) => r.n))];
  const ratios = sizes.map((n) => {
    const d = at('daxspec', n);
    const dl = at('daxspec-live', n);
    const pair = (id: string, ours: ReturnType<typeof summary>, keys: ('wall' | 'cpu' | 'own')[]) =>
      keys.map((k) => ratio(at(id, n), ours, k)).join(' / ');
    const dc = at('daxspec-cores', n);
    return `| ${n} | ${pair('tlc', d, ['wall', 'cpu'])} | ${dc.parsed ? pair('tlc', dc, ['wall', 'cpu']) : '-'} | ${pair('tlc-live', dl, ['wall', 'cpu'])} | ${spinRate(n)} | ${pair('adjacency-memo', d, ['wall', 'own'])} | ${pair('adjacency-machine', d, ['wall', 'own'])} | ${pair('adjacency-composed', d, ['wall', 'own'])} | ${pair('plain', d, ['wall', 'own'])} |`;
  });
  const noTime = rows.every((r) => r.runs.every((x) => x.cpu === undefined));
  return [
    '## percpu_ref side by side: TLC, SPIN, @xstate/graph (same invocation)',
    '',
    `Each run is a whole process (start-up included); the tools took turns, the order rotating each round; ${o.runs} run${o.runs === 1 ? '' : 's'} per row (getShortestPaths once, and getAdjacencyMap over XState's transitions once past N=3), medians. 1-minute load average ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} during these runs: on a loaded machine read the CPU column and the ratios, not the seconds.${noTime ? ' CPU and peak memory need GNU time (/usr/bin/time; Debian: apt-get install time): not measured here.' : ''} Own timer: the tool's own figure for its search (daxspec: exploration and checking; TLC: its "Finished in", whole seconds; pan: its elapsed time).`,
    '',
    '| N | run | states | transitions | whole process (s) | CPU (s) | peak RSS (MiB) | own timer (s) | states/s (own timer) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...table,
    '',
    'Ratios (the other tool\'s figure over daxspec\'s, from the rows above). Safety columns divide by the daxspec safety row, liveness by the daxspec liveness row; "counts differ" where the two did not explore the same graph:',
    '',
    '| N | TLC safety: whole / CPU | TLC safety over daxspec on every core: whole / CPU | TLC liveness: whole / CPU | pan states/s ÷ daxspec states/s (own timers) | getAdjacencyMap memoized logic: whole / own | getAdjacencyMap one machine: whole / own | getAdjacencyMap composed: whole / own | getShortestPaths plain (the old "700x"): whole / own |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...ratios,
    '',
    'The commands (N as in the row; each from the repository root unless it says otherwise):',
    '',
    ...all.map((t) => `- ${t.label}: \`${t.command}\`${t.unavailable ? ` (${t.unavailable})` : ''}`),
    '',
  ];
}
