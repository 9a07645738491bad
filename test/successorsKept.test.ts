/**
 * The liveness check keeps each state's successors once worked out (successors.ts), up to a bound: its
 * answers, lassos and obligations must be those of the check that works every visit out again, whether
 * all, some or none of the states' successors fit in the bound. A run that keeps every edge (the progress check's)
 * records each state's successors as it explores them (explore.ts): those must be the ones the check would work out,
 * state by state, and the check's findings the same, whatever the room left the recording.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSystem } from '../src/check/check.ts';
import { explore } from '../src/check/explore.ts';
import { checkLiveness, type LivenessRun } from '../src/check/liveness.ts';
import { Fairness, UNFAIR } from '../src/check/fairness.ts';
import { Successors } from '../src/check/successors.ts';
import type { System } from '../src/compose/system.ts';
import type { Liveness } from '../machines/kit/types.ts';
import { decodeStep } from '../src/compose/stepLabel.ts';
import { SCENARIOS } from '../src/registry.ts';

const defaults = (sizes: readonly { name: string; default: number }[]) => Object.fromEntries(sizes.map((s) => [s.name, s.default]));

/** Every built-in scenario at every revision, at its default sizes, whose system declares liveness properties. */
function eachLivenessCell(
  body: (where: string, system: System, properties: readonly Liveness[], revision: string | undefined) => void,
): void {
  for (const scenario of SCENARIOS) {
    for (const revision of scenario.revisions.length > 0 ? scenario.revisions : [undefined]) {
      const system = buildSystem(scenario, revision, defaults(scenario.sizes));
      const properties = system.decl.liveness ?? [];
      if (properties.length > 0) body(`${scenario.name} ${revision ?? ''}`, system, properties, revision);
    }
  }
}

/** What a run found, without its cost. */
const found = (r: LivenessRun) => ({
  mode: r.mode,
  fairness: r.fairness,
  outcomes: r.outcomes.map((o) => ({ ...o, property: o.property.id })),
});

test('every built-in scenario and revision: the same outcomes whether all, some or none of the successors are kept', () => {
  let cells = 0;
  let partial = 0;
  eachLivenessCell((where, system, properties) => {
    const result = explore(system, { commute: false });
    if (!result.complete) return;
    const n = result.store.count;
    const none = checkLiveness(system, result.store, properties, 'declared', 0);
    const all = checkLiveness(system, result.store, properties, 'declared');
    // Room for the per-state arrays and about a third of the edges: the first states visited are kept, the rest not.
    const some = checkLiveness(system, result.store, properties, 'declared', 6 * n + 4 * Math.ceil(result.edges / 3) * 3);
    assert.equal(found(all), found(none), `${where}: all kept`);
    assert.equal(found(some), found(none), `${where}: some kept`);
    // Kept, each state's successors are worked out once at most; not kept, at every visit.
    assert.ok(all.expansions <= n, `${where}: ${all.expansions} expansions for ${n} states`);
    assert.ok(none.expansions >= all.expansions, where);
    if (some.expansions > all.expansions && some.expansions < none.expansions) partial++;
    cells++;
  });
  assert.ok(cells >= 50, `${cells} cells with liveness`);
  assert.ok(partial > 0, 'no run kept only some of its states');
});

test('a kept state gives back its successors as worked out, and is not worked out again', () => {
  const scenario = SCENARIOS.find((s) => s.name === 'pmem-remove-pinned')!;
  const system = buildSystem(scenario, 'v6.15', defaults(scenario.sizes));
  const { store } = explore(system, {});
  const fresh = new Successors(system, store, new Fairness(system, 'declared'), 0);
  const kept = new Successors(system, store, new Fairness(system, 'declared'));
  const edges = (succ: Successors, s: number) => {
    const n = succ.expand(s);
    return { to: [...succ.to.subarray(0, n)], label: [...succ.label.subarray(0, n)], cls: [...succ.cls.subarray(0, n)] };
  };
  for (let s = 0; s < store.count; s++) assert.equal(edges(kept, s), edges(fresh, s), `state ${s}`);
  for (let s = store.count - 1; s >= 0; s--) assert.equal(edges(kept, s), edges(fresh, s), `state ${s}, again`);
  assert.is(kept.expansions, store.count);
  assert.is(fresh.expansions, 2 * store.count);
  // Kept nothing: fresh holds only its byte a state of the states it has visited.
  assert.ok(kept.bytes() > store.count && fresh.bytes() === store.count);
});

/** State s's successors as (target, label, fair class by name and kind): class numbers depend on the order met. */
const listed = (succ: Successors, s: number): string[] => {
  const n = succ.expand(s);
  // `cls` is in the check's numbering (Successors.checked), whatever order the exploration classed them in.
  const cls = (c: number) => (c === UNFAIR ? 'unfair' : `${succ.checked.classes[c].name}/${succ.checked.classes[c].kind}`);
  return Array.from({ length: n }, (_, i) => `${succ.to[i]} ${succ.label[i]} ${cls(succ.cls[i])}`);
};

