/**
 * Traces in the Informal Trace Format (the JSON of Apalache and Quint): writing a trace out, reading one back
 * for replay, and validating untrusted input before it is replayed.
 */
import type { EventObject } from 'xstate';
import type { System } from '../compose/system.ts';
import { InputError } from '../compose/errors.ts';
import { callsToItf } from './itfCalls.ts';
import { fromItfValue, toItfValue } from './itfValue.ts';
import type { FairnessMode } from './fairness.ts';
import type { Trace } from './trace.ts';

export { fromItfValue, toItfValue };

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
  /** How bad the finding is (src/check/severity.ts), which way of failing its property, and what it follows from. */
  severity?: string;
  /** As `check --json` gives them: null where the property fails one way only, or the finding is a root cause. */
  variant?: string | null;
  /** A per-actor liveness property's actor, and the fairness its lasso was found under. */
  actor?: string;
  fairness?: FairnessMode;
  /** As `check --json` words it: the finding this one follows from, and which way that one failed. */
  consequenceOf?: { property: string; variant: string | null } | null;
}

export type ItfState = {
  '#meta': { index: number; actor?: string; event?: unknown; fn?: string; violation?: string; calls?: unknown[] };
} & Record<string, unknown>;

/** The ITF variable for one actor state: its state value and its context. */
export function actorVar(system: System, actor: number, snapshotId: number): unknown {
  const view = system.actors[actor].view(snapshotId);
  return toItfValue({ state: view.value, context: view.context ?? {} });
}

/**
 * `loop`, for a lasso: the index of the state where its cycle starts. The last state is that
 * state again (the cycle closes); when the loop is the last index the system stutters there.
 */
export function traceToItf(system: System, trace: Trace, origin: TraceOrigin, violation?: string, loop?: number): ItfTrace {
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
    ...(loop !== undefined ? { loop } : {}),
  };
}

export function eventFromItf(v: unknown): EventObject {
  return fromItfValue(v) as EventObject;
}

/** How deep an ITF value may nest: machines' contexts are shallow; a deeper value is not ours. */
const MAX_DEPTH = 32;

/**
 * Checks that `x` has the shape of an ITF trace before anything reads it: a trace from disk is
 * input, and a malformed one is refused naming the step (the index in `states`) and the field,
 * never met later as a crash. Variables are checked as ITF values (bounded depth, well-formed
 * `#bigint`, `#tup`, `#set`, `#map`); each state must name every variable `vars` lists.
 */
export function validateItf(x: unknown, file: string): ItfTrace {
  const bad = (field: string, why: string, step?: number): never => {
    throw new InputError('bad-trace', { file, step, field, why }, `${file}: ${step !== undefined ? `step ${step}: ` : ''}${field}: ${why}`);
  };
  if (!isRecord(x)) return bad('the file', 'is not an ITF trace (a JSON object with states)');
  if (x['#meta'] !== undefined && !isRecord(x['#meta'])) bad('#meta', 'is not an object');
  const vars = x.vars ?? [];
  if (!Array.isArray(vars) || !vars.every((v) => typeof v === 'string')) return bad('vars', 'is not a list of variable names');
  const states = x.states;
  if (!Array.isArray(states)) return bad('states', 'is not a list of states');
  if (states.length === 0) return bad('states', 'is empty: a trace has at least its initial state');
  if (x.loop !== undefined && !(Number.isInteger(x.loop) && (x.loop as number) >= 0 && (x.loop as number) < states.length)) {
    bad('loop', `is not the index of a state (0..${states.length - 1})`);
  }
  states.forEach((s: unknown, i: number) => {
    if (!isRecord(s)) return bad(`states[${i}]`, 'is not an object', i);
    const meta = s['#meta'];
    if (meta !== undefined) {
      if (!isRecord(meta)) return bad('#meta', 'is not an object', i);
      if (meta.actor !== undefined && typeof meta.actor !== 'string') bad('#meta.actor', 'is not an actor name (a string)', i);
      if (meta.event !== undefined) {
        checkValue(meta.event, '#meta.event', i, bad);
        const e = fromItfValue(meta.event);
        if (!isRecord(e) || typeof e.type !== 'string') bad('#meta.event', 'is not an event (a record with a string type)', i);
      }
    }
    for (const v of vars as string[]) if (!(v in s)) bad(v, 'is missing: vars lists it and every state must give it', i);
    for (const [k, v] of Object.entries(s)) if (k !== '#meta') checkValue(v, k, i, bad);
    if (i > 0 && !(isRecord(meta) && typeof meta.actor === 'string') && Object.keys(s).every((k) => k === '#meta')) {
      bad(`states[${i}]`, 'names no variable and no #meta.actor: nothing to replay it against', i);
    }
  });
  return x as unknown as ItfTrace;
}

function checkValue(v: unknown, field: string, step: number, bad: (field: string, why: string, step?: number) => never, depth = 0): void {
  if (depth > MAX_DEPTH) bad(field, `nests deeper than ${MAX_DEPTH} levels`, step);
  if (v === null) return bad(field, 'is null (ITF has no null; daxspec writes {"#unserializable": "null"})', step);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) bad(field, `is ${v}: not an integer ITF can hold as a plain number`, step);
    return;
  }
  if (typeof v === 'string' || typeof v === 'boolean') return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkValue(x, `${field}[${i}]`, step, bad, depth + 1));
    return;
  }
  if (!isRecord(v)) return bad(field, 'is not an ITF value', step);
  if ('#bigint' in v) {
    if (typeof v['#bigint'] !== 'string' || !/^-?\d{1,15}$/.test(v['#bigint']))
      bad(`${field}.#bigint`, 'is not an integer in decimal (at most 15 digits)', step);
    return;
  }
  if ('#unserializable' in v) {
    if (typeof v['#unserializable'] !== 'string') bad(`${field}.#unserializable`, 'is not a string', step);
    return;
  }
  for (const tag of ['#tup', '#set'] as const) {
    if (tag in v) {
      if (!Array.isArray(v[tag])) bad(`${field}.${tag}`, 'is not a list', step);
      (v[tag] as unknown[]).forEach((x, i) => checkValue(x, `${field}.${tag}[${i}]`, step, bad, depth + 1));
      return;
    }
  }
  if ('#map' in v) {
    const m = v['#map'];
    if (!Array.isArray(m) || !m.every((p) => Array.isArray(p) && p.length === 2))
      bad(`${field}.#map`, 'is not a list of [key, value] pairs', step);
    (m as unknown[][]).forEach(([k, x], i) => {
      checkValue(k, `${field}.#map[${i}][0]`, step, bad, depth + 1);
      checkValue(x, `${field}.#map[${i}][1]`, step, bad, depth + 1);
    });
    return;
  }
  for (const [k, x] of Object.entries(v)) checkValue(x, `${field}.${k}`, step, bad, depth + 1);
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
