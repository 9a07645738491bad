/**
 * Search in the viewer: machines, states (path, description, kernel function), findings and systems,
 * every word of the query required; and the page that lists the hits.
 */
import type { SiteData } from '../siteData.ts';
import { h } from './dom.ts';
import { machineVariantHref, systemHref, traceHref } from './routes.ts';

/** One hit of a search: what it is, its name, where it leads, and the text that matched. */
interface Hit {
  readonly kind: 'machine' | 'state' | 'finding' | 'system';
  readonly name: string;
  readonly href: string;
  readonly detail: string;
}

/**
 * Search over machines (id, description), their states (path, description, kernel function) and the
 * findings (property and text) and systems. Every word of the query must appear (case-insensitive).
 */
export function search(data: SiteData, query: string, limit = 200): Hit[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const hit = (...texts: (string | undefined)[]): boolean => {
    const t = texts.filter(Boolean).join(' ').toLowerCase();
    return words.every((w) => t.includes(w));
  };
  const out: Hit[] = [];
  data.machines.forEach((m, i) => {
    const href = machineVariantHref(data, i);
    if (hit(m.id, m.chart.description)) out.push({ kind: 'machine', name: m.id, href, detail: m.chart.description ?? '' });
    for (const s of m.chart.states.slice(1)) {
      if (hit(m.id, s.path, s.description, s.fn))
        out.push({
          kind: 'state',
          name: `${m.id}: ${s.path}`,
          href,
          detail: [s.fn && `${s.fn}()`, s.description].filter(Boolean).join(' — '),
        });
    }
  });
  data.traces.forEach((t, i) => {
    const key = data.systems[t.system].key;
    if (hit(key, t.property, t.text))
      out.push({ kind: 'finding', name: `${key}: ${t.property}`, href: traceHref(data, i), detail: t.text });
  });
  data.systems.forEach((s, i) => {
    if (hit(s.key, s.description)) out.push({ kind: 'system', name: s.key, href: systemHref(data, i), detail: s.description });
  });
  return out.slice(0, limit);
}

export function searchView(data: SiteData, query: string): HTMLElement {
  const hits = search(data, query);
  return h(
    'section',
    { class: 'search-results' },
    h('h1', {}, `Search: ${query}`),
    h(
      'p',
      { class: 'muted' },
      hits.length
        ? `${hits.length} hit${hits.length === 1 ? '' : 's'}${hits.length >= 200 ? ' (the first 200)' : ''}`
        : 'Nothing matches every word.',
    ),
    h(
      'ul',
      { class: 'hits' },
      hits.map((x) =>
        h(
          'li',
          { class: `hit ${x.kind}` },
          h('span', { class: 'hit-kind' }, x.kind),
          ' ',
          h('a', { href: x.href }, x.name),
          x.detail ? h('div', { class: 'muted small' }, x.detail) : null,
        ),
      ),
    ),
  );
}
