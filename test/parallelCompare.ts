/**
 * What a run on worker threads is compared by against one on a single thread (test/parallel.test.ts, and
 * bench/parallelSweep.ts over every configuration of every cell): the report with its counterexample
 * traces and ITF, and a count of the rarest lookup the threads make, so that a case chosen to make it
 * can show that it still does.
 */
import { reportJson, type CheckReport } from '../src/check/check.ts';
import { formatFinding } from '../src/check/formatTrace.ts';
import { SlotTable } from '../src/check/slotTable.ts';

/**
 * Everything a run reports except its timings, the bytes its store took (a shared table is sized otherwise), its
 * threads, and the liveness check's bytes: one thread records each state's successors for the check as it explores
 * them where it keeps every edge, the parallel levels do not, and the check works out what was not recorded. Its
 * expansions stay in as a bound: each state worked out once at most.
 */
export function comparable(r: CheckReport): string {
  const skip = new Set(['seconds', 'memoryBytes', 'threads']);
  const report = reportJson(r) as { states: number; liveness?: Record<string, unknown> | null };
  if (report.liveness) {
    delete report.liveness.bytes;
    report.liveness.expansions = (report.liveness.expansions as number) <= report.states;
  }
  const json = JSON.stringify(report, (k, v: unknown) => (skip.has(k) ? undefined : v), 1);
  const traces = r.findings.map((f) => formatFinding(f, f.trace));
  return json + '\n' + traces.join('\n') + '\n' + JSON.stringify(r.findings.map((f) => f.itf()));
}

/** Steps from the first state to state `index` of `table`, by its parents. */
function depthOf(table: SlotTable, index: number): number {
  let d = 0;
  for (let s = index; table.parent(s) >= 0; s = table.parent(s)) d++;
  return d;
}

/**
 * Runs `body`, counting the lookups at a parallel level's end (SlotTable.find, which only the main thread's
 * noting of findings calls) that found a continuing violation's target of an earlier level than the one just
 * written (the table's last state is of that level). Such a target was settled by an earlier parallel level:
 * its slot holds its parent, not its index, so it is found among its parent's children (SlotTable.indexOf).
 */
export async function countEarlierTargets<T>(body: () => Promise<T>): Promise<{ result: T; earlier: number }> {
  const find = SlotTable.prototype.find;
  let earlier = 0;
  SlotTable.prototype.find = function (this: SlotTable, key: Int32Array): number {
    const index = find.call(this, key);
    if (index >= 0 && depthOf(this, index) < depthOf(this, this.count - 1)) earlier++;
    return index;
  };
  try {
    return { result: await body(), earlier };
  } finally {
    SlotTable.prototype.find = find;
  }
}
