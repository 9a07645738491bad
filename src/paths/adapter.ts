/**
 * The seam between generated paths and an implementation: what a step's outcome is in terms both sides
 * can say, what an implementation reports of its state, and the spec's side of each comparison.
 */
import type { EventObject } from 'xstate';
import { canonicalJson, formatEvent } from '../compose/events.ts';
import { STEP_BLOCKED, STEP_OK } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import type { ExpectedStep } from './expectedSteps.ts';
import type { Divergence } from './replayExpected.ts';
import { offerOf } from './replayExpected.ts';

/** How a step ended, in terms both the spec and an implementation can say. */
export type Outcome = 'ok' | 'warn' | 'oops' | 'sleeps';

export interface ImplStep {
  readonly outcome: Outcome;
  /** What the implementation said: the oops, the WARN, why it sleeps, or why it cannot take the step. */
  readonly detail?: string;
  /** The implementation is not at this step: it expected one of these next. */
  readonly expected?: readonly string[];
}

/** What an implementation reports of its state, actor by actor, in the adapter's own terms. */
export type Observation = Readonly<Record<string, unknown>>;

/**
 * Model-based testing: drives an implementation with the steps of generated paths. For each step
 * the runner calls the implementation, then compares what it reports with the spec's state put in
 * the same terms by `abstract`.
 */
export interface ImplementationAdapter {
  readonly name: string;
  /** Undefined when the adapter can drive this system, else why not (an actor it does not implement). */
  unsupported(system: System): string | undefined;
  /** A fresh implementation set up as the system's initial state. */
  reset(system: System): void;
  /** Runs one environment event of one actor in the implementation. */
  step(actor: string, event: EventObject): ImplStep;
  /** The implementation's state, by actor name. */
  observe(): Observation;
  /** The spec's state in the same terms, by actor name (only the actors the adapter compares). */
  abstract(system: System, state: Int32Array): Observation;
  /**
   * Brings the implementation in line with the spec's state after a known divergence, so the rest of
   * the path is still compared; returns what it cannot align (then the comparison stops there).
   */
  align?(system: System, state: Int32Array): string | undefined;
  /**
   * For each code path the adapter runs, whether the implementation's has finished, and if not its
   * next steps: at the end of a path every code path must be finished on both sides or on neither.
   */
  finished?(): Readonly<Record<string, { readonly done: boolean; readonly next: readonly string[] }>>;
  /**
   * The steps (event types) at which the implementation's code paths can sleep. Where the spec blocks
   * one of these, the implementation, driven there, must sleep too; at a step it has no sleep for (a
   * lock it does not model) there is nothing to compare.
   */
  readonly sleeps?: readonly string[];
}

/** The spec's outcome of a step: a step commits a WARN only when it enters the WARN's state (actorTable.ts). */
function specOutcome(system: System, code: number): Outcome {
  if (code === STEP_OK) return 'ok';
  return system.violation(code).continues ? 'warn' : 'oops';
}

const show = (v: unknown): string => {
  const s = canonicalJson(v);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
};

/**
 * Runs a generated path against an implementation; returns the first step where spec and code
 * disagree (the outcome of the step, or an actor's observed state after it), or undefined.
 */
export function runAgainstImplementation(
  system: System,
  steps: readonly ExpectedStep[],
  adapter: ImplementationAdapter,
): Divergence | undefined {
  return traceAgainstImplementation(system, steps, adapter, () => false)[0];
}

/**
 * Runs a generated path against an implementation and returns every divergence in order. After a
 * divergence that `goOn` accepts (a known one, pinned in data), the adapter aligns the
 * implementation with the spec's state and the comparison continues, so a fault further down the
 * path is still caught; after any other divergence, or one the adapter cannot align, it stops.
 */
export function traceAgainstImplementation(
  system: System,
  steps: readonly ExpectedStep[],
  adapter: ImplementationAdapter,
  goOn: (d: Divergence) => boolean,
): Divergence[] {
  const found: Divergence[] = [];
  adapter.reset(system);
  let cur = system.initial.slice();
  /** Records a divergence; true when the comparison goes on after it. */
  const diverged = (d: Divergence): boolean => {
    found.push(d);
    if (!goOn(d) || !adapter.align) return false;
    const left = adapter.align(system, cur);
    if (left) found.push({ step: d.step, message: `${d.message.split(':')[0]}: cannot continue past the known divergence: ${left}` });
    return !left;
  };
  const first = compare(adapter.abstract(system, cur), adapter.observe());
  if (first && !diverged({ step: 0, message: `initial state: ${first}` })) return found;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const at = (m: string): Divergence => ({ step: i + 1, message: `step ${i + 1} (${s.actor}: ${formatEvent(s.event)}): ${m}` });
    const a = system.index.get(s.actor)!;
    const offer = offerOf(system, cur, a, s.event);
    if (offer < 0) return [...found, at('the spec does not offer this step (regenerate the paths)')];
    const next = cur.slice();
    const code = system.step(next, a, offer);
    if (code === STEP_BLOCKED) return [...found, at('the spec blocks here (regenerate the paths)')];
    const want = specOutcome(system, code);
    const got = adapter.step(s.actor, s.event);
    if (got.expected) {
      found.push(
        at(
          `the implementation's ${s.actor} is not at this step: its next step is ${got.expected.join(' or ') || 'none (it has finished)'}`,
        ),
      );
      return found;
    }
    if (got.outcome !== want) {
      const spec = want === 'ok' ? 'completes' : `${want === 'oops' ? 'crashes' : 'warns'}: ${system.violation(code).text}`;
      found.push(
        at(
          `the spec ${spec}; the implementation ${got.outcome === 'ok' ? 'completes' : `${got.outcome === 'oops' ? 'oopses' : got.outcome === 'warn' ? 'warns' : 'sleeps'}${got.detail ? `: ${got.detail}` : ''}`}`,
        ),
      );
      return found;
    }
    if (want === 'oops') return found; // both crashed: nothing after an oops is compared
    cur = next;
    const diff = compare(adapter.abstract(system, cur), adapter.observe());
    if (diff && !diverged(at(diff))) return found;
  }
  const unfinished = endDiff(system, cur, adapter);
  if (unfinished) found.push({ step: steps.length, message: `after the last step: ${unfinished}` });
  if (found.length === 0) {
    const sleeper = blockedSteps(system, steps, adapter);
    if (sleeper) found.push(sleeper);
  }
  return found;
}

