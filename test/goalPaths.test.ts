/**
 * Goal-directed paths (`paths --to`) against @xstate/graph's own results on its die-hard machine:
 * 2 shortest paths and 14 simple paths to `success` (big jug holds 4), found through daxspec's
 * composed state graph of the same machine given as a user's model, in the library and through
 * the command line (`paths --model FILE --to STATE` on a module that exports one machine).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getShortestPaths, getSimplePaths } from '@xstate/graph';
import { test } from 'uvu';
import { createActor } from 'xstate';
import * as assert from 'uvu/assert';
import { System } from '../src/compose/system.ts';
import { generateSuite } from '../src/paths/generate.ts';
import { replayExpected } from '../src/paths/replayExpected.ts';
import { goalOf, shortestPathsTo, simplePathsTo } from '../src/paths/goalPaths.ts';
import { singleMachine } from '../src/compose/singleMachine.ts';
import { buildStateGraph } from '../src/paths/stateGraph.ts';
import { dieHardMachine } from './fixtures/dieHardMachine.ts';
import { runCli } from './runCli.ts';

const MODEL = 'test/fixtures/dieHardMachine.ts';

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

test('paths --model on a module exporting one machine: --to gives the 2 shortest and, with --simple, the 14 simple paths', async () => {
  const theirs = (simple: boolean) =>
    (simple ? getSimplePaths : getShortestPaths)(dieHardMachine, { toState: (s) => s.matches('success') })
      .map((p) => p.steps.length - 1)
      .sort((a, b) => a - b);
  for (const simple of [false, true]) {
    const r = await runCli('paths', '--model', MODEL, '--to', 'success', '--json', ...(simple ? ['--simple'] : []));
    assert.is(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { scenario: string; kind: string; paths: { actor: string; event: { type: string } }[][] };
    assert.is(out.scenario, 'dieHardMachine');
    assert.is(out.kind, simple ? 'simple' : 'shortest');
    assert.is(out.paths.length, simple ? 14 : 2);
    assert.equal(
      out.paths.map((p) => p.length).sort((a, b) => a - b),
      theirs(simple),
    );
    // each path, replayed on the machine itself, ends in the goal
    for (const p of out.paths) {
      const actor = createActor(dieHardMachine).start();
      for (const st of p) actor.send(st.event as never);
      assert.ok(actor.getSnapshot().matches('success'), p.map((x) => x.event.type).join(' '));
    }
  }
  const text = await runCli('paths', '--model', MODEL, '--to', 'success');
  assert.match(text.out, /dieHardMachine: 2 shortest paths to success/);
});

test('paths --model on one machine: a state it does not have, and a module with no machine, are exit 2 with a message', async () => {
  const bad = await runCli('paths', '--model', MODEL, '--to', 'dieHard.nowhere');
  assert.is(bad.code, 2);
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-goal-'));
  try {
    writeFileSync(join(dir, 'plain.ts'), 'export const answer = 42;\n');
    const none = await runCli('paths', '--model', join(dir, 'plain.ts'), '--to', 'success');
    assert.is(none.code, 2, none.err);
    assert.match(none.err, /plain\.ts: no export named scenarios and no XState machine/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('paths --model on one machine writes suites whose test file imports that machine, and --report covers it', async () => {
  const out = mkdtempSync(join(tmpdir(), 'daxspec-goal-'));
  try {
    const r = await runCli('paths', '--model', MODEL, '--out', out, '-q');
    assert.is(r.code, 0, r.err);
    const file = readFileSync(join(out, 'dieHardMachine.test.ts'), 'utf8');
    assert.match(file, /import \{ dieHardMachine \} from '.*dieHardMachine\.ts';/);
    assert.match(file, /suiteTests\(new URL\('\.\/dieHardMachine\.paths\.json', import\.meta\.url\), dieHardMachine\);/);
    assert.is((await runCli('paths', '--model', MODEL, '--out', out, '--check', '-q')).code, 0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const rep = await runCli('paths', '--model', MODEL, '--report', '--json');
  assert.is(rep.code, 0, rep.err);
  const [m] = (JSON.parse(rep.out) as { machines: { machine: string; transitions: { covered: number; reachable: number } }[] }).machines;
  assert.is(m.machine, 'dieHard');
  assert.is(m.transitions.covered, m.transitions.reachable);
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
