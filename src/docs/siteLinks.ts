import { ANY_REVISION } from './catalog.ts';

/**
 * Links from a docs page to the viewer's page of the same machine, counterexample or matrix cell.
 * The viewer (`daxspec viz --out SITE`) is a static site whose addresses are stable
 * (src/viz/browser/routes.ts): `#/machine/<scenario>@<rev>/<actor>`, `#/trace/<scenario>@<rev>/<slug>/<step>`,
 * `#/system/<scenario>@<rev>`. The docs link to it relatively, through `site`: where the site's folder
 * is seen from the docs root. Built as documented (`daxspec docs --out docs/spec` and
 * `daxspec viz --out site --docs docs/spec`), that is `../../site`, and the links work from a checkout
 * and from the generated files alike; `daxspec docs --site DIR` names another place.
 */
export const DEFAULT_SITE = '../../site';

/** A route segment, escaped as the viewer escapes it (only what would split it). */
const seg = (s: string): string => s.replace(/[%/#?\s]/g, (c) => encodeURIComponent(c));

/** The viewer's name for a checked system: `scenario@rev`, or the scenario alone when it has no revisions. */
export const systemKey = (scenario: string, revision: string): string => (revision === ANY_REVISION ? scenario : `${scenario}@${revision}`);

/** The slug the viewer gives the nth finding (from 1) of one property in one system: `I9`, `I9~2`. */
export const traceSlug = (property: string, nth: number): string => (nth === 1 ? property : `${property}~${nth}`);

export class SiteLinks {
  constructor(readonly site: string = DEFAULT_SITE) {}

  /** The site's index page as seen from `from` (a page path relative to the docs root). */
  private index(from: string): string {
    const up = from.split('/').length - 1;
    return `${'../'.repeat(up)}${this.site.replace(/\/$/, '')}/index.html`;
  }

  machine(from: string, scenario: string, revision: string, actor: string): string {
    return `${this.index(from)}#/machine/${seg(systemKey(scenario, revision))}/${seg(actor)}`;
  }

  trace(from: string, scenario: string, revision: string, slug: string, step?: number): string {
    return `${this.index(from)}#/trace/${seg(systemKey(scenario, revision))}/${seg(slug)}${step === undefined ? '' : `/${step}`}`;
  }

  system(from: string, scenario: string, revision: string): string {
    return `${this.index(from)}#/system/${seg(systemKey(scenario, revision))}`;
  }

  matrix(from: string): string {
    return `${this.index(from)}#/`;
  }
}
