import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assign, setup, fromPromise } from 'xstate';
import { explore } from '../src/check/explore.ts';
import { ModelError } from '../src/compose/errors.ts';
import { call } from '../machines/kit/messages.ts';
import { System } from '../src/compose/system.ts';
import type { ActorDecl } from '../machines/kit/types.ts';

const meta = { fn: 'f', src: 'test' };
const single = (a: Omit<ActorDecl, 'name' | 'kind'>, kind: ActorDecl['kind'] = 'path') => ({ actors: [{ name: 'a', kind, ...a }] });

function refuses(build: () => void, pattern: RegExp) {
  try {
    build();
  } catch (e) {
    assert.instance(e, ModelError);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a ModelError matching ${pattern}`);
}

test('a machine with a delayed transition is refused', () => {
  const m = setup({}).createMachine({ initial: 'x', states: { x: { after: { 100: 'y' } }, y: {} } });
  refuses(() => new System(single({ machine: m })), /delayed transition/);
});

test('a machine that invokes a promise is refused', () => {
  const m = setup({ actors: { p: fromPromise(async () => 1) } }).createMachine({ initial: 'x', states: { x: { invoke: { src: 'p' } } } });
  refuses(() => new System(single({ machine: m })), /invokes/);
});

test('a nondeterministic machine is refused', () => {
  const m = setup({}).createMachine({
    context: { n: 0 },
    initial: 'x',
    states: { x: { on: { go: { actions: assign({ n: () => Math.floor(Math.random() * 1e9) }), meta } } } },
  });
  refuses(() => explore(new System(single({ machine: m, env: { go: [{}] } }))), /deterministic/);
});

test('a nondeterministic transition first taken deep in the run is still refused', () => {
  // Thousands of deterministic transitions come first: the check samples each transition of the
  // machine the first times it is taken, not only the first transitions of the run.
  const m = setup({}).createMachine({
    context: { n: 0, r: 0 },
    initial: 'x',
    states: {
      x: {
        on: {
          go: [
            { guard: ({ context }) => context.n < 3000, actions: assign({ n: ({ context }) => context.n + 1 }), meta },
            { actions: assign({ r: () => Math.floor(Math.random() * 1e9) }), meta },
          ],
        },
      },
    },
  });
  refuses(() => explore(new System(single({ machine: m, env: { go: [{}] } }))), /deterministic/);
});

test('a context that grows without bound is refused, naming the field', () => {
  const m = setup({}).createMachine({
    context: { n: 0 },
    initial: 'x',
    states: { x: { on: { go: { actions: assign({ n: ({ context }) => context.n + 1 }), meta } } } },
  });
  refuses(() => explore(new System(single({ machine: m, env: { go: [{}] } }), { maxSnapshots: 500 })), /grows without bound.*context\.n/);
});

test('a side-effecting action is refused', () => {
  const m = setup({ actions: { fx: () => {} } }).createMachine({
    initial: 'x',
    states: { x: { on: { go: { target: 'y', actions: 'fx', meta } } }, y: {} },
  });
  refuses(() => explore(new System(single({ machine: m, env: { go: [{}] } }))), /side effect/);
});

test('a call to an actor that is not in the system is bad input', () => {
  const m = setup({}).createMachine({
    initial: 'x',
    states: { x: { on: { go: { target: 'y', actions: call('thing', 'nobody', { type: 'hello' }), meta } } }, y: {} },
  });
  refuses(() => explore(new System(single({ machine: m, env: { go: [{}] } }))), /nobody.*not in the system/);
});

test('a call on NULL and a call the target cannot take are violations found by exploring', () => {
  const caller = setup({}).createMachine({
    context: { obj: null as string | null },
    initial: 'idle',
    states: {
      idle: {
        on: {
          bind: { actions: assign({ obj: 'obj' }), meta },
          release: { target: 'done', actions: call('widget', ({ context }) => context.obj, { type: 'put' }), meta },
        },
      },
      done: { type: 'final' },
    },
  });
  const obj = setup({}).createMachine({
    initial: 'live',
    states: { live: { on: { put: { target: 'freed', meta } } }, freed: { meta: { unaccepted: 'use after free' } } },
  });
  const sys = () =>
    new System({
      actors: [
        { name: 'c1', kind: 'path', machine: caller, env: { release: [{}], bind: [{}] } },
        { name: 'c2', kind: 'path', machine: caller, env: { release: [{}], bind: [{}] } },
        { name: 'obj', kind: 'object', machine: obj },
      ],
    });
  const r = explore(sys());
  const kinds = r.findings.map((f) => `${f.kind}:${f.length}`).sort();
  assert.equal(kinds, ['null-call:1', 'unaccepted:4'].sort());
  const uaf = r.findings.find((f) => f.kind === 'unaccepted')!;
  assert.match(uaf.text, /use after free/);
});

test('a call whose guards all fail blocks the step instead of failing it', () => {
  const gate = setup({ guards: { open: ({ context }) => context.open } }).createMachine({
    context: { open: false },
    initial: 'g',
    states: { g: { on: { pass: { guard: 'open', meta }, unlock: { actions: assign({ open: true }), meta } } } },
  });
  const walker = setup({}).createMachine({
    initial: 'before',
    states: {
      before: { on: { go: { target: 'after', actions: call('gate', 'gate', { type: 'pass' }), meta } } },
      after: { type: 'final' },
    },
  });
  const opener = setup({}).createMachine({
    initial: 'x',
    states: { x: { on: { open: { target: 'y', actions: call('gate', 'gate', { type: 'unlock' }), meta } } }, y: { type: 'final' } },
  });
  const r = explore(
    new System({
      actors: [
        { name: 'gate', kind: 'object', machine: gate },
        { name: 'w', kind: 'path', machine: walker, env: { go: [{}] } },
        { name: 'o', kind: 'path', machine: opener, env: { open: [{}] } },
      ],
    }),
  );
  assert.equal(r.findings, []);
  // initial; opened; opened+walked: the walk is never possible before the gate opens
  assert.is(r.states, 3);
  assert.is(r.edges, 2);
});

test.run();
