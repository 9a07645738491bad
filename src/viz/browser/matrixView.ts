import type { SiteData, SiteSystem } from '../siteData.ts';
import { n, traceLink, verdictText } from './common.ts';
import { h } from './dom.ts';
import { systemHref } from './routes.ts';

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
    return h(
      'td',
      { class: cls, 'data-system': s.key },
      h('a', { href: systemHref(data, sysIndex(s)), class: 'verdict' }, s.check.verdict),
      s.check.verdict !== 'violated' ? h('div', { class: 'muted small' }, `${n(s.check.states)} states`) : null,
      s.check.findings.length
        ? h(
            'ul',
            { class: 'cell-findings' },
            s.check.findings.map((f) => h('li', {}, traceLink(data, f))),
          )
        : null,
    );
  };
  return h(
    'section',
    { class: 'overview' },
    h('h1', {}, 'Bug matrix'),
    withRevs.length
      ? h(
          'div',
          { class: 'matrix-wrap' },
          h(
            'table',
            { class: 'matrix' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, 'scenario'),
                data.revisions.map((r) => h('th', {}, r)),
              ),
            ),
            h(
              'tbody',
              {},
              scenarios.map((sc) =>
                h(
                  'tr',
                  {},
                  h('th', { class: 'row' }, sc),
                  data.revisions.map((r) => cell(sc, r)),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No revision-dependent scenario in this site.'),
    h(
      'p',
      { class: 'muted' },
      'Each violated cell lists its violated properties; each links to its shortest counterexample in the player.',
    ),
    others.length ? h('h2', {}, 'Models that do not depend on the revision') : null,
    others.length
      ? h(
          'table',
          { class: 'models' },
          h(
            'tbody',
            {},
            others.map(([s, i]) =>
              h(
                'tr',
                { class: s.check.verdict, 'data-system': s.key },
                h('th', { class: 'row' }, h('a', { href: systemHref(data, i) }, s.key)),
                h(
                  'td',
                  { class: `cell ${s.check.verdict}` },
                  s.check.verdict === 'violated'
                    ? h(
                        'ul',
                        { class: 'cell-findings' },
                        s.check.findings.map((f) => h('li', {}, traceLink(data, f))),
                      )
                    : verdictText(s),
                ),
                h('td', { class: 'muted' }, s.description),
              ),
            ),
          ),
        )
      : null,
    h('p', { class: 'muted small' }, `generated ${data.generated} by daxspec viz`),
  );
}
