/**
 * A machine read as a chart: its state nodes and transition definitions flattened into indexed lists with ids,
 * guards as text and meta, the form every drawing and page of a machine (viewer, docs, exports) is made from.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { transitionId } from '../compose/transitionId.ts';

/**
 * A machine read as data: its state tree and its transitions, in document order.
 * Every picture and export (Graphviz, Mermaid, SCXML, JSON, the site) reads this one
 * model, so they cannot disagree about what the machine is.
 */
export interface ChartState {
  /** Index in `Chart.states` (document order, the root first). */
  readonly index: number;
  /** XState's node id: `dax_device.alive.locked`. */
  readonly id: string;
  /** Dotted path from the root, as snapshots name it: `alive.locked`; '' for the root. */
  readonly path: string;
  readonly key: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly history?: 'shallow' | 'deep';
  readonly parent?: number;
  readonly children: readonly number[];
  /** Indices of the states a compound state enters first. */
  readonly initial: readonly number[];
  readonly description?: string;
  readonly fn?: string;
  readonly src?: string;
  readonly condition?: string;
  readonly tags: readonly string[];
  /** The whole `meta` object, for exports that keep it. */
  readonly meta?: Record<string, unknown>;
}

export interface ChartTransition {
  readonly index: number;
  /** The id a trace records when this transition fires (`transitionId`): `page.busy:put:1`. */
  readonly id: string;
  /** Index of the state that declares it. */
  readonly source: number;
  /** `''` for an eventless (`always`) transition. */
  readonly event: string;
  /** Indices of the target states; empty for a transition that stays (actions only). */
  readonly targets: readonly number[];
  readonly reenter: boolean;
  /** The guard as a reader writes it: `lastRef`, `!hashed`, `a && b`. */
  readonly guard?: string;
  /** The guard as XState's config takes it back (a name, or `{ type, params }`); absent for inline guards. */
  readonly guardConfig?: string | { type: string; params?: unknown };
  readonly actions: readonly string[];
  readonly description?: string;
  readonly fn?: string;
  readonly src?: string;
  readonly meta?: Record<string, unknown>;
}

