/**
 * The one Mermaid generator: a chart as a `stateDiagram-v2`, used by the viewer and the docs alike.
 */
import type { Chart, ChartState, ChartTransition } from './chart.ts';
import { transitionLabel } from './labels.ts';

/**
 * A Chart as a Mermaid `stateDiagram-v2`: the one Mermaid generator, for `daxspec export --format
 * mermaid` and for the docs' diagrams. States are named `sN` and shown with their key, so that no
 * machine text is ever parsed as Mermaid syntax; text is written with Mermaid's entity codes.
 * Parallel states (the machine itself too: Mermaid has no top-level concurrency, so a parallel
 * machine becomes one composite) have their regions separated by `--`. Each edge is written inside
 * the innermost composite that holds both its ends. Mermaid cannot lay out an edge from one region of
 * a parallel state into another (its layout throws): such a transition is written on its source state
 * as a line of text (`→ warn.stillAssociated on dax_insert_mapping`), so that it is still read; and
 * it cannot lay out an edge into a composite state inside a region, so such an edge goes to the state
 * the composite enters first (what XState enters too).
 */
export interface MermaidOptions {
  /** `LR` suits an export read on a wide screen; the docs leave Mermaid's default (top to bottom). */
  readonly direction?: 'LR' | 'TB';
  /**
   * One edge per pair of states, labelled with every event on it (the docs: guards are in the table
   * beside the diagram), instead of one edge per transition with its guard.
   */
  readonly merge?: boolean;
  /**
   * States and transitions (chart indices) no scenario reaches in the revision drawn (src/viz/reach.ts):
   * such a state is labelled "(unreached)" and greyed, such a transition's label says "(never taken)", so a
   * diagram never draws as live what the checker never saw.
   */
  readonly unreached?: { readonly states: ReadonlySet<number>; readonly transitions: ReadonlySet<number> };
}

export function mermaidText(s: string): string {
  return s.replace(/[#;:"<>{}[\]\\|]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\r?\n/g, ' ');
}

export function chartToMermaid(chart: Chart, options: MermaidOptions = {}): string {
  const { states, transitions } = chart;
  const root = states[0];
  const name = (s: ChartState): string => `s${s.index}`;
  const wrapRoot = root.type === 'parallel' && root.children.length > 0;
  const ancestors = (i: number): number[] => {
    const out: number[] = [];
    for (let x: number | undefined = i; x !== undefined; x = states[x].parent) out.push(x);
    return out;
  };
  /** The innermost composite drawn as a block that holds both states (0: the top level). */
  const common = (a: number, b: number): number => {
    const up = new Set(ancestors(a));
    for (const x of ancestors(b)) if (up.has(x) && x !== a && x !== b && (x !== 0 || wrapRoot)) return x;
    return 0;
  };

  const inRegion = (i: number): boolean =>
    ancestors(i)
      .slice(1)
      .some((x) => states[x].type === 'parallel' && (x !== 0 || wrapRoot));
  /** A compound target inside a region, followed down its initial states to the leaf XState enters. */
  const entered = (i: number): number => {
    let x = i;
    while (states[x].type === 'compound' && states[x].initial.length === 1 && inRegion(x)) x = states[x].initial[0];
    return x;
  };
  /** Transitions into another region of a parallel state, as text lines on their source state. */
  const notes = new Map<number, string[]>();
  // Edges grouped by the block they are written in.
  const edges = new Map<number, Map<string, string[]>>();
  const edge = (block: number, from: string, to: string, label: string): void => {
    const m = edges.get(block) ?? edges.set(block, new Map()).get(block)!;
    const key = `${from} --> ${to}`;
    const labels = m.get(key) ?? m.set(key, []).get(key)!;
    if (!options.merge || !labels.includes(label)) labels.push(label);
  };
  const never = (t: ChartTransition): string => (options.unreached?.transitions.has(t.index) ? ' (never taken)' : '');
  const labelOf = (t: ChartTransition): string =>
    mermaidText((options.merge ? transitionLabel({ ...t, guard: undefined }) : transitionLabel(t).replace(/\n/g, ' ')) + never(t));
  for (const t of transitions) {
    const targets = t.targets.length ? t.targets : [t.source];
    if (t.source === 0 && !wrapRoot) {
      // Mermaid has no "any state": a machine-level transition is drawn from each top-level state.
      for (const c of root.children)
        if (states[c].type !== 'final') for (const d of targets) edge(0, name(states[c]), name(states[d]), labelOf(t));
      continue;
    }
    for (const target of targets) {
      const d = entered(target);
      const block = t.source === 0 ? 0 : common(t.source, d);
      const across = t.source !== 0 && d !== t.source && states[block].type === 'parallel' && (block !== 0 || wrapRoot);
      if (across) (notes.get(t.source) ?? notes.set(t.source, []).get(t.source)!).push(`→ ${states[d].path} on ${labelOf(t)}`);
      else edge(t.source === 0 ? 0 : block, name(states[t.source]), name(states[d]), labelOf(t));
    }
  }
  const writeEdges = (block: number, pad: string, out: string[]): void => {
    for (const [key, labels] of edges.get(block) ?? []) {
      if (options.merge) out.push(`${pad}${key} : ${labels.join(', ')}`);
      else for (const l of labels) out.push(`${pad}${key} : ${l}`);
    }
  };

  const out = ['stateDiagram-v2'];
  if (options.direction) out.push(`  direction ${options.direction}`);
  const emit = (s: ChartState, depth: number): void => {
    const pad = '  '.repeat(depth);
    const unreached = options.unreached?.states.has(s.index) ? ' (unreached)' : '';
    out.push(`${pad}state "${mermaidText((s.index === 0 ? chart.id : s.key) + unreached)}" as ${name(s)}`);
    // Mermaid gives a composite state a label only: its condition would refuse to render, so only leaves carry one.
    if (s.condition && !s.children.length) out.push(`${pad}${name(s)} : ${mermaidText(s.condition)}`);
    for (const n of notes.get(s.index) ?? []) out.push(`${pad}${name(s)} : ${n}`);
    if (!s.children.length) return;
    out.push(`${pad}state ${name(s)} {`);
    s.children.forEach((c, i) => {
      if (s.type === 'parallel' && i > 0) out.push(`${pad}  --`);
      emit(states[c], depth + 1);
    });
    for (const t of s.initial) out.push(`${pad}  [*] --> ${name(states[t])}`);
    for (const c of s.children) if (states[c].type === 'final') out.push(`${pad}  ${name(states[c])} --> [*]`);
    writeEdges(s.index, `${pad}  `, out);
    out.push(`${pad}}`);
  };
  if (wrapRoot) emit(root, 1);
  else {
    for (const c of root.children) emit(states[c], 1);
    for (const t of root.initial) out.push(`  [*] --> ${name(states[t])}`);
    for (const c of root.children) if (states[c].type === 'final') out.push(`  ${name(states[c])} --> [*]`);
  }
  writeEdges(0, '  ', out);
  const violations = states.filter((s) => s.index > 0 && s.tags.includes('violation') && !s.children.length);
  if (violations.length) {
    out.push('  classDef violation fill:#f8d7da,stroke:#b02a37,color:#58151c');
    out.push(`  class ${violations.map(name).join(',')} violation`);
  }
  const grey = states.filter((s) => options.unreached?.states.has(s.index) && !s.children.length);
  if (grey.length) {
    out.push('  classDef unreached fill:#eeeeee,stroke:#999999,stroke-dasharray:4 3,color:#777777');
    out.push(`  class ${grey.map(name).join(',')} unreached`);
  }
  return out.join('\n') + '\n';
}
