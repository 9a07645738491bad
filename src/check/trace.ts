/**
 * Counterexample traces: the path of stored states to a finding rebuilt from the store (through the symmetry
 * reduction when there is one) and replayed with delivery records, so each step says who called whom, which
 * kernel function ran and what changed.
 */
import type { EventObject, StateValue } from 'xstate';
import { canonicalJson } from '../compose/events.ts';
import { STEP_BLOCKED, decodeStep, stepActor, stepLabel, stepOffer } from '../compose/stepLabel.ts';
import type { DeliveryRecord, StepViolation, System } from '../compose/system.ts';
import type { Finding } from './finding.ts';
import type { StateStore } from './stateStore.ts';
import { notInterchangeable, type Symmetry } from './symmetry.ts';

/** One delivery within a step: who called whom with what, and the kernel function that ran. */
export interface CallRecord {
  readonly actor: string;
  readonly from?: string;
  readonly event: EventObject;
  readonly fn?: string;
  readonly src?: string;
  readonly description?: string;
  /** `null`: the call was made on a NULL pointer (the actor is then the role the caller named). */
  readonly fate: 'taken' | 'blocked' | 'unaccepted' | 'null';
  /** The transitions the callee took for it, in order (eventless ones after the event's): `transitionId`s. */
  readonly transitions?: readonly string[];
}

/** What a step changed in one actor. */
export interface Change {
  readonly actor: string;
  readonly before: StateValue;
  readonly after: StateValue;
  /** Context fields that changed: [key, before, after]. */
  readonly context: readonly (readonly [string, unknown, unknown])[];
}

export interface TraceStep {
  /** 1-based, as the text shows it. */
  readonly index: number;
  readonly actor: string;
  readonly event: EventObject;
  readonly calls: readonly CallRecord[];
  readonly changes: readonly Change[];
}

/** A path from the initial state: the states visited and the steps between them. */
export interface Trace {
  readonly states: readonly Int32Array[];
  readonly steps: readonly TraceStep[];
  /**
   * Under symmetry, a step violation's actor and text as the real trace commits it: the stored path is of
   * representatives, whose failing step may be another actor of the same symmetric group.
   */
  readonly failure?: { readonly actor: string; readonly text: string };
}

/** The path of stored states from the initial state to `index`. */
export function pathTo(store: StateStore, index: number): number[] {
  const path: number[] = [];
  for (let s = index; s >= 0; s = store.parent(s)) path.push(s);
  return path.reverse();
}

/**
 * Rebuilds a finding's counterexample by replaying its labels through the memoized
 * step relation. Under symmetry the stored path runs through orbit representatives,
 * so the real path is found again step by step: from each real state, the step whose
 * successor has the stored representative.
 */
export function traceOf(system: System, store: StateStore, finding: Finding, symmetry?: Symmetry): Trace {
  const path = pathTo(store, finding.state);
  const labels = path.slice(1).map((s) => store.label(s));
  if (!symmetry) {
    if (finding.step !== undefined) labels.push(finding.step);
    return replayLabels(system, labels);
  }
  const real: number[] = [];
  let cur: Int32Array = system.initial.slice();
  const want = new Int32Array(system.width);
  const stepFrom = (from: Int32Array, label: number): [Int32Array, number] => {
    const next = from.slice();
    return [next, system.step(next, stepActor(label), stepOffer(label))];
  };
  const labelsOf = (vec: Int32Array): number[] => system.actors.flatMap((t, a) => t.offers(vec[a]).map((_d, o) => stepLabel(a, o)));
  /**
   * The finding's own violation, when step `label` from `from` commits it (as its main or its also-violation):
   * matched by key, as a violation's id names one actor of the group (system.ts register).
   */
  const failureOf = (from: Int32Array, label: number): StepViolation | undefined =>
    violationWithKey(system, stepFrom(from, label)[1], finding.key);
  let failure: StepViolation | undefined;
  // The stored (canonical) path is rebuilt from labels, so no stored vector is needed.
  let canon: Int32Array = system.initial.slice();
  symmetry.canonicalize(canon);
  for (const s of path.slice(1)) {
    const [c] = stepFrom(canon, store.label(s));
    symmetry.canonicalize(c);
    canon = c;
    want.set(canon);
    const hit = labelsOf(cur).find((l) => {
      const [next, code] = stepFrom(cur, l);
      if (code === STEP_BLOCKED) return false;
      symmetry.canonicalize(next);
      return next.every((v, i) => v === want[i]);
    });
    if (hit === undefined) throw notInterchangeable();
    real.push(hit);
    // A continuing violation's finding ends at its target: the last step is the one that committed it.
    failure = failureOf(cur, hit);
    cur = stepFrom(cur, hit)[0];
  }
  if (finding.step !== undefined) {
    const hit = labelsOf(cur).find((l) => failureOf(cur, l) !== undefined);
    if (hit === undefined) throw notInterchangeable();
    real.push(hit);
    failure = failureOf(cur, hit);
  }
  const trace = replayLabels(system, real);
  return failure && finding.kind !== 'invariant' ? { ...trace, failure: { actor: failure.actor, text: failure.text } } : trace;
}

