/**
 * Pieces every page of the viewer shares: number formatting, verdict words, links to a finding's
 * counterexample in the player and to its page in the Markdown docs.
 */
import type { SiteData, SiteSystem } from '../siteData.ts';
import { h } from './dom.ts';
import { traceHref } from './routes.ts';

export const n = (x: number): string => x.toLocaleString('en-US');

export function verdictText(s: SiteSystem): string {
  const c = s.check;
  if (c.verdict === 'holds') return `holds (${n(c.states)} states)`;
  if (c.verdict === 'bounded') return `bounded (${n(c.states)} states)`;
  const [f, ...rest] = c.findings;
  return `${f.property} (${f.length})${rest.length ? ` +${rest.length}` : ''}`;
}

/** A link to a finding's counterexample in the player. */
export const traceLink = (data: SiteData, f: SiteSystem['check']['findings'][number]) => {
  const link = h(
    'a',
    { href: traceHref(data, f.trace), class: 'cex', title: f.text },
    `${f.property} (${f.length} step${f.length === 1 ? '' : 's'})`,
  );
  const docs = traceDocsHref(data, f.trace);
  return docs ? h('span', {}, link, ' ', h('a', { href: docs, class: 'docs-link', title: 'its page in the spec docs' }, 'docs')) : link;
};

/** The relative link to a counterexample's property page in the Markdown docs, when the site was built with them. */
export const traceDocsHref = (data: SiteData, trace: number): string | undefined =>
  data.docs === undefined ? undefined : `${data.docs.replace(/\/$/, '')}/${data.traces[trace].docsPage}`;
