import { writeFileSync } from 'node:fs';
import { EXIT, checkScenario, reportJson, resolveRevision, resolveSizes, type CheckReport } from '../check/check.ts';
import type { FairnessMode } from '../check/fairness.ts';
import { formatFinding } from '../check/formatTrace.ts';
import { formatLivenessRun } from '../check/formatLasso.ts';
import { bugMatrix, cellText, formatMatrix } from '../check/matrix.ts';
import { ModelError } from '../compose/errors.ts';
import { REVISIONS, SCENARIOS, findScenario, sizeNames } from '../registry.ts';
import { clearProgress, progressPrinter } from './progressLine.ts';

export interface CheckArgs {
  scenario?: string;
  revision?: string;
  all?: boolean;
  maxStates?: number;
  maxDepth?: number;
  json?: boolean;
  itf?: string;
  quiet?: boolean;
  symmetry?: boolean;
  fingerprint?: boolean;
  fairness?: FairnessMode;
  [size: string]: unknown;
}

const n = (x: number): string => x.toLocaleString('en-US');

/** `daxspec check`: one scenario in one or every revision, or the whole bug matrix. */
export function runCheck(args: CheckArgs): number {
  if (args.all) return runMatrix(args);
  if (!args.scenario) throw new ModelError('check needs --scenario NAME or --all (run daxspec list to see the scenarios)');
  const scenario = findScenario(args.scenario);
  const rev = resolveRevision(scenario, args.revision);
  const given = Object.fromEntries(sizeNames().map((k) => [k, args[k] as number | undefined]));
  const sizes = resolveSizes(scenario, given);
  const revisions: (string | undefined)[] = scenario.revisions.length === 0 ? [undefined] : rev ? [rev] : [...scenario.revisions];
  if (args.itf && revisions.length > 1) throw new ModelError('--itf writes one scenario at one revision: add --revision');
  const reports: CheckReport[] = [];
  for (const r of revisions) {
    const label = `${scenario.name}${r ? ` @ ${r}` : ''}`;
    const report = checkScenario(scenario, r, sizes, {
      maxStates: args.maxStates,
      maxDepth: args.maxDepth,
      symmetry: args.symmetry,
      fingerprint: args.fingerprint,
      fairness: args.fairness,
      onProgress: args.quiet || args.json ? undefined : progressPrinter(label),
    });
    clearProgress();
    reports.push(report);
    if (!args.json) process.stdout.write(formatReport(label, report) + '\n');
  }
  if (args.json) process.stdout.write(JSON.stringify(reports.length === 1 ? reportJson(reports[0]) : reports.map(reportJson), null, 2) + '\n');
  if (args.itf) writeItf(args.itf, reports[0], !!args.json);
  if (reports.some((r) => r.verdict === 'violated')) return EXIT.violated;
  if (reports.some((r) => r.verdict === 'bounded')) return EXIT.bounded;
  return EXIT.holds;
}

function formatReport(label: string, r: CheckReport): string {
  const sizes = Object.entries(r.sizes).map(([k, v]) => `${k}=${v}`).join(' ');
  const stats = `${n(r.states)} ${r.symmetry ? 'states up to symmetry' : 'states'}, ${n(r.edges)} transitions, depth ${r.depth}, ${r.seconds.toFixed(2)} s`;
  const lines = [`${label}${sizes ? ` (${sizes})` : ''}: ${stats}`];
  for (const f of r.findings) lines.push('', formatFinding(f, f.trace));
  if (r.findings.length) lines.push('', `VIOLATED: ${r.findings.length} propert${r.findings.length === 1 ? 'y' : 'ies'} (${r.findings.map((f) => f.property).join(', ')})`);
  if (!r.complete) {
    lines.push(`BOUNDED: stopped at the ${r.bound} bound; states beyond it were not explored, so this run proves nothing about them`);
  } else if (!r.findings.length) {
    lines.push(
      r.collisionProbability === undefined
        ? `HOLDS: every reachable state explored; all properties hold`
        : `HOLDS: every state with a distinct fingerprint explored; all properties hold there`,
    );
  }
  if (r.progressSkipped) lines.push(`(progress not checked: ${r.progressSkipped})`);
  if (r.liveness) lines.push(formatLivenessRun(r.liveness, r.seconds));
  for (const p of r.premises ?? []) if (!p.reached) lines.push(`(${p.id} held vacuously: no state where ${p.premise} was reached)`);
  if (r.collisionProbability !== undefined) {
    lines.push(`(fingerprint mode: the chance that two states shared a fingerprint and one was missed is at most ${r.collisionProbability.toExponential(1)})`);
  }
  return lines.join('\n');
}

function writeItf(path: string, r: CheckReport, quiet: boolean): void {
  if (r.findings.length === 0) {
    if (!quiet) process.stderr.write(`no counterexample to write to ${path}\n`);
    return;
  }
  r.findings.forEach((f, i) => {
    const file = i === 0 ? path : path.replace(/(\.itf)?\.json$/, '') + `.${i + 1}.itf.json`;
    writeFileSync(file, JSON.stringify(f.itf(), null, 1) + '\n');
    if (!quiet) process.stderr.write(`wrote ${file} (${f.property}, ${f.length} steps)\n`);
  });
}

function runMatrix(args: CheckArgs): number {
  if (args.scenario || args.revision) throw new ModelError('--all checks every scenario in every revision; drop --scenario/--revision');
  const scenarios = SCENARIOS.filter((s) => s.revisions.length > 0);
  const matrix = bugMatrix(scenarios, REVISIONS, { maxStates: args.maxStates, maxDepth: args.maxDepth, fairness: args.fairness }, (c) => {
    if (!args.quiet && !args.json) process.stderr.write(`  ${c.scenario} @ ${c.revision}: ${cellText(c)} (${c.seconds.toFixed(2)} s)\n`);
  });
  if (args.json) process.stdout.write(JSON.stringify(matrix, null, 2) + '\n');
  else process.stdout.write(formatMatrix(matrix) + '\n');
  // The matrix is a report: finding the bugs of old revisions is its purpose, not a failure.
  return matrix.cells.some((c) => c.verdict === 'bounded') ? EXIT.bounded : EXIT.holds;
}