/**
 * The waits of a path: a path holds only steps the spec offers, so a code path the spec makes wait
 * (a grace period with readers inside, a queue cleanup while the pgmap is referenced) is never
 * driven into its wait, and an implementation that goes on instead of sleeping would pass. So, on a
 * path that agreed step by step, each time a code path comes to a step the spec blocks and the
 * implementation can sleep at (`sleeps`), the implementation is run again up to there and asked to
 * take that step: it must sleep. Replays are
 * needed because an implementation's code path cannot be copied, and the step that sleeps ends it.
 */
function blockedSteps(system: System, steps: readonly ExpectedStep[], adapter: ImplementationAdapter): Divergence | undefined {
  if (!adapter.finished) return undefined;
  const driven = new Set(Object.keys(adapter.finished()));
  // every actor the adapter runs code paths for (pmem, a dm device: objects whose remove is a code path)
  const paths = system.names.flatMap((n, a) => (driven.has(n) ? [a] : []));
  // only the steps the implementation can sleep at: where it models no sleep (a lock) it goes on
  const sleeps = new Set(adapter.sleeps ?? []);
  if (!sleeps.size) return undefined;
  const waits: { at: number; actor: number; event: EventObject }[] = [];
  const waiting = new Set<string>();
  let cur = system.initial.slice();
  for (let i = 0; i <= steps.length; i++) {
    for (const b of paths) {
      const now = new Set<string>();
      system.actors[b].offers(cur[b]).forEach((d, o) => {
        const event = system.events.get(d.event);
        if (!sleeps.has(event.type) || system.step(cur.slice(), b, o) !== STEP_BLOCKED) return;
        const key = `${b} ${canonicalJson(event)}`;
        now.add(key);
        // a wait is asked about once, when the code path comes to it
        if (!waiting.has(key)) waits.push({ at: i, actor: b, event });
      });
      for (const k of [...waiting]) if (k.startsWith(`${b} `) && !now.has(k)) waiting.delete(k);
      for (const k of now) waiting.add(k);
    }
    if (i === steps.length) break;
    const s = steps[i];
    const a = system.index.get(s.actor)!;
    const next = cur.slice();
    system.step(next, a, offerOf(system, cur, a, s.event));
    cur = next;
  }
  for (const w of waits) {
    adapter.reset(system);
    for (let i = 0; i < w.at; i++) adapter.step(steps[i].actor, steps[i].event);
    const name = system.names[w.actor];
    const got = adapter.step(name, w.event);
    if (got.outcome === 'sleeps' && !got.expected) continue;
    const did = got.expected
      ? `is not at this step (its next step is ${got.expected.join(' or ') || 'none'})`
      : got.outcome === 'ok'
        ? 'goes on'
        : `${got.outcome === 'oops' ? 'oopses' : 'warns'}${got.detail ? `: ${got.detail}` : ''}`;
    return {
      step: w.at,
      message: `after step ${w.at}: the spec makes ${name} wait at ${formatEvent(w.event)}; the implementation ${did}`,
    };
  }
  return undefined;
}

/** A code path finished on one side only at the end of a path (one that never finishes, or ends early). */
function endDiff(system: System, state: Int32Array, adapter: ImplementationAdapter): string | undefined {
  if (!adapter.finished) return undefined;
  const view = system.view(state);
  const paths = new Set(system.decl.actors.filter((a) => a.kind === 'path').map((a) => a.name));
  for (const [name, impl] of Object.entries(adapter.finished())) {
    // an object (pmem, a dm device) takes several code paths in turn and is never "finished"
    if (!paths.has(name)) continue;
    const spec = view(name).done;
    if (spec === impl.done) continue;
    return spec
      ? `${name} has finished in the spec but not in the implementation (its next step is ${impl.next.join(' or ') || 'none'})`
      : `${name} has finished in the implementation but not in the spec (the spec has it in ${canonicalJson(view(name).value)})`;
  }
  return undefined;
}

function compare(spec: Observation, impl: Observation): string | undefined {
  for (const [name, want] of Object.entries(spec)) {
    const have = impl[name];
    if (canonicalJson(have) !== canonicalJson(want)) return `${name} is ${show(want)} in the spec but ${show(have)} in the implementation`;
  }
  return undefined;
}
