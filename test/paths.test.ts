import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percpuRefSystem } from '../machines/bench/percpuRef.ts';
import { runPaths } from '../src/cli/paths.ts';
import { builtinRegistry } from '../src/registry.ts';
import { System } from '../src/compose/system.ts';
import type { Scenario, SystemDecl } from '../machines/kit/types.ts';
import { definedItems } from '../src/paths/coverageItems.ts';
import { dataFile } from '../src/paths/emitFiles.ts';
import { generateSuite } from '../src/paths/generate.ts';
import { DEFAULT_TARGETS, greedyCover } from '../src/paths/greedyCover.ts';
import { smallestCover } from '../src/paths/minimizePaths.ts';
import { coveredBy, stepItems } from '../src/paths/pathItems.ts';
import { replayExpected } from '../src/paths/replayExpected.ts';
import { buildStateGraph } from '../src/paths/stateGraph.ts';
import { pathFigures } from '../src/paths/xstateGraphCompare.ts';
import { dieHard } from './fixtures/dieHard.ts';
import { lostUpdate } from './fixtures/lostUpdate.ts';
import { lostWakeup } from './fixtures/lostWakeup.ts';

const scenarioOf = (name: string, build: () => SystemDecl): Scenario => ({ name, description: name, revisions: [], sizes: [], build });

test('every reachable state node and transition is covered, by fewer paths than states', () => {
  for (const [name, decl] of [
    ['die hard', dieHard()],
    ['lost wake-up', lostWakeup()],
    ['percpu_ref 2x2', percpuRefSystem(2, 2)],
  ] as const) {
    const g = buildStateGraph(new System(decl));
    const c = greedyCover(g);
    for (let i = 0; i < c.reachable.length; i++)
      if (['state', 'transition', 'guard'].includes(g.coverage.items[i].kind))
        assert.ok(!c.reachable[i] || c.covered[i], `${name}: ${g.coverage.items[i].key} not covered`);
    assert.ok(c.paths.length >= 1 && c.paths.length < g.states, `${name}: ${c.paths.length} paths for ${g.states} states`);
  }
});

test('transitions are counted per guarded branch: the refused tryget is an item of its own', () => {
  const g = buildStateGraph(new System(percpuRefSystem(2, 1)));
  const keys = g.coverage.items.map((i) => i.key);
  assert.ok(keys.includes('transition percpu_ref.counting tryget#0 -> (stays)'), keys.join('\n'));
  assert.ok(keys.includes('transition percpu_ref.counting tryget#1 -> (stays)'));
  // every item the system reaches is one the machine defines (pairs and waits are counted apart)
  const defined = new Set(g.system.actors.flatMap((t) => definedItems(t.machine).map((i) => i.key)));
  for (const item of g.coverage.items)
    if (item.kind !== 'pair' && item.kind !== 'wait') assert.ok(defined.has(item.key), `${item.key} is not a defined item`);
});

test('the generated suite replays; a changed step, state or violation is reported at its step', () => {
  const suite = generateSuite(scenarioOf('lost-update', lostUpdate), undefined);
  const system = new System(lostUpdate());
  for (const p of suite.paths) assert.is(replayExpected(system, p.steps), undefined, p.name);
  // the lost update is a counterexample: both threads read 0, so the counter ends at 1
  assert.is(suite.regressions.length, 1);
  const r = suite.regressions[0];
  assert.is(r.property, 'bothCounted');
  assert.is(r.steps.length, 4);
  assert.equal(r.steps[3].failing, ['bothCounted']);
  assert.is(replayExpected(system, r.steps), undefined);

  // a machine change that loses the bug: the invariant no longer fails at step 4
  const fixed = new System({ ...lostUpdate(), invariants: [{ id: 'bothCounted', text: 'weakened', holds: () => true }] });
  const lost = replayExpected(fixed, r.steps);
  assert.is(lost?.step, 4);
  assert.match(lost!.message, /invariants failing: \[\]; recorded \[bothCounted\]/);

  // a machine change that makes a bug appear on a coverage path
  const stricter = new System({
    ...lostUpdate(),
    invariants: [{ id: 'never1', text: 'never 1', holds: (v) => (v('counter').context as { value: number }).value !== 1 }],
  });
  const appears = suite.paths.map((p) => replayExpected(stricter, p.steps)).find(Boolean);
  assert.ok(appears, 'the coverage path writes the counter');
  assert.match(appears!.message, /invariants failing: \[never1\]/);

  // a recorded state that differs
  const tampered = r.steps.map((s, i) => (i === 1 ? { ...s, changed: { ...s.changed, t2: { value: 'done', context: { local: 7 } } } } : s));
  assert.is(replayExpected(system, tampered)?.step, 2);
});

