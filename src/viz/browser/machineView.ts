import type { SiteData } from '../siteData.ts';
import { diagram } from './diagram.ts';
import { h } from './dom.ts';

/** One machine as a statechart, with its description and where it is used. */
export function machineView(data: SiteData, index: number): HTMLElement {
  const m = data.machines[index];
  if (!m) return h('p', { class: 'error' }, `no machine ${index}`);
  const d = diagram(m);
  d.highlight([], []);
  return h('section', { class: 'machine', 'data-machine': index },
    h('h1', {}, m.id),
    m.chart.description ? h('p', {}, m.chart.description) : null,
    h('p', { class: 'muted' }, `${m.chart.states.length - 1} states, ${m.chart.transitions.length} transitions. Hover a state or transition for its kernel function and description.`),
    h('div', { class: 'legend' },
      h('span', { class: 'key plain' }, 'state'), h('span', { class: 'key waiting' }, 'waiting'), h('span', { class: 'key warn' }, 'WARN'), h('span', { class: 'key violation' }, 'violation'),
      h('span', { class: 'muted' }, ' · double border: final · dashed box: parallel · H: history · [guard]')),
    d.el,
    h('h2', {}, 'Used by'),
    h('p', { class: 'used-by muted' }, m.usedBy.join(', ')));
}
