import { ANY_REVISION } from './catalog.ts';
import { code, table } from './markdown.ts';
import type { Run } from './results.ts';

/**
 * Runs as a table with a row per scenario and a column per revision, the shape of
 * the bug matrix; revision-independent scenarios get one `(any)` column of their
 * own. A scenario that does not exist in a revision shows `n/a`.
 */
export function runTable(
  runs: readonly Run[],
  revisions: readonly string[],
  cellOf: (r: Run) => string,
  label: (revision: string) => string = (r) => r,
): string {
  const scenarios = [...new Set(runs.map((r) => r.scenario))];
  const anyCol = runs.some((r) => r.revision === ANY_REVISION);
  const cols = [...revisions.filter((rev) => runs.some((r) => r.revision === rev)), ...(anyCol ? [ANY_REVISION] : [])];
  const rows = scenarios.map((s) => [
    code(s),
    ...cols.map((rev) => {
      const r = runs.find((x) => x.scenario === s && x.revision === rev);
      return r ? cellOf(r) : 'n/a';
    }),
  ]);
  return table(['scenario', ...cols.map((c) => (c === ANY_REVISION ? '(any)' : label(c)))], rows);
}
