/**
 * A step's violation names the actor the step failed in. Violations are one property per machine (two
 * mutexes unlocked while free are one finding), but each actor's own failure has its own text: interned by
 * key alone, the second mutex's failure took the name of whichever mutex failed first in the process, so the
 * finding's words could name another actor than its trace, and on worker threads which one depended on which
 * thread expanded what (bench/parallelSweep.ts found it in pmem-remove-pinned with two pinners). A simulated
 * finding, shrunk, names the actor its shrunk trace fails in, which may not be the one its walk failed in.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setup } from 'xstate';
import { call, reply } from '../machines/kit/messages.ts';
import type { SystemDecl } from '../machines/kit/types.ts';
import { STEP_OK } from '../src/compose/stepLabel.ts';
import { System, type StepViolation } from '../src/compose/system.ts';
import { Fairness } from '../src/check/fairness.ts';
import { shrunkFinding } from '../src/check/simulation.ts';
import type { SimStep } from '../src/check/simulate.ts';
import { PROGRESS_CLOSURE } from '../src/check/stuckWaiter.ts';
import { explore } from '../src/check/explore.ts';
import { traceOf } from '../src/check/trace.ts';
import { mutexMachine } from './fixtures/deadlock.ts';

/** A path that unlocks `lock` once: a bad call while the lock is free. */
function unlocker(lock: string) {
  return setup({ actions: { unlock: call('mutex', lock, { type: 'unlock' }) } }).createMachine({
    id: 'unlocker',
    initial: 'start',
    states: {
      start: {
        meta: { fn: 'start', src: 'test' },
        on: { go: { target: 'done', actions: 'unlock', meta: { fn: 'mutex_unlock', src: 'test' } } },
      },
      done: { type: 'final', meta: { fn: 'mutex_unlock', src: 'test' } },
    },
  });
}

function twoUnlockers(): SystemDecl {
  return {
    actors: [
      { name: 'L1', machine: mutexMachine(), kind: 'object' },
      { name: 'L2', machine: mutexMachine(), kind: 'object' },
      { name: 'a', machine: unlocker('L1'), kind: 'path', env: { go: [{}] } },
      { name: 'b', machine: unlocker('L2'), kind: 'path', env: { go: [{}] } },
    ],
    deadlock: false,
  };
}

test("two actors of one machine failing alike: one property, each failure in its own actor's name", () => {
  const system = new System(twoUnlockers());
  const [a, b] = [system.index.get('a')!, system.index.get('b')!];
  // b's unlock of L2 is met first, then a's of L1.
  const first = system.initial.slice();
  const codeB = system.step(first, b, 0);
  const second = system.initial.slice();
  const codeA = system.step(second, a, 0);
  assert.is.not(codeB, STEP_OK);
  assert.is.not(codeA, STEP_OK);
  const [vb, va] = [system.violation(codeB), system.violation(codeA)];
  assert.is(va.key, vb.key, 'the same property');
  assert.is(vb.actor, 'L2');
  assert.is(va.actor, 'L1', "a's failure names L1, not the mutex that failed first");
  assert.match(va.text, /L1/);
});

/** Two actors of one machine, declared interchangeable, each of which can go bad by itself in two steps. */
function twoWorkers(): SystemDecl {
  const meta = (fn: string) => ({ fn, src: 'test' });
  const worker = setup({}).createMachine({
    id: 'worker',
    initial: 'start',
    states: {
      start: { meta: meta('start'), on: { go: { target: 'mid', meta: meta('go') } } },
      mid: { meta: meta('mid'), on: { go2: { target: 'bad', meta: meta('go2') } } },
      bad: { tags: ['violation'], description: 'went bad', meta: meta('bad') },
    },
  });
  return {
    actors: [
      { name: 'a', machine: worker, kind: 'object', env: { go: [{}], go2: [{}] } },
      { name: 'b', machine: worker, kind: 'object', env: { go: [{}], go2: [{}] } },
    ],
    deadlock: false,
    symmetric: [['a', 'b']],
  } as SystemDecl;
}

