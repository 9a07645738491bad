/**
 * `daxspec paths`: the options of path generation (coverage targets, sizes, goals), which scenario and
 * revision pairs a run covers, and the write, `--check`, `--report` and `--to` modes, worded for users.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { resolveRevision, resolveSizes } from '../check/check.ts';
import { formatEvent } from '../compose/events.ts';
import { System } from '../compose/system.ts';
import { goalOf, shortestPathsTo, simplePathsTo } from '../paths/goalPaths.ts';
import { buildStateGraph } from '../paths/stateGraph.ts';
import { InputError } from '../compose/errors.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { compare, isStale, MANIFEST, openGeneratedFolder, write } from '../outputs/generatedFolder.ts';
import type { CoverageKind } from '../paths/coverageItems.ts';
import { formatCoverage } from '../paths/coverageReport.ts';
import { suiteFiles, type SuiteOrigin } from '../paths/emitFiles.ts';
import { generateSuite, type GeneratedSuite } from '../paths/generate.ts';
import type { Registry } from '../scenarioRegistry.ts';
import { EXTRA_SIZES } from '../paths/sizes.ts';
import { EXIT } from './exit.ts';
import { UsageError } from './usage.ts';

export interface PathsArgs {
  scenario?: string;
  revision?: string;
  out?: string;
  check?: boolean;
  report?: boolean;
  json?: boolean;
  verbose?: boolean;
  maxStates?: number;
  maxLength?: number;
  quiet?: boolean;
  force?: boolean;
  cover?: string;
  model?: string;
  to?: string;
  simple?: boolean;
}

const COVER: Record<string, CoverageKind> = {
  states: 'state',
  transitions: 'transition',
  guards: 'guard',
  pairs: 'pair',
  partitions: 'partition',
  waits: 'wait',
};

/** `--cover states,transitions`: the kinds of item generation aims at. */
function coverTargets(value: string | undefined): CoverageKind[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((w) => {
    const k = COVER[w.trim()];
    if (!k)
      throw new UsageError(
        `--cover ${w}: give states, transitions, guards, pairs, partitions or waits, comma-separated (default: states,transitions,guards,waits)`,
      );
    return k;
  });
}

/** Whose the generated test files are: the manifest in the output folder names this generator. */
export const PATHS_GENERATOR = 'daxspec paths';

/** Scenario and revision pairs the command covers: every one, or those the options select. */
function selection(args: PathsArgs, reg: Registry): [Scenario, string | undefined][] {
  const scenarios = args.scenario ? [reg.find(args.scenario)] : reg.scenarios;
  if (args.revision !== undefined && !args.scenario && !reg.revisions.includes(args.revision)) {
    throw new InputError('unknown-revision', { revision: args.revision, revisions: reg.revisions }, `no revision ${args.revision}`);
  }
  const out: [Scenario, string | undefined][] = [];
  for (const s of scenarios) {
    if (args.revision !== undefined && args.scenario) resolveRevision(s, args.revision);
    const revs: (string | undefined)[] = s.revisions.length ? [...s.revisions] : [undefined];
    for (const r of revs) if (args.revision === undefined || r === args.revision) out.push([s, r]);
  }
  return out;
}

/** Options that would do nothing in the mode asked for. */
function refuseSilentOptions(args: PathsArgs): void {
  if (args.check && args.report)
    throw new UsageError('--report has no effect with --check: --check compares the generated files, --report prints coverage; give one');
  if (args.json && !args.report) throw new UsageError('--json has no effect without --report (the report is what it formats)');
  if (args.verbose && !args.report) throw new UsageError('--verbose has no effect without --report (it lists what the report leaves out)');
  if (args.report && args.out) throw new UsageError('--out has no effect with --report, which writes nothing');
  if (args.force && (args.check || args.report))
    throw new UsageError(`--force has no effect with --${args.check ? 'check' : 'report'}, which writes nothing`);
}

/**
 * `daxspec paths`: path-coverage and counterexample tests generated from the machines.
 * Writes them (default) into a folder it owns through a manifest, checks that the committed ones are
 * current (--check, exit 1 if stale), or prints the coverage report (--report, --json).
 */
