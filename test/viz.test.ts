/**
 * The visualizer in a real browser (Debian's chromium, headless): the generated site opened from
 * file://, every diagram checked against its machine, a counterexample played step by step with the
 * highlighted states compared to the checker's own trace, an .itf.json opened from disk, the matrix
 * links followed, and a machine full of hostile markup rendered as text with no script run.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percpuRefScenario } from '../machines/bench/percpuRef.ts';
import { scenarios as daxScenarios } from '../machines/scenarios.ts';
import { checkScenario, resolveSizes, type CheckReport } from '../src/check/check.ts';
import type { Scenario, SystemDecl } from '../machines/kit/types.ts';
import { activePaths, chartOf } from '../src/model/chart.ts';
import { chartToScxml } from '../src/viz/scxml.ts';
import { writeSite } from '../src/viz/site.ts';
import { buildSiteData, type SiteData } from '../src/viz/siteData.ts';
import { launch, screenshot, type Browser } from './browser.ts';
import { EVENT, IMG, SCRIPT, hostileSystem } from './fixtures/hostile.ts';
import { atomicUpdate, lostUpdate } from './fixtures/lostUpdate.ts';
import { shapesSystem } from './fixtures/vizShapes.ts';

const scenario = (name: string, build: (rev?: string) => SystemDecl, revisions: string[] = []): Scenario => ({
  name,
  description: `test scenario ${name}`,
  revisions,
  sizes: [],
  build: (rev) => build(rev),
});
const SCENARIOS: Scenario[] = [
  scenario('lost-update', lostUpdate),
  // A revision-dependent scenario, so the matrix has a column that holds and one that is violated.
  scenario('counter', (rev) => (rev === 'v8' ? lostUpdate() : atomicUpdate()), ['v4.17', 'v8']),
  scenario('shapes', shapesSystem),
  scenario('hostile', hostileSystem),
  percpuRefScenario,
];

/**
 * One real DAX scenario too: the first (in the spec's order) whose v8 check finds a counterexample of
 * at least two steps. Found, not named, so that the test follows the spec as it grows.
 */
const dax = (() => {
  for (const s of daxScenarios as unknown as Scenario[]) {
    if (!s.revisions.includes('v8')) continue;
    const r = checkScenario(s, 'v8', resolveSizes(s, {}), { maxStates: 50_000 });
    const f = r.findings.find((x) => x.length >= 2);
    if (f) return { scenario: s, report: r, property: f.property };
  }
  return undefined;
})();
if (dax) SCENARIOS.push(dax.scenario);

const dir = mkdtempSync(join(tmpdir(), 'daxspec-viz-'));
mkdirSync(join(import.meta.dirname, 'screenshots'), { recursive: true });
let data: SiteData;
let browser: Browser;
const url = (hash: string) => `${pathToFileURL(join(dir, 'index.html')).href}${hash}`;

test.before(async () => {
  data = await buildSiteData({ scenarios: SCENARIOS, revisions: ['v4.17', 'v8'], sizes: { users: 1, rounds: 2 } });
  writeSite(dir, data);
  browser = await launch();
  await browser.page.goto(url('#/'));
  await browser.page.waitForSelector('body[data-ready]');
});

test.after(async () => {
  await browser?.close();
});

// The player's address follows the step (`.../0`), so a trace address is reached when it is a prefix.
const go = async (hash: string) => {
  await browser.page.evaluate((h) => (location.hash = h), hash);
  await browser.page.waitForFunction(
    (h) => decodeURIComponent(location.hash).startsWith(decodeURIComponent(h)) && document.body.dataset.route !== undefined,
    hash,
  );
};
const systemIndex = (key: string) => data.systems.findIndex((s) => s.key === key);
const machineIndex = (id: string) => data.machines.findIndex((m) => m.id === id);
/** Addresses by name, as the site writes them. */
const machineHash = (i: number) => {
  const [key, actor] = data.machines[i].usedBy[0].split(':');
  return `#/machine/${key}/${actor}`;
};
const traceHash = (i: number) => `#/trace/${data.systems[data.traces[i].system].key}/${data.traces[i].slug}`;
const systemHash = (i: number) => `#/system/${data.systems[i].key}`;

