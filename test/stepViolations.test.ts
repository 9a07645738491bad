/**
 * What one step commits when it enters more than one violation state, or a violation state that is compound,
 * or one of two states with the same text. A step returns one code: of the violation states it enters, the
 * first, unless that one continues (a WARN) and a later one is fatal (an oops), which ends the path and so is
 * the step's code; the other is kept in alsoViolated and both are findings. Before, the callee's violation was dropped whenever the
 * stepping actor had entered a WARN first, so a WARN then an oops in one step was explored as a WARN, and the
 * path went on past the oops.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setup, type AnyStateMachine } from 'xstate';
import { call } from '../machines/kit/messages.ts';
import type { SystemDecl } from '../machines/kit/types.ts';
import { STEP_OK, stepLabel } from '../src/compose/stepLabel.ts';
import { System } from '../src/compose/system.ts';
import { explore } from '../src/check/explore.ts';
import { traceOf } from '../src/check/trace.ts';
import { traceToItf } from '../src/check/itf.ts';
import { replayItf } from '../src/check/replay.ts';
import { expectedSteps } from '../src/paths/expectedSteps.ts';
import { replayExpected } from '../src/paths/replayExpected.ts';
import { device, relay } from './fixtures/relayWarns.ts';

const meta = (fn: string, more: Record<string, string> = {}) => ({ fn, src: 'test', ...more });

/** A caller whose one step WARNs and, in the same transition, pokes the device; then it finishes. */
function caller() {
  return setup({ actions: { poke: call('device', 'dev', { type: 'poke' }) } }).createMachine({
    id: 'caller',
    initial: 'start',
    states: {
      start: { meta: meta('start'), on: { go: { target: 'warned', actions: 'poke', meta: meta('caller_go') } } },
      warned: {
        tags: ['violation', 'warn'],
        description: 'caller WARN',
        meta: meta('caller_go', { severity: 'warn' }),
        on: { finish: { target: 'done', meta: meta('caller_finish') } },
      },
      done: { type: 'final', meta: meta('caller_finish') },
    },
  });
}

function decl(fatal: boolean): SystemDecl {
  return {
    actors: [
      { name: 'dev', machine: device(fatal), kind: 'object' },
      { name: 'c', machine: caller(), kind: 'path', env: { go: [{}], finish: [{}] } },
    ],
    deadlock: false,
  };
}

test('a WARN, then a callee oops in the same step: the oops is the code (it ends the path), the WARN is kept', () => {
  const system = new System(decl(true));
  const s = system.initial.slice();
  const code = system.step(s, system.index.get('c')!, 0);
  assert.is.not(code, STEP_OK);
  const v = system.violation(code);
  assert.is(v.text, 'device oops');
  assert.not.ok(v.continues);
  assert.is(v.property, 'I5');
  assert.ok(system.alsoViolated > 0, 'the WARN is not lost');
  assert.is(system.violation(system.alsoViolated).text, 'caller WARN');
});

test('the explorer reports both, and does not go on past the oops', () => {
  const system = new System(decl(true));
  const r = explore(system);
  const texts = r.findings.map((f) => f.text).sort();
  assert.equal(texts, ['caller WARN', 'device oops']);
  // The path ends at the oops: the caller never finishes, so only the initial state is stored.
  assert.is(r.states, 1);
  for (const f of r.findings) {
    const trace = traceOf(system, r.store, f);
    assert.is(trace.steps.length, 1, `${f.text}: one step`);
  }
});

test("two WARNs in one step: the first is the code, the callee's is kept, both are findings and the path goes on", () => {
  const system = new System(decl(false));
  const s = system.initial.slice();
  const code = system.step(s, system.index.get('c')!, 0);
  assert.is(system.violation(code).text, 'caller WARN');
  assert.is(system.violation(system.alsoViolated).text, 'device WARN');
  const r = explore(system);
  assert.equal(r.findings.map((f) => f.text).sort(), ['caller WARN', 'device WARN']);
  assert.is(r.states, 3, 'start, warned, done');
  for (const f of r.findings) assert.is(traceOf(system, r.store, f).steps.length, 1, `${f.text}: one step`);
});

test('a memoized step answers both violations as the cascade did', () => {
  // The second step of the same (caller state, device state) pair is the memo's answer.
  const system = new System(decl(true));
  const c = system.index.get('c')!;
  const first = system.initial.slice();
  const code1 = system.step(first, c, 0);
  const also1 = system.alsoViolated;
  assert.ok(also1 > 0);
  // Cleared, so that only the memo's answer can set it again.
  system.alsoViolated = 0;
  const again = system.initial.slice();
  const code2 = system.step(again, c, 0);
  assert.is(code2, code1);
  assert.is(system.alsoViolated, also1);
  assert.equal(Array.from(again), Array.from(first));
});

