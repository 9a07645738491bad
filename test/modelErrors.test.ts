import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assign, fromPromise, setup } from 'xstate';
import { explore } from '../src/check/explore.ts';
import { InputError, isCodedModelError, ModelError } from '../src/compose/errors.ts';
import { System } from '../src/compose/system.ts';
import { wordError } from '../src/cli/words.ts';
import { call } from '../machines/kit/messages.ts';
import type { ActorDecl } from '../machines/kit/types.ts';

/*
 * The composer's model errors carry a code and fields, as InputError does, so that a program can
 * tell them apart without parsing text, and the CLI words each one (src/cli/words.ts) as one line.
 */
const meta = { fn: 'f', src: 'test' };
const single = (a: Omit<ActorDecl, 'name' | 'kind'>) => ({ actors: [{ name: 'a', kind: 'path' as const, ...a }] });

function caught(build: () => void): ModelError {
  try {
    build();
  } catch (e) {
    assert.instance(e, ModelError);
    return e as ModelError;
  }
  throw new Error('expected a ModelError');
}

test('purity: a side effect, a delayed transition and an invoked promise each carry their code and fields', () => {
  const fx = setup({ actions: { fx: () => {} } }).createMachine({
    initial: 'x',
    states: { x: { on: { go: { target: 'y', actions: 'fx', meta } } }, y: {} },
  });
  const e = caught(() => explore(new System(single({ machine: fx, env: { go: [{}] } }))));
  assert.is(e.code, 'side-effect');
  assert.equal(e.fields, { actor: 'a', action: 'fx' });
  const timed = setup({}).createMachine({ initial: 'x', states: { x: { after: { 100: 'y' } }, y: {} } });
  const t = caught(() => new System(single({ machine: timed })));
  assert.is(t.code, 'not-untimed');
  assert.equal(t.fields, { actor: 'a', state: '(machine).x', uses: 'after' });
  const inv = setup({ actors: { p: fromPromise(async () => 1) } }).createMachine({ initial: 'x', states: { x: { invoke: { src: 'p' } } } });
  const i = caught(() => new System(single({ machine: inv })));
  assert.is(i.code, 'not-untimed');
  assert.is(i.fields.uses, 'invoke');
});

test('determinism: a transition with two results carries the actor, the event and the state', () => {
  const m = setup({}).createMachine({
    context: { n: 0 },
    initial: 'x',
    states: { x: { on: { go: { actions: assign({ n: () => Math.floor(Math.random() * 1e9) }), meta } } } },
  });
  const e = caught(() => explore(new System(single({ machine: m, env: { go: [{}] } }))));
  assert.is(e.code, 'nondeterministic');
  assert.equal(e.fields, { actor: 'a', event: 'go', state: '"x"' });
});

test('an unknown actor: the name called and the actors there are', () => {
  const m = setup({}).createMachine({
    initial: 'x',
    states: { x: { on: { go: { target: 'y', actions: call('thing', 'nobody', { type: 'hello' }), meta } } }, y: {} },
  });
  const e = caught(() => explore(new System(single({ machine: m, env: { go: [{}] } }))));
  assert.is(e.code, 'actor-not-in-system');
  assert.equal(e.fields, { actor: 'nobody', by: 'a machine', actors: ['a'] });
  assert.ok(isCodedModelError(e));
});

test('an unbounded context is coded too (actor-unbounded, naming the field that grows)', () => {
  const m = setup({}).createMachine({
    context: { n: 0 },
    initial: 'x',
    states: { x: { on: { go: { actions: assign({ n: ({ context }) => context.n + 1 }), meta } } } },
  });
  const e = caught(() => explore(new System(single({ machine: m, env: { go: [{}] } }), { maxSnapshots: 50 })));
  assert.instance(e, InputError);
  assert.is(e.code, 'actor-unbounded');
  assert.is(e.fields.actor, 'a');
  assert.match(String((e.fields.grown as string[])[0]), 'context.n');
});

test('the CLI words every coded model error as one line naming the actor; an uncoded one keeps its message', () => {
  const e = new ModelError('nondeterministic', { actor: 'fs0', event: 'mount', state: '"idle"' });
  const line = wordError(e)!;
  assert.match(line, /^model error: actor fs0: event mount in state "idle"/);
  assert.not.match(line, /\n/);
  assert.match(e.message, 'machines must be deterministic', 'the fallback message stands without the CLI');
  assert.is(wordError(new ModelError('duplicate-actor', { actor: 'fs0' })), 'model error: the scenario names two actors fs0');
  const plain = new ModelError("actor x: transition t has meta.fairness 'often'");
  assert.is(plain.code, 'model');
  assert.is(isCodedModelError(plain), false);
  assert.is(wordError(plain), "actor x: transition t has meta.fairness 'often'");
  assert.is(isCodedModelError(new InputError('unknown-actor', { scenario: 's', actor: 'x', actors: [] })), false);
});

test.run();

test('resume-over-budget names the budget when there was one, and the machine when the system refused', () => {
  const budgeted = wordError(new InputError('resume-over-budget', { budget: 64 * 2 ** 20, states: 5_000_000, loaded: 1_200 }));
  assert.match(budgeted!, /^--max-memory 64 MiB: the checkpoint's 5,000,000 states do not fit/);
  const machine = wordError(new InputError('resume-over-budget', { states: 5_000_000, loaded: 1_200 }));
  assert.match(machine!, /do not fit in this machine's memory \(the system refused room after 1,200\)/);
  assert.not.match(machine!, /max-memory|0 B/);
});
