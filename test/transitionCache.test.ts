/**
 * The bug matrix's cache of what XState answered (src/compose/transitionCache.ts): the configurations of a cell
 * share one, and each must be checked exactly as without it, in any order, with the cache actually answering.
 * A cache that kept something of the system it was filled in (an actor index, an event id, the sender's name), or
 * that took two machines for one by their id, fails here. And machines/kit/oncePer.ts, which lets configurations
 * share machine objects, hands out one object per argument list and no more.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenario, reportJson, resolveSizes, type CheckReport } from '../src/check/check.ts';
import { configurations } from '../src/check/configSpace.ts';
import { explore } from '../src/check/explore.ts';
import { traceOf } from '../src/check/trace.ts';
import { setup } from 'xstate';
import { System } from '../src/compose/system.ts';
import type { SystemDecl } from '../machines/kit/types.ts';
import { TransitionCache } from '../src/compose/transitionCache.ts';
import { findScenario } from '../src/registry.ts';
import { oncePer } from '../machines/kit/oncePer.ts';
import { dmaPinnerMachine } from '../machines/dmaPinner.ts';
import { pageMachine } from '../machines/page.ts';
import { truncateMachine } from '../machines/truncate.ts';
import { dieHard } from './fixtures/dieHard.ts';

/** A report as `--json` prints it, with each trace's state vectors (the snapshot ids), timings and memory left out. */
const text = (r: CheckReport): string =>
  JSON.stringify({ report: reportJson(r), states: r.findings.map((f) => f.trace.states) }, (k, v: unknown) =>
    /seconds|Seconds|memoryBytes|bytes/.test(k) ? 0 : v,
  );

/** Every configuration of a cell, in `order`, each checked with the cell's one cache and without any. */
function compareCell(scenario: string, revision: string, order: 'forward' | 'backward'): TransitionCache {
  const s = findScenario(scenario);
  const configs = configurations(s);
  if (order === 'backward') configs.reverse();
  const cache = new TransitionCache();
  for (const c of configs) {
    const sizes = resolveSizes(s, c.sizes);
    const alone = checkScenario(s, revision, sizes);
    const shared = checkScenario(s, revision, sizes, { transitions: cache });
    assert.is(text(shared), text(alone), `${scenario} @ ${revision} ${JSON.stringify(c.sizes)} (${order})`);
  }
  return cache;
}

for (const [scenario, revision] of [
  ['static-key-race', 'v6.15'],
  ['evict-pinned', 'v6.15'],
  ['evict-pinned', 'v8'],
  ['kill-dax-readers', 'v5.10'],
  ['holder-notify-umount', 'v6.15'],
  ['pmem-partitions', 'v9'],
] as const) {
  test(`${scenario} @ ${revision}: each configuration as without the cache, forward and backward, and the cache answers`, () => {
    for (const order of ['forward', 'backward'] as const) {
      const cache = compareCell(scenario, revision, order);
      // Without hits the comparison above says nothing: later configurations must be answered from the first ones.
      assert.ok(cache.hits > cache.size, `${scenario} @ ${revision} (${order}): ${cache.hits} hits for ${cache.size} entries`);
    }
  });
}

test('two machines with one id are two machines to the cache: die hard with a shared cache finds the same 6 pours', () => {
  // The small and the big jug are both `jug`, start both at 0 gallons and get the same `fill` from the hero:
  // only the machine object tells a 3-gallon fill from a 5-gallon one.
  const cache = new TransitionCache();
  for (let round = 0; round < 2; round++) {
    const alone = explore(new System(dieHard()));
    const shared = explore(new System(dieHard(), {}, cache));
    assert.is(shared.states, alone.states);
    assert.is(shared.edges, alone.edges);
    const f = shared.findings.find((x) => x.kind === 'invariant');
    assert.ok(f, 'the big jug reaches 4 gallons');
    assert.is(f!.length, 6);
    assert.equal(
      traceOf(shared.system, shared.store, f!).steps.map((s) => s.event.type),
      traceOf(
        alone.system,
        alone.store,
        alone.findings.find((x) => x.kind === 'invariant')!,
      ).steps.map((s) => s.event.type),
    );
  }
  // dieHard() builds new jugs each time: nothing of the first round's machines can answer for the second's.
  assert.is(cache.hits, 0);
});

test('an input that is not plain data keys no initial state: two Sets of other sizes start two other states', () => {
  // canonicalJson writes every Set as {}: keyed by it, b would start in a's state.
  const sized = setup({ types: {} as { context: { n: number }; input: { items: Set<string> } } }).createMachine({
    id: 'sized',
    context: ({ input }) => ({ n: input.items.size }),
    initial: 'idle',
    states: { idle: { description: 'holds the size of its input', meta: { fn: 'sized', src: 'test' } } },
  });
  const decl: SystemDecl = {
    actors: [
      { name: 'a', machine: sized, kind: 'object', input: { items: new Set(['x']) } },
      { name: 'b', machine: sized, kind: 'object', input: { items: new Set(['x', 'y', 'z']) } },
    ],
  };
  const system = new System(decl, {}, new TransitionCache());
  assert.equal(system.view(system.initial)('a').context, { n: 1 });
  assert.equal(system.view(system.initial)('b').context, { n: 3 });
});

test('a cache full at its limit keeps answering from what it has and takes nothing more', () => {
  const s = findScenario('static-key-race');
  const sizes = resolveSizes(s, {});
  const alone = checkScenario(s, 'v6.15', sizes);
  const whole = new TransitionCache();
  checkScenario(s, 'v6.15', sizes, { transitions: whole });
  // Room for about a third of what the run asked XState.
  const limit = Math.floor(whole.bytes / 3);
  const cache = new TransitionCache(limit);
  const first = checkScenario(s, 'v6.15', sizes, { transitions: cache });
  const kept = cache.size;
  assert.ok(kept > 0 && kept < whole.size, `${kept} of ${whole.size} entries kept`);
  assert.ok(cache.bytes <= limit && cache.bytes > 0);
  const again = checkScenario(s, 'v6.15', sizes, { transitions: cache });
  assert.is(cache.size, kept);
  assert.ok(cache.hits > 0);
  assert.is(text(first), text(alone));
  assert.is(text(again), text(alone));
});

test('machine factories: one object per argument list, and apart whenever the arguments could tell', () => {
  assert.ok(pageMachine('v6.15') === pageMachine('v6.15'));
  assert.ok(pageMachine('v6.15') !== pageMachine('v6.8'));
  assert.ok(truncateMachine('v6.15', 'ext4') !== truncateMachine('v6.15', 'xfs'));
  assert.ok(dmaPinnerMachine('v6.15', { pmd: true, release: 'own' }) === dmaPinnerMachine('v6.15', { release: 'own', pmd: true }));
  assert.ok(dmaPinnerMachine('v6.15', { pmd: true }) !== dmaPinnerMachine('v6.15', { pmd: false }));
  let made = 0;
  const f = oncePer((a?: string, b?: { x?: number }) => ({ made: ++made, a, b }));
  const seen = [f('v'), f('v', undefined), f('v', {}), f('v', { x: undefined }), f('v', { x: 1 }), f('u'), f(), f(undefined)];
  // A factory could tell each of these lists from the others (by counting its arguments, or by `'x' in b`): an object each.
  assert.is(new Set(seen).size, seen.length);
  assert.ok(f('v', { x: 1 }) === seen[4]);
  assert.is(made, seen.length);
});

test.run();
