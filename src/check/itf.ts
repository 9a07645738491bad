import type { EventObject } from 'xstate';
import type { System } from '../compose/system.ts';
import { callsToItf } from './itfCalls.ts';
import type { Trace } from './trace.ts';

/**
 * The Informal Trace Format (Apalache ADR-015), the JSON trace format of Apalache
 * and Quint: `#meta`, `vars`, `states`; integers as `{"#bigint": "n"}`. Each
 * actor is one variable, a record of its state value and context.
 */
export interface ItfTrace {
  '#meta': ItfMeta;
  vars: string[];
  states: ItfState[];
  loop?: number;
}

export interface ItfMeta {
  format: 'ITF';
  'format-description': string;
  source: string;
  description: string;
  /** What to rebuild the system from when replaying. */
  daxspec?: TraceOrigin;
  [k: string]: unknown;
}

export interface TraceOrigin {
  scenario: string;
  revision?: string;
  sizes: Record<string, number>;
  property?: string;
  text?: string;
}

export type ItfState = { '#meta': { index: number; actor?: string; event?: unknown; fn?: string; violation?: string; calls?: unknown[] } } & Record<string, unknown>;

export function toItfValue(v: unknown): unknown {
  if (v === null || v === undefined) return { '#unserializable': 'null' };
  if (typeof v === 'number') return Number.isInteger(v) ? { '#bigint': String(v) } : { '#unserializable': String(v) };
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(toItfValue);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toItfValue(x)]));
  return { '#unserializable': String(v) };
}

export function fromItfValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromItfValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('#bigint' in o) return Number(o['#bigint']);
    if ('#unserializable' in o) return o['#unserializable'] === 'null' ? null : Number(o['#unserializable']);
    if ('#tup' in o) return (o['#tup'] as unknown[]).map(fromItfValue);
    if ('#set' in o) return (o['#set'] as unknown[]).map(fromItfValue);
    if ('#map' in o) return Object.fromEntries((o['#map'] as [unknown, unknown][]).map(([k, x]) => [String(fromItfValue(k)), fromItfValue(x)]));
    return Object.fromEntries(Object.entries(o).filter(([k]) => k !== '#meta').map(([k, x]) => [k, fromItfValue(x)]));
  }
  return v;
}

/** The ITF variable for one actor state: its state value and its context. */
export function actorVar(system: System, actor: number, snapshotId: number): unknown {
  const view = system.actors[actor].view(snapshotId);
  return toItfValue({ state: view.value, context: view.context ?? {} });
}

export function traceToItf(system: System, trace: Trace, origin: TraceOrigin, violation?: string): ItfTrace {
  const states = trace.states.map((vec, i) => {
    const step = i > 0 ? trace.steps[i - 1] : undefined;
    const meta: ItfState['#meta'] = { index: i };
    if (step) {
      meta.actor = step.actor;
      meta.event = toItfValue(step.event);
      if (step.calls[0].fn) meta.fn = step.calls[0].fn;
      meta.calls = callsToItf(step.calls);
    }
    if (violation && i === trace.states.length - 1) meta.violation = violation;
    const s: ItfState = { '#meta': meta };
    system.names.forEach((name, a) => (s[name] = actorVar(system, a, vec[a])));
    return s;
  });
  return {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: 'daxspec',
      description: origin.text ? `${origin.property}: ${origin.text}` : `trace of ${origin.scenario}`,
      daxspec: origin,
    },
    vars: [...system.names],
    states,
  };
}

export function eventFromItf(v: unknown): EventObject {
  return fromItfValue(v) as EventObject;
}
