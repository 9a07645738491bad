/**
 * A counterexample made ready to play: an ITF trace or a site trace read against the site's systems into
 * per-step actor states and the calls of each step.
 */
import { fromItfValue, type ItfTrace } from '../../check/itf.ts';
import { callsFromItf } from '../../check/itfCalls.ts';
import type { CallRecord } from '../../check/trace.ts';
import type { Chart } from '../../model/chart.ts';
import type { SiteData } from '../siteData.ts';

export interface ActorState {
  readonly value: unknown;
  readonly context: unknown;
}

export interface PlayerStep {
  readonly actor?: string;
  readonly event?: Record<string, unknown>;
  readonly fn?: string;
  /** Every delivery of the step, with the transitions each took (from the trace's `#meta.calls`). */
  readonly calls: readonly CallRecord[];
  /** False when the trace does not record its calls (an ITF file from elsewhere): only the event is known. */
  readonly exact: boolean;
  readonly violation?: string;
}

/** A counterexample ready to play: `states[i]` is the system before step `i` (0-based) and after step `i - 1`. */
export interface PlayerTrace {
  readonly title: string;
  readonly system: number;
  readonly states: readonly Readonly<Record<string, ActorState>>[];
  readonly steps: readonly PlayerStep[];
  /** What the trace shows at its end (the property and its text), when it says. */
  readonly conclusion?: string;
  /** A lasso: the states from index `loop` on repeat forever (ITF `loop`). */
  readonly loop?: number;
}

/**
 * Reads an ITF trace (written by `daxspec check --itf`, or a site counterexample) against the site's
 * systems. The system is the one the trace's `#meta.daxspec` names, else the one whose actors are the
 * trace's variables.
 */
export function fromItf(data: SiteData, itf: ItfTrace, title: string, system?: number): PlayerTrace {
  if (!itf || !Array.isArray(itf.states) || itf.states.length === 0 || !Array.isArray(itf.vars))
    throw new Error('not an ITF trace: it needs vars and at least one state');
  const origin = itf['#meta']?.daxspec;
  let sys = system;
  if (sys === undefined && origin) {
    sys = data.systems.findIndex((s) => s.scenario === origin.scenario && (s.revision ?? null) === (origin.revision ?? null));
    if (sys < 0)
      throw new Error(
        `this site has no system ${origin.scenario}${origin.revision ? `@${origin.revision}` : ''}; build it with daxspec viz --scenario ${origin.scenario}`,
      );
  }
  if (sys === undefined) {
    const vars = [...itf.vars].sort().join(',');
    sys = data.systems.findIndex(
      (s) =>
        s.actors
          .map((a) => a.name)
          .sort()
          .join(',') === vars,
    );
    if (sys < 0) throw new Error(`no system of this site has the actors ${itf.vars.join(', ')}`);
  }
  const actors = data.systems[sys].actors.map((a) => a.name);
  const missing = actors.filter((a) => !itf.vars.includes(a));
  if (missing.length) throw new Error(`the trace has no variable for ${missing.join(', ')}`);
  const states = itf.states.map((st) =>
    Object.fromEntries(
      actors.map((a) => {
        const v = fromItfValue(st[a]) as { state?: unknown; context?: unknown } | undefined;
        return [a, { value: v?.state, context: v?.context }];
      }),
    ),
  );
  const steps = itf.states.slice(1).map((st, i): PlayerStep => {
    const meta = st['#meta'] ?? { index: i + 1 };
    const event = meta.event === undefined ? undefined : (fromItfValue(meta.event) as Record<string, unknown>);
    const recorded = callsFromItf(meta.calls);
    const own: CallRecord[] =
      meta.actor && event ? [{ actor: meta.actor, event: event as CallRecord['event'], fn: meta.fn, fate: 'taken' }] : [];
    return { actor: meta.actor, event, fn: meta.fn, calls: recorded ?? own, exact: recorded !== undefined, violation: meta.violation };
  });
  const description = itf['#meta']?.description;
  const loop = typeof itf.loop === 'number' && itf.loop >= 0 && itf.loop < itf.states.length ? itf.loop : undefined;
  return { title, system: sys, states, steps, conclusion: origin?.property ? description : undefined, loop };
}

/** Changed context fields of one actor between two states: [key, before, after]. */
export function contextChanges(before: unknown, after: unknown): [string, unknown, unknown][] {
  const j = (x: unknown): string => JSON.stringify(x);
  if (!before || !after || typeof before !== 'object' || typeof after !== 'object')
    return j(before) === j(after) ? [] : [['', before, after]];
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => j(a[k]) !== j(b[k])).map((k) => [k, a[k], b[k]]);
}

/** The chart indices of the transitions an actor took in a step, in order, from the ids the checker recorded. */
export function takenTransitions(chart: Chart, calls: readonly CallRecord[]): number[] {
  const byId = new Map(chart.transitions.map((t) => [t.id, t.index]));
  return calls.flatMap((c) => (c.transitions ?? []).map((id) => byId.get(id)).filter((i): i is number => i !== undefined));
}
