/**
 * Goal-directed paths (`paths --to`) against @xstate/graph's own results on its die-hard machine:
 * 2 shortest paths and 14 simple paths to `success` (big jug holds 4), found through daxspec's
 * composed state graph of the same machine given as a user's model.
 */
import { getShortestPaths, getSimplePaths } from '@xstate/graph';
import { test } from 'uvu';
import { createActor } from 'xstate';
import * as assert from 'uvu/assert';
import { System } from '../src/compose/system.ts';
import { generateSuite } from '../src/paths/generate.ts';
import { replayExpected } from '../src/paths/replayExpected.ts';
import { goalOf, shortestPathsTo, simplePathsTo } from '../src/paths/goalPaths.ts';
import { loadModel, singleMachine } from '../src/paths/modelModule.ts';
import { buildStateGraph } from '../src/paths/stateGraph.ts';
import { dieHardMachine } from './fixtures/dieHardMachine.ts';

const graph = () => buildStateGraph(new System(singleMachine(dieHardMachine)));
const events = (steps: readonly { event: { type: string } }[]) => steps.map((s) => s.event.type).join(' ');

test('die hard: the shortest paths to success are the 2 @xstate/graph finds, step for step in length', () => {
  const g = graph();
  const ours = shortestPathsTo(g, goalOf(g.system, 'success'));
  const theirs = getShortestPaths(dieHardMachine, { toState: (s) => s.matches('success') });
  assert.is(theirs.length, 2);
  assert.is(ours.length, 2);
  assert.equal(ours.map((p) => p.steps.length).sort(), theirs.map((p) => p.steps.length - 1).sort());
  // each reaches the goal: replaying its events on the machine ends in success
  for (const p of ours) {
    const actor = createActor(dieHardMachine).start();
    for (const st of p.steps) actor.send(st.event as never);
    assert.ok(actor.getSnapshot().matches('success'), events(p.steps));
  }
});

test('die hard: the simple paths to success are the 14 @xstate/graph finds; a bound keeps the short ones', () => {
  const g = graph();
  const goal = goalOf(g.system, 'success');
  const ours = simplePathsTo(g, goal);
  const theirs = getSimplePaths(dieHardMachine, { toState: (s) => s.matches('success') });
  assert.is(theirs.length, 14);
  assert.is(ours.length, 14);
  assert.equal(
    ours.map((p) => p.steps.length).sort((a, b) => a - b),
    theirs.map((p) => p.steps.length - 1).sort((a, b) => a - b),
  );
  const bounded = simplePathsTo(g, goal, 8);
  assert.ok(bounded.length > 0 && bounded.length < 14);
  assert.ok(bounded.every((p) => p.steps.length <= 8));
});

test('a user module exporting one XState machine is read as a system of one actor', async () => {
  const [s] = await loadModel('test/fixtures/dieHardMachine.ts');
  assert.is(s.name, 'dieHardMachine');
  const decl = s.build(undefined, {});
  assert.equal(Object.keys(decl.actors[0].env ?? {}), ['EMPTY_3', 'EMPTY_5', 'FILL_3', 'FILL_5', 'POUR_3_TO_5', 'POUR_5_TO_3']);
});

test('minimal paths: die hard takes 12 steps greedily, 9 at the minimum, and the 9-step cover replays and covers everything', () => {
  const [s] = [{ name: 'die-hard', description: '', revisions: [], sizes: [], build: () => singleMachine(dieHardMachine) }];
  const suite = generateSuite(s, undefined);
  assert.is(suite.coverage.greedySteps, 12);
  assert.equal(suite.coverage.lowerBound, { steps: 9, exact: true });
  assert.is(suite.coverage.steps, 9);
  for (const m of suite.coverage.machines) {
    assert.is(m.states.covered, m.states.reachable);
    assert.is(m.transitions.covered, m.transitions.reachable);
    assert.is(m.guards.covered, m.guards.reachable);
  }
  const system = new System(singleMachine(dieHardMachine));
  for (const p of suite.paths) assert.is(replayExpected(system, p.steps), undefined, p.name);
});

test.run();
