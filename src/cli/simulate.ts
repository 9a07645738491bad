/**
 * `daxspec simulate`: random and swarm walks through one scenario (every revision it has, or one), at sizes
 * exhaustive search cannot finish, with each counterexample shrunk and printed as `check` prints its own;
 * the seed that reproduces the run, progress on stderr, --json and --itf. What is checked and how walks are
 * chosen is src/check/simulate.ts; this file reads the options and words the results and exit codes.
 */
import { buildSystem, resolveRevision, resolveSizes } from '../check/check.ts';
import { refuseInert } from './inertSizes.ts';
import { sizeValue } from '../check/configSpace.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import type { FairnessMode } from '../check/fairness.ts';
import { formatLasso } from '../check/formatLasso.ts';
import { classification } from '../check/formatTrace.ts';
import { formatStep } from '../check/formatStep.ts';
import { freshSeed } from '../check/random.ts';
import type { SimProgress, Strategy } from '../check/simulate.ts';
import { simulateScenario, simulationJson, type SimulatedFinding, type SimulationReport } from '../check/simulation.ts';
import type { System } from '../compose/system.ts';
import type { Registry } from '../scenarioRegistry.ts';
import { EXIT, exitForSignal } from './exit.ts';
import { checkItfPaths, writeItf } from './itfFiles.ts';
import { interruptible } from './interrupt.ts';
import { clearProgress } from './progressLine.ts';
import { UsageError } from './usage.ts';
import { thousands } from '../check/thousands.ts';

export interface SimulateArgs {
  scenario?: string;
  revision?: string;
  seed?: number;
  runs?: number;
  time?: number;
  maxDepth?: number;
  strategy?: Strategy;
  fairness?: FairnessMode;
  json?: boolean;
  itf?: string;
  quiet?: boolean;
  [size: string]: unknown;
}

/** Walks when neither --runs nor --time is given: seconds at the sizes the matrix uses, a minute or so at large ones. */
export const DEFAULT_RUNS = 1000;
export const DEFAULT_MAX_DEPTH = 1000;
const MAX_SEED = 0xffffffff;

const n = (x: number): string => thousands(Math.round(x));

export async function runSimulate(args: SimulateArgs, reg: Registry): Promise<number> {
  if (!args.scenario) throw new UsageError('simulate needs --scenario NAME (run daxspec list to see the scenarios)');
  const scenario = reg.find(args.scenario);
  const rev = resolveRevision(scenario, args.revision);
  const given = Object.fromEntries(reg.sizeNames().map((k) => [k, args[k] as number | undefined]));
  const sizes = resolveSizes(scenario, given);
  const revisions: (string | undefined)[] = scenario.revisions.length === 0 ? [undefined] : rev ? [rev] : [...scenario.revisions];
  refuseInert(scenario, revisions, sizes);
  if (args.itf && revisions.length > 1)
    throw new UsageError(
      `--itf writes the counterexamples of one revision; scenario ${scenario.name} has ${revisions.length}: add --revision`,
    );
  if (args.itf) checkItfPaths(args.itf);
  // The generator takes 32 bits: a larger seed would silently repeat a smaller one's walks.
  if (args.seed !== undefined && args.seed > MAX_SEED) throw new UsageError(`--seed is at most ${MAX_SEED} (got ${args.seed})`);
  const seed = args.seed ?? freshSeed();
  const runs = args.runs ?? (args.time === undefined ? DEFAULT_RUNS : undefined);
  const systems: System[] = revisions.map((r) => buildSystem(scenario, r, sizes));
  const reports: SimulationReport[] = [];
  await interruptible(async (stopRequested) => {
    for (let i = 0; i < revisions.length; i++) {
      const r = revisions[i];
      const label = `${scenario.name}${r ? ` @ ${r}` : ''}`;
      const report = await simulateScenario(scenario, r, sizes, systems[i], {
        seed,
        runs,
        seconds: args.time,
        maxDepth: args.maxDepth ?? DEFAULT_MAX_DEPTH,
        strategy: args.strategy ?? 'swarm',
        fairness: args.fairness ?? 'declared',
        shouldStop: stopRequested,
        onProgress: args.quiet ? undefined : simProgressPrinter(label),
      });
      clearProgress();
      reports.push(report);
      if (!args.json) process.stdout.write(formatSimulation(label, report, args, scenario) + '\n');
      if (report.interrupted !== undefined) break;
    }
  });
  if (args.json)
    process.stdout.write(JSON.stringify(reports.length === 1 ? simulationJson(reports[0]) : reports.map(simulationJson), null, 2) + '\n');
  // Simulation samples: a run that found fewer than an earlier one is no reason to drop that one's traces.
  if (args.itf) writeItf(args.itf, reports[reports.length - 1].findings, !!args.json, false);
  const stopped = reports.find((r) => r.interrupted !== undefined);
  if (stopped) return exitForSignal(stopped.interrupted!);
  if (reports.some((r) => r.findings.length > 0)) return EXIT.violated;
  if (reports.some((r) => r.bound !== undefined)) return EXIT.bounded;
  return EXIT.holds;
}