test("every built-in scenario and revision that keeps its edges: the exploration records each state's successors as the check works them out", () => {
  let recorded = 0;
  eachLivenessCell((cell, system, properties, revision) => {
    for (const mode of ['declared', 'next'] as const) {
      if (mode === 'next' && revision !== 'v6.15') continue;
      const result = explore(system, { recordSuccessors: mode });
      if (!result.complete || !result.successors) continue;
      const where = `${cell} ${mode}`;
      const fresh = new Successors(system, result.store, new Fairness(system, mode), 0);
      for (let s = 0; s < result.store.count; s++) assert.equal(listed(result.successors, s), listed(fresh, s), `${where}: state ${s}`);
      assert.is(result.successors.expansions, 0, `${where}: nothing worked out again`);
      const again = explore(system, { recordSuccessors: mode });
      const kept = checkLiveness(system, again.store, properties, mode, undefined, again.successors);
      assert.equal(found(kept), found(checkLiveness(system, result.store, properties, mode, 0)), where);
      assert.is(kept.expansions, 0, where);
      recorded++;
    }
  });
  assert.ok(recorded >= 40, `${recorded} runs recorded their successors`);
  // No recording unless the check is to run (check.ts asks), nor where the run does not keep every edge.
  const scenario = SCENARIOS.find((s) => s.name === 'kill-dax-readers')!;
  const system = buildSystem(scenario, 'v6.15', defaults(scenario.sizes));
  assert.ok(explore(system, { recordSuccessors: 'declared' }).successors);
  assert.not.ok(explore(system, {}).successors);
  assert.not.ok(explore(system, { recordSuccessors: 'declared', fingerprint: true }).successors);
});

test('a recording that runs out of room keeps the states it had room for, and the rest are worked out when visited', () => {
  const scenario = SCENARIOS.find((s) => s.name === 'pmem-remove-pinned')!;
  const system = buildSystem(scenario, 'v6.15', defaults(scenario.sizes));
  const { store } = explore(system, {});
  const fairness = new Fairness(system, 'declared');
  const fresh = new Successors(system, store, fairness, 0);
  // Room for the first chunks only: the per-state arrays grow by doubling, and each refusal leaves a state unkept.
  let given = 0;
  const room = (bytes: number) => (given += bytes) <= 40_000;
  const recorder = new Successors(system, store, fairness, undefined, room);
  const vec = new Int32Array(system.width);
  for (let s = 0; s < store.count; s++) {
    const n = fresh.expand(s);
    store.load(s, vec);
    recorder.recordStart();
    for (let i = 0; i < n; i++) {
      const { actor, offer } = decodeStep(fresh.label[i]);
      recorder.record(fresh.to[i], fresh.label[i], actor, vec[actor], offer);
    }
    recorder.recordEnd(s);
  }
  for (let s = 0; s < store.count; s++) assert.equal(listed(recorder, s), listed(fresh, s), `state ${s}`);
  assert.ok(recorder.expansions > 0 && recorder.expansions < store.count, `${recorder.expansions} of ${store.count} worked out again`);
});

test('a run whose store needs the room the recorded successors hold lets them go, completes, and the check works them out', () => {
  const scenario = SCENARIOS.find((s) => s.name === 'kill-dax-readers')!;
  const system = buildSystem(scenario, 'v6.15', { ...defaults(scenario.sizes), readers: 4 });
  const properties = system.decl.liveness ?? [];
  // The heap is counted as nothing, so the budget refuses where the run's own arrays put it, whatever the collector does.
  const heapBytes = () => 0;
  const completes = (maxMemory: number) => explore(system, { maxMemory, heapBytes }).complete;
  // The least budget (to 1 KiB) the run completes in without recording: its largest growth just fits.
  let lo = 0;
  let hi = 1 << 30;
  while (hi - lo > 1024) {
    const mid = Math.floor((lo + hi) / 2);
    if (completes(mid)) hi = mid;
    else lo = mid;
  }
  const free = explore(system, { recordSuccessors: 'declared' });
  assert.ok(free.complete && free.successors && free.successors.bytes() > 0);
  const tight = explore(system, { recordSuccessors: 'declared', maxMemory: hi, heapBytes });
  // Without letting the successors go, that growth would have been refused and the run stopped at bound 'memory'.
  assert.is(tight.bound, undefined);
  assert.ok(tight.complete);
  assert.is(tight.successors?.bytes(), 0, 'the recorded successors were let go');
  assert.equal([tight.store.count, tight.edges, tight.findings], [free.store.count, free.edges, free.findings]);
  const worked = checkLiveness(system, tight.store, properties, 'declared', undefined, tight.successors);
  const recorded = checkLiveness(system, free.store, properties, 'declared', undefined, free.successors);
  assert.equal(found(worked), found(recorded));
  assert.is(recorded.expansions, 0);
  assert.ok(worked.expansions >= tight.store.count, `${worked.expansions} states worked out again`);
});

test.run();
