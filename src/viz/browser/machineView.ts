/**
 * The viewer's machine page: one machine's statechart, description, where it is used, what no scenario
 * reaches in its revision, and the link to its page in the docs.
 */
import type { SiteData, SiteReached } from '../siteData.ts';
import { unreachedOf } from '../../model/reach.ts';
import { diagram } from './diagram.ts';
import { h } from './dom.ts';
import { systemHref } from './routes.ts';

/** What some scenario reached of machine `index` in the revision of `system` (undefined: unknown). */
export function reachedIn(data: SiteData, index: number, system?: number): SiteReached | undefined {
  if (system === undefined) return undefined;
  return data.reach[data.systems[system].revision ?? '']?.[data.machines[index].id];
}

/** The relative link to a machine's page in the Markdown docs, when the site was built with them. */
export function docsHref(data: SiteData, machineId: string): string | undefined {
  return data.docs === undefined ? undefined : `${data.docs.replace(/\/$/, '')}/machines/${machineId.replace(/[^A-Za-z0-9._-]/g, '-')}.md`;
}

/** One machine as a statechart, with its description, where it is used, and what its revision never reaches. */
export function machineView(data: SiteData, index: number, system?: number, actor?: string): HTMLElement {
  const m = data.machines[index];
  if (!m) return h('p', { class: 'error' }, `no machine ${index}`);
  const reached = reachedIn(data, index, system);
  const d = diagram(m, reached);
  d.highlight([], []);
  const sys = system === undefined ? undefined : data.systems[system];
  const never = reached?.complete ? unreachedOf(m.chart, reached) : undefined;
  const greyed = never ? never.states.size + never.transitions.size : 0;
  const docs = docsHref(data, m.id);
  return h(
    'section',
    { class: 'machine', 'data-machine': index },
    h(
      'h1',
      {},
      m.id,
      actor ? h('span', { class: 'muted' }, ` as ${actor} in `, h('a', { href: systemHref(data, system!) }, sys!.key)) : null,
    ),
    m.chart.description ? h('p', {}, m.chart.description) : null,
    h(
      'p',
      { class: 'muted' },
      `${m.chart.states.length - 1} states, ${m.chart.transitions.length} transitions. Hover a state or transition for its kernel function and description.`,
      docs ? h('span', {}, ' ', h('a', { href: docs, class: 'docs-link' }, 'Its page in the spec docs')) : null,
    ),
    reached && sys
      ? h(
          'p',
          { class: 'reach-note muted' },
          !reached.complete
            ? `Some check of ${sys.revision ?? 'this model'} was bounded: nothing is greyed.`
            : greyed
              ? `Greyed: ${greyed} states and transitions no scenario reaches in ${sys.revision ?? 'this model'}.`
              : `Every state and transition is reached by some scenario in ${sys.revision ?? 'this model'}.`,
        )
      : null,
    h(
      'div',
      { class: 'legend' },
      h('span', { class: 'key plain' }, 'state'),
      h('span', { class: 'key waiting' }, 'waiting'),
      h('span', { class: 'key warn' }, 'WARN'),
      h('span', { class: 'key violation' }, 'violation'),
      h('span', { class: 'key unreached' }, 'never reached'),
      h('span', { class: 'muted' }, ' · double border: final · dashed box: parallel · H: history · [guard]'),
    ),
    d.el,
    h('h2', {}, 'Used by'),
    h('p', { class: 'used-by muted' }, m.usedBy.join(', ')),
  );
}
