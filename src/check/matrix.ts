import type { Scenario } from '../../machines/kit/types.ts';
import { checkScenario, checkScenarioAsync, resolveSizes, vacuousProperties, type CheckOptions, type CheckReport } from './check.ts';

/** One cell of the bug matrix: a scenario checked at one revision. */
export interface MatrixCell {
  readonly scenario: string;
  readonly revision: string;
  readonly verdict: CheckReport['verdict'];
  readonly states: number;
  readonly seconds: number;
  /** Violated properties, shortest counterexample first; a liveness one has its lasso's loop index. */
  readonly findings: readonly { property: string; kind: string; text: string; length: number; loop?: number }[];
  /** Properties that held only because their premise was never reached. */
  readonly vacuous: readonly string[];
}

export interface Matrix {
  readonly revisions: readonly string[];
  readonly cells: readonly MatrixCell[];
  readonly seconds: number;
  /** Set when the run stopped before every cell was checked: why (as `shouldStop` said). */
  readonly interrupted?: string;
}

function cellOf(r: CheckReport, revision: string): MatrixCell {
  return {
    scenario: r.scenario,
    revision,
    verdict: r.verdict,
    states: r.states,
    seconds: r.seconds,
    findings: r.findings.map((f) => ({
      property: f.property,
      kind: f.kind,
      text: f.text,
      length: f.length,
      ...(f.loop !== undefined ? { loop: f.loop } : {}),
    })),
    vacuous: vacuousProperties(r),
  };
}

/**
 * The matrix run in slices (see checkScenarioAsync): `options.shouldStop` ends it at a state
 * boundary; the cells checked so far are kept and the cell that was running is left out.
 */
export async function bugMatrixAsync(
  scenarios: readonly Scenario[],
  revisions: readonly string[],
  options: CheckOptions = {},
  onCell?: (c: MatrixCell) => void,
): Promise<Matrix> {
  const started = performance.now();
  const cells: MatrixCell[] = [];
  for (const s of scenarios) {
    for (const rev of revisions) {
      if (!s.revisions.includes(rev)) continue;
      const r = await checkScenarioAsync(s, rev, resolveSizes(s, {}), options);
      if (r.interrupted !== undefined)
        return { revisions, cells, seconds: (performance.now() - started) / 1000, interrupted: r.interrupted };
      const cell = cellOf(r, rev);
      cells.push(cell);
      onCell?.(cell);
    }
  }
  return { revisions, cells, seconds: (performance.now() - started) / 1000 };
}

/** Checks every scenario that depends on the revision, in every revision it applies to, at default sizes. */
export function bugMatrix(
  scenarios: readonly Scenario[],
  revisions: readonly string[],
  options: CheckOptions = {},
  onCell?: (c: MatrixCell) => void,
): Matrix {
  const started = performance.now();
  const cells: MatrixCell[] = [];
  for (const s of scenarios) {
    for (const rev of revisions) {
      if (!s.revisions.includes(rev)) continue;
      const cell = cellOf(checkScenario(s, rev, resolveSizes(s, {}), options), rev);
      cells.push(cell);
      onCell?.(cell);
    }
  }
  return { revisions, cells, seconds: (performance.now() - started) / 1000 };
}

export function cellText(c: MatrixCell | undefined): string {
  if (!c) return '-';
  if (c.verdict === 'holds')
    return `holds (${c.states.toLocaleString('en-US')})${c.vacuous.length ? ` vacuous ${c.vacuous.join(',')}` : ''}`;
  if (c.verdict === 'bounded') return `bounded (${c.states.toLocaleString('en-US')})`;
  const [first, ...rest] = c.findings;
  // A liveness failure shows its lasso: steps to the cycle + steps round it (0: it stutters).
  const len =
    first.kind === 'liveness' && first.loop !== undefined ? `lasso ${first.loop}+${first.length - first.loop}` : String(first.length);
  return `${first.property} (${len})${rest.length ? ` +${rest.length}` : ''}`;
}

/**
 * The matrix as a text table: a row per scenario, a column per revision, headed by what
 * `label` calls the revision (a patch-series version is not a release: "v8 series").
 */
export function formatMatrix(m: Matrix, label: (revision: string) => string = (r) => r): string {
  const rows = [...new Set(m.cells.map((c) => c.scenario))];
  const header = ['scenario', ...m.revisions.map(label)];
  const table = rows.map((s) => [s, ...m.revisions.map((r) => cellText(m.cells.find((c) => c.scenario === s && c.revision === r)))]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cols: string[]): string =>
    cols
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...table.map(line)];
  const props = new Map<string, string>();
  for (const c of m.cells) for (const f of c.findings) if (!props.has(f.property)) props.set(f.property, f.text);
  if (props.size) {
    out.push(
      '',
      'cells: the violated property with the length of its shortest counterexample (a liveness property: its lasso, steps to the cycle + steps round it) (+N more properties), or holds with the states explored and the properties that held only vacuously (their premise never reached)',
    );
  }
  out.push(`${m.cells.length} cells in ${m.seconds.toFixed(1)} s`);
  return out.join('\n');
}
