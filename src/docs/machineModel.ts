import type { AnyStateMachine } from 'xstate';
import { chartOf, type Chart, type ChartState } from '../model/chart.ts';

/**
 * A machine read as plain data: its states and transitions with what they say
 * about themselves (description, meta). Docs, lint and the revision diff work on
 * this, never on XState objects, so that comparing two revisions of a machine is
 * comparing rows.
 */
export interface StateRow {
  /** Dotted path from the root: `alive`, `mem.online.ready`; '' is the machine itself. */
  readonly path: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly description?: string;
  /** meta.condition: the kernel condition the state stands for. */
  readonly condition?: string;
  readonly fn?: string;
  readonly src?: string;
  readonly tags: readonly string[];
  /** meta.unaccepted: what a call this state has no handler for means. */
  readonly unaccepted?: string;
  /** meta.violates: the invariant a violation state breaks. */
  readonly violates?: string;
  /** Child state entered first (compound states). */
  readonly initial?: string;
}

export interface TransitionRow {
  /** Path of the state that has the transition. */
  readonly source: string;
  /** Event type as the machine names it; eventless transitions are `(always)`. */
  readonly event: string;
  /** Position among the transitions of the same source and event: guards are tried in this order. */
  readonly order: number;
  /** The id a trace records when it fires (`transitionId`): what reachability is told by. */
  readonly id: string;
  readonly guard?: string;
  /** Target paths; empty when the transition stays in its state. */
  readonly targets: readonly string[];
  readonly actions: readonly string[];
  readonly description?: string;
  readonly fn?: string;
  readonly src?: string;
  /** meta.fairness: what the checker may assume of the step (src/check/fairness.ts), with meta.why. */
  readonly fairness?: string;
}

export interface MachineModel {
  readonly id: string;
  /** The root's own type: a parallel root has regions, not an initial state. */
  readonly type: StateRow['type'];
  /** The top-level state entered first (compound roots). */
  readonly initial?: string;
  readonly description?: string;
  readonly fn?: string;
  /** meta.object: the kernel structure an object machine stands for (`struct page`), where it names no function. */
  readonly object?: string;
  readonly src?: string;
  readonly states: readonly StateRow[];
  readonly transitions: readonly TransitionRow[];
  /** The chart the rows were read from: the diagram is drawn from it (src/model/mermaid.ts). */
  readonly chart: Chart;
}

function str(meta: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = meta?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** `none (whether a process truncates the file is its choice)`: the fairness with its reason. */
function fairnessText(meta: Record<string, unknown> | undefined): string {
  const why = str(meta, 'why');
  return `${str(meta, 'fairness')}${why ? ` (${why})` : ''}`;
}

/** `done.state.x` and friends, as a reader says them. */
function eventName(descriptor: string): string {
  if (descriptor === '') return '(always)';
  if (descriptor === '*') return '(any event)';
  const done = /^xstate\.done\.state\.(.*)$/.exec(descriptor);
  if (done) return `(done: ${done[1].split('.').slice(1).join('.') || done[1]})`;
  return descriptor;
}

/**
 * Reads a machine through the visualizer's reader (src/model/chart.ts), so that the
 * docs and the pictures walk XState's state nodes in one place and cannot disagree
 * about what a machine is; this only turns its indices into paths and rows.
 */
export function readMachine(machine: AnyStateMachine): MachineModel {
  const chart = chartOf(machine);
  const root = chart.states[0];
  const pathOf = (i: number): string => chart.states[i].path;
  const initialKey = (st: ChartState): string | undefined => (st.initial.length === 1 ? chart.states[st.initial[0]].key : undefined);
  const states: StateRow[] = chart.states.slice(1).map((st) => ({
    path: st.path,
    type: st.type,
    description: st.description,
    condition: st.condition,
    fn: st.fn,
    src: st.src,
    tags: st.tags,
    unaccepted: str(st.meta, 'unaccepted'),
    violates: str(st.meta, 'violates'),
    initial: initialKey(st),
  }));
  // Guards of one event in one state are tried in order: number them within their (state, event) group.
  const seen = new Map<string, number>();
  const rows = chart.transitions.map((t): TransitionRow => {
    const key = `${t.source}\u0000${t.event}`;
    const order = seen.get(key) ?? 0;
    seen.set(key, order + 1);
    return {
      source: pathOf(t.source),
      event: eventName(t.event),
      order,
      id: t.id,
      guard: t.guard,
      targets: t.targets.map(pathOf),
      actions: t.actions.map((a) => a.replace(/^xstate\./, '')),
      description: t.description,
      fn: t.fn,
      src: t.src,
      ...(str(t.meta, 'fairness') ? { fairness: fairnessText(t.meta) } : {}),
    };
  });
  // Rows by state in document order, eventless transitions first, as the state's config reads.
  const stateOrder = new Map(['', ...states.map((x) => x.path)].map((p, i) => [p, i]));
  const transitions = rows
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) =>
        stateOrder.get(a.r.source)! - stateOrder.get(b.r.source)! ||
        Number(b.r.event === '(always)') - Number(a.r.event === '(always)') ||
        a.i - b.i,
    )
    .map(({ r }) => r);
  return {
    id: chart.id,
    type: root.type,
    initial: initialKey(root),
    description: chart.description,
    fn: root.fn,
    object: str(root.meta, 'object'),
    src: root.src,
    states,
    transitions,
    chart,
  };
}

/** `alive: put_dax #2`: a transition named by where it starts, its event, and its place among that event's guards. */
export function transitionLabel(t: TransitionRow): string {
  return `${t.source || '(machine)'}: ${t.event}${t.order > 0 ? ` #${t.order + 1}` : ''}`;
}
