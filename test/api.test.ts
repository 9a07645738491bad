/**
 * The public API (src/index.ts) is the package's contract: its value exports are listed here, so one
 * added or removed is a deliberate change (and a semver one), and each entry point does what its TSDoc says.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from '../src/index.ts';
import { lostWakeup } from '../examples/lost-wakeup/lostWakeup.ts';
import { scenarios } from '../examples/lost-wakeup/model.ts';

test('the exported values are exactly the contract', () => {
  assert.equal(Object.keys(api).sort(), [
    'FORMATS',
    'ModelError',
    'call',
    'check',
    'countPartition',
    'defineScenario',
    'exportMachine',
    'generateDocs',
    'higherOrderGuards',
    'paths',
    'renderSite',
    'reply',
    'withPartitions',
  ]);
});

test('check: a bare system, and a scenario at a revision; the report holds no internal state', () => {
  const bare = api.check(lostWakeup());
  assert.is(bare.scenario, 'system');
  assert.is(bare.verdict, 'violated');
  assert.equal(
    bare.findings.map((f) => [f.property, f.length]),
    [['progress', 3]],
  );
  assert.match(
    bare.findings[0].describe(),
    /^progress: waiter waits in "sleeping" and can never be woken\n {2}severity: hang \(a task never finishes\)\n {2}shortest counterexample: 3 steps/,
  );
  assert.equal(
    bare.findings[0].steps.map((s) => `${s.actor}.${s.event.type}`),
    ['waiter.test', 'waker.wake', 'waiter.sleep'],
  );
  assert.ok(!('system' in bare), 'no System in the public report');
  const fixed = api.check(scenarios[0], { revision: 'fixed' });
  assert.equal([fixed.verdict, fixed.states, fixed.transitions, fixed.complete], ['holds', 4, 8, true]);
});

test('check: a scenario with several revisions needs one; a bound makes the run bounded', () => {
  assert.throws(
    () => api.check(scenarios[0]),
    (e: Error) => e instanceof api.ModelError && /revisions racy, fixed: say which one/.test(e.message),
  );
  const bounded = api.check(scenarios[0], { revision: 'fixed', maxStates: 2 });
  assert.equal([bounded.verdict, bounded.complete, bounded.bound], ['bounded', false, 'states']);
});

test('paths, exportMachine and generateDocs on a user model', () => {
  const suite = api.paths(scenarios[0], { revision: 'racy' });
  assert.is(suite.scenario, 'wakeup');
  assert.equal(
    suite.regressions.map((r) => r.property),
    ['progress'],
  );
  assert.ok(suite.coverage.machines.every((m) => m.states.covered === m.states.reachable));
  const wq = scenarios[0].build('racy', {}).actors[0].machine;
  assert.match(api.exportMachine(wq, 'scxml'), /<scxml[^>]* name="wq"[^>]* initial="wq.ready"/);
  const pages = api.generateDocs({ scenarios, summary: 'Lost wake-up', revisions: ['racy', 'fixed'] });
  assert.is([...pages.keys()][0], 'index.md');
  assert.match(pages.get('index.md')!, /Lost wake-up/);
  assert.ok(
    [...pages.keys()].some((k) => /queued-is-asleep/.test(k)),
    "a page for the model's invariant",
  );
});

test('renderSite writes the site of a user model', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'daxspec-api-')), 'site');
  const seen: string[] = [];
  try {
    const files = await api.renderSite(dir, { scenarios, onSystem: (key, verdict) => seen.push(`${key} ${verdict}`) });
    assert.equal(
      files.map((f) => basename(f)),
      ['index.html', 'style.css', 'app.js', 'data.js'],
    );
    assert.ok(readdirSync(dir).includes('data.js'));
    assert.equal(seen, ['wakeup@racy violated', 'wakeup@fixed holds']);
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test.run();
