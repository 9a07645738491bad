import { fromItfValue, type ItfTrace } from '../../check/itf.ts';
import type { CallRecord } from '../../check/trace.ts';
import { activePaths, type Chart } from '../chart.ts';
import type { SiteData } from '../siteData.ts';

export interface ActorState {
  readonly value: unknown;
  readonly context: unknown;
}

export interface PlayerStep {
  readonly actor?: string;
  readonly event?: Record<string, unknown>;
  readonly fn?: string;
  /** Every delivery of the step; from an opened ITF file, only the environment event. */
  readonly calls: readonly CallRecord[];
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
}

/**
 * Reads an ITF trace (written by `daxspec check --itf`, or a site counterexample) against the site's
 * systems. The system is the one the trace's `#meta.daxspec` names, else the one whose actors are the
 * trace's variables.
 */
export function fromItf(data: SiteData, itf: ItfTrace, title: string, calls?: readonly (readonly CallRecord[])[], system?: number): PlayerTrace {
  if (!itf || !Array.isArray(itf.states) || itf.states.length === 0 || !Array.isArray(itf.vars)) throw new Error('not an ITF trace: it needs vars and at least one state');
  const origin = itf['#meta']?.daxspec;
  let sys = system;
  if (sys === undefined && origin) {
    sys = data.systems.findIndex((s) => s.scenario === origin.scenario && (s.revision ?? null) === (origin.revision ?? null));
    if (sys < 0) throw new Error(`this site has no system ${origin.scenario}${origin.revision ? `@${origin.revision}` : ''}; build it with daxspec viz --scenario ${origin.scenario}`);
  }
  if (sys === undefined) {
    const vars = [...itf.vars].sort().join(',');
    sys = data.systems.findIndex((s) => s.actors.map((a) => a.name).sort().join(',') === vars);
    if (sys < 0) throw new Error(`no system of this site has the actors ${itf.vars.join(', ')}`);
  }
  const actors = data.systems[sys].actors.map((a) => a.name);
  const missing = actors.filter((a) => !itf.vars.includes(a));
  if (missing.length) throw new Error(`the trace has no variable for ${missing.join(', ')}`);
  const states = itf.states.map((st) =>
    Object.fromEntries(actors.map((a) => {
      const v = fromItfValue(st[a]) as { state?: unknown; context?: unknown } | undefined;
      return [a, { value: v?.state, context: v?.context }];
    })),
  );
  const steps = itf.states.slice(1).map((st, i): PlayerStep => {
    const meta = st['#meta'] ?? { index: i + 1 };
    const event = meta.event === undefined ? undefined : (fromItfValue(meta.event) as Record<string, unknown>);
    const own: CallRecord[] = meta.actor && event ? [{ actor: meta.actor, event: event as CallRecord['event'], fn: meta.fn, fate: 'taken' }] : [];
    return { actor: meta.actor, event, fn: meta.fn, calls: calls?.[i] ?? own, violation: meta.violation };
  });
  const description = itf['#meta']?.description;
  return { title, system: sys, states, steps, conclusion: origin?.property ? description : undefined };
}

/** Changed context fields of one actor between two states: [key, before, after]. */
export function contextChanges(before: unknown, after: unknown): [string, unknown, unknown][] {
  const j = (x: unknown): string => JSON.stringify(x);
  if (!before || !after || typeof before !== 'object' || typeof after !== 'object') return j(before) === j(after) ? [] : [['', before, after]];
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => j(a[k]) !== j(b[k])).map((k) => [k, a[k], b[k]]);
}

/**
 * The transitions of `chart` one actor took in a step: for each delivery it received, the transitions
 * on that event declared by a state that was active before; several guarded candidates are narrowed by
 * the description the checker recorded, then by whether their targets are active after.
 */
export function takenTransitions(chart: Chart, before: unknown, after: unknown, calls: readonly CallRecord[]): number[] {
  const was = new Set(activePaths(before));
  const now = new Set(activePaths(after));
  const out: number[] = [];
  for (const c of calls) {
    if (c.fate !== 'taken') continue;
    let cands = chart.transitions.filter((t) => t.event === c.event.type && (t.source === 0 || was.has(chart.states[t.source].path)));
    if (cands.length > 1 && c.description) {
      const d = cands.filter((t) => t.description === c.description);
      if (d.length) cands = d;
    }
    if (cands.length > 1) {
      const d = cands.filter((t) => t.targets.every((x) => now.has(chart.states[x].path)));
      if (d.length) cands = d;
    }
    out.push(...cands.map((t) => t.index));
  }
  // Eventless transitions run in the same step, after the event: mark those on a way from where the
  // event led to a state active now (`filling` -> `releasing` -> `closing` -> `done`). Two closures,
  // forward from the event's targets and backward from the active states, so cycles cost nothing.
  const always = chart.transitions.filter((t) => t.event === '' && t.targets.length > 0);
  const forward = new Set(out.flatMap((i) => chart.transitions[i].targets));
  const backward = new Set(chart.states.filter((st) => now.has(st.path)).map((st) => st.index));
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of always) {
      if ([...forward].some((r) => isInside(chart, t.source, r))) {
        for (const x of t.targets) if (!forward.has(x)) (forward.add(x), (changed = true));
      }
      if (t.targets.some((x) => backward.has(x)) && !backward.has(t.source)) (backward.add(t.source), (changed = true));
    }
  }
  for (const t of always) {
    if (out.includes(t.index)) continue;
    if ([...forward].some((r) => isInside(chart, t.source, r)) && t.targets.some((x) => backward.has(x))) out.push(t.index);
  }
  return out;
}

/** Whether state `s` is `ancestor` or inside it. */
function isInside(chart: Chart, s: number, ancestor: number): boolean {
  for (let x: number | undefined = s; x !== undefined; x = chart.states[x].parent) if (x === ancestor) return true;
  return false;
}
