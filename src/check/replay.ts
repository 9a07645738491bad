/**
 * Replay as a checker: an ITF trace walked through the machines step by step, every state compared with the
 * machines' (and the calls its #meta says each step made, where it says), and every property re-checked where the
 * trace ends.
 */
import type { EventObject } from 'xstate';
import { canonicalJson } from '../compose/events.ts';
import { InputError } from '../compose/errors.ts';
import { STEP_BLOCKED, STEP_OK } from '../compose/stepLabel.ts';
import type { DeliveryRecord, StepViolation, System } from '../compose/system.ts';
import { describe as describeFinding } from './consequences.ts';
import type { FairnessMode } from './fairness.ts';
import type { Finding } from './finding.ts';
import { HANG_SEVERITY, type Severity } from './severity.ts';
import { judgeLasso, type LassoStep, type Neglected } from './lassoJudge.ts';
import { closeLoop } from './lassoReplay.ts';
import { explore } from './explore.ts';
import { actorVar, eventFromItf, fromItfValue, type ItfState, type ItfTrace } from './itf.ts';
import { callsToItf } from './itfCalls.ts';
import { describeStep } from './trace.ts';
import { thousands } from './thousands.ts';

/**
 * Replay is a checker too: it walks an ITF trace through the machines, step by step, and then
 * re-checks every property on the state the trace ends in, including deadlock and progress, which
 * are about what can follow that state (explored from it). Three parts, each its own function:
 * `walk` (every state must be the one the machines reach), `endFindings` (the properties at the
 * end), and `differences` (what a diverging state has that the machines' does not, field by field).
 * The trace is validated first (validateItf): malformed input is refused, never replayed.
 */

export interface FieldDifference {
  /** `actor.state`, `actor.context.refcnt`, ... */
  readonly field: string;
  readonly machines: unknown;
  readonly trace: unknown;
}

export interface Divergence {
  readonly step: number;
  readonly message: string;
  /** For a state that differs: only the fields that differ, each in full. */
  readonly differences?: readonly FieldDifference[];
}

/** A property that fails where the trace ends (or a step of it that fails one). */
export interface EndFinding {
  readonly property: string;
  readonly kind: string;
  readonly text: string;
  /** Which way the property failed, where it fails in more than one (an invariant's or a violation state's variant). */
  readonly variant?: string;
  /** A per-actor liveness property's actor. */
  readonly actor?: string;
  /** How bad it is, as check reports it (src/check/severity.ts). */
  readonly severity: Severity;
}

export interface ReplayResult {
  /** Steps replayed and matched. */
  readonly matched: number;
  readonly total: number;
  /** Where the machines and the trace part ways, if they do. */
  readonly divergence?: Divergence;
  /** The first violation: a step that fails, or else the first property that fails at the end. */
  readonly violation?: string;
  /** A lasso (ITF `loop`): the state its cycle starts at, which the last state is again. */
  readonly loop?: number;
  /** Every property that fails at the trace's last state (invariants, deadlock, progress), or on its last step. */
  readonly findings: readonly EndFinding[];
  /** Set when what follows the last state was too large to explore: deadlock and progress undecided. */
  readonly undecided?: string;
  /** A lasso whose cycle is no fair behaviour: the fair action it neglects. It then shows no liveness failure. */
  readonly unfair?: Neglected;
}

export interface ReplayOptions {
  /** The fairness a lasso is judged under (the trace's own, as check wrote it; default 'declared'). */
  readonly fairness?: FairnessMode;
}

interface Candidate {
  actor: number;
  offer: number;
  event: EventObject;
  next: Int32Array;
  code: number;
  /** The step's second violation (System.alsoViolated), 0 when none. */
  also: number;
}

/** States explored from the end of a trace to decide deadlock and progress there. */
const END_STATES = 500_000;

/**
 * Replays an ITF trace against the machines: every state must be the one the machines reach. A
 * state's `#meta` may name the step (actor and event, as daxspec writes it); without it, any
 * successor that matches is taken, so traces from other tools replay too.
 */
