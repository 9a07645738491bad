import type { AnyStateMachine, AnyStateNode } from 'xstate';

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
  readonly guard?: string;
  /** Target paths; empty when the transition stays in its state. */
  readonly targets: readonly string[];
  readonly actions: readonly string[];
  readonly description?: string;
  readonly fn?: string;
  readonly src?: string;
}

export interface MachineModel {
  readonly id: string;
  /** The root's own type: a parallel root has regions, not an initial state. */
  readonly type: StateRow['type'];
  /** The top-level state entered first (compound roots). */
  readonly initial?: string;
  readonly description?: string;
  readonly fn?: string;
  readonly src?: string;
  readonly states: readonly StateRow[];
  readonly transitions: readonly TransitionRow[];
}

const pathOf = (node: AnyStateNode): string => node.path.join('.');

function str(meta: unknown, key: string): string | undefined {
  const v = (meta as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** `done.state.x` and friends, as a reader says them. */
function eventName(descriptor: string): string {
  if (descriptor === '') return '(always)';
  if (descriptor === '*') return '(any event)';
  const done = /^xstate\.done\.state\.(.*)$/.exec(descriptor);
  if (done) return `(done: ${done[1].split('.').slice(1).join('.') || done[1]})`;
  return descriptor;
}

/** A guard as its name, a parameterised reference, or a combinator of those; inline lambdas as their code. */
export function guardText(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const g = guard as { check?: unknown; guards?: unknown[]; stateValue?: unknown; name?: string };
    if (g.check && Array.isArray(g.guards)) {
      const inner = g.guards.map((x) => guardText(x) ?? '?');
      if (g.name === 'not') return `not(${inner[0]})`;
      return `${g.name}(${inner.join(', ')})`;
    }
    if (g.check && g.stateValue !== undefined) return `stateIn(${JSON.stringify(g.stateValue)})`;
    // An inline lambda has no name worth showing; its code is the guard.
    return `inline: ${String(guard).replace(/\s+/g, ' ').trim()}`;
  }
  if (typeof guard === 'object') {
    const { type, params } = guard as { type?: string; params?: unknown };
    if (type) return params === undefined || typeof params === 'function' ? type : `${type}(${JSON.stringify(params)})`;
  }
  return 'inline';
}

function actionText(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    const t = (action as { type?: string }).type;
    return t ? t.replace(/^xstate\./, '') : 'inline';
  }
  if (action && typeof action === 'object' && 'type' in action) return String((action as { type: unknown }).type);
  return 'inline';
}

function stateType(node: AnyStateNode): StateRow['type'] {
  return node.type as StateRow['type'];
}

/** Reads every state node and transition of `machine`, depth-first in definition order. */
export function readMachine(machine: AnyStateMachine): MachineModel {
  const states: StateRow[] = [];
  const transitions: TransitionRow[] = [];
  const visit = (node: AnyStateNode): void => {
    const path = pathOf(node);
    if (path !== '') {
      states.push({
        path,
        type: stateType(node),
        description: node.description,
        condition: str(node.meta, 'condition'),
        fn: str(node.meta, 'fn'),
        src: str(node.meta, 'src'),
        tags: [...node.tags],
        unaccepted: str(node.meta, 'unaccepted'),
        violates: str(node.meta, 'violates'),
        initial: typeof node.config.initial === 'string' ? node.config.initial : undefined,
      });
    }
    const groups: [string, readonly any[]][] = [];
    if (node.always?.length) groups.push(['', node.always]);
    for (const [descriptor, list] of node.transitions) groups.push([descriptor, list]);
    for (const [descriptor, list] of groups) {
      list.forEach((t, order) => {
        transitions.push({
          source: path,
          event: eventName(descriptor),
          order,
          guard: guardText(t.guard),
          targets: (t.target ?? []).map((x: AnyStateNode) => pathOf(x)),
          actions: (t.actions ?? []).map(actionText),
          description: t.description,
          fn: str(t.meta, 'fn'),
          src: str(t.meta, 'src'),
        });
      });
    }
    for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
  };
  visit(machine.root);
  return {
    id: machine.id,
    type: stateType(machine.root),
    initial: typeof machine.root.config.initial === 'string' ? machine.root.config.initial : undefined,
    description: machine.root.description,
    fn: str(machine.root.meta, 'fn'),
    src: str(machine.root.meta, 'src'),
    states,
    transitions,
  };
}
