import type { Scenario } from '../../machines/kit/types.ts';
import { checkScenario, resolveSizes, type CheckOptions, type CheckReport } from './check.ts';

/** One cell of the bug matrix: a scenario checked at one revision. */
export interface MatrixCell {
  readonly scenario: string;
  readonly revision: string;
  readonly verdict: CheckReport['verdict'];
  readonly states: number;
  readonly seconds: number;
  /** Violated properties, shortest counterexample first. */
  readonly findings: readonly { property: string; text: string; length: number }[];
}

export interface Matrix {
  readonly revisions: readonly string[];
  readonly cells: readonly MatrixCell[];
  readonly seconds: number;
}

/** Checks every scenario that depends on the revision, in every revision it applies to, at default sizes. */
export function bugMatrix(scenarios: readonly Scenario[], revisions: readonly string[], options: CheckOptions = {}, onCell?: (c: MatrixCell) => void): Matrix {
  const started = performance.now();
  const cells: MatrixCell[] = [];
  for (const s of scenarios) {
    for (const rev of revisions) {
      if (!s.revisions.includes(rev)) continue;
      const r = checkScenario(s, rev, resolveSizes(s, {}), options);
      const cell: MatrixCell = {
        scenario: s.name,
        revision: rev,
        verdict: r.verdict,
        states: r.states,
        seconds: r.seconds,
        findings: r.findings.map((f) => ({ property: f.property, text: f.text, length: f.length })),
      };
      cells.push(cell);
      onCell?.(cell);
    }
  }
  return { revisions, cells, seconds: (performance.now() - started) / 1000 };
}

export function cellText(c: MatrixCell | undefined): string {
  if (!c) return '-';
  if (c.verdict === 'holds') return `holds (${c.states.toLocaleString('en-US')})`;
  if (c.verdict === 'bounded') return `bounded (${c.states.toLocaleString('en-US')})`;
  const [first, ...rest] = c.findings;
  return `${first.property} (${first.length})${rest.length ? ` +${rest.length}` : ''}`;
}

/** The matrix as a text table: a row per scenario, a column per revision. */
export function formatMatrix(m: Matrix): string {
  const rows = [...new Set(m.cells.map((c) => c.scenario))];
  const header = ['scenario', ...m.revisions];
  const table = rows.map((s) => [s, ...m.revisions.map((r) => cellText(m.cells.find((c) => c.scenario === s && c.revision === r)))]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...table.map(line)];
  const props = new Map<string, string>();
  for (const c of m.cells) for (const f of c.findings) if (!props.has(f.property)) props.set(f.property, f.text);
  if (props.size) {
    out.push('', 'cells: the violated property with the length of its shortest counterexample (+N more properties), or holds with the states explored');
  }
  out.push(`${m.cells.length} cells in ${m.seconds.toFixed(1)} s`);
  return out.join('\n');
}
