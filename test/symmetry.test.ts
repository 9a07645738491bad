import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percpuRefSystem } from '../machines/bench/percpuRef.ts';
import { buildSystem, checkScenario, resolveSizes } from '../src/check/check.ts';
import { findScenario } from '../src/registry.ts';
import { explore } from '../src/check/explore.ts';
import { replayItf } from '../src/check/replay.ts';
import { System } from '../src/compose/system.ts';
import { InputError, ModelError } from '../src/compose/errors.ts';
import type { Scenario } from '../machines/kit/types.ts';
import { setup, assign } from 'xstate';
import { call, reply } from '../machines/kit/messages.ts';
import { lostUpdate } from './fixtures/lostUpdate.ts';

test('symmetry: percpu_ref users reduce to orbits (N=3: 1,715 states, 5,919 transitions; N=4: 7,210 / 31,574)', () => {
  const three = explore(new System(percpuRefSystem(3, 3)), { symmetry: true });
  assert.is(three.states, 1715);
  assert.is(three.edges, 5919);
  const four = explore(new System(percpuRefSystem(4, 3)), { symmetry: true });
  assert.is(four.states, 7210);
  assert.is(four.edges, 31574);
});

test('symmetry keeps the shortest counterexample, and its trace is a real one that replays exactly', () => {
  const scenario: Scenario = { name: 'lost-update', description: 'test', revisions: [], sizes: [], build: () => lostUpdate() };
  const full = checkScenario(scenario, undefined, {});
  const reduced = checkScenario(scenario, undefined, {}, { symmetry: true });
  assert.ok(reduced.states < full.states, `${reduced.states} < ${full.states}`);
  assert.is(reduced.findings.length, 1);
  assert.is(reduced.findings[0].length, full.findings[0].length);
  const r = replayItf(new System(lostUpdate()), JSON.parse(JSON.stringify(reduced.findings[0].itf())));
  assert.is(r.divergence, undefined);
  assert.is(r.matched, 4);
});

test('actors declared symmetric must share machine and input', () => {
  const d = percpuRefSystem(2, 3);
  const bad = { ...d, symmetric: [['ref', 'owner']] };
  assert.throws(
    () => explore(new System(bad), { symmetry: true }),
    (e: unknown) =>
      e instanceof ModelError && /differ in machine: interchangeable actors share one machine object/.test((e as Error).message),
  );
});

test('a symmetry some actor breaks by recording a member by name is refused at the first state that shows it, naming it', () => {
  // pmem-remove-pinned no longer declares its pinners symmetric: dax_srcu lists a fault's reader by name. Declared
  // all the same, the reduced search grew without end (25M states at depth 10,000 against 19,753 states whole).
  const decl = buildSystem(findScenario('pmem-remove-pinned'), 'v6.15', {
    ...resolveSizes(findScenario('pmem-remove-pinned'), {}),
    pinners: 2,
  }).decl;
  assert.is(decl.symmetric, undefined);
  const forced = { ...decl, symmetric: [['dma0', 'dma1']] };
  let explored = -1;
  assert.throws(
    () => {
      explored = explore(new System(forced), { symmetry: true, maxStates: 100_000 }).states;
    },
    (e: unknown) => e instanceof InputError && /dax_srcu records dma[01] in context\.inside/.test((e as Error).message),
  );
  assert.is(explored, -1);
});

test('a member that records its own name breaks the symmetry too: moved to another member, its state names the wrong one', () => {
  // A registry that tells each caller the name it was registered under; the caller keeps it.
  const registry = setup({ actions: { answer: reply(({ event }) => ({ type: 'registered', as: event.from as string })) } }).createMachine({
    initial: 'open',
    states: {
      open: { meta: { fn: 'register', src: 'test' }, on: { register: { actions: 'answer', meta: { fn: 'register', src: 'test' } } } },
    },
  });
  const member = setup({
    types: { context: {} as { me: string | null } },
    actions: { ask: call('registry', 'registry', { type: 'register' }), keep: assign({ me: ({ event }) => event.as as string }) },
  }).createMachine({
    context: { me: null },
    initial: 'start',
    states: {
      start: {
        meta: { fn: 'start', src: 'test' },
        on: { register: { target: 'asking', actions: 'ask', meta: { fn: 'register', src: 'test' } } },
      },
      asking: {
        meta: { fn: 'register', src: 'test' },
        on: { registered: { target: 'done', actions: 'keep', meta: { fn: 'register', src: 'test' } } },
      },
      done: { type: 'final', meta: { fn: 'register', src: 'test' } },
    },
  });
  const decl = {
    actors: [
      { name: 'registry', machine: registry, kind: 'object' as const },
      { name: 'm1', machine: member, kind: 'path' as const, env: { register: [{}] } },
      { name: 'm2', machine: member, kind: 'path' as const, env: { register: [{}] } },
    ],
    symmetric: [['m1', 'm2']],
  };
  assert.is(explore(new System(decl)).states, 4);
  // Refused at the first real state that shows it, for what it is (before, a representative later: "m2 records m1").
  assert.throws(
    () => explore(new System(decl), { symmetry: true }),
    (e: unknown) => e instanceof InputError && /(m1 records m1|m2 records m2) in context\.me/.test((e as Error).message),
  );
});

test.run();