/** A machine whose violation state is compound, and whose inner state declares the invariant for it. */
function compound() {
  return setup({}).createMachine({
    id: 'obj',
    initial: 'fine',
    states: {
      fine: { meta: meta('fine'), on: { go: { target: 'bad', meta: meta('obj_go') } } },
      bad: {
        meta: meta('obj_go', { violates: 'I7' }),
        initial: 'leaking',
        states: {
          leaking: {
            tags: ['violation'],
            description: 'leaked',
            meta: meta('obj_go', { severity: 'corruption' }),
            on: { more: { target: 'stillLeaking', meta: meta('obj_more') } },
          },
          stillLeaking: { meta: meta('obj_more') },
        },
      },
    },
  });
}

test('a violation state inside a compound one takes its invariant from the ancestor, and is entered once', () => {
  const system = new System({
    actors: [{ name: 'o', machine: compound(), kind: 'object', env: { go: [{}], more: [{}] } }],
    deadlock: false,
  });
  const s = system.initial.slice();
  const go = system.actors[0].offers(s[0]).findIndex((d) => system.events.get(d.event).type === 'go');
  const code = system.step(s, 0, go);
  const v = system.violation(code);
  assert.is(v.text, 'leaked');
  assert.is(v.property, 'I7', 'violates of the nearest ancestor');
  assert.is(v.severity, 'corruption');
  const more = system.actors[0].offers(s[0]).findIndex((d) => system.events.get(d.event).type === 'more');
  assert.is(system.step(s, 0, more), STEP_OK, 'leaving it for a sibling commits nothing');
});

/** Two states with one text (one key) that declare different severities and what the kernel does next. */
function twoOfOneText() {
  return setup({}).createMachine({
    id: 'twin',
    initial: 'start',
    states: {
      start: {
        meta: meta('start'),
        on: { warn: { target: 'soft', meta: meta('twin_warn') }, crash: { target: 'hard', meta: meta('twin_crash') } },
      },
      soft: { tags: ['violation', 'warn'], description: 'bad count', meta: meta('twin_warn', { severity: 'warn' }) },
      hard: { tags: ['violation'], description: 'bad count', meta: meta('twin_crash', { severity: 'oops', variant: 'hard' }) },
    },
  });
}

test('one text, two declarations: each step commits its own, not the one met first', () => {
  const system = new System({
    actors: [{ name: 't', machine: twoOfOneText(), kind: 'object', env: { warn: [{}], crash: [{}] } }],
    deadlock: false,
  });
  const offer = (type: string) => system.actors[0].offers(system.initial[0]).findIndex((d) => system.events.get(d.event).type === type);
  const soft = system.violation(system.step(system.initial.slice(), 0, offer('warn')));
  const hard = system.violation(system.step(system.initial.slice(), 0, offer('crash')));
  assert.is(soft.key, hard.key, 'one finding key');
  assert.ok(soft.continues);
  assert.is(soft.severity, 'warn');
  assert.not.ok(hard.continues);
  assert.is(hard.severity, 'oops');
  assert.is(hard.variant, 'hard');
});

/** A caller whose one step pokes the device twice: the second poke finds it broken, which does not accept it. */
function twicePoker() {
  return setup({ actions: { poke: call('device', 'dev', { type: 'poke' }) } }).createMachine({
    id: 'twice',
    initial: 'start',
    states: {
      start: { meta: meta('start'), on: { go: { target: 'done', actions: ['poke', 'poke'], meta: meta('twice_go') } } },
      done: { type: 'final', meta: meta('twice_go') },
    },
  });
}

/** The device (broken or not) and a caller `c` whose one offer is `go`. */
function deviceAndCaller(broken: boolean, caller: AnyStateMachine): System {
  return new System({
    actors: [
      { name: 'dev', machine: device(broken), kind: 'object' },
      { name: 'c', machine: caller, kind: 'path', env: { go: [{}] } },
    ],
    deadlock: false,
  });
}

test('an oops ends the step: a call queued after it is not delivered (the thread stopped there)', () => {
  const system = deviceAndCaller(true, twicePoker());
  const code = system.step(system.initial.slice(), system.index.get('c')!, 0);
  assert.is(system.violation(code).text, 'device oops');
  assert.is(system.alsoViolated, 0, 'the second poke, which the broken device does not accept, never happens');
  const r = explore(system);
  assert.equal(
    r.findings.map((f) => f.text),
    ['device oops'],
  );
  const last = traceOf(system, r.store, r.findings[0]).steps[0];
  assert.is(last.calls.filter((c) => c.actor === 'dev').length, 1, 'one poke delivered');
});

/** A caller whose own transition enters an oops state and pokes the device on the way. */
function crasher() {
  return setup({ actions: { poke: call('device', 'dev', { type: 'poke' }) } }).createMachine({
    id: 'crasher',
    initial: 'start',
    states: {
      start: { meta: meta('start'), on: { go: { target: 'crashed', actions: 'poke', meta: meta('crasher_go') } } },
      crashed: { tags: ['violation'], description: 'caller oops', meta: meta('crasher_go', { severity: 'oops' }) },
    },
  });
}

