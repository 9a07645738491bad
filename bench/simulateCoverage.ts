/**
 * How many of the exhaustive check's progress and liveness findings simulation finds at the same sizes: runs
 * `check --all --json` once, then, for each scenario, revision and configuration where check found a progress or
 * liveness failure, `simulate` with the same sizes (RUNS walks, seed SEED, default strategy and depth), and
 * counts a finding as found when simulation reports the same property (for progress, the same waiter). Prints
 * the count and each one missed. Usage: tsx bench/simulateCoverage.ts [RUNS] [SEED]   (results: bench/README.md)
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

interface Finding {
  readonly kind: string;
  readonly property: string;
  readonly text: string;
  readonly length: number;
  readonly sizes?: Record<string, number>;
}

const [runs = '1000', seed = '1'] = process.argv.slice(2);
const cli = join(import.meta.dirname, '..', 'bin', 'daxspec.js');
const run = (args: string[]): string => {
  try {
    return execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (e) {
    // Exit 1 (a violation) still prints the report.
    return (e as { stdout: string }).stdout;
  }
};

const matrix = JSON.parse(run(['check', '--all', '--json', '-q'])) as {
  cells: { scenario: string; revision: string; findings: Finding[] }[];
};
const groups = new Map<string, Finding[]>();
for (const cell of matrix.cells) {
  for (const f of cell.findings) {
    if (f.kind !== 'progress' && f.kind !== 'liveness') continue;
    const key = JSON.stringify([cell.scenario, cell.revision, f.sizes ?? {}]);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
}
let found = 0;
let total = 0;
const missed: string[] = [];
for (const [key, wanted] of groups) {
  const [scenario, revision, sizes] = JSON.parse(key) as [string, string, Record<string, number>];
  const sizeArgs = Object.entries(sizes).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const report = JSON.parse(
    run(['simulate', '-s', scenario, '-r', revision, '--runs', runs, '--seed', seed, '-q', '--json', ...sizeArgs]),
  ) as {
    findings: Finding[];
  };
  for (const f of wanted) {
    total++;
    const hit = report.findings.some((g) => g.kind === f.kind && g.property === f.property && (f.kind !== 'progress' || g.text === f.text));
    if (hit) found++;
    else missed.push(`${scenario} ${revision} ${JSON.stringify(sizes)}: ${f.kind} ${f.property} "${f.text}" (check: ${f.length} steps)`);
  }
  process.stderr.write(`${scenario} ${revision} ${JSON.stringify(sizes)}: ${wanted.length} wanted\n`);
}
console.log(`simulation (${runs} runs, seed ${seed}) found ${found} of the ${total} progress and liveness findings of check --all`);
for (const m of missed) console.log(`missed: ${m}`);
