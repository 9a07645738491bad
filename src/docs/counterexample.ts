/**
 * A counterexample written as the kernel would tell it: numbered steps, each the actor and the kernel
 * function it ran, the calls made within the step and what changed, ending in what went wrong.
 */
import { formatValue } from '../check/formatTrace.ts';
import type { CallRecord, TraceStep } from '../check/trace.ts';
import { formatEvent } from '../compose/events.ts';
import { code, text } from './markdown.ts';
import type { DocFinding } from './results.ts';

/** How a call within a step ended, when not simply taken: the last two end the kernel's story. */
const FATE: Readonly<Record<CallRecord['fate'], string>> = {
  taken: '',
  blocked: ' (blocks)',
  unaccepted: ' (**not accepted in this state**)',
  null: ' (**NULL pointer dereference**)',
};

const show = (x: unknown): string => (x === undefined ? '-' : JSON.stringify(x));

/**
 * One step as a numbered item: the actor and the kernel function it ran first,
 * then every call made within the same atomic step, then what changed. The
 * kernel function leads because that is what a kernel reader looks for.
 */
function stepItem(step: TraceStep): string[] {
  const [first, ...rest] = step.calls;
  const fn = first.fn ? `**${text(first.fn)}**` : code(formatEvent(step.event));
  const ev = first.fn ? ` (${code(formatEvent(step.event))})` : '';
  const lines = [`${step.index}. ${code(step.actor)}: ${fn}${ev}${first.description ? ` — ${text(first.description)}` : ''}`];
  for (const c of rest) {
    const fate = FATE[c.fate];
    const what = c.fn ? `**${text(c.fn)}**` : code(formatEvent(c.event));
    lines.push(
      `   - ${code(c.from ?? '?')} → ${code(c.actor)}: ${what}${c.fn ? ` (${code(formatEvent(c.event))})` : ''}${fate}${c.description ? ` — ${text(c.description)}` : ''}`,
    );
  }
  const changes = step.changes.map((ch) => {
    const same = JSON.stringify(ch.before) === JSON.stringify(ch.after);
    const state = same ? formatValue(ch.after) : `${formatValue(ch.before)} → ${formatValue(ch.after)}`;
    const ctx = ch.context.map(([k, a, b]) => `${k} ${show(a)} → ${show(b)}`).join(', ');
    return `${code(ch.actor)} ${text(state)}${ctx ? ` (${text(ctx)})` : ''}`;
  });
  if (changes.length) lines.push(`   - now: ${changes.join('; ')}`);
  return lines;
}

/** What the last state or step of the counterexample is, in words. */
export function outcome(f: DocFinding): string {
  switch (f.kind) {
    case 'deadlock':
      return `no step is possible from here: ${text(f.text)}`;
    case 'progress':
      return `from here ${code(f.actor ?? '?')} can never stop waiting, whatever the others do: ${text(f.text)}`;
    case 'invariant':
      return `${f.property} fails in this state: ${text(f.text)}`;
    case 'liveness':
      return f.loop === f.length
        ? `the system may stay in this state for ever (no fair step it must take is enabled), and it never happens: ${text(f.text)}`
        : `the cycle from step ${(f.loop ?? 0) + 1} repeats for ever under the declared fairness, and it never happens: ${text(f.text)}`;
    default:
      return text(f.text);
  }
}

/** The counterexample as a numbered kernel call sequence, ending in what went wrong. */
export function counterexample(f: DocFinding): string {
  // A lasso: the cycle is marked where it begins.
  const lines = f.steps.flatMap((s) =>
    f.loop !== undefined && s.index === f.loop + 1 ? ['', '*Cycle, repeated for ever:*', '', ...stepItem(s)] : stepItem(s),
  );
  lines.push('', `Result after ${f.length} step${f.length === 1 ? '' : 's'}: ${outcome(f)}`);
  return lines.join('\n');
}
