import { buildSystem, checkScenarioAsync, reportJson, resolveRevision, resolveSizes, type CheckReport } from '../check/check.ts';
import { formatFinding } from '../check/formatTrace.ts';
import { bugMatrixAsync, cellText, formatMatrix, type Matrix, type MatrixCell, type MatrixOptions } from '../check/matrix.ts';
import { bugMatrixThreads } from '../check/matrixThreads.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { revisionLabel } from './revisionLabel.ts';
import type { System } from '../compose/system.ts';
import type { Registry } from '../scenarioRegistry.ts';
import type { FairnessMode } from '../check/fairness.ts';
import { formatLivenessRun } from '../check/formatLasso.ts';
import { checkItfPaths, writeItf } from './itfFiles.ts';
import { refuseInert } from './inertSizes.ts';
import { sizeValue } from '../check/configSpace.ts';
import { EXIT, exitForSignal } from './exit.ts';
import { interruptible } from './interrupt.ts';
import { defaultMaxMemory, defaultWorkers, formatBytes } from './options.ts';
import { clearProgress, progressPrinter, phasePrinter } from './progressLine.ts';
import { UsageError } from './usage.ts';
import { CheckpointFolder, CHECKPOINT_FORMAT } from '../check/checkpoint.ts';
import { specFingerprint } from '../check/specFingerprint.ts';
import { DiskStateStore } from '../check/diskStore.ts';
import { thousands } from '../check/thousands.ts';

/**
 * `daxspec check`: one scenario in one or every revision, or the whole bug matrix. Everything the
 * options ask is checked before the first state is explored (names, sizes against the scenario's
 * ranges, option combinations, the --itf path); a run stops at the next state boundary on SIGINT or
 * SIGTERM, or before its memory passes --max-memory, and prints what it explored.
 */
export interface CheckArgs {
  scenario?: string;
  revision?: string;
  all?: boolean;
  quick?: boolean;
  maxStates?: number;
  maxDepth?: number;
  maxMemory?: number;
  json?: boolean;
  itf?: string;
  quiet?: boolean;
  symmetry?: boolean;
  fingerprint?: boolean;
  fairness?: FairnessMode;
  /** commander's --no-liveness: false when given. */
  liveness?: boolean;
  checkpoint?: string;
  checkpointEvery?: number;
  resume?: string;
  store?: 'memory' | 'disk';
  workers?: number;
  model?: string;
  [size: string]: unknown;
}

/** Default --checkpoint-every: a few minutes of work lost at most, and little time spent writing. */
const CHECKPOINT_EVERY_MS = 5 * 60_000;

const n = thousands;

function givenSizes(args: CheckArgs, reg: Registry): Record<string, number | undefined> {
  return Object.fromEntries(reg.sizeNames().map((k) => [k, args[k] as number | undefined]));
}

/**
 * Threads to explore on: --workers, at most one per core. Threads past the cores only take turns, each with its own
 * heap: 99 of them made percpu-ref N=5 take 24.6 s and 2.2 GB instead of 1.4 s and 120 MB on 2 cores. The run goes
 * on with one per core and says so (a test of determinism that wants more threads than cores uses the API).
 */
function threads(args: CheckArgs): number {
  const cores = defaultWorkers();
  if (args.workers === undefined) return cores;
  if (args.workers <= cores) return args.workers;
  if (!args.quiet) process.stderr.write(`(--workers ${args.workers}: this machine has ${cores} cores; exploring on ${cores} threads)\n`);
  return cores;
}