export function replayItf(system: System, itf: ItfTrace, file = 'the trace', options: ReplayOptions = {}): ReplayResult {
  const walked = walk(system, itf, file);
  if ('divergence' in walked) return { matched: walked.matched, total: walked.total, divergence: walked.divergence, findings: [] };
  if (walked.crash) {
    const findings = [walked.crash, ...walked.along];
    return {
      matched: walked.matched,
      total: walked.total,
      violation: walked.crash.text,
      findings,
      ...(walked.rest ? { divergence: walked.rest } : {}),
    };
  }
  // A lasso shows no bad state: it shows a cycle, which must close, and is a counterexample only where the behaviour
  // it stands for breaks a liveness property and is one the fairness allows.
  if (itf.loop !== undefined && walked.visited) {
    const closed = closeLoop(itf.loop, walked.visited);
    if (closed.divergence) return { ...closed, findings: walked.along };
    const judged = judgeLasso(system, walked.visited, walked.taken, itf.loop, options.fairness ?? 'declared');
    const shown = judged.broken.map((p) => ({
      property: p.id,
      kind: 'liveness',
      text: p.text,
      severity: HANG_SEVERITY,
      ...(p.actor ? { actor: p.actor } : {}),
    }));
    const findings = [...walked.along, ...shown];
    return {
      ...closed,
      findings,
      ...(findings[0] ? { violation: violationText(findings[0]) } : {}),
      ...(judged.unfair ? { unfair: judged.unfair } : {}),
    };
  }
  const end = endFindings(system, walked.end);
  const findings = [...walked.along, ...end.findings];
  const first = findings[0];
  return {
    matched: walked.matched,
    total: walked.total,
    violation: first ? violationText(first) : undefined,
    findings,
    ...(end.undecided ? { undecided: end.undecided } : {}),
  };
}

const violationText = (f: EndFinding): string => (f.kind === 'invariant' ? `${f.property}: ${f.text}` : f.text);

type Walked =
  | { matched: number; total: number; divergence: Divergence }
  | {
      matched: number;
      total: number;
      end: Int32Array;
      along: EndFinding[];
      visited?: Int32Array[];
      taken: LassoStep[];
      crash?: EndFinding;
      rest?: Divergence;
    };

/** Follows the trace through the machines; stops at the first state that is not theirs. */
function walk(system: System, itf: ItfTrace, file: string): Walked {
  const total = itf.states.length - 1;
  unknownVariables(system, itf, file);
  const first = differences(system, system.initial, itf.states[0]);
  if (first.length)
    return { matched: 0, total, divergence: { step: 0, message: `the initial state differs: ${describe(first)}`, differences: first } };
  let cur: Int32Array = system.initial.slice();
  const visited: Int32Array[] = [cur];
  const taken: LassoStep[] = [];
  const along: EndFinding[] = [];
  for (let i = 1; i < itf.states.length; i++) {
    const want = itf.states[i];
    const meta = want['#meta'] ?? {};
    let candidates = successors(system, cur);
    if (meta.actor !== undefined) {
      const actor = system.names.indexOf(meta.actor);
      if (actor < 0)
        return { matched: i - 1, total, divergence: { step: i, message: `#meta.actor: no actor named ${meta.actor} in this system` } };
      const event = meta.event === undefined ? undefined : canonicalJson(eventFromItf(meta.event));
      candidates = candidates.filter((c) => c.actor === actor && (event === undefined || canonicalJson(c.event) === event));
      if (candidates.length === 0) {
        const e = meta.event === undefined ? '' : ` ${eventFromItf(meta.event).type}`;
        return { matched: i - 1, total, divergence: { step: i, message: `${meta.actor} cannot take${e} here` } };
      }
    }
    const matching = candidates.filter((c) => differences(system, c.next, want).length === 0);
    // The state is not all a step shows: what its #meta says was called (the kernel functions a reader follows) is
    // compared too, where the trace gives it. Two steps to the same state may differ there: the one that agrees is taken.
    const told = (c: Candidate): FieldDifference[] => calledDifferences(system, cur, c, meta);
    const hit = matching.find((c) => told(c).length === 0) ?? matching[0];
    if (hit && told(hit).length > 0) {
      const diffs = told(hit);
      return { matched: i - 1, total, divergence: { step: i, message: describe(diffs), differences: diffs } };
    }
    if (!hit) {
      if (!candidates.length) return { matched: i - 1, total, divergence: { step: i, message: 'no step of the machines leads there' } };
      // The closest candidate: the one that differs in the fewest fields.
      const diffs = candidates.map((c) => differences(system, c.next, want)).sort((a, b) => a.length - b.length)[0];
      return { matched: i - 1, total, divergence: { step: i, message: describe(diffs), differences: diffs } };
    }
    if (hit.code !== STEP_OK) {
      const v = system.violation(hit.code);
      const finding = stepFinding(system, v);
      // A step that enters two violation states commits both: the second is a finding of the trace too.
      const w = hit.also > 0 ? system.violation(hit.also) : undefined;
      const second = w ? [stepFinding(system, w)] : [];
      if (!v.continues) {
        const rest = i < total ? { step: i + 1, message: 'the trace goes on past a step that crashes' } : undefined;
        return { matched: i, total, end: cur, along: [...along, ...second], taken, crash: finding, rest };
      }
      if (i === total) along.push(finding, ...second);
    }
    cur = hit.next;
    visited.push(cur);
    taken.push({ actor: hit.actor, offer: hit.offer });
  }
  return { matched: total, total, end: cur, along, visited, taken };
}

/**
 * Every property at the state the trace ends in: invariants there, and deadlock and progress
 * decided by exploring what can follow it (a finding of that exploration at its first state is one
 * of the end state itself).
 */
