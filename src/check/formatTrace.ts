import type { StateValue } from 'xstate';
import { formatEvent } from '../compose/events.ts';
import type { Finding } from './explore.ts';
import { formatLasso } from './formatLasso.ts';
import type { Obligation } from './liveness.ts';
import type { Trace, TraceStep } from './trace.ts';

export function formatValue(v: StateValue): string {
  if (typeof v === 'string') return v;
  const entries = Object.entries(v);
  if (entries.length === 1) return `${entries[0][0]}.${formatValue(entries[0][1] as StateValue)}`;
  return `{${entries.map(([k, c]) => `${k}: ${formatValue(c as StateValue)}`).join(', ')}}`;
}

const show = (x: unknown): string => (x === undefined ? '-' : JSON.stringify(x));

/**
 * One step as a kernel reader expects it: the actor and the kernel function it
 * ran, every call that followed within the step, and what changed.
 */
export function formatStep(step: TraceStep): string[] {
  const [first, ...rest] = step.calls;
  const lines = [
    `${String(step.index).padStart(3)}. ${step.actor}: ${formatEvent(step.event)}${first.fn ? `  [${first.fn}]` : ''}${first.description ? ` ${first.description}` : ''}`,
  ];
  for (const c of rest) {
    const fate = { taken: '', blocked: '  (blocks)', unaccepted: '  (not accepted in this state)', null: '  (NULL pointer dereference)' }[
      c.fate
    ];
    lines.push(`       ${c.from ?? '?'} -> ${c.actor}: ${formatEvent(c.event)}${c.fn ? `  [${c.fn}]` : ''}${fate}`);
  }
  for (const ch of step.changes) {
    const state =
      ch.before === ch.after || JSON.stringify(ch.before) === JSON.stringify(ch.after)
        ? formatValue(ch.after)
        : `${formatValue(ch.before)} -> ${formatValue(ch.after)}`;
    const ctx = ch.context.map(([k, a, b]) => `${k} ${show(a)} -> ${show(b)}`).join(', ');
    lines.push(`         ${ch.actor}: ${state}${ctx ? `; ${ctx}` : ''}`);
  }
  return lines;
}

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