export async function runCheck(args: CheckArgs, reg: Registry): Promise<number> {
  if (args.all) return runMatrix(args, reg);
  if (args.quick) throw new UsageError('--quick goes with --all (the matrix at default sizes only)');
  if (!args.scenario) throw new UsageError('check needs --scenario NAME or --all (run daxspec list to see the scenarios)');
  const scenario = reg.find(args.scenario);
  const rev = resolveRevision(scenario, args.revision);
  const sizes = resolveSizes(scenario, givenSizes(args, reg));
  const revisions: (string | undefined)[] = scenario.revisions.length === 0 ? [undefined] : rev ? [rev] : [...scenario.revisions];
  refuseInert(scenario, revisions, sizes);
  if (args.itf && revisions.length > 1)
    throw new UsageError(
      `--itf writes the counterexamples of one revision; scenario ${scenario.name} has ${revisions.length}: add --revision`,
    );
  if (args.itf) checkItfPaths(args.itf);
  // --fairness is what the liveness check assumes: where none runs, it would do nothing.
  const noLiveness =
    args.liveness === false ? '--no-liveness' : args.symmetry ? '--symmetry' : args.fingerprint ? '--fingerprint' : undefined;
  if (args.fairness !== undefined && noLiveness)
    throw new UsageError(
      `--fairness has no effect with ${noLiveness}: it is the fairness the liveness check assumes, and ${noLiveness} runs none`,
    );
  const maxMemory = args.maxMemory ?? defaultMaxMemory();
  // Every system is built (and --symmetry checked against it) before any is explored.
  const systems: System[] = revisions.map((r) => buildSystem(scenario, r, sizes, { symmetry: args.symmetry }));
  if (args.fairness !== undefined && systems.every((s) => s.liveness.length === 0))
    throw new UsageError(
      `--fairness has no effect: scenario ${scenario.name} declares no liveness property, and fairness is what the liveness check assumes`,
    );
  if (args.store === 'disk' && args.fingerprint)
    throw new UsageError('--store disk keeps every state on disk; --fingerprint keeps a hash a state in memory: choose one');
  const onDisk = args.store === 'disk';
  const folder = openCheckpoint(args, scenario.name, revisions, sizes, systems);
  const saveDir = args.checkpoint ?? args.resume;
  const workers = threads(args);
  const reports: CheckReport[] = [];
  await interruptible(async (stopRequested) => {
    for (let i = 0; i < revisions.length; i++) {
      const r = revisions[i];
      const label = `${scenario.name}${r ? ` @ ${r}` : ''}`;
      const resume = folder && args.resume ? folder.resumePoint(i, systems[i]) : undefined;
      if (resume && !args.quiet) {
        const at = folder!.summary(i)!;
        process.stderr.write(
          `${label}: resuming from ${args.resume}: ${n(at.states)} states stored, ${at.explored ? 'all' : n(at.head)} expanded\n`,
        );
      }
      const store = onDisk ? new DiskStateStore(systems[i].width, { budget: maxMemory }) : undefined;
      const report = await checkScenarioAsync(
        scenario,
        r,
        sizes,
        {
          maxStates: args.maxStates,
          maxDepth: args.maxDepth,
          maxMemory,
          symmetry: args.symmetry,
          fingerprint: args.fingerprint,
          fairness: args.fairness,
          liveness: args.liveness,
          workers,
          builtin: args.model === undefined,
          shouldStop: stopRequested,
          resume,
          store,
          checkpoint: folder?.sink(i, label, systems[i], args.checkpointEvery ?? CHECKPOINT_EVERY_MS),
          // Progress is on stderr, so --json (on stdout) keeps it: a long run shows it is alive.
          onProgress: args.quiet ? undefined : progressPrinter(label),
          onPhase: args.quiet ? undefined : phasePrinter(label),
        },
        systems[i],
      );
      // The counterexamples are built: the store's files are no longer needed.
      store?.close();
      clearProgress();
      reports.push(report);
      // Where the run's checkpoint stands now: taken as it ended, or (stopped mid-state by the memory bound) its last.
      const saved = saveDir === undefined ? undefined : { dir: saveDir, states: folder?.summary(i)?.states };
      if (!args.json) process.stdout.write(formatReport(label, report, saved, onDisk, args.workers, scenario) + '\n');
      if (report.interrupted !== undefined) break;
    }
  });
  if (args.json)
    process.stdout.write(JSON.stringify(reports.length === 1 ? reportJson(reports[0]) : reports.map(reportJson), null, 2) + '\n');
  if (args.itf) {
    const last = reports[reports.length - 1];
    writeItf(args.itf, last.findings, !!args.json, last.complete && last.bound === undefined);
  }
  const stopped = reports.find((r) => r.interrupted !== undefined);
  if (stopped) return exitForSignal(stopped.interrupted!);
  if (reports.some((r) => r.verdict === 'violated')) return EXIT.violated;
  if (reports.some((r) => r.verdict === 'bounded')) return EXIT.bounded;
  return EXIT.holds;
}