test('generation is deterministic: the same machines give the same bytes', () => {
  const origin = { regenerate: 'regenerate', runner: 'runner', model: './model.ts', exportName: 'scenarios' };
  const a = dataFile(generateSuite(scenarioOf('die-hard', dieHard), undefined), origin);
  const b = dataFile(generateSuite(scenarioOf('die-hard', dieHard), undefined), origin);
  assert.is(a, b);
});

test('a lost wake-up is kept as a regression that checks the waiter can never stop waiting', () => {
  const suite = generateSuite(scenarioOf('lost-wakeup', lostWakeup), undefined);
  const r = suite.regressions.find((x) => x.kind === 'progress');
  assert.ok(r, 'the lost wake-up is found');
  assert.ok(r!.end && r!.end.kind === 'progress');
  assert.is(replayExpected(new System(lostWakeup()), r!.steps, r!.end), undefined);
  // cut the path before the waiter sleeps: the end check must fail
  const d = replayExpected(new System(lostWakeup()), r!.steps.slice(0, -1), r!.end);
  assert.ok(d, 'a shorter path does not leave the waiter stranded');
});

test('paths --check: 0 when the written files are current, 1 naming the file when one is stale', () => {
  const out = mkdtempSync(join(tmpdir(), 'daxspec-paths-'));
  const err = process.stderr.write;
  const said: string[] = [];
  process.stderr.write = ((s: string) => said.push(String(s)) > 0) as typeof process.stderr.write;
  try {
    assert.is(runPaths({ scenario: 'percpu-ref', out, quiet: true }, builtinRegistry()), 0);
    assert.equal(readdirSync(out).sort(), ['.daxspec-manifest.json', 'percpu-ref.paths.json', 'percpu-ref.test.ts']);
    assert.is(runPaths({ scenario: 'percpu-ref', out, check: true, quiet: true }, builtinRegistry()), 0);
    writeFileSync(
      join(out, 'percpu-ref.paths.json'),
      readFileSync(join(out, 'percpu-ref.paths.json'), 'utf8').replace('"refcnt":2', '"refcnt":3'),
    );
    assert.is(runPaths({ scenario: 'percpu-ref', out, check: true, quiet: true }, builtinRegistry()), 1);
  } finally {
    process.stderr.write = err;
    rmSync(out, { recursive: true, force: true });
  }
  const text = said.join('');
  assert.match(text, /differ from what the machines generate now/);
  assert.match(text, /changed: .*percpu-ref\.paths\.json/);
  // The folder it was given, and the command a user has: this repository's tsx command is for test/generated alone.
  assert.ok(text.includes(`npx daxspec paths --out ${out}`), text);
});

test('@xstate/graph sees the same reachable states and needs more paths for the same coverage', () => {
  for (const decl of [dieHard(), percpuRefSystem(2, 2)]) {
    const ours = pathFigures(decl, 'daxspec');
    const theirs = pathFigures(decl, 'getShortestPaths');
    assert.is(ours.states, theirs.states);
    assert.is(ours.transitionsCovered, ours.transitionsReachable);
    assert.ok(ours.paths * 10 <= theirs.paths, `${ours.paths} vs ${theirs.paths}`);
  }
  // shortest paths to every state still miss transitions
  const w = pathFigures(lostWakeup(), 'getShortestPaths');
  assert.ok(w.transitionsCovered < w.transitionsReachable);
});

test('the post-pass leaves no path whose aimed items other paths cover, loses nothing, and no cover beats its bound', () => {
  const dm = builtinRegistry().find('dm-targets-one-pmem');
  for (const decl of [lostWakeup(), percpuRefSystem(2, 2), dm.build('v5.10', { targets: 2, pmems: 2, fstype: 0, dax_option: 0 })]) {
    const g = buildStateGraph(new System(decl));
    const greedy = greedyCover(g);
    const { cover, bound, greedySteps } = smallestCover(g, greedy);
    const aimed = (i: number) => DEFAULT_TARGETS.includes(g.coverage.items[i].kind) && !g.initialItems.includes(i);
    const items = cover.paths.map((p) => new Set(stepItems(g, p.edges).flat().filter(aimed)));
    items.forEach((mine, j) => {
      const others = new Set(items.flatMap((o, k) => (k === j ? [] : [...o])));
      assert.ok(
        [...mine].some((i) => !others.has(i)),
        `path ${j + 1} adds nothing the others do not cover`,
      );
    });
    const before = coveredBy(g, greedy.paths);
    const after = coveredBy(g, cover.paths);
    for (let i = 0; i < before.length; i++)
      if (aimed(i) && before[i]) assert.ok(after[i], `${g.coverage.items[i].key} lost by the post-pass`);
    const steps = cover.paths.reduce((n, p) => n + p.edges.length, 0);
    assert.ok(bound.steps <= steps && steps <= greedySteps, `bound ${bound.steps}, cover ${steps}, greedy ${greedySteps}`);
  }
});

test.run();
