/**
 * A parallel level given up half-way (a stop, or memory running out) leaves the table as the levels before
 * it made it: its claimed slots are dropped in place (slotTable.ts dropPending), and what is read or added
 * afterwards (the counterexamples of a run bounded by memory are built from the store) sees exactly the states
 * of the finished levels, at the indices a one-thread search gives them. The stop is asked for between the
 * main thread's chunks of a level, which the progress reports show: two reports at the same depth.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSystem, resolveSizes } from '../src/check/check.ts';
import { explore, exploreAsync, type Progress } from '../src/check/explore.ts';
import { findScenario } from '../src/registry.ts';

test('a level given up mid-way: the finished levels keep their indices, the given-up one leaves no trace', async () => {
  const scenario = findScenario('percpu-ref');
  const sizes = resolveSizes(scenario, { users: 4 });
  const one = explore(buildSystem(scenario, undefined, sizes));
  const reports: Progress[] = [];
  let claimed = -1;
  const r = await exploreAsync(buildSystem(scenario, undefined, sizes), {
    parallel: { workers: 2, recipe: { scenario: scenario.name, revision: undefined, sizes }, from: 60 },
    progressIntervalMs: 0,
    onProgress: (p) => reports.push(p),
    shouldStop: () => {
      if (claimed >= 0 || reports.length < 2) return undefined;
      const [before, last] = reports.slice(-2);
      if (before.depth !== last.depth) return undefined;
      claimed = last.states;
      return 'test';
    },
  });
  assert.is(r.threads, 2, 'the worker thread explored');
  assert.is(r.bound, 'interrupted');
  assert.ok(claimed > r.states, `the level had claimed states (${claimed}) past those kept (${r.states})`);

  // The kept states are the levels of the one-thread search up to the frontier whose expansion was given up (depth
  // r.depth + 1: the depth reported is that of the last level expanded, as a one-thread run stopped there says), in its order.
  const depth = new Int32Array(one.states);
  for (let i = 1; i < one.states; i++) depth[i] = depth[one.store.parent(i)] + 1;
  assert.is(depth[r.states - 1], r.depth + 1);
  assert.is(depth[r.states], r.depth + 2, 'the run stopped at a level boundary');
  const a = new Int32Array(one.system.width);
  const b = new Int32Array(one.system.width);
  for (let i = 0; i < r.states; i++) {
    one.store.load(i, a);
    r.store.load(i, b);
    assert.equal(b, a, `state ${i}`);
    assert.is(r.store.parent(i), one.store.parent(i));
    assert.is(r.store.label(i), one.store.label(i));
  }
  // Adding after the given-up level: every kept state is known at its index, the next level's are new, in order.
  for (let i = 0; i < r.states; i++) {
    one.store.load(i, a);
    assert.is(r.store.add(a, 0, 0), -1 - i, `state ${i} is known`);
  }
  for (let i = r.states; i < Math.min(one.states, r.states + 500); i++) {
    one.store.load(i, a);
    assert.is(r.store.add(a, one.store.parent(i), one.store.label(i)), i, `state ${i} of the given-up level is new`);
  }
});

test.run();
