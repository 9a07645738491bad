/**
 * The bug matrix: every scenario checked in every revision it applies to, over its configurations,
 * and one cell per (scenario, revision) holding each property's smallest failing configuration and
 * shortest trace there. Also the sliced, interruptible run the CLI drives.
 */
import type { Scenario } from '../../machines/kit/types.ts';
import { TransitionCache } from '../compose/transitionCache.ts';
import { checkScenario, checkScenarioAsync, vacuousProperties, type CheckedFinding, type CheckOptions, type CheckReport } from './check.ts';
import { cellConfigurations, type Configuration } from './configSpace.ts';
import { severityRank, worstSeverity, type Severity } from './severity.ts';
import { thousands } from './thousands.ts';

/** One finding of a cell: the smallest configuration that shows it, and its shortest trace there. */
export interface MatrixFinding {
  readonly property: string;
  /** Which way of failing the property, where it has more than one (I9: "block freed while pinned"). */
  readonly variant: string | null;
  readonly kind: string;
  readonly text: string;
  readonly severity: Severity;
  readonly length: number;
  readonly loop?: number;
  /** The configuration's sizes, and the ones that depart from the defaults (`arch=nonipi`): what the finding needs. */
  readonly sizes: Readonly<Record<string, number>>;
  readonly needs: readonly string[];
  /** Set when the finding follows from another of the same run (an oops or hang its trace passes). */
  readonly consequenceOf: { readonly property: string; readonly variant: string | null } | null;
}

/** One cell of the bug matrix: a scenario checked at one revision over its declared configurations. */
export interface MatrixCell {
  readonly scenario: string;
  readonly revision: string;
  readonly verdict: CheckReport['verdict'];
  /** States explored, summed over the configurations. */
  readonly states: number;
  readonly seconds: number;
  readonly configurations: number;
  /** The worst severity of its findings that are not consequences (null: none). */
  readonly worst: Severity | null;
  /** Root findings worst first (then smallest configuration, then shortest), then the consequences. */
  readonly findings: readonly MatrixFinding[];
  /** Properties that held only vacuously in every configuration. */
  readonly vacuous: readonly string[];
}

export interface Matrix {
  readonly revisions: readonly string[];
  readonly cells: readonly MatrixCell[];
  readonly seconds: number;
  /** Whether each cell covered only its default configuration (--quick). */
  readonly quick: boolean;
  /** Set when the run stopped before every cell was checked: why (as `shouldStop` said). */
  readonly interrupted?: string;
}

export interface MatrixOptions extends CheckOptions {
  /** The defaults only, one configuration a cell. */
  readonly quick?: boolean;
  /** Called as each configuration of a cell is done. */
  readonly onConfiguration?: (scenario: string, revision: string, c: Configuration, index: number, of: number, r: ConfigurationRun) => void;
}

/** A finding of one configuration's run, as a cell keeps it. */
export type RunFinding = Pick<
  CheckedFinding,
  'key' | 'property' | 'kind' | 'text' | 'severity' | 'length' | 'loop' | 'variant' | 'consequenceOf'
>;

/**
 * What a cell keeps of one configuration's run: plain data, so that a worker thread can post it
 * (matrixThreads.ts), where a CheckReport holds functions.
 */
export interface ConfigurationRun {
  readonly verdict: CheckReport['verdict'];
  readonly states: number;
  readonly seconds: number;
  readonly findings: readonly RunFinding[];
  /** Properties that held only vacuously (check.ts vacuousProperties). */
  readonly vacuous: readonly string[];
}

/** What a cell keeps of `r`. */
export function configurationRun(r: CheckReport): ConfigurationRun {
  return {
    verdict: r.verdict,
    states: r.states,
    seconds: r.seconds,
    findings: r.findings.map((f) => ({
      key: f.key,
      property: f.property,
      kind: f.kind,
      text: f.text,
      severity: f.severity,
      length: f.length,
      ...(f.loop !== undefined ? { loop: f.loop } : {}),
      ...(f.variant !== undefined ? { variant: f.variant } : {}),
      ...(f.consequenceOf ? { consequenceOf: f.consequenceOf } : {}),
    })),
    vacuous: vacuousProperties(r),
  };
}

/** Merges the runs of one cell's configurations (given smallest first) into the cell. */
export function mergeCell(
  scenario: string,
  revision: string,
  runs: readonly { config: Configuration; run: ConfigurationRun }[],
): MatrixCell {
  const chosen = new Map<string, { f: RunFinding; config: Configuration }>();
  for (const { config, run } of runs) {
    for (const f of run.findings) {
      const id = `${f.key}|${f.variant ?? ''}`;
      const had = chosen.get(id);
      if (!had || (had.config.rank === config.rank && f.length < had.f.length)) chosen.set(id, { f, config });
    }
  }
  const findings = [...chosen.values()].map(({ f, config }): MatrixFinding & { rank: number } => ({
    property: f.property,
    variant: f.variant ?? null,
    kind: f.kind,
    text: f.text,
    severity: f.severity,
    length: f.length,
    ...(f.loop !== undefined ? { loop: f.loop } : {}),
    sizes: config.sizes,
    needs: config.departures,
    consequenceOf: f.consequenceOf ? { property: f.consequenceOf.property, variant: f.consequenceOf.variant ?? null } : null,
    rank: config.rank,
  }));
  const order = (a: MatrixFinding & { rank: number }, b: MatrixFinding & { rank: number }): number =>
    Number(a.consequenceOf !== null) - Number(b.consequenceOf !== null) ||
    severityRank(a.severity) - severityRank(b.severity) ||
    a.rank - b.rank ||
    a.length - b.length ||
    a.property.localeCompare(b.property);
  findings.sort(order);
  const all = runs.map((r) => r.run);
  const vacuousEverywhere = all.map((r) => new Set(r.vacuous));
  const failed = new Set(findings.map((f) => f.property));
  const vacuous = [...(vacuousEverywhere[0] ?? [])].filter((p) => !failed.has(p) && vacuousEverywhere.every((v) => v.has(p)));
  const roots = findings.filter((f) => f.consequenceOf === null);
  return {
    scenario,
    revision,
    verdict: findings.length ? 'violated' : all.some((r) => r.verdict === 'bounded') ? 'bounded' : 'holds',
    states: all.reduce((k, r) => k + r.states, 0),
    seconds: all.reduce((k, r) => k + r.seconds, 0),
    configurations: runs.length,
    worst: worstSeverity(roots.map((f) => f.severity)) ?? null,
    findings: findings.map(({ rank: _rank, ...f }) => f),
    vacuous,
  };
}

