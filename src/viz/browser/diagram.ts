import { h } from './dom.ts';
import { classIndex, parseSvg } from './svg.ts';
import { attachTooltips } from './tooltip.ts';
import type { Chart } from '../chart.ts';
import type { SiteMachine } from '../siteData.ts';

export interface Diagram {
  readonly el: HTMLElement;
  /** Marks the states at these paths active and these transitions taken; clears the rest. */
  highlight(active: readonly string[], taken: readonly number[]): void;
}

/** One machine's statechart, hoverable, with the states and transitions findable by index. */
export function diagram(machine: SiteMachine): Diagram {
  const svg = parseSvg(machine.svg);
  const el = h('div', { class: 'diagram', title: 'double-click: actual size / fit' });
  el.appendChild(svg);
  // A big machine is scaled to fit its card; a double click shows it at its real size (scrollable).
  el.addEventListener('dblclick', () => el.classList.toggle('zoomed'));
  attachTooltips(el, machine.chart);
  const states = new Map<number, Element>();
  for (const g of Array.from(svg.querySelectorAll('g.state'))) {
    const i = classIndex(g, 's');
    if (i !== undefined) states.set(i, g);
  }
  const edges = Array.from(svg.querySelectorAll('g.transition')).map((g) => [classIndex(g, 't'), g] as const);
  const byPath = new Map(machine.chart.states.map((s) => [s.path, s.index]));
  return {
    el,
    highlight(active, taken) {
      const on = new Set(active.map((p) => byPath.get(p)).filter((i): i is number => i !== undefined));
      for (const [i, g] of states) {
        g.classList.toggle('active', on.has(i));
        g.classList.toggle('active-bad', on.has(i) && isBad(machine.chart, i));
      }
      const t = new Set(taken);
      for (const [i, g] of edges) g.classList.toggle('taken', i !== undefined && t.has(i));
    },
  };
}

function isBad(chart: Chart, i: number): boolean {
  return chart.states[i].tags.includes('violation');
}