// A string, not a function: tsx would wrap a named function in a helper (__name) the page does not have.
const COLLECT = `(() => {
  const d = document.querySelector('main .diagram');
  const all = (sel, p) => [...d.querySelectorAll(sel)].map((g) => Number([...g.classList].find((c) => new RegExp('^' + p + '\\\\d+$').test(c)).slice(1)));
  return { states: all('g.state', 's'), edges: all('g.edge.transition', 't'), internal: all('g.transition.internal', 't'), clusters: all('g.cluster.state', 's'), text: d.textContent };
})()`;

test('every machine: a node per state and a transition element per transition, each where it belongs', async () => {
  assert.ok(data.machines.length >= 7, `${data.machines.length} machines`);
  for (const [i, m] of data.machines.entries()) {
    await go(machineHash(i));
    const found = (await browser.page.evaluate(COLLECT)) as {
      states: number[];
      edges: number[];
      internal: number[];
      clusters: number[];
      text: string;
    };
    const chart = m.chart;
    const rootShown = chart.transitions.some((t) => t.source === 0);
    const expectStates = chart.states.filter((s) => s.index > 0 || rootShown).map((s) => s.index);
    assert.equal(
      [...found.states].sort((a, b) => a - b),
      expectStates,
      `${m.id}: one node per state`,
    );
    // A transition that leaves its state is an edge per target; one that stays is a row inside its state.
    const edges = chart.transitions.flatMap((t) => t.targets.map(() => t.index));
    assert.equal(
      [...found.edges].sort((a, b) => a - b),
      edges,
      `${m.id}: edges`,
    );
    assert.equal(
      [...found.internal].sort((a, b) => a - b),
      chart.transitions.filter((t) => t.targets.length === 0).map((t) => t.index),
      `${m.id}: internal transitions`,
    );
    // Compound and parallel states are boxes around their children.
    assert.equal(
      found.clusters.sort((a, b) => a - b),
      chart.states.filter((s) => s.index > 0 && s.children.length).map((s) => s.index),
      `${m.id}: clusters`,
    );
    for (const s of chart.states.slice(1)) if (s.type !== 'history') assert.ok(found.text.includes(s.key), `${m.id}: label ${s.key}`);
  }
  await go(machineHash(machineIndex('shapes')));
  await screenshot(browser.page, 'machine-shapes');
  await go(machineHash(machineIndex('percpu_ref')));
  await screenshot(browser.page, 'machine-percpu-ref');
});

test('hover: a state and a transition show their kernel function and description', async () => {
  const m = machineIndex('user');
  await go(machineHash(m));
  const chart = data.machines[m].chart;
  const put = chart.transitions.find((t) => t.event === 'put')!;
  await browser.page.hover(`main .diagram g.transition.t${put.index} text`);
  const tip = await browser.page.locator('.tooltip').textContent();
  assert.ok(tip?.includes(`${put.fn}()`) && tip.includes(put.description!), tip ?? '');
  const idle = chart.states.find((s) => s.key === 'idle')!;
  await browser.page.hover(`main .diagram g.state.s${idle.index} text`);
  const tip2 = await browser.page.locator('.tooltip').textContent();
  assert.ok(tip2?.includes(idle.description!) && tip2.includes(idle.condition!), tip2 ?? '');
});

/** The checker's own counterexample, independent of the site: what each actor's active states must be. */
function expected(
  report: CheckReport,
  property: string,
): { steps: number; active: Record<string, string[]>[]; events: string[]; taken: string[][] } {
  const f = report.findings.find((x) => x.property === property)!;
  const sys = report.system;
  return {
    steps: f.trace.steps.length,
    active: f.trace.states.map((vec) =>
      Object.fromEntries(sys.names.map((n, a) => [n, activePaths(sys.actors[a].view(vec[a]).value).sort()])),
    ),
    events: f.trace.steps.map((s) => s.event.type),
    // Per step, `actor transitionId` of every transition the checker recorded (none before step 1).
    taken: [
      [],
      ...f.trace.steps.map((s) => [...new Set(s.calls.flatMap((c) => (c.transitions ?? []).map((id) => `${c.actor} ${id}`)))].sort()),
    ],
  };
}

