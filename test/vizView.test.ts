/**
 * The viewer read as a kernel developer reads a counterexample, in Debian's chromium: the widest
 * machine fitted to its card, then zoomed and panned; the longest counterexample played with exactly
 * the transitions the checker recorded lit at every step; the sequence view of a deadlock, ending
 * with who waits. Assertions are on geometry and the DOM, never on time; the screenshots go to a
 * temporary folder (printed) for people to look at.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenario, resolveSizes } from '../src/check/check.ts';
import { findScenario } from '../src/registry.ts';
import { writeSite } from '../src/viz/site.ts';
import { buildSiteData, type SiteData } from '../src/viz/siteData.ts';
import { launch, type Browser } from './browser.ts';

const SCENARIO = findScenario('pmem-remove-pinned');
// One revision keeps the site small (one system): its longest trace is 17 steps, its deadlock has waiters.
const REVISION = 'v5.10';
const dir = mkdtempSync(join(tmpdir(), 'daxspec-view-'));
const shots = mkdtempSync(join(tmpdir(), 'daxspec-shots-'));
let data: SiteData;
let browser: Browser;

test.before(async () => {
  data = await buildSiteData({ scenarios: [SCENARIO], revisions: [REVISION], revision: REVISION });
  writeSite(dir, data);
  browser = await launch();
  await browser.page.goto(`${pathToFileURL(join(dir, 'index.html')).href}#/`);
  await browser.page.waitForSelector('body[data-ready]');
  process.stderr.write(`  screenshots: ${shots}\n`);
});

test.after(async () => {
  await browser?.close();
});

const shot = (name: string) => browser.page.screenshot({ path: join(shots, `${name}.png`), animations: 'allow', caret: 'initial' });
const go = async (hash: string) => {
  await browser.page.evaluate((h) => (location.hash = h), hash);
  await browser.page.waitForFunction(
    (h) => decodeURIComponent(location.hash).startsWith(h) && document.body.dataset.route !== undefined,
    hash,
  );
};
/**
 * The drawn diagram's box and its card's, in screen pixels. svg-pan-zoom applies a zoom or pan in the
 * next animation frame: two frames are waited for (frames, not time) before measuring.
 */
const boxes = () =>
  browser.page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const stage = document.querySelector('main .stage')!.getBoundingClientRect();
    const drawn = document.querySelector('main .stage .svg-pan-zoom_viewport')!.getBoundingClientRect();
    return {
      stage: { x: stage.x, y: stage.y, w: stage.width, h: stage.height },
      drawn: { x: drawn.x, y: drawn.y, w: drawn.width, h: drawn.height },
    };
  });

