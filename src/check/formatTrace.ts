/**
 * A finding and its counterexample as the text the CLI prints: heading, shortest length, each step, and what
 * the property says of the last state.
 */
import type { Finding } from './finding.ts';
import { formatLasso } from './formatLasso.ts';
import { formatStep, formatValue } from './formatStep.ts';
import type { Obligation } from './liveness.ts';
import type { Trace } from './trace.ts';

export { formatStep, formatValue };

export function formatFinding(
  f: Finding & { loop?: number; obligations?: readonly Obligation[]; unassumed?: readonly string[] },
  trace: Trace,
): string {
  const head = `${f.property}: ${f.text}`;
  if (f.kind === 'liveness' && f.loop !== undefined) return formatLasso(head, trace, f.loop, f.obligations ?? [], f.unassumed ?? []);
  const lines = [head, `  shortest counterexample: ${f.length} step${f.length === 1 ? '' : 's'}`];
  for (const step of trace.steps) lines.push(...formatStep(step));
  if (f.kind === 'deadlock') lines.push('       (no step is possible from here)');
  if (f.kind === 'progress') lines.push(`       (from here ${f.actor} can never stop waiting, whatever the others do)`);
  if (f.kind === 'invariant') lines.push(`       (${f.property} fails in this state)`);
  return lines.join('\n');
}
