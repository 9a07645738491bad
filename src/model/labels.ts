/**
 * Label text shared by every drawing of a machine (Graphviz in the viewer, Mermaid in the viewer and
 * the docs): how a transition is named on its arrow, and how long text is broken into lines.
 */
import type { ChartTransition } from './chart.ts';

/** `event [guard]`, wrapped so that long kernel names do not make one very wide edge. */
export function transitionLabel(t: ChartTransition): string {
  const event = t.event === '' ? 'always' : t.event.startsWith('xstate.done.state.') ? 'done' : t.event;
  return t.guard ? `${event}\n[${wrap(t.guard, 28)}]` : event;
}

/** Breaks text at spaces or operators so that no line is much longer than `width`. */
export function wrap(s: string, width: number): string {
  if (s.length <= width) return s;
  const words = s.split(/(?<=[ ,&|])/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line.length + w.length > width && line.trim()) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += w;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines.join('\n');
}