/** `actor transitionId` of every transition the player lights now. */
async function litTransitions(systemKey = 'lost-update'): Promise<string[]> {
  const raw = await browser.page.evaluate(() =>
    [...document.querySelectorAll('.actor-card')].flatMap((c) =>
      [...c.querySelectorAll('g.transition.taken')].map(
        (g) => [(c as HTMLElement).dataset.actor!, Number([...g.classList].find((x) => /^t\d+$/.test(x))!.slice(1))] as const,
      ),
    ),
  );
  const sys = data.systems[systemIndex(systemKey)];
  return [
    ...new Set(
      raw.map(([actor, i]) => `${actor} ${data.machines[sys.actors.find((a) => a.name === actor)!.machine].chart.transitions[i].id}`),
    ),
  ].sort();
}

async function highlighted(systemKey = 'lost-update'): Promise<Record<string, string[]>> {
  const raw = await browser.page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.actor-card')].map((c) => [
        (c as HTMLElement).dataset.actor!,
        [...c.querySelectorAll('g.state.active')].map((g) => Number([...g.classList].find((x) => /^s\d+$/.test(x))!.slice(1))),
      ]),
    ),
  );
  const sys = data.systems[systemIndex(systemKey)];
  return Object.fromEntries(
    Object.entries(raw).map(([actor, idx]) => {
      const chart = data.machines[sys.actors.find((a) => a.name === actor)!.machine].chart;
      return [actor, idx.map((i) => chart.states[i].path).sort()];
    }),
  );
}

test("player: stepping a counterexample with the arrow keys highlights every actor's active states, step by step", async () => {
  const want = expected(checkScenario(SCENARIOS[0], undefined, {}), 'bothCounted');
  assert.is(want.steps, 4);
  const finding = data.systems[systemIndex('lost-update')].check.findings.find((f) => f.property === 'bothCounted')!;
  await go(traceHash(finding.trace));
  const page = browser.page;
  for (let p = 0; p <= want.steps; p++) {
    if (p > 0) await page.keyboard.press('ArrowRight');
    assert.is(await page.locator('.player').getAttribute('data-step'), String(p));
    assert.equal(await highlighted(), want.active[p], `step ${p}`);
    assert.is(await page.locator('.step-count').textContent(), `step ${p} of ${want.steps}`);
    if (p > 0) assert.ok((await page.locator('.step-head .event').textContent())?.startsWith(want.events[p - 1]), `event of step ${p}`);
    // Exactly the transitions the checker recorded for the step are lit, and no other.
    assert.equal(await litTransitions(), want.taken[p], `step ${p}: lit transitions`);
    assert.ok(p === 0 || want.taken[p].length >= 1, `step ${p} took a transition`);
    await screenshot(page, `player-lost-update-${p}`);
  }
  // The last write loses the other thread's update: the counter stays at 1, and the panel says so.
  assert.match((await page.locator('.changes').textContent()) ?? '', /counter\s*value\s*1\s*1|t\d\s*state\s*loaded\s*done/);
  assert.match((await page.locator('.violation').textContent()) ?? '', /bothCounted/);
  // The last step is one thread's write to the counter: with the focus on, only those two are shown.
  await page.check('.focus-toggle');
  assert.is(await page.locator('.actor-card:visible').count(), 2);
  await page.uncheck('.focus-toggle');
  assert.is(await page.locator('.actor-card:visible').count(), 3);
  await page.keyboard.press('ArrowRight');
  assert.is(await page.locator('.player').getAttribute('data-step'), String(want.steps), 'no step past the end');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await highlighted(), want.active[want.steps - 1], 'back one step');
  await page.keyboard.press('Home');
  assert.equal(await highlighted(), want.active[0], 'Home');
  await page.click('button.play');
  await page.waitForFunction((n) => document.querySelector('.player')?.getAttribute('data-step') === String(n), want.steps, {
    timeout: 10_000,
  });
  assert.equal(await highlighted(), want.active[want.steps], 'play runs to the end');
});