function endFindings(system: System, end: Int32Array): { findings: EndFinding[]; undecided?: string } {
  const r = explore(system, { from: end, maxStates: END_STATES });
  const findings = r.findings
    .filter((f) => f.state === 0 && f.step === undefined)
    .map((f) => {
      const d = describeFinding(system, f);
      return { property: f.property, kind: f.kind, text: f.text, severity: d.severity, ...(d.variant ? { variant: d.variant } : {}) };
    });
  const undecided = r.complete
    ? undefined
    : `more than ${thousands(END_STATES)} states follow the last state; deadlock and progress there were not decided`;
  return { findings, undecided };
}

/**
 * A variable the trace gives that is no actor of this system is a trace for another system; so is a trace daxspec
 * wrote (every actor a variable) that lacks one of this system's actors: its sizes were others. Another tool's trace
 * may leave variables out, and they are not compared.
 */
function unknownVariables(system: System, itf: ItfTrace, file: string): void {
  if (itf['#meta']?.source === 'daxspec') {
    const missing = system.names.filter((n) => !itf.vars.includes(n));
    if (missing.length > 0)
      throw new InputError('bad-trace', {
        file,
        field: 'vars',
        why: `has no variable for ${missing.join(', ')}, actor${missing.length > 1 ? 's' : ''} of the system at these sizes: the trace is of another system (were its #meta.daxspec.sizes changed?)`,
      });
  }
  itf.states.forEach((s, i) => {
    for (const name of Object.keys(s)) {
      if (name !== '#meta' && !system.names.includes(name)) {
        throw new InputError('bad-trace', {
          file,
          step: i,
          field: name,
          why: `no actor of this system is named so (its actors: ${system.names.join(', ')})`,
        });
      }
    }
  });
}

/**
 * Where a step's `#meta.fn` and `#meta.calls` (as daxspec writes them: itf.ts) are not what the machines call when they
 * take candidate `c` from `cur`. A trace without them (another tool's) is compared on its states alone.
 */
function calledDifferences(system: System, cur: Int32Array, c: Candidate, meta: ItfState['#meta']): FieldDifference[] {
  if (meta.calls === undefined && meta.fn === undefined) return [];
  const record: DeliveryRecord[] = [];
  const next = cur.slice();
  system.step(next, c.actor, c.offer, record);
  const calls = describeStep(system, 0, cur, next, record).calls;
  const out: FieldDifference[] = [];
  if (meta.fn !== undefined && meta.fn !== calls[0].fn) out.push({ field: '#meta.fn', machines: calls[0].fn, trace: meta.fn });
  if (meta.calls !== undefined) diff('#meta.calls', callsToItf(calls), meta.calls, out);
  return out;
}

/** A step's violation as a finding of the trace, with its variant and severity. */
function stepFinding(system: System, v: StepViolation): EndFinding {
  const d = describeFinding(system, { kind: v.kind, key: v.key } as Finding);
  return { property: v.property, kind: v.kind, text: v.text, severity: d.severity, ...(d.variant ? { variant: d.variant } : {}) };
}

function successors(system: System, cur: Int32Array): Candidate[] {
  const list: Candidate[] = [];
  for (let a = 0; a < system.width; a++) {
    const offers = system.actors[a].offers(cur[a]);
    for (let o = 0; o < offers.length; o++) {
      const next = cur.slice();
      const code = system.step(next, a, o);
      if (code === STEP_BLOCKED) continue;
      list.push({ actor: a, offer: o, event: system.events.get(offers[o].event), next, code, also: system.alsoViolated });
    }
  }
  return list;
}

/** The fields in which `vec` is not the ITF state `want`. Variables the trace omits are not compared. */
export function differences(system: System, vec: Int32Array, want: Record<string, unknown>): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const [name, value] of Object.entries(want)) {
    if (name === '#meta') continue;
    const a = system.names.indexOf(name);
    if (a < 0) continue;
    diff(name, fromItfValue(actorVar(system, a, vec[a])), fromItfValue(value), out);
  }
  return out;
}

function diff(field: string, have: unknown, want: unknown, out: FieldDifference[]): void {
  if (canonicalJson(have) === canonicalJson(want)) return;
  const rec = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (rec(have) && rec(want)) {
    for (const k of [...new Set([...Object.keys(have), ...Object.keys(want)])].sort()) diff(`${field}.${k}`, have[k], want[k], out);
    return;
  }
  if (Array.isArray(have) && Array.isArray(want) && have.length === want.length) {
    have.forEach((x, i) => diff(`${field}[${i}]`, x, want[i], out));
    return;
  }
  out.push({ field, machines: have, trace: want });
}

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

/** Each differing field in full: `ref.context.refcnt is 2 in the machines but 7 in the trace`. */
export function describe(diffs: readonly FieldDifference[]): string {
  return diffs.map((d) => `${d.field} is ${show(d.machines)} in the machines but ${show(d.trace)} in the trace`).join('; ');
}