test("an actor that enters an oops state delivers none of its transition's calls", () => {
  const system = deviceAndCaller(false, crasher());
  const s = system.initial.slice();
  const code = system.step(s, system.index.get('c')!, 0);
  assert.is(system.violation(code).text, 'caller oops');
  assert.is(system.alsoViolated, 0);
  assert.is(s[system.index.get('dev')!], system.initial[system.index.get('dev')!], 'the device was not poked');
  assert.equal(
    explore(system).findings.map((f) => f.text),
    ['caller oops'],
  );
});

// Relay r1 WARNs, tells r2 (a WARN of the code's key, in another actor) and pokes the device (a WARN of its own key).
test("of two extra violations, the one of a key other than the code's takes the slot", () => {
  const system = new System({
    actors: [
      { name: 'dev', machine: device(false), kind: 'object' },
      { name: 'r2', machine: relay(), kind: 'object' },
      { name: 'r1', machine: relay(), kind: 'object', env: { go: [{}] } },
    ],
    deadlock: false,
  });
  const r1 = system.index.get('r1')!;
  const go = system.actors[r1].offers(system.initial[r1]).findIndex((d) => system.events.get(d.event).type === 'go');
  const code = system.step(system.initial.slice(), r1, go);
  assert.match(system.violation(code).text, 'relay WARN');
  assert.is(system.violation(system.alsoViolated).text, 'device WARN', "not r2's WARN, which has the code's key");
  const keys = new Set(explore(system).findings.map((f) => f.text));
  assert.ok(keys.has('device WARN'), 'the device WARN is a finding');
});

test("a trace replays to both of its last step's violations", () => {
  for (const fatal of [false, true]) {
    const system = new System(decl(fatal));
    const r = explore(system);
    for (const f of r.findings) {
      const itf = JSON.parse(JSON.stringify(traceToItf(system, traceOf(system, r.store, f), { scenario: 'test', sizes: {} })));
      const replayed = replayItf(new System(decl(fatal)), itf);
      assert.is(replayed.divergence, undefined);
      assert.equal(
        replayed.findings.map((x) => x.text).sort(),
        fatal ? ['caller WARN', 'device oops'] : ['caller WARN', 'device WARN'],
        f.text,
      );
    }
  }
});

test('a recorded path replays its second violation too, and a record without it diverges', () => {
  const system = new System(decl(false));
  const steps = expectedSteps(system, [stepLabel(system.index.get('c')!, 0)]);
  assert.is(steps[0].alsoViolation, 'device WARN');
  assert.is(replayExpected(new System(decl(false)), steps), undefined);
  const { alsoViolation: _, ...without } = steps[0];
  assert.match(replayExpected(new System(decl(false)), [without])?.message ?? '', /"device WARN" in dev beside it, recorded none/);
});

/** A relay without the device: `go` WARNs and tells `e2`, whose `relayed` WARNs with the same text and key. */
function echo() {
  return setup({ actions: { forward: call('echo', 'e2', { type: 'relayed' }) } }).createMachine({
    id: 'echo',
    initial: 'start',
    states: {
      start: {
        meta: meta('start'),
        on: {
          go: { target: 'warned', actions: 'forward', meta: meta('echo_go') },
          relayed: { target: 'warned', meta: meta('echo_relayed') },
        },
      },
      warned: { tags: ['violation', 'warn'], description: 'echo WARN', meta: meta('echo_go', { severity: 'warn' }) },
    },
  });
}

test('a recorded step names the actor of each violation, and a record that swaps two of the same text diverges', () => {
  const decl = (): SystemDecl => ({
    actors: [
      { name: 'e2', machine: echo(), kind: 'object' },
      { name: 'e1', machine: echo(), kind: 'object', env: { go: [{}] } },
    ],
    deadlock: false,
  });
  const system = new System(decl());
  const e1 = system.index.get('e1')!;
  const go = system.actors[e1].offers(system.initial[e1]).findIndex((d) => system.events.get(d.event).type === 'go');
  const [step] = expectedSteps(system, [stepLabel(e1, go)]);
  assert.equal([step.violation, step.violationBy, step.alsoViolation, step.alsoViolationBy], ['echo WARN', 'e1', 'echo WARN', 'e2']);
  assert.is(replayExpected(new System(decl()), [step]), undefined);
  const swapped = { ...step, violationBy: 'e2', alsoViolationBy: 'e1' };
  assert.match(replayExpected(new System(decl()), [swapped])?.message ?? '', /commits "echo WARN" in e1, recorded "echo WARN" in e2/);
  // A record without the actors (written before they were kept) still replays; `paths --check` calls it stale.
  const { violationBy: _a, alsoViolationBy: _b, ...older } = step;
  assert.is(replayExpected(new System(decl()), [older]), undefined);
  const second = { ...step, alsoViolationBy: 'e1' };
  assert.match(replayExpected(new System(decl()), [second])?.message ?? '', /"echo WARN" in e2 beside it, recorded "echo WARN" in e1/);
});

test.run();
