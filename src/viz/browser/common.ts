import type { SiteSystem } from '../siteData.ts';
import { h } from './dom.ts';

/** Shared pieces of the site's pages: numbers, verdicts, links to counterexamples, zoom. */
export const n = (x: number): string => x.toLocaleString('en-US');

/** Fitted to the page; a double click shows the actual size (scrollable) and back. */
export function zoomable(el: HTMLElement): HTMLElement {
  el.addEventListener('dblclick', () => el.classList.toggle('zoomed'));
  return el;
}

export function verdictText(s: SiteSystem): string {
  const c = s.check;
  if (c.verdict === 'holds') return `holds (${n(c.states)} states)`;
  if (c.verdict === 'bounded') return `bounded (${n(c.states)} states)`;
  const [f, ...rest] = c.findings;
  return `${f.property} (${f.length})${rest.length ? ` +${rest.length}` : ''}`;
}

/** A link to a finding's counterexample in the player. */
export const traceLink = (f: SiteSystem['check']['findings'][number]) =>
  h('a', { href: `#/trace/${f.trace}`, class: 'cex', title: f.text }, `${f.property} (${f.length} step${f.length === 1 ? '' : 's'})`);
