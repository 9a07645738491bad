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
import { explore, exploreAsync } from '../src/check/explore.ts';
import type { Progress } from '../src/check/exploration.ts';
import { findScenario } from '../src/registry.ts';

test('a level given up mid-way: the finished levels keep their indices, the given-up one leaves no trace', async () => {
  const scenario = findScenario('percpu-ref');
  // N=5: its levels reach 100,000 states, so the main thread comes back between chunks many times a level whatever
  // the worker's share (at N=4 a loaded machine could let the worker take whole levels, and no mid-level point came).
  const sizes = resolveSizes(scenario, { users: 5 });
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
  assert.is(r.bound, 'interrupted', 'the run came to a point between chunks of a level');
  assert.ok(claimed > r.states, `the level had claimed states (${claimed}) past those kept (${r.states})`);

  // The kept states are the levels of the one-thread search up to the frontier whose expansion was given up (depth
  // r.depth + 1: the depth reported is that of the last level expanded, as a one-thread run stopped there says), in its order.
  const depth = new Int32Array(one.states);
  for (let i = 1; i < one.states; i++) depth[i] = depth[one.store.parent(i)] + 1;
  assert.is(depth[r.states - 1], r.depth + 1);
  assert.is(depth[r.states], r.depth + 2, 'the run stopped at a level boundary');
  // Snapshot ids are each system's own (the main thread hands them out in the order it meets them), so states are
  // compared, and carried from one run to the other, by the snapshots' keys.
  const w = one.system.width;
  const ids = r.system.actors.map((t) => new Map(Array.from({ length: t.size }, (_, id) => [t.keyOf(id), id])));
  const keysOf = (v: Int32Array, sys: typeof one.system): string[] => Array.from(v, (id, k) => sys.actors[k].keyOf(id));
  const inRun = (v: Int32Array): Int32Array => Int32Array.from(v, (id, k) => ids[k].get(one.system.actors[k].keyOf(id)) ?? -1);
  const a = new Int32Array(w);
  const b = new Int32Array(w);
  for (let i = 0; i < r.states; i++) {
    one.store.load(i, a);
    r.store.load(i, b);
    assert.equal(keysOf(b, r.system), keysOf(a, one.system), `state ${i}`);
    assert.is(r.store.parent(i), one.store.parent(i));
    assert.is(r.store.label(i), one.store.label(i));
  }
  // Adding after the given-up level: every kept state is known at its index, the next level's are new, in order.
  for (let i = 0; i < r.states; i++) {
    one.store.load(i, a);
    assert.is(r.store.add(inRun(a), 0, 0), -1 - i, `state ${i} is known`);
  }
  let added = 0;
  for (let i = r.states; i < Math.min(one.states, r.states + 500); i++) {
    one.store.load(i, a);
    const v = inRun(a);
    // A snapshot only the given-up level met has no id in this run: such a state is new by that alone.
    if (v.includes(-1)) continue;
    assert.is(r.store.add(v, one.store.parent(i), one.store.label(i)), r.states + added++, `state ${i} of the given-up level is new`);
  }
  assert.ok(added > 0, 'some states of the given-up level were added again');
});

test.run();
