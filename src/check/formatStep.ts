/**
 * One step of a trace, and a state value, as text a kernel reader expects. Both the plain
 * counterexample (formatTrace.ts) and the lasso (formatLasso.ts) print their steps with these.
 */
import type { StateValue } from 'xstate';
import { formatEvent } from '../compose/events.ts';
import type { TraceStep } from './trace.ts';

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