test('player: a DAX counterexample plays with every actor highlighted as the checker says', async () => {
  assert.ok(dax, 'some DAX scenario has a counterexample at v8');
  const { scenario, report, property } = dax!;
  const want = expected(report, property);
  const key = `${scenario.name}@v8`;
  const f = data.systems[systemIndex(key)].check.findings.find((x) => x.property === property && x.length === want.steps)!;
  await go(traceHash(f.trace));
  for (let p = 0; p <= want.steps; p++) {
    if (p > 0) await browser.page.keyboard.press('ArrowRight');
    assert.equal(await highlighted(key), want.active[p], `${key} ${property} step ${p}`);
    assert.equal(await litTransitions(key), want.taken[p], `${key} ${property} step ${p}: lit transitions`);
  }
  await screenshot(browser.page, `player-${scenario.name}-v8-${property}`);
});

test('player: an .itf.json written by the checker opens from disk and plays the same', async () => {
  const report = checkScenario(SCENARIOS[0], undefined, {});
  const f = report.findings.find((x) => x.property === 'bothCounted')!;
  const file = join(dir, 'cex.itf.json');
  writeFileSync(file, JSON.stringify(f.itf(), null, 1));
  const want = expected(report, 'bothCounted');
  await go('#/player');
  await browser.page.setInputFiles('input.file-input', file);
  await browser.page.waitForFunction(() => document.querySelector('.player')?.getAttribute('data-step') === '0');
  assert.is(await browser.page.locator('.step-count').textContent(), `step 0 of ${want.steps}`);
  await browser.page.keyboard.press('End');
  assert.equal(await highlighted(), want.active[want.steps]);
  // The file carries the calls of each step: the same transitions are lit as from the site's own trace.
  assert.equal(await litTransitions(), want.taken[want.steps]);
  // A file that is not a trace says so instead of breaking the page.
  const bad = join(dir, 'bad.itf.json');
  writeFileSync(bad, '{"vars": ["nobody"], "states": [{"nobody": 1}]}');
  await browser.page.setInputFiles('input.file-input', bad);
  await browser.page.waitForFunction(() => (document.querySelector('.player .error')?.textContent ?? '').length > 0);
  assert.match(
    (await browser.page.locator('.player .error').textContent()) ?? '',
    /bad\.itf\.json: no system of this site has the actors nobody/,
  );
});

test('bug matrix: a violated cell links to its counterexample, a cell that holds says so', async () => {
  await go('#/');
  await screenshot(browser.page, 'matrix');
  const holds = browser.page.locator('td.cell[data-system="counter@v4.17"]');
  assert.match((await holds.textContent()) ?? '', /holds/);
  const violated = browser.page.locator('td.cell[data-system="counter@v8"] a.cex');
  assert.match((await violated.first().textContent()) ?? '', /bothCounted \(4 steps\)/);
  await violated.first().click();
  await browser.page.waitForFunction(() => document.body.dataset.route === 'trace');
  assert.match(
    (await browser.page.locator('.trace-select').evaluate((s: HTMLSelectElement) => s.selectedOptions[0].textContent)) ?? '',
    /^counter@v8: bothCounted/,
  );
});

test('system view: the actors and the calls between them, as recorded while exploring', async () => {
  const i = systemIndex('lost-update');
  await go(systemHash(i));
  await screenshot(browser.page, 'system-lost-update');
  const sends = data.systems[i].sends;
  assert.equal(sends.calls.map((c) => `${c.from}>${c.to}:${c.events.join(',')}`).sort(), [
    'counter>t1:value',
    'counter>t2:value',
    't1>counter:read,write',
    't2>counter:read,write',
  ]);
  assert.is(await browser.page.locator('main .system-diagram g.actor').count(), 3);
  assert.is(await browser.page.locator('main .system-diagram g.send').count(), 4);
});