export interface Chart {
  readonly id: string;
  readonly description?: string;
  readonly states: readonly ChartState[];
  readonly transitions: readonly ChartTransition[];
  /** The context the machine starts with for its actor's input (JSON data). */
  readonly context?: unknown;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The guard in words. Higher-order guards (`not`, `and`, `or`) keep their operands in `.guards`. */
export function guardText(g: unknown): string | undefined {
  if (g === undefined || g === null) return undefined;
  if (typeof g === 'string') return g;
  if (typeof g === 'object' && typeof (g as { type?: unknown }).type === 'string') {
    const { type, params } = g as { type: string; params?: unknown };
    return params === undefined ? type : `${type}(${JSON.stringify(params)})`;
  }
  if (typeof g === 'function') {
    const f = g as { name?: string; guards?: unknown[]; stateValue?: unknown };
    const parts = (f.guards ?? []).map((x) => guardText(x) ?? '?');
    const wrap = (s: string): string => (/[ &|]/.test(s) ? `(${s})` : s);
    if (f.name === 'not' && parts.length === 1) return `!${wrap(parts[0])}`;
    if (f.name === 'and') return parts.map(wrap).join(' && ');
    if (f.name === 'or') return parts.map(wrap).join(' || ');
    if (f.name === 'stateIn') return `in(${JSON.stringify(f.stateValue)})`;
    return 'inline guard';
  }
  return String(g);
}

/**
 * The guard as config. Names and `{ type, params }` survive a trip through JSON as they are; the
 * higher-order guards `not`, `and`, `or` over such guards become `{ type: 'daxspec.not', params:
 * { guards: [...] } }`, which `higherOrderGuards` (config.ts) implements. Inline guards have no config.
 */
function guardConfig(g: unknown): ChartTransition['guardConfig'] {
  if (typeof g === 'string') return g;
  if (g && typeof g === 'object' && typeof (g as { type?: unknown }).type === 'string') {
    const { type, params } = g as { type: string; params?: unknown };
    return params === undefined ? type : { type, params };
  }
  if (typeof g === 'function') {
    const f = g as { name?: string; guards?: unknown[] };
    if ((f.name === 'not' || f.name === 'and' || f.name === 'or') && f.guards) {
      const guards = f.guards.map(guardConfig);
      if (guards.every((x) => x !== undefined)) return { type: `daxspec.${f.name}`, params: { guards } };
    }
  }
  return undefined;
}

function actionName(a: unknown): string {
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object' && typeof (a as { type?: unknown }).type === 'string') return (a as { type: string }).type;
  if (typeof a === 'function') {
    // Built-in action creators (assign, sendTo, raise) are functions carrying their type.
    const t = (a as { type?: unknown }).type;
    return typeof t === 'string' ? t : `inline:${(a as { name?: string }).name || 'action'}`;
  }
  return String(a);
}

const metaOf = (n: { meta?: unknown }): Record<string, unknown> | undefined =>
  n.meta && typeof n.meta === 'object' ? (n.meta as Record<string, unknown>) : undefined;

/**
 * Reads a machine into a Chart. `input` is the actor's input, so that a context
 * computed from it (most DAX objects) can be shown and exported.
 */
export function chartOf(machine: AnyStateMachine, context?: unknown): Chart {
  const states: ChartState[] = [];
  const byId = new Map<string, number>();
  const nodes: AnyStateNode[] = [];
  const visit = (node: AnyStateNode, parent: number | undefined, path: string): number => {
    const index = states.length;
    byId.set(node.id, index);
    nodes.push(node);
    const meta = metaOf(node);
    const state: ChartState = {
      index,
      id: node.id,
      path,
      key: node.key,
      type: node.type as ChartState['type'],
      history: node.type === 'history' ? ((node.history as 'shallow' | 'deep' | undefined) ?? 'shallow') : undefined,
      parent,
      children: [],
      initial: [],
      description: text(node.description),
      fn: text(meta?.fn),
      src: text(meta?.src),
      condition: text(meta?.condition),
      tags: [...(node.tags ?? [])],
      meta,
    };
    states.push(state);
    const children = Object.values(node.states ?? {}) as AnyStateNode[];
    (state.children as number[]).push(...children.map((c) => visit(c, index, path ? `${path}.${c.key}` : c.key)));
    return index;
  };
  visit(machine.root, undefined, '');

  // Targets can point anywhere in the tree, so transitions are read once every state has an index.
  const transitions: ChartTransition[] = [];
  nodes.forEach((node, source) => {
    const initialTargets = ((node.initial as unknown as { target?: readonly AnyStateNode[] } | undefined)?.target ?? []).map((t) =>
      byId.get(t.id)!,
    );
    (states[source].initial as number[]).push(...initialTargets);
    const lists: [string, readonly AnyTransitionDefinition[]][] = [...node.transitions.entries()];
    if (node.always?.length) lists.push(['', node.always]);
    for (const [event, defs] of lists) {
      defs.forEach((t, position) => {
        const meta = metaOf(t);
        transitions.push({
          index: transitions.length,
          id: transitionId(node.id, event, position),
          source,
          event,
          targets: ((t.target as AnyStateNode[] | undefined) ?? []).map((n) => byId.get(n.id)!),
          reenter: !!t.reenter,
          guard: guardText(t.guard),
          guardConfig: guardConfig(t.guard),
          actions: ((t.actions as unknown[]) ?? []).map(actionName),
          description: text(t.description),
          fn: text(meta?.fn),
          src: text(meta?.src),
          meta,
        });
      });
    }
  });
  return { id: machine.id, description: text(machine.root.description), states, transitions, context };
}

/** The dotted paths of every state active in a snapshot value (`{ a: 'b' }` gives `a`, `a.b`). */
export function activePaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return [p, ...activePaths(v, p)];
  });
}
