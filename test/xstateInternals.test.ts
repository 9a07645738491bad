/**
 * Canaries for the XState internals daxspec relies on, all of which src/ reaches only through
 * src/compose/xstateInternals.ts. package.json pins xstate to the exact version these were read from; an upgrade
 * that changes any of them fails here, in one place, naming the internal, instead of as a wrong state count or a
 * missing call somewhere in the checker.
 *
 * Each test drives XState directly (no daxspec code) the way src/compose/xstateInternals.ts does:
 * - `machine.transition(snapshot, event, scope)` and `getInitialSnapshot(scope, input)` accept a hand-made actor
 *   scope, and hand every action to `scope.actionExecutor` instead of running it (inertScope, initialIn, transitionIn);
 * - a `sendTo` reaches that executor as `{ type: 'xstate.sendTo', params: { to, event } }`;
 * - `snapshot._nodes` lists every active state node and `snapshot.historyValue` maps history nodes to their nodes;
 * - `system._sendInspectionEvent` receives `@xstate.microstep` events carrying `_transitions`
 *   (inertScope's `microstep` hook).
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assign, createActor, sendTo, setup, type AnyActorRef, type AnyMachineSnapshot, type AnyStateNode } from 'xstate';

const someone = { id: 'someone', sessionId: 'someone', send() {}, toJSON: () => ({ id: 'someone' }) } as unknown as AnyActorRef;

const machine = setup({
  types: { context: {} as { n: number }, events: {} as { type: 'go' } | { type: 'back' } },
  actions: {
    bump: assign({ n: ({ context }) => context.n + 1 }),
    // An actor-ref-shaped object, as src/compose/messages.ts addresses actors: resolved, never sent to.
    tell: sendTo(() => someone, { type: 'hello' }),
  },
}).createMachine({
  id: 'canary',
  context: { n: 0 },
  initial: 'a',
  states: {
    a: { on: { go: { target: 'b', actions: ['bump', 'tell'] } } },
    b: {
      initial: 'b1',
      states: { b1: {}, hist: { type: 'history', history: 'shallow' } },
      on: { back: 'a' },
    },
  },
});

interface Recorded {
  type: string;
  params?: { to?: unknown; event?: { type: string } };
}

function inert(record: Recorded[], system: unknown) {
  const self = createActor(machine);
  return {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: system ?? self.system,
    emit: () => {},
    actionExecutor: (a: Recorded) => record.push(a),
  };
}

test('xstate is pinned to an exact version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
  assert.match(pkg.dependencies.xstate, /^\d+\.\d+\.\d+$/, 'package.json must pin xstate exactly: the canaries below hold for one version');
  const installed = JSON.parse(readFileSync(new URL('../node_modules/xstate/package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  assert.is(installed.version, pkg.dependencies.xstate);
});

test('transition(snapshot, event, scope) hands actions to scope.actionExecutor, sendTo with params.to and params.event', () => {
  const record: Recorded[] = [];
  const scope = inert(record, undefined);
  // The scope is a private type in XState's declarations: that is the internal this canary watches.
  const first = machine.getInitialSnapshot(scope as never) as AnyMachineSnapshot;
  assert.equal(first.value, 'a');
  const next = machine.transition(first as never, { type: 'go' }, scope as never) as AnyMachineSnapshot;
  assert.equal(next.value, { b: 'b1' });
  assert.is((next.context as { n: number }).n, 1, 'assign runs inside transition (not through the executor)');
  const send = record.find((a) => a.type === 'xstate.sendTo');
  assert.ok(send, `a sendTo reaches actionExecutor as 'xstate.sendTo' (saw ${record.map((a) => a.type).join(', ')})`);
  assert.is(send.params?.to, someone);
  assert.equal(send.params?.event, { type: 'hello' });
});

test('snapshot._nodes lists every active state node; historyValue is a record of node lists', () => {
  const scope = inert([], undefined);
  const s0 = machine.getInitialSnapshot(scope as never) as AnyMachineSnapshot;
  const s1 = machine.transition(s0 as never, { type: 'go' }, scope as never) as AnyMachineSnapshot & { _nodes?: AnyStateNode[] };
  assert.ok(Array.isArray(s1._nodes), 'snapshot._nodes exists');
  assert.equal(
    s1._nodes.map((n) => n.id),
    ['canary', 'canary.b', 'canary.b.b1'],
  );
  const s2 = machine.transition(s1 as never, { type: 'back' }, scope as never) as AnyMachineSnapshot & { historyValue?: unknown };
  const hv = s2.historyValue as Record<string, AnyStateNode[]>;
  assert.type(hv, 'object', 'snapshot.historyValue exists');
  assert.equal(
    Object.values(hv).map((nodes) => nodes.map((n) => n.id)),
    [['canary.b.b1']],
  );
});

test('system._sendInspectionEvent receives @xstate.microstep with _transitions', () => {
  const self = createActor(machine);
  const taken: unknown[][] = [];
  const system = Object.create(self.system) as { _sendInspectionEvent: (e: { type: string; _transitions?: unknown[] }) => void };
  system._sendInspectionEvent = (e) => {
    if (e.type === '@xstate.microstep' && e._transitions) taken.push(e._transitions);
  };
  const scope = inert([], system);
  const s0 = machine.getInitialSnapshot(scope as never) as AnyMachineSnapshot;
  machine.transition(s0 as never, { type: 'go' }, scope as never);
  assert.ok(taken.length >= 1, 'a microstep inspection event arrives');
  const t = taken.flat()[0] as { eventType?: string; target?: AnyStateNode[] };
  assert.is(t.eventType, 'go');
  assert.equal(
    t.target?.map((n) => n.id),
    ['canary.b'],
  );
});

test.run();