/**
 * The checkpoint folder of a --checkpoint or --resume run, checked before anything is explored: a new
 * or empty folder to start, or one holding a checkpoint of this very spec to go on.
 */
function openCheckpoint(
  args: CheckArgs,
  scenario: string,
  revisions: readonly (string | undefined)[],
  sizes: Record<string, number>,
  systems: readonly System[],
): CheckpointFolder | undefined {
  if (args.checkpointEvery !== undefined && !args.checkpoint && !args.resume)
    throw new UsageError('--checkpoint-every goes with --checkpoint DIR (or --resume DIR)');
  if (!args.checkpoint && !args.resume) return undefined;
  if (args.checkpoint && args.resume)
    throw new UsageError('--resume DIR goes on saving in DIR: give --resume alone, or --checkpoint alone for a new run');
  if (args.fingerprint)
    throw new UsageError(
      `${args.checkpoint ? '--checkpoint' : '--resume'} keeps the states of the run; --fingerprint keeps none past the frontier: drop one`,
    );
  const spec = specFingerprint(
    {
      scenario,
      revisions,
      sizes,
      // Not --max-states: a run stops at that bound between two states, so a resume with another bound (or none)
      // goes on exactly as one run would have. --max-depth leaves states unexpanded behind the frontier: it stays.
      options: {
        format: CHECKPOINT_FORMAT,
        maxDepth: args.maxDepth,
        symmetry: !!args.symmetry,
        fairness: args.fairness ?? 'declared',
      },
    },
    systems,
  );
  return args.resume ? CheckpointFolder.resume(args.resume, spec) : CheckpointFolder.create(args.checkpoint!, spec);
}