test('a wide machine is fitted to its card, then zoomed in and panned', async () => {
  // The widest diagram of the site (by Graphviz's own width), found, not named.
  const width = (svg: string) => Number(/viewBox="[\d.-]+ [\d.-]+ ([\d.]+)/.exec(svg)?.[1] ?? 0);
  const widest = data.machines.map((m, i) => [width(m.svg), i] as const).sort((a, b) => b[0] - a[0])[0][1];
  const [key, actor] = data.machines[widest].usedBy[0].split(':');
  await go(`#/machine/${key}/${actor}`);
  await browser.page.waitForFunction(() => !!document.querySelector('main .stage .svg-pan-zoom_viewport'));
  const fitted = await boxes();
  assert.ok(
    width(data.machines[widest].svg) * (4 / 3) > fitted.stage.w,
    `the machine is wider than its card (${width(data.machines[widest].svg)}pt, card ${fitted.stage.w}px)`,
  );
  assert.ok(fitted.drawn.w <= fitted.stage.w + 1 && fitted.drawn.h <= fitted.stage.h + 1, `fitted: ${JSON.stringify(fitted)}`);
  assert.ok(
    fitted.drawn.w >= 0.95 * fitted.stage.w || fitted.drawn.h >= 0.95 * fitted.stage.h,
    `fitted fills the card one way: ${JSON.stringify(fitted)}`,
  );
  await shot('wide-fitted');

  await browser.page.click('main .pz-bar button:has-text("+")');
  await browser.page.click('main .pz-bar button:has-text("+")');
  const zoomed = await boxes();
  assert.ok(Math.abs(zoomed.drawn.w / fitted.drawn.w - 1.96) < 0.05, `two steps of 1.4: ${zoomed.drawn.w / fitted.drawn.w}`);
  assert.ok(zoomed.drawn.w > zoomed.stage.w, 'zoomed past the card');
  await shot('wide-zoomed');

  const { stage } = zoomed;
  await browser.page.mouse.move(stage.x + stage.w / 2, stage.y + stage.h / 2);
  await browser.page.mouse.down();
  await browser.page.mouse.move(stage.x + stage.w / 2 - 200, stage.y + stage.h / 2 - 60, { steps: 8 });
  await browser.page.mouse.up();
  const panned = await boxes();
  assert.ok(
    Math.abs(panned.drawn.x - zoomed.drawn.x + 200) < 2 && Math.abs(panned.drawn.y - zoomed.drawn.y + 60) < 2,
    `panned by the drag: ${JSON.stringify([zoomed.drawn, panned.drawn])}`,
  );
  await shot('wide-panned');

  await browser.page.click('main .pz-bar button:has-text("fit")');
  const back = await boxes();
  assert.ok(
    Math.abs(back.drawn.w - fitted.drawn.w) < 1 && Math.abs(back.drawn.x - fitted.drawn.x) < 1,
    `fit goes back to the fitted view: ${JSON.stringify([fitted.drawn, back.drawn])}`,
  );
});

/** `actor transitionId` of every transition lit in the player. */
const lit = (system: number) =>
  browser.page
    .evaluate(() =>
      [...document.querySelectorAll('.actor-card')].flatMap((c) =>
        [...c.querySelectorAll('g.transition.taken')].map(
          (g) => [(c as HTMLElement).dataset.actor!, Number([...g.classList].find((x) => /^t\d+$/.test(x))!.slice(1))] as const,
        ),
      ),
    )
    .then((raw) =>
      [
        ...new Set(
          raw.map(
            ([a, i]) => `${a} ${data.machines[data.systems[system].actors.find((x) => x.name === a)!.machine].chart.transitions[i].id}`,
          ),
        ),
      ].sort(),
    );

test('the longest counterexample plays with exactly the transitions the checker took lit at every step', async () => {
  const t = data.traces.map((x, i) => [x.itf.states.length, i] as const).sort((a, b) => b[0] - a[0])[0][1];
  const trace = data.traces[t];
  const sys = data.systems[trace.system];
  // The checker's own trace, run again here: independent of the site's data.
  const report = checkScenario(SCENARIO, sys.revision, resolveSizes(SCENARIO, {}));
  const f = report.findings.find((x) => x.property === trace.property && x.text === trace.text)!;
  assert.ok(f.length >= 10, `a long trace (${f.length} steps)`);
  await go(`#/trace/${sys.key}/${trace.slug}`);
  for (let p = 0; p <= f.length; p++) {
    if (p > 0) await browser.page.keyboard.press('ArrowRight');
    assert.ok(
      decodeURIComponent(await browser.page.evaluate(() => location.hash)).endsWith(`/${trace.slug}/${p}`),
      `the address follows step ${p}`,
    );
    const want =
      p === 0 ? [] : [...new Set(f.trace.steps[p - 1].calls.flatMap((c) => (c.transitions ?? []).map((id) => `${c.actor} ${id}`)))].sort();
    assert.equal(await lit(trace.system), want, `step ${p}`);
    if (p > 0) assert.ok(want.length > 0, `step ${p} took some transition`);
    if (p === 1 || p === f.length) await shot(`long-trace-step-${p}`);
  }
  // The actors the last step changed get the full width of the row.
  const widths = await browser.page.evaluate(() =>
    [...document.querySelectorAll('.actor-card.changed')].map(
      (c) => c.getBoundingClientRect().width / document.querySelector('.actors')!.getBoundingClientRect().width,
    ),
  );
  assert.ok(widths.length > 0 && widths.every((w) => w > 0.95), `changed actors take the row: ${widths}`);
});

test('every card keeps a readable scale: a big machine the step did not touch is panned at the floor, not shrunk', async () => {
  const t = data.traces.map((x, i) => [x.itf.states.length, i] as const).sort((a, b) => b[0] - a[0])[0][1];
  const trace = data.traces[t];
  await go(`#/trace/${data.systems[trace.system].key}/${trace.slug}/1`);
  await browser.page.waitForFunction(() => document.querySelectorAll('.actor-card .svg-pan-zoom_viewport').length > 0);
  // Per visible card: the drawn height of its state names (12pt text) in screen pixels, and whether the step changed it.
  const cards = await browser.page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return [...document.querySelectorAll('.actor-card')]
      .filter((c) => (c as HTMLElement).offsetParent !== null)
      .map((c) => {
        const texts = [...c.querySelectorAll('g.state text')].map((x) => x.getBoundingClientRect().height).filter((hgt) => hgt > 0);
        const card = c.getBoundingClientRect().width;
        return { actor: (c as HTMLElement).dataset.actor!, changed: c.classList.contains('changed'), card, text: Math.min(...texts) };
      });
  });
  const untouched = cards.filter((c) => !c.changed);
  assert.ok(untouched.length > 0, 'some actors were not touched by step 1');
  // The widest machine among the untouched cards would be about 4 px fitted to its narrow card.
  const widthOf = (actor: string) => {
    const m = data.machines[data.systems[trace.system].actors.find((a) => a.name === actor)!.machine];
    return Number(/viewBox="[\d.-]+ [\d.-]+ ([\d.]+)/.exec(m.svg)?.[1] ?? 0);
  };
  const big = untouched.sort((a, b) => widthOf(b.actor) - widthOf(a.actor))[0];
  assert.ok(
    widthOf(big.actor) * 0.8 > big.card,
    `${big.actor} is wider at the floor than its card (${widthOf(big.actor)}pt, ${big.card}px)`,
  );
  for (const c of cards) assert.ok(c.text >= 8, `${c.actor}: state names ${c.text.toFixed(1)} px high (at least 8)`);
  await shot('readable-untouched-cards');
});

