/**
 * A finding and its counterexample as the text the CLI prints: heading, shortest length, each step, and what
 * the property says of the last state.
 */
import type { Classified } from './consequences.ts';
import type { Finding } from './finding.ts';
import type { Severity } from './severity.ts';
import { formatLasso } from './formatLasso.ts';
import { formatStep, formatValue } from './formatStep.ts';
import type { Obligation } from './liveness.ts';
import type { Trace } from './trace.ts';

export { formatStep, formatValue };

export function formatFinding(
  f: Finding & { loop?: number; obligations?: readonly Obligation[]; unassumed?: readonly string[] } & Partial<Classified>,
  trace: Trace,
): string {
  const head = `${f.property}: ${f.text}${classification(f)}`;
  if (f.kind === 'liveness' && f.loop !== undefined) return formatLasso(head, trace, f.loop, f.obligations ?? [], f.unassumed ?? []);
  const lines = [head, `  shortest counterexample: ${f.length} step${f.length === 1 ? '' : 's'}`];
  for (const step of trace.steps) lines.push(...formatStep(step));
  if (f.kind === 'deadlock') lines.push('       (no step is possible from here)');
  if (f.kind === 'progress') lines.push(`       (from here ${f.actor} can never stop waiting, whatever the others do)`);
  if (f.kind === 'invariant') lines.push(`       (${f.property} fails in this state)`);
  return lines.join('\n');
}

/** What the kernel suffers (the severity, its variant) and the finding this one follows from, as the header's second line. */
export function classification(f: Partial<Classified>): string {
  if (f.severity === undefined) return '';
  const of = f.consequenceOf;
  const cause = of ? `; a consequence of ${of.property}${of.variant ? ` (${of.variant})` : ''}, not a bug of its own` : '';
  return `\n  severity: ${SEVERITY_WORDS[f.severity]}${f.variant ? ` (${f.variant})` : ''}${cause}`;
}

const SEVERITY_WORDS: Record<Severity, string> = {
  corruption: 'corruption (memory or storage silently overwritten)',
  oops: 'oops (the kernel faults: the task dies, and the machine may panic)',
  hang: 'hang (a task never finishes)',
  warn: 'WARN (the kernel prints a warning and goes on)',
};