/** Replays step labels (compose/stepLabel.ts) from the initial state, recording every delivery. */
export function replayLabels(system: System, labels: readonly number[]): Trace {
  const states: Int32Array[] = [system.initial.slice()];
  const steps: TraceStep[] = [];
  let cur: Int32Array = system.initial.slice();
  labels.forEach((label, i) => {
    const { actor, offer } = decodeStep(label);
    const next = cur.slice();
    const record: DeliveryRecord[] = [];
    const r = system.step(next, actor, offer, record);
    if (r === STEP_BLOCKED) throw new Error(`internal: step ${i + 1} of a stored trace is blocked on replay`);
    steps.push(describeStep(system, i + 1, cur, next, record));
    states.push(next);
    cur = next;
  });
  return { states, steps };
}

export function describeStep(
  system: System,
  index: number,
  before: Int32Array,
  after: Int32Array,
  record: readonly DeliveryRecord[],
): TraceStep {
  const calls: CallRecord[] = record.map((r): CallRecord => {
    const from = r.from === undefined ? undefined : system.names[r.from];
    if (!r.delivery) {
      return { actor: `NULL ${r.role ?? 'pointer'}`, from, event: stripSender(system.events.get(r.nullEvent!)), fate: 'null' };
    }
    const t = r.delivery.taken[0];
    return {
      actor: system.names[r.actor],
      from,
      event: stripSender(system.events.get(r.delivery.event)),
      fn: t?.fn,
      src: t?.src,
      description: t?.description,
      fate: r.delivery.fate,
      transitions: r.delivery.taken.map((x) => x.id),
    };
  });
  const changes: Change[] = [];
  for (let a = 0; a < system.width; a++) {
    if (before[a] === after[a]) continue;
    const b = system.actors[a].view(before[a]);
    const n = system.actors[a].view(after[a]);
    changes.push({ actor: system.names[a], before: b.value, after: n.value, context: contextDiff(b.context, n.context) });
  }
  return { index, actor: calls[0].actor, event: calls[0].event, calls, changes };
}

function stripSender(e: EventObject): EventObject {
  const { from: _from, ...rest } = e as EventObject & { from?: string };
  return rest as EventObject;
}

function contextDiff(a: unknown, b: unknown): [string, unknown, unknown][] {
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return canonicalJson(a) === canonicalJson(b) ? [] : [['', a, b]];
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
  return keys.filter((k) => canonicalJson(x[k]) !== canonicalJson(y[k])).map((k) => [k, x[k], y[k]]);
}

/** The violation with key `key` that the step just taken (its code `code`) commits, as its main or its also-violation. */
export function violationWithKey(system: System, code: number, key: string): StepViolation | undefined {
  // A step that failed nothing (or did not happen) commits nothing, whatever an earlier step left in alsoViolated.
  if (code <= 0) return undefined;
  for (const c of [code, system.alsoViolated]) if (c > 0 && system.violation(c).key === key) return system.violation(c);
  return undefined;
}
