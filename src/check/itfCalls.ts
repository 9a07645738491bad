/**
 * The calls within one step as ITF state metadata (`#meta.calls`).
 */
import type { EventObject } from 'xstate';
import { fromItfValue, toItfValue } from './itfValue.ts';
import type { CallRecord } from './trace.ts';

/**
 * The calls within one step as ITF state metadata (`#meta.calls`): who called whom with which event,
 * the kernel function, the fate and the transitions the callee took, in the order they happened. An
 * opened .itf.json then tells as much as the checker's own trace: the call on NULL inside a step, or
 * the eventless transitions after a reply. Kept apart from itf.ts, which only carries it.
 */
export function callsToItf(calls: readonly CallRecord[]): unknown[] {
  return calls.map((c) => {
    const o: Record<string, unknown> = { actor: c.actor, event: toItfValue(c.event), fate: c.fate };
    if (c.from !== undefined) o.from = c.from;
    if (c.fn) o.fn = c.fn;
    if (c.src) o.src = c.src;
    if (c.description) o.description = c.description;
    if (c.transitions) o.transitions = [...c.transitions];
    return o;
  });
}

const FATES = new Set(['taken', 'blocked', 'unaccepted', 'null']);

/** The calls of a step back from `#meta.calls`; undefined when the state has none or they are malformed. */
export function callsFromItf(v: unknown): CallRecord[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: CallRecord[] = [];
  for (const x of v) {
    if (!x || typeof x !== 'object') return undefined;
    const o = x as Record<string, unknown>;
    const event = fromItfValue(o.event) as EventObject | undefined;
    if (typeof o.actor !== 'string' || !event || typeof event.type !== 'string' || typeof o.fate !== 'string' || !FATES.has(o.fate))
      return undefined;
    const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    const transitions = Array.isArray(o.transitions) ? o.transitions.filter((t): t is string => typeof t === 'string') : undefined;
    out.push({
      actor: o.actor,
      from: str('from'),
      event,
      fn: str('fn'),
      src: str('src'),
      description: str('description'),
      fate: o.fate as CallRecord['fate'],
      transitions,
    });
  }
  return out;
}