function simProgressPrinter(label: string): (p: SimProgress) => void {
  const tty = process.stderr.isTTY;
  return (p) => {
    const line = `${label}: ${n(p.runs)} runs, ${n(p.steps)} steps (${n(p.stepsPerSecond)}/s), ${p.findings} found, ${p.seconds.toFixed(1)} s`;
    process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
  };
}

/** The command that repeats this run exactly. */
function reproduce(r: SimulationReport, args: SimulateArgs): string {
  const sizes = Object.entries(r.sizes)
    .map(([k, v]) => ` --${k} ${v}`)
    .join('');
  const depth = r.maxDepth !== DEFAULT_MAX_DEPTH ? ` --max-depth ${r.maxDepth}` : '';
  const strategy = r.strategy !== 'swarm' ? ` --strategy ${r.strategy}` : '';
  const fairness = r.fairness !== 'declared' ? ` --fairness ${r.fairness}` : '';
  const model = typeof args.model === 'string' ? ` --model ${args.model}` : '';
  return `daxspec simulate${model} --scenario ${r.scenario}${r.revision ? ` --revision ${r.revision}` : ''}${sizes} --seed ${r.seed} --runs ${r.runs}${depth}${strategy}${fairness}`;
}

/** The fairness liveness is checked under, as check's report words it. */
const FAIRNESS_WORDS: Record<FairnessMode, string> = {
  declared: 'the declared fairness',
  none: 'no fairness',
  next: 'weak fairness of every step',
};

/** A lasso's length in parts: its prefix, and its cycle or stuttering. */
const lassoParts = (loop: number, length: number): string =>
  `${loop} to the cycle, ${length === loop ? 'then stuttering' : `a cycle of ${length - loop}`}`;

function formatFinding(f: SimulatedFinding): string[] {
  const lines = [
    `${f.property}: ${f.text}`,
    // The severity line as check words it.
    classification(f).replace(/^\n/, ''),
    f.loop !== undefined && f.foundLoop !== undefined
      ? `  counterexample: a lasso of ${f.length} step${f.length === 1 ? '' : 's'} (${lassoParts(f.loop, f.length)}), shrunk from the ${f.foundLength} (${lassoParts(f.foundLoop, f.foundLength)}) found on run ${f.run}'s walk (${n(f.shrinkTries)} replays); not necessarily the shortest`
      : `  counterexample: ${f.length} step${f.length === 1 ? '' : 's'}, shrunk from the ${f.foundLength} of run ${f.run}'s walk (${n(f.shrinkTries)} replays); not necessarily the shortest`,
  ];
  if (f.kind === 'liveness' && f.loop !== undefined) {
    // The lasso as check prints it, under the two lines above; its own head line would repeat the first.
    lines.push(
      ...formatLasso('', f.trace, f.loop, f.obligations ?? [], f.unassumed ?? [], 'lasso')
        .split('\n')
        .slice(1),
    );
    return lines;
  }
  for (const step of f.trace.steps) lines.push(...formatStep(step));
  if (f.kind === 'deadlock') lines.push('       (no step is possible from here)');
  if (f.kind === 'progress') lines.push(`       (from here ${f.actor} can never stop waiting, whatever the others do)`);
  if (f.kind === 'invariant') lines.push(`       (${f.property} fails in this state)`);
  return lines;
}

function formatSimulation(label: string, r: SimulationReport, args: SimulateArgs, scenario: Scenario): string {
  // By their names where the scenario gives them (fstype=xfs), as check and the matrix write them.
  const sizes = Object.entries(r.sizes)
    .map(([k, v]) => `${k}=${sizeValue(scenario, k, v)}`)
    .join(' ');
  const stats = `${n(r.runs)} ${r.strategy} runs, ${n(r.steps)} steps (longest walk ${r.longest}${r.cutAtDepth ? `, ${n(r.cutAtDepth)} cut at --max-depth ${r.maxDepth}` : ''}), seed ${r.seed}${r.system.decl.liveness?.length ? `, liveness under ${FAIRNESS_WORDS[r.fairness]}` : ''}, ${r.seconds.toFixed(2)} s`;
  const lines = [`${label}${sizes ? ` (${sizes})` : ''}: ${stats}`];
  for (const f of r.findings) lines.push('', ...formatFinding(f));
  if (r.findings.length) {
    const props = [...new Set(r.findings.map((f) => f.property))];
    lines.push('', `VIOLATED: ${props.length} propert${props.length === 1 ? 'y' : 'ies'} (${props.join(', ')})`);
  }
  if (r.bound === 'interrupted') lines.push(`INCOMPLETE: interrupted by ${r.interrupted} after ${n(r.runs)} runs`);
  else if (r.bound === 'time')
    lines.push(`BOUNDED: the --time budget of ${args.time} s ended the simulation after ${n(r.runs)} of ${n(r.runsWanted ?? 0)} runs`);
  else if (!r.findings.length)
    lines.push(
      `NONE FOUND: no property failed on the ${n(r.steps)} steps walked; a simulation proves nothing about the states it did not visit`,
    );
  lines.push(`  to repeat: ${reproduce(r, args)}`);
  return lines.join('\n');
}
