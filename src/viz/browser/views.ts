import type { SiteData, SiteSystem } from '../siteData.ts';
import { diagram } from './diagram.ts';
import { h } from './dom.ts';
import { parseSvg } from './svg.ts';

const n = (x: number): string => x.toLocaleString('en-US');

/** Fitted to the page; a double click shows the actual size (scrollable) and back. */
function zoomable(el: HTMLElement): HTMLElement {
  el.addEventListener('dblclick', () => el.classList.toggle('zoomed'));
  return el;
}

function verdictText(s: SiteSystem): string {
  const c = s.check;
  if (c.verdict === 'holds') return `holds (${n(c.states)} states)`;
  if (c.verdict === 'bounded') return `bounded (${n(c.states)} states)`;
  const [f, ...rest] = c.findings;
  return `${f.property} (${f.length})${rest.length ? ` +${rest.length}` : ''}`;
}

/** A link to a finding's counterexample in the player. */
const traceLink = (f: SiteSystem['check']['findings'][number]) =>
  h('a', { href: `#/trace/${f.trace}`, class: 'cex', title: f.text }, `${f.property} (${f.length} step${f.length === 1 ? '' : 's'})`);

/**
 * The bug matrix: a row per scenario, a column per revision. A violated cell links to the shortest
 * counterexample of each property it violates; a cell that holds links to its system.
 */
export function matrixView(data: SiteData): HTMLElement {
  const withRevs = data.systems.filter((s) => s.revision !== undefined);
  const scenarios = [...new Set(withRevs.map((s) => s.scenario))];
  const others = data.systems.map((s, i) => [s, i] as const).filter(([s]) => s.revision === undefined);
  const sysIndex = (s: SiteSystem) => data.systems.indexOf(s);
  const cell = (scenario: string, rev: string) => {
    const s = withRevs.find((x) => x.scenario === scenario && x.revision === rev);
    if (!s) return h('td', { class: 'cell none' }, '–');
    const cls = `cell ${s.check.verdict}`;
    return h('td', { class: cls, 'data-system': s.key },
      h('a', { href: `#/system/${sysIndex(s)}`, class: 'verdict' }, s.check.verdict),
      s.check.verdict !== 'violated' ? h('div', { class: 'muted small' }, `${n(s.check.states)} states`) : null,
      s.check.findings.length ? h('ul', { class: 'cell-findings' }, s.check.findings.map((f) => h('li', {}, traceLink(f)))) : null);
  };
  return h('section', { class: 'overview' },
    h('h1', {}, 'Bug matrix'),
    withRevs.length
      ? h('div', { class: 'matrix-wrap' }, h('table', { class: 'matrix' },
          h('thead', {}, h('tr', {}, h('th', {}, 'scenario'), data.revisions.map((r) => h('th', {}, r)))),
          h('tbody', {}, scenarios.map((sc) => h('tr', {}, h('th', { class: 'row' }, sc), data.revisions.map((r) => cell(sc, r)))))))
      : h('p', { class: 'muted' }, 'No revision-dependent scenario in this site.'),
    h('p', { class: 'muted' }, 'Each violated cell lists its violated properties; each links to its shortest counterexample in the player.'),
    others.length ? h('h2', {}, 'Models that do not depend on the revision') : null,
    others.length ? h('table', { class: 'models' }, h('tbody', {}, others.map(([s, i]) =>
      h('tr', { class: s.check.verdict, 'data-system': s.key },
        h('th', { class: 'row' }, h('a', { href: `#/system/${i}` }, s.key)),
        h('td', { class: `cell ${s.check.verdict}` }, s.check.verdict === 'violated' ? h('ul', { class: 'cell-findings' }, s.check.findings.map((f) => h('li', {}, traceLink(f)))) : verdictText(s)),
        h('td', { class: 'muted' }, s.description))))) : null,
    h('p', { class: 'muted small' }, `generated ${data.generated} by daxspec viz`));
}

/** One system: its actors and who calls whom, its check result and its machines. */
export function systemView(data: SiteData, index: number): HTMLElement {
  const s = data.systems[index];
  if (!s) return h('p', { class: 'error' }, `no system ${index}`);
  const sizes = Object.entries(s.sizes).map(([k, v]) => `${k}=${v}`).join(' ');
  const svg = parseSvg(s.svg);
  return h('section', { class: 'system' },
    h('h1', {}, s.key),
    h('p', {}, s.description),
    h('p', { class: 'muted' }, `${sizes ? `sizes: ${sizes} · ` : ''}${n(s.check.states)} states, ${n(s.check.edges)} transitions, ${s.check.complete ? 'explored completely' : 'bounded'} in ${s.check.seconds.toFixed(2)} s`),
    h('div', { class: `verdict-box ${s.check.verdict}` },
      s.check.verdict === 'holds' ? 'Every property holds.' : s.check.verdict === 'bounded' ? 'Stopped at a bound without a violation: not complete.' : 'Violated:',
      s.check.findings.length ? h('ul', {}, s.check.findings.map((f) => h('li', {}, traceLink(f), ' ', h('span', { class: 'muted' }, f.text)))) : null),
    h('h2', {}, 'Actors and the calls between them'),
    h('p', { class: 'muted' }, `Edges: the events each actor delivered to another in some reachable state${s.sends.complete ? '' : ` (only the first ${n(s.sends.states)} states were walked)`}; env: the events the environment offers it.`),
    zoomable(h('div', { class: 'diagram system-diagram', title: 'double-click: actual size / fit' }, svg)),
    h('h2', {}, 'Machines'),
    h('ul', { class: 'actor-list' }, s.actors.map((a) =>
      h('li', {}, h('a', { href: `#/machine/${a.machine}` }, a.name), h('span', { class: 'muted' }, ` ${data.machines[a.machine].id} (${a.kind === 'path' ? 'code path' : 'object'})`)))));
}

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
