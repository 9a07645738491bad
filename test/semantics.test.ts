import { getShortestPaths } from '@xstate/graph';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyMachineSnapshot } from 'xstate';
import { percpuRefSystem } from '../machines/bench/percpuRef.ts';
import { explore } from '../src/check/explore.ts';
import { depthOf } from '../src/check/progress.ts';
import { System } from '../src/compose/system.ts';
import { systemLogic, type SystemSnapshot } from '../src/compose/systemLogic.ts';
import type { SystemDecl } from '../machines/kit/types.ts';
import { ordered } from './fixtures/deadlock.ts';
import { dieHard } from './fixtures/dieHard.ts';
import { historyLamp } from './fixtures/history.ts';
import { lostUpdate } from './fixtures/lostUpdate.ts';
import { atomicWakeup, lostWakeup } from './fixtures/lostWakeup.ts';

/** Identity of one actor snapshot written independently of the explorer: value, context and history. */
function historyAware(s: AnyMachineSnapshot): string {
  const history = Object.fromEntries(
    Object.entries(s.historyValue as Record<string, { id: string }[]>).map(([k, v]) => [k, v.map((n) => n.id)]),
  );
  return JSON.stringify([s.value, s.context, history]);
}
const serialize = (s: SystemSnapshot) => JSON.stringify(Object.values(s.actors).map(historyAware));

/** Reachable states with their shortest distance, as our explorer finds them. */
function ours(decl: SystemDecl): Map<string, number> {
  const system = new System(decl);
  const r = explore(system);
  assert.ok(r.complete);
  const logic = systemLogic(system);
  const out = new Map<string, number>();
  const vec = new Int32Array(system.width);
  for (let i = 0; i < r.states; i++) {
    r.store.load(i, vec);
    out.set(
      serialize({
        ...logic.getInitialSnapshot(null as never, undefined),
        vector: [...vec],
        actors: Object.fromEntries(system.names.map((n, a) => [n, system.actors[a].snapshot(vec[a])])),
      }),
      depthOf(r.store, i),
    );
  }
  return out;
}

/** The same, by @xstate/graph's getShortestPaths on the system as an ActorLogic. */
function theirs(decl: SystemDecl): Map<string, number> {
  const logic = systemLogic(new System(decl));
  const paths = getShortestPaths(logic, { events: (s) => logic.nextEvents(s), serializeState: (s) => serialize(s as SystemSnapshot) });
  return new Map(paths.map((p) => [serialize(p.state), p.steps.length - 1]));
}

const noInvariants = (d: SystemDecl): SystemDecl => ({ ...d, invariants: [] });

test('differential: reachable states and shortest path lengths equal @xstate/graph getShortestPaths', () => {
  const systems: [string, SystemDecl][] = [
    ['die hard', noInvariants(dieHard())],
    ['lost update', noInvariants(lostUpdate())],
    ['ordered locks', ordered()],
    ['lost wake-up', lostWakeup()],
    ['history lamp', noInvariants(historyLamp())],
    ['percpu_ref N=2 K=2', percpuRefSystem(2, 2)],
  ];
  for (const [name, decl] of systems) {
    const a = ours(decl);
    const b = theirs(decl);
    assert.is(a.size, b.size, `${name}: state count`);
    for (const [k, d] of a) assert.is(b.get(k), d, `${name}: shortest distance to ${k}`);
  }
});

test('history: two states that differ only in history are kept apart', () => {
  const r = explore(new System(historyLamp()));
  const f = r.findings.find((x) => x.kind === 'invariant');
  assert.ok(f, 'the invariant is violated only through the history-distinguished state');
  assert.is(f!.length, 3);
  const plain = explore(new System(noInvariants(historyLamp())));
  assert.is(plain.states, 8);
  // a serializer without history merges two of them (what @xstate/graph does by default)
  const logic = systemLogic(new System(noInvariants(historyLamp())));
  const merged = getShortestPaths(logic, {
    events: (s) => logic.nextEvents(s),
    serializeState: (s) => JSON.stringify(Object.values((s as SystemSnapshot).actors).map((a) => [a.value, a.context])),
  });
  assert.ok(merged.length < 8, `value+context keys lose states: ${merged.length}`);
});

test('progress: a lost wake-up is found while another actor keeps moving; the atomic variant holds', () => {
  const bad = explore(new System(lostWakeup()));
  assert.equal(
    bad.findings.map((f) => f.kind),
    ['progress'],
  );
  // test the flag, the waker sets it and wakes nobody, then sleep
  assert.is(bad.findings[0].length, 3);
  const good = explore(new System(atomicWakeup()));
  assert.ok(good.complete);
  assert.equal(good.findings, []);
});

test.run();
