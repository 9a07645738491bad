/**
 * Replay is a checker: it re-checks every property where a trace ends (deadlock and progress
 * included, by exploring what can follow), reads every trace format daxspec writes, and shows a
 * diverging state by the fields that differ, each in full.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSystem, checkScenario, resolveSizes } from '../src/check/check.ts';
import { findScenario } from '../src/registry.ts';
import { replayItf } from '../src/check/replay.ts';
import { System } from '../src/compose/system.ts';
import type { Scenario } from '../machines/kit/types.ts';
import { abba } from './fixtures/deadlock.ts';
import { lostWakeup } from './fixtures/lostWakeup.ts';
import { badStart } from './fixtures/badStart.ts';
import { runCli } from './runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'daxspec-replay-'));
const scenario = (name: string, build: Scenario['build']): Scenario => ({ name, description: 'test', revisions: [], sizes: [], build });

test('a deadlock counterexample replays into the deadlock: re-checked at its last state', () => {
  const report = checkScenario(
    scenario('abba', () => abba()),
    undefined,
    {},
  );
  const f = report.findings.find((x) => x.property === 'deadlock')!;
  const r = replayItf(new System(abba()), JSON.parse(JSON.stringify(f.itf())));
  assert.is(r.divergence, undefined);
  assert.ok(
    r.findings.some((x) => x.kind === 'deadlock'),
    JSON.stringify(r.findings),
  );
  assert.match(r.violation ?? '', /no step is possible/);
});

test('a lost wake-up replays into the progress violation: the waiter can never be woken from the last state', () => {
  const report = checkScenario(
    scenario('lost-wakeup', () => lostWakeup()),
    undefined,
    {},
  );
  const f = report.findings.find((x) => x.property === 'progress')!;
  const itf = JSON.parse(JSON.stringify(f.itf()));
  const r = replayItf(new System(lostWakeup()), itf);
  assert.is(r.divergence, undefined);
  assert.ok(
    r.findings.some((x) => x.kind === 'progress'),
    JSON.stringify(r.findings),
  );
  // One step less, the waiter has not gone to sleep yet: nothing fails there.
  itf.states.pop();
  const shorter = replayItf(new System(lostWakeup()), itf);
  assert.is(shorter.violation, undefined, JSON.stringify(shorter.findings));
  assert.equal(shorter.findings, []);
});

test('an invariant that fails in the initial state: a trace of one state replays into it', () => {
  const report = checkScenario(
    scenario('bad-start', () => badStart()),
    undefined,
    {},
  );
  const r = replayItf(new System(badStart()), JSON.parse(JSON.stringify(report.findings[0].itf())));
  assert.is(r.total, 0);
  assert.match(r.violation ?? '', /neverZero/);
});

test('a divergence names each differing field with both values in full, and only those', () => {
  const report = checkScenario(
    scenario('lost-wakeup', () => lostWakeup()),
    undefined,
    {},
  );
  const itf = JSON.parse(JSON.stringify(report.findings[0].itf()));
  const name = itf.vars.find((v: string) => Object.keys(itf.states[1][v].context ?? {}).length > 0);
  const key = Object.keys(itf.states[1][name].context)[0];
  const long = 'x'.repeat(400);
  itf.states[1][name].context[key] = long;
  const r = replayItf(new System(lostWakeup()), itf);
  assert.is(r.divergence?.step, 1);
  assert.equal(
    r.divergence!.differences!.map((d) => d.field),
    [`${name}.context.${key}`],
  );
  assert.ok(r.divergence!.message.includes(long), 'the value in full, not cut');
});

test("a lasso is judged on replay: the checker's own lassos show their property under their fairness, and cut ones show nothing", () => {
  const cells: [string, string][] = [
    ['dma-truncate', 'v6.15'],
    ['pmem-remove-pinned', 'v6.15'],
    ['static-key-race', 'v4.18'],
  ];
  let lassos = 0;
  for (const [name, rev] of cells) {
    for (const fairness of ['declared', 'none'] as const) {
      const s = findScenario(name);
      const sizes = resolveSizes(s, {});
      const report = checkScenario(s, rev, sizes, { fairness });
      for (const f of report.findings.filter((x) => x.kind === 'liveness')) {
        lassos++;
        const itf = JSON.parse(JSON.stringify(f.itf()));
        const system = buildSystem(s, rev, sizes);
        const r = replayItf(system, itf, 't', { fairness: itf['#meta'].daxspec.fairness });
        const at = `${name} ${rev} ${fairness} ${f.property}`;
        assert.is(r.divergence, undefined, at);
        assert.is(r.unfair, undefined, at);
        assert.ok(
          r.findings.some((x) => x.property === f.property && x.actor === f.actor),
          `${at}: ${JSON.stringify(r.findings)}`,
        );
        // The initial state alone, stuttering: no premise has held, no fair step is neglected there... or one is.
        const init = replayItf(system, { ...itf, states: itf.states.slice(0, 1), loop: 0 }, 't', { fairness: 'declared' });
        assert.not.ok(
          init.findings.some((x) => x.property === f.property && x.actor === f.actor),
          `${at}: the initial state stuttering shows it`,
        );
      }
    }
  }
  assert.ok(lassos >= 6, `${lassos} lassos`);
});

test('a lasso that stops where a running code path could go on is no fair behaviour under the declared fairness', () => {
  const s = findScenario('dma-truncate');
  const sizes = resolveSizes(s, {});
  const f = checkScenario(s, 'v6.15', sizes).findings.find((x) => x.kind === 'liveness')!;
  const itf = JSON.parse(JSON.stringify(f.itf()));
  // Cut before the waiter's last step and made to stutter there: the truncate could still go on.
  const cut = Math.max(1, itf.loop - 1);
  const system = buildSystem(s, 'v6.15', sizes);
  const r = replayItf(system, { ...itf, states: itf.states.slice(0, cut + 1), loop: cut }, 't', { fairness: 'declared' });
  assert.is(r.divergence, undefined);
  // The truncate, a running code path, is the fair action the stutter neglects.
  assert.equal(r.unfair, { action: 'truncate', kind: 'weak', why: 'a running kernel code path keeps running (default for code paths)' });
  assert.equal(r.findings, []);
  // Under no fairness at all, the same stutter is a behaviour, and what it breaks is shown.
  const none = replayItf(system, { ...itf, states: itf.states.slice(0, cut + 1), loop: cut }, 't', { fairness: 'none' });
  assert.is(none.unfair, undefined);
});

test("a step's calls are compared too: a kernel function edited in #meta, the state left alone, is a divergence there", () => {
  const report = checkScenario(
    scenario('lost-wakeup', () => lostWakeup()),
    undefined,
    {},
  );
  const itf = JSON.parse(JSON.stringify(report.findings[0].itf()));
  // Unedited, it replays; a trace without #meta.fn and #meta.calls (another tool's) replays on its states alone.
  assert.is(replayItf(new System(lostWakeup()), JSON.parse(JSON.stringify(itf))).divergence, undefined);
  const bare = JSON.parse(JSON.stringify(itf));
  for (const s of bare.states) {
    delete s['#meta'].calls;
    delete s['#meta'].fn;
  }
  assert.is(replayItf(new System(lostWakeup()), bare).divergence, undefined);
  const at = itf.states.findIndex((s: { '#meta': { calls?: { fn?: string }[] } }) => s['#meta'].calls?.some((c) => c.fn));
  const call = itf.states[at]['#meta'].calls.findIndex((c: { fn?: string }) => c.fn);
  const was = itf.states[at]['#meta'].calls[call].fn;
  itf.states[at]['#meta'].calls[call].fn = 'not_called';
  const r = replayItf(new System(lostWakeup()), itf);
  assert.is(r.divergence?.step, at);
  assert.equal(r.divergence!.differences, [{ field: `#meta.calls[${call}].fn`, machines: was, trace: 'not_called' }]);
  itf.states[at]['#meta'].calls[call].fn = was;
  itf.states[at]['#meta'].fn = 'not_called';
  assert.match(
    replayItf(new System(lostWakeup()), itf).divergence?.message ?? '',
    /^#meta\.fn is .* in the machines but "not_called" in the trace$/,
  );
});

test('daxspec replay reads every format check writes: ITF, a one-revision and a several-revision --json report', async () => {
  const itf = join(dir, 'kd.itf.json');
  const made = await runCli('check', '--scenario', 'kill-dax-readers', '--revision', 'v5.10', '-q', '--itf', itf);
  assert.is(made.code, 1, made.err);
  const a = await runCli('replay', itf);
  assert.is(a.code, 1, a.err);
  assert.match(a.out, /replays exactly on kill-dax-readers @ v5\.10 .*ending in: /);
  const one = join(dir, 'one.json');
  writeFileSync(one, (await runCli('check', '--scenario', 'kill-dax-readers', '--revision', 'v5.10', '--json', '-q')).out);
  const b = await runCli('replay', one);
  assert.is(b.code, 1, b.err);
  assert.match(b.out, /replays exactly on kill-dax-readers @ v5\.10 .*ending in: /);
  const several = join(dir, 'several.json');
  writeFileSync(several, (await runCli('check', '--scenario', 'kill-dax-readers', '--json', '-q')).out);
  assert.ok(Array.isArray(JSON.parse(readFileSync(several, 'utf8'))));
  const c = await runCli('replay', several, '--revision', 'v5.10');
  assert.is(c.code, 1, c.err);
  assert.match(c.out, /kill-dax-readers @ v5\.10/);
  const holds = await runCli('replay', several, '--revision', 'v4.17');
  assert.is(holds.code, 2, 'v4.17 has no counterexample to replay');
  assert.match(holds.err, /--finding 1: .* has 0 counterexamples at v4\.17/);
});

test('daxspec replay: a trace that holds to its end exits 0 and says every property holds there', async () => {
  const itf = join(dir, 'kd2.itf.json');
  await runCli('check', '--scenario', 'kill-dax-readers', '--revision', 'v5.10', '-q', '--itf', itf);
  const t = JSON.parse(readFileSync(itf, 'utf8'));
  t.states = t.states.slice(0, 2);
  writeFileSync(itf, JSON.stringify(t));
  const r = await runCli('replay', itf);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, /every property holds at its last state, deadlock and progress included/);
});

test('a trace that does not say its revision, of a scenario with revisions, asks for --revision (exit 2), never an internal error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-replay-'));
  const itf = join(dir, 'k.itf.json');
  assert.is((await runCli('check', '--scenario', 'kill-dax-readers', '--revision', 'v5.10', '-q', '--itf', itf)).code, 1);
  const trace = JSON.parse(readFileSync(itf, 'utf8'));
  delete trace['#meta'].daxspec;
  writeFileSync(itf, JSON.stringify(trace));
  const asked = await runCli('replay', itf, '--scenario', 'kill-dax-readers');
  assert.is(asked.code, 2, asked.err);
  assert.match(asked.err, /the trace does not say its revision; pass --revision \(scenario kill-dax-readers has v4\.16, /);
  const given = await runCli('replay', itf, '--scenario', 'kill-dax-readers', '--revision', 'v5.10');
  assert.is(given.code, 1, given.err);
  assert.match(given.out, /replays exactly on kill-dax-readers @ v5\.10/);
});

test('a trace that replays exactly but does not end in what it claims says so: a claim edited, a counterexample cut short', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-replay-'));
  const itf = join(dir, 'd.itf.json');
  assert.is((await runCli('check', '--scenario', 'dma-truncate', '--revision', 'v4.16', '-q', '--itf', itf)).code, 1);
  const trace = JSON.parse(readFileSync(itf, 'utf8'));
  assert.is(trace['#meta'].daxspec.property, 'I9');
  const honest = await runCli('replay', itf);
  assert.is(honest.code, 1);
  assert.not.match(honest.out, /but the trace says/);
  const claim = join(dir, 'claim.itf.json');
  writeFileSync(
    claim,
    JSON.stringify({
      ...trace,
      '#meta': { ...trace['#meta'], daxspec: { ...trace['#meta'].daxspec, property: 'I1', variant: undefined } },
    }),
  );
  const edited = await runCli('replay', claim);
  assert.is(edited.code, 1);
  assert.match(edited.out, /replays exactly .*\n.*but the trace says it ends in I1, which its last state does not show\n$/);
  // The property, and which way it fails: the same I9 the other way is another counterexample.
  const variant = join(dir, 'variant.itf.json');
  writeFileSync(
    variant,
    JSON.stringify({ ...trace, '#meta': { ...trace['#meta'], daxspec: { ...trace['#meta'].daxspec, variant: 'another way' } } }),
  );
  const other = JSON.parse((await runCli('replay', variant, '--json')).out);
  assert.equal([other.claimed, other.claimMet], ['I9', false]);
  const cut = join(dir, 'cut.itf.json');
  writeFileSync(cut, JSON.stringify({ ...trace, states: trace.states.slice(0, 3) }));
  const short = await runCli('replay', cut, '--json');
  assert.is(short.code, 0);
  const j = JSON.parse(short.out);
  assert.equal([j.claimed, j.claimMet], ['I9', false]);
  assert.match((await runCli('replay', cut)).out, /it stops short of the counterexample it claims/);
});

test('--itf: a later run bounded by --max-states leaves the earlier counterexamples where they are', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-itf-'));
  const itf = join(dir, 't.json');
  const args = ['check', '--scenario', 'kill-dax-readers', '--revision', 'v5.10', '-q', '--itf', itf];
  assert.is((await runCli(...args)).code, 1);
  const before = readdirSync(dir).sort();
  assert.equal(before, ['t.2.itf.json', 't.json']);
  const bounded = await runCli(...args, '--max-states', '5');
  assert.is(bounded.code, 3, bounded.err);
  assert.not.match(bounded.err, /removed/);
  assert.equal(readdirSync(dir).sort(), before);
});

test('--itf removes and replaces only its own set: a numbered name another --itf was given stays, and is not written over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-itf-'));
  const at = (f: string) => join(dir, f);
  // k2.2.itf.json is the name the user gave the first run; its second trace is k2.2.2.itf.json.
  assert.is((await runCli('check', '--scenario', 'kill-dax-readers', '--revision', 'v5.10', '-q', '--itf', at('k2.2.itf.json'))).code, 1);
  const theirs = readFileSync(at('k2.2.itf.json'), 'utf8');
  // A run of one counterexample at k2.itf.json: k2.2.itf.json looks like its second, but is the other run's first, and
  // a complete run that finds fewer than two removes none of it.
  const one = await runCli('check', '--scenario', 'root-nondax', '--revision', 'v8', '--itf', at('k2.itf.json'));
  assert.is(one.code, 1, one.err);
  assert.not.match(one.err, /removed/);
  assert.is(readFileSync(at('k2.2.itf.json'), 'utf8'), theirs);
  assert.equal(readdirSync(dir).sort(), ['k2.2.2.itf.json', 'k2.2.itf.json', 'k2.itf.json']);
  // A run of two at k2.itf.json would write its second over the other run's first: refused, exit 2, nothing written.
  const two = await runCli('check', '--scenario', 'kill-dax-readers', '--revision', 'v5.10', '-q', '--itf', at('k2.itf.json'));
  assert.is(two.code, 2, two.err);
  assert.match(two.err, /k2\.2\.itf\.json is a trace written for --itf k2\.2\.itf\.json, not for --itf k2\.itf\.json/);
  assert.is(readFileSync(at('k2.2.itf.json'), 'utf8'), theirs);
  rmSync(at('k2.itf.json'));
  // Its own set it replaces: a second run at k2.2.itf.json that finds fewer removes its own extra trace only.
  const again = await runCli('check', '--scenario', 'root-nondax', '--revision', 'v8', '--itf', at('k2.2.itf.json'));
  assert.is(again.code, 1, again.err);
  assert.match(again.err, /removed .*k2\.2\.2\.itf\.json, an earlier run's trace/);
  assert.equal(readdirSync(dir).sort(), ['k2.2.itf.json']);
});

test.run();