/** `workers`: --workers as given (undefined: the default), so that a run that could not use them says why. */
function formatReport(
  label: string,
  r: CheckReport,
  /** The checkpoint folder, and the states its last checkpoint of this run holds (undefined: none was taken). */
  saved?: { readonly dir: string; readonly states?: number },
  onDisk = false,
  workers?: number,
  /** The scenario, for its sizes' names of values (fstype=xfs, arch=nonipi), as the matrix writes them. */
  scenario?: Scenario,
): string {
  const sizes = Object.entries(r.sizes)
    .map(([k, v]) => `${k}=${scenario ? sizeValue(scenario, k, v) : v}`)
    .join(' ');
  const threads =
    r.threads > 1
      ? ` on ${r.threads} threads`
      : workers !== undefined && workers > 1 && r.threadsSkipped
        ? ` on one thread (--workers does not apply: ${r.threadsSkipped})`
        : '';
  const stats = `${n(r.states)} ${r.symmetry ? 'states up to symmetry' : 'states'}, ${n(r.edges)} transitions, depth ${r.depth}, ${r.seconds.toFixed(2)} s${threads}`;
  const lines = [`${label}${sizes ? ` (${sizes})` : ''}: ${stats}`];
  for (const f of r.findings) lines.push('', formatFinding(f, f.trace));
  if (r.findings.length)
    lines.push(
      '',
      // Properties counted once each; a property broken two ways (an invariant and a failure state) is two counterexamples.
      `VIOLATED: ${violatedCount(r.findings)}`,
    );
  if (r.bound === 'interrupted') {
    const found = r.findings.length
      ? 'the findings above are real, and states not yet explored may hold more'
      : 'no violation in the states explored so far, which proves nothing about the rest';
    if (r.interruptedIn === 'progress')
      lines.push(
        `INCOMPLETE: interrupted by ${r.interrupted} during the progress check, after all ${n(r.states)} states were explored; progress (a waiter that can never be woken) and liveness were not checked; ${r.findings.length ? 'the findings above are real' : 'no other property failed'}`,
      );
    else if (r.interruptedIn === 'traces')
      lines.push(
        `INCOMPLETE: interrupted by ${r.interrupted} while building counterexamples, after all ${n(r.states)} states were explored; ${r.untraced ?? 0} finding${r.untraced === 1 ? '' : 's'} without a built counterexample ${r.untraced === 1 ? 'is' : 'are'} not shown, and liveness was not checked`,
      );
    else if (r.interruptedIn === 'liveness')
      lines.push(
        `INCOMPLETE: interrupted by ${r.interrupted} during the liveness check, after all ${n(r.states)} states were explored; every safety property was checked (${r.findings.length ? 'the findings above are real' : 'none failed'}), liveness was not`,
      );
    else lines.push(`INCOMPLETE: interrupted by ${r.interrupted} at a state boundary after ${n(r.states)} states; ${found}`);
    if (saved) lines.push(`  saved in ${saved.dir}: continue with --resume ${saved.dir} (and the same scenario, sizes and options)`);
  } else if (r.bound === 'memory') {
    lines.push(
      `INCOMPLETE: stopped before passing the memory budget (--max-memory ${formatBytes(r.memory.budget ?? 0)}; the state store held ${formatBytes(r.memory.bytes)}) after ${n(r.states)} states; states beyond were not explored`,
      `  to go further: ${memoryAdvice(r, onDisk)}`,
    );
    // The bound stops a run in the middle of a state, where no checkpoint can be taken: the last one stands.
    if (saved)
      lines.push(
        saved.states === undefined
          ? `  nothing saved in ${saved.dir}: the budget was reached before the first checkpoint (--checkpoint-every)`
          : `  ${saved.dir} holds the run as of its last checkpoint (${n(saved.states)} states): continue with --resume ${saved.dir} and a larger --max-memory`,
      );
  } else if (!r.complete) {
    lines.push(`BOUNDED: stopped at the ${r.bound} bound; states beyond it were not explored, so this run proves nothing about them`);
    if (saved && r.bound === 'states')
      lines.push(`  saved in ${saved.dir}: continue with --resume ${saved.dir} and a larger --max-states, or none`);
  } else if (!r.findings.length) {
    lines.push(
      r.collisionProbability === undefined
        ? `HOLDS: every reachable state explored; all ${r.liveness?.skipped ? 'safety ' : ''}properties hold`
        : `HOLDS: every state with a distinct fingerprint explored; all ${r.liveness?.skipped ? 'safety ' : ''}properties hold there`,
    );
  }
  if (r.progressSkipped) lines.push(`(progress not checked: ${r.progressSkipped})`);
  if (r.liveness) lines.push(formatLivenessRun(r.liveness, r.seconds));
  // Vacuity is a claim about every reachable state: a run that did not reach them all only says what it did not meet.
  for (const p of r.premises ?? [])
    if (!p.reached)
      lines.push(
        r.complete
          ? `(${p.id} held vacuously: no state where ${p.premise} was reached)`
          : `(${p.id}: no state where ${p.premise} was reached within the bound)`,
      );
  if (r.collisionProbability !== undefined) {
    lines.push(
      `(fingerprint mode: the chance that two states shared a fingerprint and one was missed is at most ${r.collisionProbability.toExponential(1)})`,
    );
  }
  return lines.join('\n');
}

function memoryAdvice(r: CheckReport, onDisk: boolean): string {
  const ways: string[] = [];
  // Exact, and the same states: the first thing to try when the states are what fill the memory.
  if (!onDisk && r.collisionProbability === undefined)
    ways.push('--store disk (the states in files, memory only for their hash table; add --checkpoint DIR to survive a kill)');
  if (r.collisionProbability === undefined) ways.push('--fingerprint (a 64-bit hash a state instead of the state)');
  if (r.symmetryAvailable && !r.symmetry) ways.push('--symmetry (one state per orbit of interchangeable actors)');
  const shown = Object.entries(r.sizes)
    .filter(([, v]) => v > 1)
    .map(([k, v]) => `--${k} ${v - 1}`);
  if (shown.length) ways.push(`smaller sizes (${shown.join(', ')})`);
  ways.push(`--max-states ${Math.max(1, Math.floor(r.states * 0.9))} to bound the run`, 'or a larger --max-memory');
  return ways.join(', ');
}