test('the sequence view of a deadlock: every call an arrow, a click jumps to its step, the end says who waits', async () => {
  const t = data.traces.findIndex((x) => x.kind === 'deadlock');
  assert.ok(t >= 0, 'a deadlock in this scenario');
  const trace = data.traces[t];
  const sys = data.systems[trace.system];
  const report = checkScenario(SCENARIO, sys.revision, resolveSizes(SCENARIO, {}));
  const f = report.findings.find((x) => x.kind === 'deadlock' && x.text === trace.text)!;
  await go(`#/trace/${sys.key}/${trace.slug}`);
  await browser.page.keyboard.press('s');
  await browser.page.waitForSelector('.sequence-box svg.sequence', { state: 'visible' });
  const calls = f.trace.steps.reduce((n, s) => n + s.calls.length, 0);
  assert.is(await browser.page.locator('svg.sequence g.seq-call').count(), calls, 'an arrow per call');
  assert.is(await browser.page.locator('svg.sequence g.seq-step').count(), f.length, 'a band per step');
  // Who waits: the code paths that have not finished in the last state, as the checker's system says.
  const last = f.trace.states[f.trace.states.length - 1];
  const unfinished = report.system.paths.filter((a) => !report.system.actors[a].view(last[a]).done).map((a) => report.system.names[a]);
  const waiting = await browser.page.locator('svg.sequence g.seq-wait').evaluateAll((gs) => gs.map((g) => (g as SVGElement).dataset.actor));
  for (const a of unfinished) assert.ok(waiting.includes(a), `${a} is shown waiting (${waiting})`);
  await browser.page.locator('svg.sequence g.seq-step[data-step="3"] rect').click();
  assert.is(await browser.page.locator('.player').getAttribute('data-step'), '3');
  assert.ok(decodeURIComponent(await browser.page.evaluate(() => location.hash)).endsWith(`/${trace.slug}/3`));
  assert.is(await browser.page.locator('svg.sequence g.seq-step.current').getAttribute('data-step'), '3');
  await shot('sequence-deadlock');
  // At the end, the focus keeps the actor that cannot finish.
  await browser.page.keyboard.press('s');
  await browser.page.keyboard.press('End');
  await browser.page.check('.focus-toggle');
  for (const a of unfinished) assert.ok(await browser.page.locator(`.actor-card[data-actor="${a}"]`).isVisible(), `${a} stays in focus`);
  await browser.page.uncheck('.focus-toggle');
});

test('#/player without a trace shows the picker, not the last trace; findings of one property have distinct picker texts', async () => {
  await go('#/player');
  assert.is(await browser.page.locator('.actor-card').count(), 0);
  assert.is(await browser.page.locator('.trace-select').inputValue(), '');
  const texts = await browser.page.locator('.trace-select option').allTextContents();
  assert.is(new Set(texts).size, texts.length, 'every counterexample has its own text');
});