test('under symmetry, a violation is traced through the real actor, and named after it', () => {
  // The stored path is of representatives: its failing step may be the other actor's, whose violation has
  // another id (per actor) but the same key. The trace is matched by key and says which actor failed.
  const system = new System(twoWorkers());
  const r = explore(system, { symmetry: true });
  assert.ok(r.symmetry?.active, 'the symmetry applies');
  assert.ok(r.findings.length > 0);
  for (const f of r.findings) {
    const trace = traceOf(system, r.store, f, r.symmetry);
    const last = trace.steps[trace.steps.length - 1];
    assert.is(trace.failure?.actor ?? f.actor, last.actor, `${f.key}: the finding names the actor of its trace's last step`);
  }
});

/**
 * Two workers of one machine (one key for both) and two gates: each worker opens the gate the other passes
 * through, and goes bad once it has passed its own (the gate's answer), which blocks while that gate is closed.
 * `a` needs three steps to go bad (b opens a's gate, a opens b's, a passes), `b` two (a opens b's gate, b
 * passes).
 */
function crossedWorkers(): SystemDecl {
  const meta = (fn: string) => ({ fn, src: 'test' });
  const gate = setup({ actions: { passed: reply({ type: 'passed' }) } }).createMachine({
    id: 'gate',
    initial: 'closed',
    states: {
      closed: {
        meta: meta('closed'),
        on: { open: { target: 'open', meta: meta('open') }, pass: { guard: () => false, meta: meta('pass') } },
      },
      open: { meta: meta('open'), on: { open: { meta: meta('open') }, pass: { actions: 'passed', meta: meta('pass') } } },
    },
  });
  const worker = (opens: string, passes: string, startsWithPass: boolean) =>
    setup({ actions: { open: call('gate', opens, { type: 'open' }), pass: call('gate', passes, { type: 'pass' }) } }).createMachine({
      id: 'worker',
      initial: 'start',
      states: {
        start: {
          meta: meta('start'),
          on: {
            go: { target: 'opened', actions: 'open', meta: meta('go') },
            ...(startsWithPass ? { fail: { target: 'passing', actions: 'pass', meta: meta('fail') } } : {}),
          },
        },
        opened: { meta: meta('opened'), on: { fail: { target: 'passing', actions: 'pass', meta: meta('fail') } } },
        // The gate's answer, in the same step: an oops state ends its step, so the call that can block comes first.
        passing: { meta: meta('fail'), on: { passed: { target: 'bad', meta: meta('bad') } } },
        bad: { tags: ['violation'], description: 'went bad', meta: meta('bad') },
      },
    });
  return {
    actors: [
      { name: 'gateA', machine: gate, kind: 'object' },
      { name: 'gateB', machine: gate, kind: 'object' },
      { name: 'a', machine: worker('gateB', 'gateA', false), kind: 'path', env: { go: [{}], fail: [{}] } },
      { name: 'b', machine: worker('gateA', 'gateB', true), kind: 'path', env: { go: [{}], fail: [{}] } },
    ],
    deadlock: false,
  };
}

test("simulation: a shrunk step violation names the actor of its shrunk trace, not the walk's", () => {
  const system = new System(crossedWorkers());
  const [a, b] = [system.index.get('a')!, system.index.get('b')!];
  // The walk: b opens a's gate, a opens b's, a goes bad. Shrinking cannot drop a step, and the focused
  // search then finds b's shorter way to the same key: a opens b's gate, b goes bad.
  const cur = system.initial.slice();
  const steps: SimStep[] = [];
  let walked: StepViolation | undefined;
  for (const [actor, type] of [
    [b, 'go'],
    [a, 'go'],
    [a, 'fail'],
  ] as const) {
    const offers = system.actors[actor].offers(cur[actor]);
    const o = offers.findIndex((d) => system.events.get(d.event).type === type);
    steps.push({ actor, event: offers[o].event });
    const code = system.step(cur, actor, o);
    if (type === 'go') assert.is(code, STEP_OK);
    else walked = system.violation(code);
  }
  assert.is(walked?.actor, 'a', 'the walk breaks a');
  const f = shrunkFinding(system, new Fairness(system, 'declared'), PROGRESS_CLOSURE, {
    key: walked!.key,
    property: walked!.property,
    kind: walked!.kind,
    text: walked!.text,
    actor: walked!.actor,
    run: 0,
    steps,
  });
  const last = f.trace.steps[f.trace.steps.length - 1];
  assert.is(f.trace.steps.length, 2, "shrunk to b's way");
  assert.is(last.actor, 'b');
  assert.is(f.actor, 'b', 'the finding names b, whose step fails in its trace');
});
test.run();
