import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveRevision } from '../check/check.ts';
import { ModelError } from '../compose/errors.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { formatCoverage } from '../paths/coverageReport.ts';
import { REGENERATE, suiteFiles } from '../paths/emitFiles.ts';
import { generateSuite, type GeneratedSuite } from '../paths/generate.ts';
import { SCENARIOS, findScenario } from '../registry.ts';

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
}

const GENERATED = /\.(test\.ts|paths\.json)$/;

/** Scenario and revision pairs the command covers: every one, or those the options select. */
function selection(args: PathsArgs): [Scenario, string | undefined][] {
  const scenarios = args.scenario ? [findScenario(args.scenario)] : SCENARIOS;
  const out: [Scenario, string | undefined][] = [];
  for (const s of scenarios) {
    if (args.revision !== undefined && args.scenario) resolveRevision(s, args.revision);
    const revs: (string | undefined)[] = s.revisions.length ? [...s.revisions] : [undefined];
    for (const r of revs) if (args.revision === undefined || r === args.revision) out.push([s, r]);
  }
  if (out.length === 0) throw new ModelError(`no scenario has revision ${args.revision}`);
  return out;
}

/**
 * `daxspec paths`: path-coverage and counterexample tests generated from the machines.
 * Writes them (default), checks that the committed ones are current (--check, exit 1 if stale),
 * or prints the coverage report (--report, --json).
 */
export function runPaths(args: PathsArgs): number {
  const out = args.out ?? 'test/generated';
  const pairs = selection(args);
  const suites: GeneratedSuite[] = [];
  for (const [s, r] of pairs) {
    const started = performance.now();
    const suite = generateSuite(s, r, { maxStates: args.maxStates, maxLength: args.maxLength });
    suites.push(suite);
    if (!args.quiet && !args.json) {
      const c = suite.coverage;
      process.stderr.write(`  ${s.name}${r ? ` @ ${r}` : ''}: ${c.states} states, ${c.paths} paths, ${suite.regressions.length} counterexamples (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    }
  }
  if (args.report) {
    const reports = suites.map((s) => s.coverage);
    process.stdout.write(args.json ? JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + '\n' : formatCoverage(reports, args.verbose));
    return 0;
  }
  const files: Record<string, string> = Object.assign({}, ...suites.map(suiteFiles));
  // Only a run over everything may call a file it did not write stale.
  const whole = !args.scenario && !args.revision;
  const existing = existsSync(out) ? readdirSync(out).filter((f) => GENERATED.test(f)) : [];
  const extra = whole ? existing.filter((f) => !(f in files)) : [];
  if (args.check) {
    const missing = Object.keys(files).filter((f) => !existing.includes(f));
    const changed = Object.keys(files).filter((f) => existing.includes(f) && readFileSync(join(out, f), 'utf8') !== files[f]);
    if (missing.length + changed.length + extra.length === 0) {
      if (!args.quiet) process.stderr.write(`${out}: ${Object.keys(files).length} generated files are up to date with the machines\n`);
      return 0;
    }
    const lines = [`daxspec paths --check: the generated tests in ${out} are stale (the machines changed since they were generated):`];
    for (const f of changed) lines.push(`  changed: ${join(out, f)}`);
    for (const f of missing) lines.push(`  missing: ${join(out, f)}`);
    for (const f of extra) lines.push(`  no longer generated: ${join(out, f)}`);
    lines.push(`Regenerate and commit them: ${REGENERATE}`);
    process.stderr.write(lines.join('\n') + '\n');
    return 1;
  }
  mkdirSync(out, { recursive: true });
  for (const f of extra) rmSync(join(out, f));
  for (const [f, text] of Object.entries(files)) {
    const path = join(out, f);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
  }
  if (!args.quiet) process.stderr.write(`wrote ${Object.keys(files).length} files to ${out}${extra.length ? `, removed ${extra.length}` : ''}\n`);
  return 0;
}
