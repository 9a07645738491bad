import type { Chart, ChartState, ChartTransition } from '../model/chart.ts';

/**
 * A Chart as a plain machine config: JSON that XState's `createMachine` takes back. Guards and actions
 * are referred to by name, so `createMachine(config).provide(original.implementations)` behaves like
 * the original. Targets are absolute (`#id`) so that they mean the same wherever they are read.
 * Higher-order guards (`not`, `and`, `or`) are written as `{ type: 'daxspec.not', params: { guards } }`:
 * provide `higherOrderGuards(original.implementations.guards)` beside the original implementations.
 * Inline guards and actions cannot be written at all: exportMachine refuses such a machine.
 */
export type MachineConfig = Record<string, unknown>;

type GuardArgs = unknown;
type GuardImpl = (args: GuardArgs, params: unknown) => boolean;

/**
 * Implementations of the `daxspec.not|and|or` guards a config is written with, evaluating their
 * operands through `guards` (the machine's named guards): what a reader of the JSON provides so that
 * `createMachine(config).provide(...)` is the machine it was exported from.
 */
export function higherOrderGuards(guards: Readonly<Record<string, unknown>>): Record<string, GuardImpl> {
  const run = (g: unknown, args: GuardArgs): boolean => {
    const { type, params } = typeof g === 'string' ? { type: g, params: undefined } : (g as { type: string; params?: unknown });
    const impl = own[type] ?? (guards[type] as GuardImpl | undefined);
    if (typeof impl !== 'function') throw new Error(`guard '${type}' is not implemented`);
    return impl(args, params);
  };
  const operands = (p: unknown): unknown[] => (p as { guards: unknown[] }).guards;
  const own: Record<string, GuardImpl> = {
    'daxspec.not': (args, p) => !run(operands(p)[0], args),
    'daxspec.and': (args, p) => operands(p).every((g) => run(g, args)),
    'daxspec.or': (args, p) => operands(p).some((g) => run(g, args)),
  };
  return own;
}

function transitionConfig(chart: Chart, t: ChartTransition): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (t.targets.length) c.target = t.targets.map((i) => `#${chart.states[i].id}`);
  if (t.guard) c.guard = t.guardConfig ?? t.guard;
  if (t.actions.length) c.actions = [...t.actions];
  if (t.reenter) c.reenter = true;
  if (t.description) c.description = t.description;
  if (t.meta) c.meta = t.meta;
  return c;
}

function stateConfig(chart: Chart, s: ChartState): MachineConfig {
  const c: MachineConfig = {};
  if (s.index === 0) c.id = chart.id;
  else if (s.id !== `${chart.states[s.parent!].id}.${s.key}`) c.id = s.id;
  if (s.type === 'parallel' || s.type === 'final' || s.type === 'history') c.type = s.type;
  if (s.type === 'history') c.history = s.history;
  if (s.description) c.description = s.description;
  if (s.meta) c.meta = s.meta;
  if (s.tags.length) c.tags = [...s.tags];
  if (s.type === 'compound' && s.initial.length) c.initial = chart.states[s.initial[0]].key;
  const mine = chart.transitions.filter((t) => t.source === s.index);
  const on: Record<string, unknown[]> = {};
  const always: unknown[] = [];
  for (const t of mine) {
    if (t.event === '') always.push(transitionConfig(chart, t));
    else (on[t.event] ??= []).push(transitionConfig(chart, t));
  }
  if (Object.keys(on).length) c.on = on;
  if (always.length) c.always = always;
  if (s.children.length) c.states = Object.fromEntries(s.children.map((i) => [chart.states[i].key, stateConfig(chart, chart.states[i])]));
  return c;
}

export function chartToConfig(chart: Chart): MachineConfig {
  const root = stateConfig(chart, chart.states[0]);
  return chart.context === undefined ? root : { ...root, context: chart.context };
}