test('a lasso (ITF loop) shows its cycle in the player and the sequence view', async () => {
  const { writeFileSync } = await import('node:fs');
  const t = data.traces[0];
  const loop = Math.max(1, t.itf.states.length - 3);
  const file = join(dir, 'lasso.itf.json');
  writeFileSync(file, JSON.stringify({ ...t.itf, loop }));
  await go('#/player');
  await browser.page.setInputFiles('input.file-input', file);
  await browser.page.waitForFunction(() => document.querySelector('.player')?.getAttribute('data-step') === '0');
  await browser.page.keyboard.press('End');
  assert.match(
    (await browser.page.locator('.loop-note').textContent()) ?? '',
    new RegExp(`steps ${loop + 1}–${t.itf.states.length - 1} repeat forever`),
  );
  assert.is(await browser.page.locator('svg.sequence g.seq-step.in-loop').count(), t.itf.states.length - 1 - loop);
  assert.is(await browser.page.locator('svg.sequence .seq-loop').count(), 1);
});

test('a real lasso from the checker (I12: truncate never finishes) plays with its cycle shown', async () => {
  const t = data.traces.findIndex((x) => x.kind === 'liveness');
  assert.ok(t >= 0, 'the site holds a liveness counterexample');
  const trace = data.traces[t];
  const sys = data.systems[trace.system];
  const report = checkScenario(SCENARIO, sys.revision, resolveSizes(SCENARIO, {}));
  const f = report.findings.find((x) => x.kind === 'liveness' && x.property === trace.property)!;
  assert.is(trace.itf.loop, f.loop, 'the loop index the checker found');
  const loop = f.loop!;
  // A cycle with no step (loop at the last state) is a stutter; otherwise the steps after loop repeat.
  const stutters = loop === f.length;
  await go(`#/trace/${sys.key}/${trace.slug}`);
  await browser.page.keyboard.press('End');
  assert.is(await browser.page.locator('.player').getAttribute('data-step'), String(f.length));
  assert.match(
    (await browser.page.locator('.loop-note').textContent()) ?? '',
    stutters ? 'stays in this state for ever' : `steps ${loop + 1}–${f.length} repeat forever`,
  );
  await browser.page.keyboard.press('s');
  await browser.page.waitForSelector('.sequence-box svg.sequence', { state: 'visible' });
  if (stutters) assert.is(await browser.page.locator('svg.sequence .seq-stutter').count(), 1);
  else assert.is(await browser.page.locator('svg.sequence g.seq-step.in-loop').count(), f.length - loop);
  assert.is(await browser.page.locator('svg.sequence .seq-loop').count(), 1);
  await shot('lasso-real');
  await browser.page.keyboard.press('s');
  await browser.page.keyboard.press('Home');
  assert.is(await browser.page.locator('.loop-note').count(), 0, 'before the cycle, no cycle note');
});

test('search finds machines, states and findings; ? opens the keys; dark mode follows the system', async () => {
  await go('#/');
  await browser.page.keyboard.press('/');
  await browser.page.keyboard.type('deadlock');
  await browser.page.waitForFunction(() => document.body.dataset.route === 'search');
  const kinds = await browser.page.locator('.hits .hit-kind').allTextContents();
  assert.ok(kinds.includes('finding'), `a finding matches: ${kinds}`);
  await browser.page.fill('input.search', 'sleeping');
  await browser.page.waitForFunction(() => [...document.querySelectorAll('.hits .hit-kind')].some((k) => k.textContent === 'state'));
  await browser.page.locator('input.search').blur();
  await browser.page.keyboard.press('?');
  assert.ok(await browser.page.locator('.help').isVisible(), 'the key help opens');
  await browser.page.keyboard.press('Escape');
  assert.not.ok(await browser.page.locator('.help').isVisible());
  const bg = () => browser.page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  await browser.page.emulateMedia({ colorScheme: 'dark' });
  const dark = await bg();
  await browser.page.emulateMedia({ colorScheme: 'light' });
  assert.is.not(dark, await bg());
  assert.is(dark, 'rgb(21, 27, 34)');
});

test('no console errors under the CSP', () => {
  assert.equal(browser.errors, []);
});

test.run();
