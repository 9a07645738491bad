import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percpuRefScenario } from '../machines/bench/percpuRef.ts';
import { percpuRefMachineScenario } from '../machines/bench/percpuRefMachine.ts';
import { checkScenario, vacuousProperties, type CheckReport } from '../src/check/check.ts';
import type { FairnessMode } from '../src/check/fairness.ts';
import { formatFinding } from '../src/check/formatTrace.ts';
import { replayItf } from '../src/check/replay.ts';
import { System } from '../src/compose/system.ts';
import type { Scenario, SystemDecl } from '../machines/kit/types.ts';
import { dmaCompletes, lostNotify, mutex } from './fixtures/fairness.ts';
import { runCli } from './runCli.ts';

const scenario = (name: string, build: () => SystemDecl): Scenario => ({ name, description: name, revisions: [], sizes: [], build });
const check = (decl: () => SystemDecl, fairness: FairnessMode = 'declared'): CheckReport =>
  checkScenario(scenario('fixture', decl), undefined, {}, { fairness });
const lasso = (r: CheckReport) => r.findings.find((f) => f.kind === 'liveness');
const stepsOf = (r: CheckReport) => lasso(r)!.trace.steps.map((s) => `${s.actor}.${s.event.type}`);

test('mutex: p1 starves without fairness (it stops while trying) and under weak fairness (p2 keeps the lock busy)', () => {
  const none = check(() => mutex(undefined), 'none');
  const f = lasso(none)!;
  assert.ok(f, 'without fairness p1 may stop for ever');
  assert.equal(stepsOf(none), ['p1.want']);
  assert.is(f.loop, 1, 'it stutters right after p1 starts trying');
  const weak = check(() => mutex(undefined));
  const w = lasso(weak)!;
  assert.ok(w, 'weak fairness lets p2 take the lock every time it is free');
  assert.ok(w.loop! < w.trace.steps.length, 'the cycle has steps: p2 going round');
  const cycle = w.trace.steps.slice(w.loop);
  assert.ok(
    cycle.every((s) => s.actor === 'p2'),
    'only p2 moves on the cycle',
  );
  // p1's acquire is disabled somewhere on the cycle (p2 holds the lock there).
  const p1 = w.obligations!.find((o) => o.fair.name === 'p1');
  assert.is(p1?.how, 'disabled');
});

test('mutex: strong fairness of p1 acquiring the lock makes p1 get it', () => {
  const r = check(() => mutex('strong'));
  assert.is(lasso(r), undefined);
  assert.is(r.verdict, 'holds');
  assert.equal(r.liveness!.properties, [{ id: 'p1-enters', form: 'leads-to', holds: true, premiseReached: true }]);
  // Weak fairness of the same action is not enough: the lock is not continuously free.
  assert.ok(lasso(check(() => mutex('weak'))));
});

test('infinitely often ([]<>): p1 holds the lock again and again only when its acquire is strongly fair', () => {
  const often = (acquire: 'strong' | undefined) => (): SystemDecl => ({
    ...mutex(acquire),
    liveness: [
      { id: 'p1-again', text: 'p1 holds the lock infinitely often', form: 'infinitely-often', then: (v) => v('p1').matches('critical') },
    ],
  });
  assert.is(lasso(check(often('strong'))), undefined);
  const f = lasso(check(often(undefined)))!;
  assert.ok(f);
  assert.ok(
    f.trace.steps.slice(f.loop).every((s) => s.actor === 'p2'),
    'p2 goes round while p1 waits',
  );
});

test('lost notify: no fairness wakes a waiter whose wake-up came before it slept', () => {
  // Without fairness the shortest lasso is no step at all: nothing ever runs.
  const idle = lasso(check(() => lostNotify(true), 'none'))!;
  assert.is(idle.trace.steps.length, 0);
  assert.is(idle.loop, 0);
  // WF of every step as one action is met by the spinner alone: the waiter need never start.
  const next = lasso(check(() => lostNotify(true), 'next'))!;
  assert.is(next.loop, 0);
  assert.ok(next.trace.steps.every((s) => s.actor === 'spinner'));
  // Each code path weakly fair: the waiter runs, and the lasso must go through the race.
  for (const mode of ['declared'] as const) {
    const r = check(() => lostNotify(true), mode);
    const f = lasso(r);
    assert.ok(f, `violated under ${mode}`);
    // The lasso must pass the race: test, then the wake, then the sleep.
    const steps = stepsOf(r).slice(0, f!.loop);
    assert.ok(steps.includes('waker.wake') && steps.includes('waiter.sleep'), `${mode}: ${steps.join(' ')}`);
    assert.ok(steps.indexOf('waiter.test') < steps.indexOf('waker.wake') && steps.indexOf('waker.wake') < steps.indexOf('waiter.sleep'));
  }
  // The atomic wait finishes under fairness, not without it (it may just never run).
  assert.is(lasso(check(() => lostNotify(false))), undefined);
  assert.ok(lasso(check(() => lostNotify(false), 'none')));
});

test('DMA: a pin is eventually dropped only when the unpin is weakly fair', () => {
  assert.is(lasso(check(() => dmaCompletes('weak'))), undefined);
  const unfair = check(() => dmaCompletes('none'));
  const f = lasso(unfair)!;
  assert.ok(f, 'an unpin nobody must take may never come');
  assert.equal(stepsOf(unfair), ['dma.pin', 'spinner.spin'], 'pin, then the spinner goes round for ever');
  assert.is(f.loop, 1);
  assert.equal(
    f.obligations!.map((o) => [o.fair.name, o.how, o.at]),
    [['spinner', 'taken', 1]],
  );
  assert.ok(lasso(check(() => dmaCompletes('weak'), 'none')), 'without fairness the system may stop with the pin held');
});

