/**
 * The viewer's system page: one scenario at one revision, its actors and who calls whom, its check
 * result and links to its machines.
 */
import type { SiteData } from '../siteData.ts';
import { n, traceLink } from './common.ts';
import { panZoom } from './panZoom.ts';
import { machineHref } from './routes.ts';
import { h } from './dom.ts';
import { parseSvg } from './svg.ts';

/** One system: its actors and who calls whom, its check result and its machines. */
export function systemView(data: SiteData, index: number): HTMLElement {
  const s = data.systems[index];
  if (!s) return h('p', { class: 'error' }, `no system ${index}`);
  const sizes = Object.entries(s.sizes)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const svg = parseSvg(s.svg);
  const ht = svg.viewBox.baseVal?.height || 200;
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  const stage = h('div', { class: 'diagram system-diagram stage' }, svg);
  stage.style.height = `${Math.round(Math.min(620, Math.max(120, ht * 1.34)))}px`;
  panZoom(stage, svg, { width: svg.viewBox.baseVal?.width || 300, height: ht, max: 620 });
  return h(
    'section',
    { class: 'system' },
    h('h1', {}, s.key),
    h('p', {}, s.description),
    h(
      'p',
      { class: 'muted' },
      `${sizes ? `sizes: ${sizes} · ` : ''}${n(s.check.states)} states, ${n(s.check.edges)} transitions, ${s.check.complete ? 'explored completely' : 'bounded'} in ${s.check.seconds.toFixed(2)} s`,
    ),
    h(
      'div',
      { class: `verdict-box ${s.check.verdict}` },
      s.check.verdict === 'holds'
        ? 'Every property holds.'
        : s.check.verdict === 'bounded'
          ? 'Stopped at a bound without a violation: not complete.'
          : 'Violated:',
      s.check.findings.length
        ? h(
            'ul',
            {},
            s.check.findings.map((f) => h('li', {}, traceLink(data, f), ' ', h('span', { class: 'muted' }, f.text))),
          )
        : null,
    ),
    h('h2', {}, 'Actors and the calls between them'),
    h(
      'p',
      { class: 'muted' },
      `Edges: the events each actor delivered to another in some reachable state${s.sends.complete ? '' : ` (only the first ${n(s.sends.states)} states were walked)`}; env: the events the environment offers it.`,
    ),
    stage,
    h('h2', {}, 'Machines'),
    h(
      'ul',
      { class: 'actor-list' },
      s.actors.map((a) =>
        h(
          'li',
          {},
          h('a', { href: machineHref(data, index, a.name) }, a.name),
          h('span', { class: 'muted' }, ` ${data.machines[a.machine].id} (${a.kind === 'path' ? 'code path' : 'object'})`),
        ),
      ),
    ),
  );
}