/**
 * The matrix run in slices (see checkScenarioAsync): `options.shouldStop` ends it at a state
 * boundary; the cells checked so far are kept and the cell that was running is left out.
 */
export async function bugMatrixAsync(
  scenarios: readonly Scenario[],
  revisions: readonly string[],
  options: MatrixOptions = {},
  onCell?: (c: MatrixCell) => void,
): Promise<Matrix> {
  const started = performance.now();
  const cells: MatrixCell[] = [];
  const quick = options.quick ?? false;
  for (const s of scenarios) {
    for (const rev of revisions) {
      if (!s.revisions.includes(rev)) continue;
      const configs = cellConfigurations(s, rev, quick);
      const runs: { config: Configuration; run: ConfigurationRun }[] = [];
      // The cell's configurations share what XState answered: they are one scenario at one revision.
      const cellOptions = { ...options, transitions: new TransitionCache() };
      for (const [i, config] of configs.entries()) {
        const r = await checkScenarioAsync(s, rev, { ...config.sizes }, cellOptions);
        if (r.interrupted !== undefined)
          return { revisions, cells, quick, seconds: (performance.now() - started) / 1000, interrupted: r.interrupted };
        const run = configurationRun(r);
        options.onConfiguration?.(s.name, rev, config, i, configs.length, run);
        runs.push({ config, run });
      }
      const cell = mergeCell(s.name, rev, runs);
      cells.push(cell);
      onCell?.(cell);
    }
  }
  return { revisions, cells, quick, seconds: (performance.now() - started) / 1000 };
}

/** Checks every scenario that depends on the revision, in every revision it applies to, over its configurations. */
export function bugMatrix(
  scenarios: readonly Scenario[],
  revisions: readonly string[],
  options: MatrixOptions = {},
  onCell?: (c: MatrixCell) => void,
): Matrix {
  const started = performance.now();
  const cells: MatrixCell[] = [];
  const quick = options.quick ?? false;
  for (const s of scenarios) {
    for (const rev of revisions) {
      if (!s.revisions.includes(rev)) continue;
      const configs = cellConfigurations(s, rev, quick);
      const cellOptions = { ...options, transitions: new TransitionCache() };
      const runs = configs.map((config, i) => {
        const run = configurationRun(checkScenario(s, rev, { ...config.sizes }, cellOptions));
        options.onConfiguration?.(s.name, rev, config, i, configs.length, run);
        return { config, run };
      });
      const cell = mergeCell(s.name, rev, runs);
      cells.push(cell);
      onCell?.(cell);
    }
  }
  return { revisions, cells, quick, seconds: (performance.now() - started) / 1000 };
}

export function cellText(c: MatrixCell | undefined): string {
  if (!c) return '-';
  const configs = c.configurations > 1 ? `${c.configurations} configs, ` : '';
  if (c.verdict === 'holds') return `holds (${configs}${thousands(c.states)})${c.vacuous.length ? ` vacuous ${c.vacuous.join(',')}` : ''}`;
  if (c.verdict === 'bounded') return `bounded (${configs}${thousands(c.states)})`;
  const [first] = c.findings;
  // A liveness failure shows its lasso: steps to the cycle + steps round it (0: it stutters).
  const len =
    first.kind === 'liveness' && first.loop !== undefined ? `lasso ${first.loop}+${first.length - first.loop}` : String(first.length);
  const roots = new Set(c.findings.filter((f) => f.consequenceOf === null).map((f) => f.property));
  roots.delete(first.property);
  const consequences = c.findings.filter((f) => f.consequenceOf !== null).length;
  const needs = first.needs.length ? ` @${first.needs.join(',')}` : '';
  return `${first.severity} ${first.property} (${len})${needs}${roots.size ? ` +${roots.size}` : ''}${consequences ? ` ~${consequences}` : ''}`;
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
      'cells: the worst severity (corruption, oops, hang, warn) and its property with the length of its shortest counterexample (a liveness property: its lasso, steps to the cycle + steps round it), @ the sizes its smallest configuration departs from the defaults in (arch=nonipi: not on bare-metal x86), +N more properties, ~N findings that are consequences of another (after an oops or a hang); or holds with the configurations and states explored and the properties that held only vacuously (their premise never reached)',
    );
  }
  out.push(`${m.cells.length} cells in ${m.seconds.toFixed(1)} s`);
  return out.join('\n');
}