test('hostile text: state names, meta, events and guards render as text and no script runs', async () => {
  const page = browser.page;
  const m = machineIndex('hostile');
  await go(machineHash(m));
  await page.hover('main .diagram g.state.s1 text');
  const tip = (await page.locator('.tooltip').textContent()) ?? '';
  assert.ok(tip.includes(IMG), `the tooltip shows the markup as text: ${tip}`);
  const text = (await page.locator('main .diagram').textContent()) ?? '';
  assert.ok(text.includes(SCRIPT) && text.includes(IMG), 'the state names are shown as written');
  assert.ok(text.includes(EVENT), 'the event name too');
  await screenshot(page, 'hostile-machine');
  const sys = systemIndex('hostile');
  await go(systemHash(sys));
  const trace = data.systems[sys].check.findings[0].trace;
  await go(traceHash(trace));
  await page.keyboard.press('End');
  assert.ok(((await page.locator('.step-info').textContent()) ?? '').includes(EVENT));
  await screenshot(page, 'hostile-trace');
  await go('#/');
  const pwned = await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
  assert.is(pwned, undefined, 'no injected script ran');
  assert.equal(browser.dialogs, []);
  assert.is(await page.locator('main script, main img, main iframe, main foreignObject').count(), 0);
  assert.ok(((await page.locator('#nav').textContent()) ?? '').includes('hostile'));
});

test('scxml: every machine exports to well-formed XML in the SCXML namespace (parsed by the browser)', async () => {
  for (const m of data.machines) {
    const xml = chartToScxml(m.chart);
    const r = await browser.page.evaluate((x) => {
      const doc = new DOMParser().parseFromString(x, 'application/xml');
      const err = doc.getElementsByTagName('parsererror')[0];
      const ns = 'http://www.w3.org/2005/07/scxml';
      return {
        error: err?.textContent ?? null,
        root: doc.documentElement.namespaceURI,
        transitions: doc.getElementsByTagNameNS(ns, 'transition').length,
      };
    }, xml);
    assert.is(r.error, null, `${m.id}: ${r.error}`);
    assert.is(r.root, 'http://www.w3.org/2005/07/scxml');
    assert.is(r.transitions, m.chart.transitions.length + m.chart.states.filter((s) => s.type === 'history').length, m.id);
  }
});

test('the site is self-contained: local files only, no network API in the app', async () => {
  const { readFileSync } = await import('node:fs');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  assert.not.match(html, /https?:\/\//, 'index.html loads nothing from the network');
  assert.equal([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).sort(), ['app.js', 'data.js', 'style.css']);
  const app = readFileSync(join(dir, 'app.js'), 'utf8');
  // XML namespace names (http://www.w3.org/2000/svg) are names, not addresses: nothing is loaded from them.
  assert.not.match(app, /https?:\/\/(?!www\.w3\.org\/)|fetch\(|XMLHttpRequest|WebSocket|importScripts/);
  assert.not.match(readFileSync(join(dir, 'style.css'), 'utf8'), /url\(|@import|https?:/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'self'/);
});

test('daxspec viz: writes the site for one scenario; bad input exits 2 with one line', async () => {
  const { spawnSync } = await import('node:child_process');
  const { existsSync } = await import('node:fs');
  const bin = join(import.meta.dirname, '..', 'bin', 'daxspec.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  const out = join(dir, 'cli-site');
  const ok = run('viz', '--scenario', 'percpu-ref', '--users', '1', '--rounds', '1', '--out', out, '-q');
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /wrote .*index\.html: 3 machines, 1 system, 0 counterexamples/);
  for (const f of ['index.html', 'app.js', 'data.js', 'style.css']) assert.ok(existsSync(join(out, f)), f);
  for (const [args, msg] of [
    [['viz'], /--out/],
    [['viz', '--out', out, '--revision', 'v99'], /--revision v99: no such revision/],
    [['viz', '--out', out, '--scenario', 'nope'], /unknown scenario 'nope'/],
  ] as const) {
    const r = run(...args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('no console errors: the CSP let every local file load and nothing was refused', () => {
  assert.equal(browser.errors, []);
});

test.run();
void chartOf;
