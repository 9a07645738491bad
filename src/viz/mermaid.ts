import type { Chart, ChartState } from './chart.ts';
import { transitionLabel } from './dot.ts';

/**
 * A Chart as a Mermaid `stateDiagram-v2`. States are named `sN` and shown with their key, so that
 * no machine text is ever parsed as Mermaid syntax; text is written with Mermaid's entity codes.
 */
export function mermaidText(s: string): string {
  return s.replace(/[#;:"<>{}\[\]\\|]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\r?\n/g, ' ');
}

export function chartToMermaid(chart: Chart): string {
  const { states, transitions } = chart;
  const out = ['stateDiagram-v2', '  direction LR'];
  const name = (s: ChartState): string => `s${s.index}`;
  const emit = (s: ChartState, depth: number): void => {
    const pad = '  '.repeat(depth);
    out.push(`${pad}state "${mermaidText(s.key)}" as ${name(s)}`);
    if (s.condition) out.push(`${pad}${name(s)} : ${mermaidText(s.condition)}`);
    if (!s.children.length) return;
    out.push(`${pad}state ${name(s)} {`);
    s.children.forEach((c, i) => {
      // Regions of a parallel state are separated by `--`.
      if (s.type === 'parallel' && i > 0) out.push(`${pad}  --`);
      emit(states[c], depth + 1);
    });
    for (const t of s.initial) out.push(`${pad}  [*] --> ${name(states[t])}`);
    for (const c of s.children) if (states[c].type === 'final') out.push(`${pad}  ${name(states[c])} --> [*]`);
    out.push(`${pad}}`);
  };
  const root = states[0];
  for (const c of root.children) emit(states[c], 1);
  for (const t of root.initial) out.push(`  [*] --> ${name(states[t])}`);
  for (const c of root.children) if (states[c].type === 'final') out.push(`  ${name(states[c])} --> [*]`);
  for (const t of transitions) {
    const from = t.source === 0 ? undefined : name(states[t.source]);
    const label = mermaidText(transitionLabel(t).replace(/\n/g, ' '));
    // Mermaid has no "any state"; a machine-level transition is drawn from each top-level state.
    const sources = from ? [from] : root.children.filter((c) => states[c].type !== 'final').map((c) => name(states[c]));
    const targets = t.targets.length ? t.targets.map((i) => name(states[i])) : undefined;
    for (const src of sources) for (const dst of targets ?? [src]) out.push(`  ${src} --> ${dst} : ${label}`);
  }
  return out.join('\n') + '\n';
}