/** Options that would be silently ignored by --all, which checks every cell over the configurations its scenario declares. */
function refuseMatrixOptions(args: CheckArgs, reg: Registry): void {
  if (args.scenario || args.revision) throw new UsageError('--all checks every scenario in every revision; drop --scenario and --revision');
  const sizes = reg.sizeNames().filter((k) => args[k] !== undefined);
  if (sizes.length)
    throw new UsageError(
      `--${sizes[0]} has no effect with --all, which checks every cell over the configurations its scenario declares (--quick: its default sizes); check one scenario with --scenario to set sizes`,
    );
  if (args.symmetry)
    throw new UsageError('--symmetry has no effect with --all: every cell is checked without reductions; use it with --scenario');
  if (args.fingerprint)
    throw new UsageError('--fingerprint has no effect with --all: every cell is checked exactly; use it with --scenario');
  if (args.store === 'disk')
    throw new UsageError('--store disk has no effect with --all: every cell is small and checked in memory; use it with --scenario');
  if (args.liveness === false)
    throw new UsageError('--no-liveness has no effect with --all: the matrix checks every property of every cell; use it with --scenario');
  if (args.checkpoint || args.resume)
    throw new UsageError(
      `${args.checkpoint ? '--checkpoint' : '--resume'} saves one scenario's run; --all runs many small ones: use it with --scenario`,
    );
  if (args.itf)
    throw new UsageError(
      '--itf has no effect with --all: it writes the counterexamples of one scenario at one revision; use it with --scenario and --revision',
    );
}

async function runMatrix(args: CheckArgs, reg: Registry): Promise<number> {
  refuseMatrixOptions(args, reg);
  const scenarios = reg.scenarios.filter((s) => s.revisions.length > 0);
  const maxMemory = args.maxMemory ?? defaultMaxMemory();
  // Configurations are independent: on several threads each takes the next one (built-in scenarios only: a thread
  // rebuilds them by name).
  const workers = args.model === undefined ? threads(args) : 1;
  if (args.model !== undefined && (args.workers ?? 1) > 1 && !args.quiet)
    process.stderr.write("(--workers does not apply: a user's model is checked on one thread)\n");
  const matrixOn = (options: MatrixOptions, onCell: (c: MatrixCell) => void): Promise<Matrix> =>
    workers > 1
      ? bugMatrixThreads(scenarios, reg.revisions, options, workers, onCell)
      : bugMatrixAsync(scenarios, reg.revisions, options, onCell);
  const matrix = await interruptible((stopRequested) =>
    matrixOn(
      {
        maxStates: args.maxStates,
        maxDepth: args.maxDepth,
        fairness: args.fairness,
        maxMemory,
        shouldStop: stopRequested,
        quick: !!args.quick,
        // Progress on stderr, one line a configuration (--json keeps it too: a long run shows it is alive).
        onConfiguration: args.quiet
          ? undefined
          : (s, rev, config, i, of, r) =>
              process.stderr.write(
                `  ${s} @ ${rev} [${i + 1}/${of}${config.departures.length ? ` ${config.departures.join(' ')}` : ' defaults'}]: ${n(r.states)} states, ${r.findings.length} findings (${r.seconds.toFixed(2)} s)\n`,
              ),
      },
      (c) => {
        if (!args.quiet && !args.json)
          process.stderr.write(`  ${c.scenario} @ ${revisionLabel(c.revision)}: ${cellText(c)} (${c.seconds.toFixed(2)} s)\n`);
      },
    ),
  );
  const total = scenarios.reduce((k, s) => k + s.revisions.filter((r) => reg.revisions.includes(r)).length, 0);
  if (args.json)
    process.stdout.write(
      JSON.stringify({ ...matrix, complete: matrix.interrupted === undefined, interrupted: matrix.interrupted ?? null }, null, 2) + '\n',
    );
  else {
    process.stdout.write(formatMatrix(matrix, revisionLabel) + '\n');
    if (matrix.interrupted !== undefined)
      process.stdout.write(`INCOMPLETE: interrupted by ${matrix.interrupted}; ${matrix.cells.length} of ${total} cells checked\n`);
  }
  if (matrix.interrupted !== undefined) return exitForSignal(matrix.interrupted);
  // The matrix is a report: finding the bugs of old revisions is its purpose, not a failure.
  return matrix.cells.some((c) => c.verdict === 'bounded') ? EXIT.bounded : EXIT.holds;
}

/** `2 properties (I9, kernel-failure), 3 counterexamples`: each count says what it counts. */
function violatedCount(findings: readonly { property: string }[]): string {
  const props = [...new Set(findings.map((f) => f.property))];
  const props_ = `${props.length} propert${props.length === 1 ? 'y' : 'ies'} (${props.join(', ')})`;
  return findings.length === props.length ? props_ : `${props_}, ${findings.length} counterexamples`;
}
