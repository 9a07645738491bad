import type { SiteData, SiteSystem } from '../siteData.ts';
import { h } from './dom.ts';
import { traceHref } from './routes.ts';

/** Shared pieces of the site's pages: numbers, verdicts, links to counterexamples, zoom. */
export const n = (x: number): string => x.toLocaleString('en-US');

export function verdictText(s: SiteSystem): string {
  const c = s.check;
  if (c.verdict === 'holds') return `holds (${n(c.states)} states)`;
  if (c.verdict === 'bounded') return `bounded (${n(c.states)} states)`;
  const [f, ...rest] = c.findings;
  return `${f.property} (${f.length})${rest.length ? ` +${rest.length}` : ''}`;
}

/** A link to a finding's counterexample in the player. */
export const traceLink = (data: SiteData, f: SiteSystem['check']['findings'][number]) =>
  h('a', { href: traceHref(data, f.trace), class: 'cex', title: f.text }, `${f.property} (${f.length} step${f.length === 1 ? '' : 's'})`);