/** `paths --to STATE`: goal-directed paths, printed (text or --json); writes nothing. */
function runGoal(args: PathsArgs, pairs: [Scenario, string | undefined][]): number {
  const out: unknown[] = [];
  const lines: string[] = [];
  for (const [s, r] of pairs) {
    const system = new System(s.build(r, resolveSizes(s, {})));
    const graph = buildStateGraph(system, { maxStates: args.maxStates });
    let goal;
    try {
      goal = goalOf(system, args.to!);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const found = args.simple ? simplePathsTo(graph, goal, args.maxLength ?? Infinity) : shortestPathsTo(graph, goal);
    const where = `${s.name}${r ? ` @ ${r}` : ''}`;
    out.push({
      scenario: s.name,
      revision: r ?? null,
      to: args.to,
      kind: args.simple ? 'simple' : 'shortest',
      paths: found.map((p) => p.steps),
    });
    lines.push(`${where}: ${found.length} ${args.simple ? 'simple' : 'shortest'} path${found.length === 1 ? '' : 's'} to ${args.to}`);
    for (const p of found) lines.push(`  ${p.steps.length} steps: ${p.steps.map((x) => `${x.actor}:${formatEvent(x.event)}`).join(', ')}`);
  }
  process.stdout.write(args.json ? JSON.stringify(out.length === 1 ? out[0] : out, null, 2) + '\n' : lines.join('\n') + '\n');
  return EXIT.holds;
}

export function runPaths(args: PathsArgs, reg: Registry): number {
  if (args.to) {
    if (args.check || args.report || args.out)
      throw new UsageError('--to prints the paths to a goal; it has no --check, --report or --out');
    // A goal names an actor's state, and actors are a scenario's: over every scenario, the first would answer for it.
    if (!args.scenario && reg.scenarios.length > 1)
      throw new UsageError(`--to ${args.to} names a state of one scenario's actor: give --scenario (daxspec list shows them)`);
    return runGoal(args, selection(args, reg));
  }
  if (args.simple) throw new UsageError('--simple has no effect without --to');
  refuseSilentOptions(args);
  const out = args.out ?? 'test/generated';
  const pairs = selection(args, reg);
  const targets = coverTargets(args.cover);
  if (targets && !args.report && !args.out)
    throw new UsageError('--cover changes the generated paths: give --report, or --out a folder other than the committed suites');
  // Only a run over everything may call a file it did not write stale, or remove one.
  const whole = !args.scenario && !args.revision;
  // A folder that is not there holds no generated tests to compare: a wrong --out, not a stale suite.
  if (args.check && !existsSync(out))
    throw new UsageError(`--check: ${out} does not exist (generate the tests there first, or give --out the folder that holds them)`);
  const folder = args.check || args.report ? undefined : openGeneratedFolder(out, PATHS_GENERATOR, { force: args.force, whole });
  const suites: GeneratedSuite[] = [];
  const suiteScenarios: Scenario[] = [];
  for (const [s, r] of pairs) {
    // the default sizes, then the configurations that reach error paths (src/paths/sizes.ts)
    for (const sizes of [undefined, ...(EXTRA_SIZES[s.name] ?? [])]) {
      const started = performance.now();
      const suite = generateSuite(s, r, { maxStates: args.maxStates, maxLength: args.maxLength, targets, sizes });
      suites.push(suite);
      suiteScenarios.push(s);
      if (!args.quiet && !args.json) {
        const c = suite.coverage;
        process.stderr.write(
          `  ${s.name}${r ? ` @ ${r}` : ''}${suite.variant ? ` (${suite.variant})` : ''}: ${c.states} states, ${c.paths} paths, ${suite.regressions.length} counterexamples (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
        );
      }
    }
  }
  if (args.report) {
    const reports = suites.map((s) => s.coverage);
    process.stdout.write(
      args.json ? JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + '\n' : formatCoverage(reports, args.verbose),
    );
    return EXIT.holds;
  }
  const files = new Map<string, string>(suites.flatMap((s, i) => Object.entries(suiteFiles(s, suiteOrigin(reg, suiteScenarios[i], out)))));
  if (args.check) {
    const s = compare(out, PATHS_GENERATOR, files, whole);
    if (!isStale(s)) {
      if (!args.quiet) process.stderr.write(`${out}: ${files.size} generated files are up to date with the machines\n`);
      return EXIT.holds;
    }
    const lines = [`daxspec paths --check: the generated tests in ${out} differ from what the machines generate now:`];
    for (const f of s.differ) lines.push(`  changed: ${out}/${f}`);
    for (const f of s.missing) lines.push(`  missing: ${out}/${f}`);
    for (const f of s.extra) lines.push(`  no longer generated: ${out}/${f}`);
    if (s.manifest) lines.push(`  stale: ${out}/${MANIFEST} (the list of generated files)`);
    lines.push(`Regenerate and commit them: ${reg.regenerate('paths', out)}`);
    process.stderr.write(lines.join('\n') + '\n');
    return EXIT.violated;
  }
  const changed = write(folder!, files);
  if (!args.quiet) process.stderr.write(`wrote ${files.size} files to ${out} (${changed.length} changed)\n`);
  return EXIT.holds;
}

/** Where the generated files of a scenario take their runner and scenario from, relative to `out`. */
function suiteOrigin(reg: Registry, s: Scenario, out: string): SuiteOrigin {
  const dir = resolve(out);
  const src = reg.source(s);
  const rel = relative(dir, src.module).split('\\').join('/');
  return {
    regenerate: reg.regenerate('paths', out),
    runner: reg.runnerModule(dir),
    model: rel.startsWith('.') ? rel : `./${rel}`,
    exportName: src.exportName,
  };
}
