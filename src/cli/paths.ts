import { resolveRevision } from '../check/check.ts';
import { InputError } from '../compose/errors.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { compare, isStale, MANIFEST, openGeneratedFolder, write } from '../outputs/generatedFolder.ts';
import type { CoverageKind } from '../paths/coverageItems.ts';
import { formatCoverage } from '../paths/coverageReport.ts';
import { REGENERATE, suiteFiles } from '../paths/emitFiles.ts';
import { generateSuite, type GeneratedSuite } from '../paths/generate.ts';
import { EXTRA_SIZES } from '../paths/sizes.ts';
import { REVISIONS, SCENARIOS, findScenario } from '../registry.ts';
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
}

const COVER: Record<string, CoverageKind> = { states: 'state', transitions: 'transition', guards: 'guard' };

/** `--cover states,transitions`: the kinds of item generation aims at. */
function coverTargets(value: string | undefined): CoverageKind[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((w) => {
    const k = COVER[w.trim()];
    if (!k)
      throw new UsageError(
        `--cover ${w}: give states, transitions or guards, comma-separated (pairs are reported but not targeted: a pair depends on the path taken, not on one step)`,
      );
    return k;
  });
}

/** Whose the generated test files are: the manifest in the output folder names this generator. */
export const PATHS_GENERATOR = 'daxspec paths';

/** Scenario and revision pairs the command covers: every one, or those the options select. */
function selection(args: PathsArgs): [Scenario, string | undefined][] {
  const scenarios = args.scenario ? [findScenario(args.scenario)] : SCENARIOS;
  if (args.revision !== undefined && !args.scenario && !(REVISIONS as readonly string[]).includes(args.revision)) {
    throw new InputError('unknown-revision', { revision: args.revision, revisions: REVISIONS }, `no revision ${args.revision}`);
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
export function runPaths(args: PathsArgs): number {
  refuseSilentOptions(args);
  const out = args.out ?? 'test/generated';
  const pairs = selection(args);
  const targets = coverTargets(args.cover);
  if (targets && !args.report && !args.out)
    throw new UsageError('--cover changes the generated paths: give --report, or --out a folder other than the committed suites');
  // Only a run over everything may call a file it did not write stale, or remove one.
  const whole = !args.scenario && !args.revision;
  const folder = args.check || args.report ? undefined : openGeneratedFolder(out, PATHS_GENERATOR, { force: args.force, whole });
  const suites: GeneratedSuite[] = [];
  for (const [s, r] of pairs) {
    // the default sizes, then the configurations that reach error paths (src/paths/sizes.ts)
    for (const sizes of [undefined, ...(EXTRA_SIZES[s.name] ?? [])]) {
      const started = performance.now();
      const suite = generateSuite(s, r, { maxStates: args.maxStates, maxLength: args.maxLength, targets, sizes });
      suites.push(suite);
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
  const files = new Map<string, string>(suites.flatMap((s) => Object.entries(suiteFiles(s))));
  if (args.check) {
    const s = compare(out, PATHS_GENERATOR, files, whole);
    if (!isStale(s)) {
      if (!args.quiet) process.stderr.write(`${out}: ${files.size} generated files are up to date with the machines\n`);
      return EXIT.holds;
    }
    const lines = [`daxspec paths --check: the generated tests in ${out} are stale (the machines changed since they were generated):`];
    for (const f of s.differ) lines.push(`  changed: ${out}/${f}`);
    for (const f of s.missing) lines.push(`  missing: ${out}/${f}`);
    for (const f of s.extra) lines.push(`  no longer generated: ${out}/${f}`);
    if (s.manifest) lines.push(`  stale: ${out}/${MANIFEST} (the list of generated files)`);
    lines.push(`Regenerate and commit them: ${REGENERATE}`);
    process.stderr.write(lines.join('\n') + '\n');
    return EXIT.violated;
  }
  const changed = write(folder!, files);
  if (!args.quiet) process.stderr.write(`wrote ${files.size} files to ${out} (${changed.length} changed)\n`);
  return EXIT.holds;
}
