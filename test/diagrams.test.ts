/**
 * Every diagram the project writes, read by the program its readers use: each Mermaid block of the
 * docs rendered by the mermaid package in chromium (a parse error fails), every machine's SCXML
 * checked against the W3C rules an interpreter relies on (an initial state that exists, transition
 * targets that exist, parallel states as <parallel>), and every machine's DOT laid out by @viz-js/viz.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyStateMachine } from 'xstate';
import { resolveSizes } from '../src/check/check.ts';
import { SCENARIOS } from '../src/registry.ts';
import { chartOf, type Chart } from '../src/model/chart.ts';
import { chartToDot } from '../src/viz/dot.ts';
import { chartToMermaid } from '../src/model/mermaid.ts';
import { renderSvg } from '../src/viz/render.ts';
import { chartToScxml } from '../src/viz/scxml.ts';
import { launch, type Browser } from './browser.ts';

const DOCS = join(import.meta.dirname, '..', 'docs', 'spec');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? markdownFiles(p) : p.endsWith('.md') ? [p] : [];
  });
}

/** Every distinct machine the scenarios build, in every revision (by its drawing), with where it is from. */
const machines: { where: string; chart: Chart }[] = (() => {
  const seen = new Set<string>();
  const out: { where: string; chart: Chart }[] = [];
  for (const s of SCENARIOS) {
    for (const rev of s.revisions.length ? s.revisions : [undefined]) {
      for (const a of s.build(rev, resolveSizes(s, {})).actors) {
        const chart = chartOf(a.machine as AnyStateMachine);
        const dot = chartToDot(chart);
        if (seen.has(dot)) continue;
        seen.add(dot);
        out.push({ where: `${s.name}@${rev ?? '-'}:${a.name}`, chart });
      }
    }
  }
  return out;
})();

let browser: Browser;
test.before(async () => {
  browser = await launch();
  const require = createRequire(import.meta.url);
  // about:blank has no CSP: the mermaid bundle is added as a script, from node_modules (nothing downloaded).
  await browser.page.addScriptTag({ content: readFileSync(require.resolve('mermaid/dist/mermaid.min.js'), 'utf8') });
  await browser.page.evaluate(() =>
    (window as unknown as { mermaid: { initialize(c: unknown): void } }).mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
    }),
  );
  // tsx names the helper functions of an evaluated callback with __name, which the page does not have.
  await browser.page.evaluate('window.__name = (f) => f');
});
test.after(async () => {
  await browser?.close();
});

/** Renders one diagram with mermaid; the error message, or null. */
const render = (text: string, n: number) =>
  browser.page.evaluate(
    async ([t, i]) => {
      const m = (window as unknown as { mermaid: { render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
      try {
        const { svg } = await m.render(`d${i}`, t);
        return svg.includes('<svg') ? null : 'no svg';
      } catch (e) {
        return String((e as Error).message ?? e).slice(0, 300);
      }
    },
    [text, n] as const,
  );

test('mermaid: every diagram in the docs renders with the mermaid package', async () => {
  const blocks = markdownFiles(DOCS).flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => ({ f, text: m[1] })),
  );
  assert.ok(blocks.length >= 10, `${blocks.length} mermaid blocks in the docs`);
  const failed: string[] = [];
  for (const [i, b] of blocks.entries()) {
    const err = await render(b.text, i);
    if (err) failed.push(`${b.f.slice(DOCS.length + 1)}: ${err}`);
  }
  assert.equal(failed, []);
});

test('mermaid: every machine exported as Mermaid renders', async () => {
  const failed: string[] = [];
  for (const [i, m] of machines.entries()) {
    // The merged form (the docs') is rendered by the test above, from the docs themselves.
    const err = await render(chartToMermaid(m.chart, { direction: 'LR' }), 1000 + i);
    if (err) failed.push(`${m.where}: ${err}`);
  }
  assert.equal(failed, []);
});

test('scxml: every machine has an initial that exists, transitions to states that exist, parallel states as <parallel>', async () => {
  for (const m of machines) {
    const xml = chartToScxml(m.chart);
    const r = await browser.page.evaluate((x) => {
      const doc = new DOMParser().parseFromString(x, 'application/xml');
      const err = doc.getElementsByTagName('parsererror')[0]?.textContent ?? null;
      const ns = 'http://www.w3.org/2005/07/scxml';
      const all = [...doc.getElementsByTagNameNS(ns, '*')];
      const ids = new Set(all.map((e) => e.getAttribute('id')).filter(Boolean));
      const missing: string[] = [];
      const check = (el: Element, attr: string) => {
        for (const id of (el.getAttribute(attr) ?? '').split(/\s+/).filter(Boolean))
          if (!ids.has(id)) missing.push(`${el.localName} ${attr}=${id}`);
      };
      for (const e of all) {
        if (e.localName === 'transition') check(e, 'target');
        if (e.localName === 'scxml' || e.localName === 'state') check(e, 'initial');
      }
      // A compound <state> with children needs an initial (attribute or the first child, which SCXML allows).
      const parallel = all
        .filter((e) => e.localName === 'parallel')
        .map((e) => ({
          id: e.getAttribute('id'),
          regions: [...e.children].filter((c) => c.namespaceURI === ns && ['state', 'parallel'].includes(c.localName)).length,
        }));
      const initialOf = (e: Element) => e.getAttribute('initial');
      const rootInitial = initialOf(doc.documentElement);
      const topStates = [...doc.documentElement.children].filter((c) => ['state', 'parallel', 'final'].includes(c.localName)).length;
      return { err, missing, parallel, rootInitial, topStates };
    }, xml);
    assert.is(r.err, null, `${m.where}: ${r.err}`);
    assert.equal(r.missing, [], `${m.where}: references to ids that do not exist`);
    assert.ok(r.rootInitial !== null || r.topStates === 1, `${m.where}: <scxml> names its initial state`);
    const parallels = m.chart.states.filter((s) => s.type === 'parallel');
    assert.is(r.parallel.length, parallels.length, `${m.where}: every parallel state is a <parallel>`);
    for (const p of r.parallel) assert.ok(p.regions >= 1, `${m.where}: <parallel ${p.id}> has regions`);
  }
  assert.ok(
    machines.some((m) => m.chart.states[0].type === 'parallel'),
    'some machine is parallel at its top level',
  );
});

test('dot: every machine lays out with @viz-js/viz', async () => {
  for (const m of machines) {
    const svg = await renderSvg(chartToDot(m.chart));
    assert.match(svg, /<svg[\s\S]*class="[^"]*\bstate s\d+/, m.where);
  }
});

test.run();