test('lassos close: the ITF loop index is where the last state repeats, and replay checks it', () => {
  const r = check(() => mutex(undefined));
  const f = lasso(r)!;
  const itf = f.itf();
  assert.is(itf.loop, f.loop);
  const system = new System(mutex(undefined));
  const ok = replayItf(system, itf);
  assert.is(ok.divergence, undefined);
  assert.is(ok.loop, f.loop);
  const broken = { ...itf, loop: itf.loop === 0 ? 1 : 0 };
  assert.ok(replayItf(system, broken).divergence, 'a loop index whose state the trace does not return to is refused');
  const text = formatFinding(f, f.trace);
  assert.match(text, /--- cycle: from here, repeated for ever ---/);
});

test('percpu_ref Drains (dying ~> refcnt = 0), as TLC: holds under WF_vars(Next) at N=3 and N=4, violated without fairness by Kill then stuttering', () => {
  for (const [users, states] of [
    [3, 8357],
    [4, 115873],
  ] as const) {
    for (const sc of users === 3 ? [percpuRefScenario, percpuRefMachineScenario] : [percpuRefScenario]) {
      const fair = checkScenario(sc, undefined, { users, rounds: 3 }, { fairness: 'next' });
      assert.is(fair.states, states);
      assert.is(lasso(fair), undefined, `${sc.name} N=${users}: Drains holds under WF(Next)`);
      assert.equal(
        fair.liveness!.properties.map((p) => [p.id, p.holds, p.premiseReached]),
        [['Drains', true, true]],
      );
      // The declared fairness (each code path weakly fair) is stronger than WF(Next): it holds too.
      assert.is(lasso(checkScenario(sc, undefined, { users, rounds: 3 })), undefined);
      const unfair = checkScenario(sc, undefined, { users, rounds: 3 }, { fairness: 'none' });
      const f = lasso(unfair)!;
      assert.ok(f, `${sc.name} N=${users}: violated without fairness`);
      assert.is(f.trace.steps.length, 1);
      assert.is(f.loop, 1, 'one step, then stuttering');
      assert.match(f.trace.steps[0].event.type, /^kill$/);
      const after = f.trace.states[1];
      const ref = sc === percpuRefScenario ? 'ref' : 'pgref';
      const ctx = unfair.system.actors[unfair.system.index.get(ref)!].view(after[unfair.system.index.get(ref)!]).context as {
        dying: boolean;
        refcnt: number;
      };
      assert.is(ctx.dying, true);
      assert.is(ctx.refcnt, 1, 'the initial reference is still held');
    }
  }
});

test('vacuous passes are reported: an invariant or a leads-to whose premise is never reached says so', () => {
  const base = mutex('strong');
  const decl = (): SystemDecl => ({
    ...base,
    invariants: [
      {
        id: 'excl',
        text: 'at most one process in its critical section',
        holds: (v) => !(v('p1').matches('critical') && v('p2').matches('critical')),
        premise: { text: 'a process in its critical section', holds: (v) => v('p1').matches('critical') || v('p2').matches('critical') },
      },
      {
        id: 'never',
        text: 'nothing happens after both hold the lock',
        holds: () => true,
        premise: {
          text: 'both processes in their critical sections',
          holds: (v) => v('p1').matches('critical') && v('p2').matches('critical'),
        },
      },
    ],
    liveness: [
      ...base.liveness!,
      {
        id: 'ghost',
        text: 'a ghost',
        form: 'leads-to',
        when: (v) => (v('lock').context as { holder: string }).holder === 'nobody',
        then: () => false,
      },
    ],
  });
  const r = check(decl);
  assert.is(r.verdict, 'holds');
  assert.equal(r.premises, [
    { id: 'excl', premise: 'a process in its critical section', reached: true },
    { id: 'never', premise: 'both processes in their critical sections', reached: false },
  ]);
  assert.equal(vacuousProperties(r), ['never', 'ghost']);
  assert.equal(
    r.liveness!.properties.find((p) => p.id === 'ghost'),
    { id: 'ghost', form: 'leads-to', holds: true, premiseReached: false },
  );
});

test.run();

test('--no-liveness: a safety run only, which says so; the same run with liveness finds the unfair lasso', async () => {
  const args = ['check', '-s', 'percpu-ref', '--users', '3', '--fairness', 'none', '-q'];
  const full = await runCli(...args);
  assert.is(full.code, 1, full.err);
  assert.match(full.out, /Drains/);
  // Without --fairness: with --no-liveness it would do nothing, and is refused.
  const safety = await runCli('check', '-s', 'percpu-ref', '--users', '3', '-q', '--no-liveness');
  assert.is(safety.code, 0, safety.err);
  assert.match(safety.out, /8,357 states, 28,845 transitions/);
  assert.match(safety.out, /all safety properties hold/);
  assert.match(safety.out, /liveness not checked: a safety run only was asked for/);
  assert.not.match(safety.out, /Drains/);
  const both = await runCli(...args, '--no-liveness');
  assert.is(both.code, 2);
  assert.match(both.err, /--fairness has no effect with --no-liveness/);
  const matrix = await runCli('check', '--all', '--no-liveness');
  assert.is(matrix.code, 2);
  assert.match(matrix.err, /--no-liveness has no effect with --all/);
});
