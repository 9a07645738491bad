/**
 * What `paths --cover` aims at, dimension by dimension: each of states, transitions, guards, pairs
 * and partitions, asked alone, is covered in full (covered = reachable in the report), and the counts
 * the report claims for transition pairs are checked against a search of their own: every path of
 * the system explored with every actor's last transition in the state (no per-actor projection, no
 * state graph), and the generated paths replayed event by event.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percpuRefSystem } from '../machines/bench/percpuRef.ts';
import type { Scenario, SystemDecl } from '../machines/kit/types.ts';
import { SCENARIOS } from '../src/registry.ts';
import { STEP_BLOCKED } from '../src/compose/stepLabel.ts';
import { System, type DeliveryRecord } from '../src/compose/system.ts';
import { CoverageIndex, type CoverageKind } from '../src/paths/coverageItems.ts';
import type { CoverageReport, MachineCoverage } from '../src/paths/coverageReport.ts';
import { generateSuite, type GeneratedSuite } from '../src/paths/generate.ts';
import { offerOf } from '../src/paths/replayExpected.ts';
import { runCli } from './runCli.ts';
import { lostWakeup } from './fixtures/lostWakeup.ts';

const scenarioOf = (name: string, build: () => SystemDecl): Scenario => ({ name, description: name, revisions: [], sizes: [], build });
const dm = SCENARIOS.find((s) => s.name === 'dm-targets-one-pmem')!;
const CASES: [Scenario, string | undefined][] = [
  [scenarioOf('lost-wakeup', lostWakeup), undefined],
  [scenarioOf('percpu-2x2', () => percpuRefSystem(2, 2)), undefined],
  [dm, 'v5.10'],
];
const COUNT: Record<CoverageKind, 'states' | 'transitions' | 'guards' | 'pairs' | 'partitions' | 'waits'> = {
  state: 'states',
  transition: 'transitions',
  guard: 'guards',
  pair: 'pairs',
  partition: 'partitions',
  wait: 'waits',
};
const total = (r: CoverageReport, k: CoverageKind, f: 'covered' | 'reachable'): number =>
  r.machines.reduce((n, m: MachineCoverage) => n + m[COUNT[k]][f], 0);

test('each --cover dimension alone is covered in full, and the report says what was aimed at', () => {
  for (const [s, rev] of CASES)
    for (const k of ['state', 'transition', 'guard', 'pair', 'partition', 'wait'] as const) {
      const r = generateSuite(s, rev, { targets: [k] }).coverage;
      assert.equal(r.aimed, [k]);
      for (const m of r.machines) assert.is(m[COUNT[k]].covered, m[COUNT[k]].reachable, `${s.name} --cover ${k}: ${m.machine}`);
      assert.ok(r.machines.every((m) => m.uncovered.length === 0));
    }
});

test('the dimensions are aimed at for real: pairs and partitions are left uncovered until asked for, states alone take fewer steps', () => {
  const byDefault = generateSuite(dm, 'v5.10').coverage;
  const pairs = generateSuite(dm, 'v5.10', { targets: ['pair'] }).coverage;
  const states = generateSuite(dm, 'v5.10', { targets: ['state'] }).coverage;
  assert.ok(total(byDefault, 'pair', 'covered') < total(byDefault, 'pair', 'reachable'), 'the default cover misses some pairs');
  assert.is(total(pairs, 'pair', 'covered'), total(pairs, 'pair', 'reachable'));
  assert.ok(states.steps < byDefault.steps, `${states.steps} steps for states, ${byDefault.steps} by default`);
  assert.ok(total(states, 'transition', 'covered') < total(states, 'transition', 'reachable'), 'states alone miss transitions');
  // the machines declare their partitions: dax_device's count is 0 / 1 / many, some of them reached
  const dax = byDefault.machines.find((m) => m.machine === 'dax_device')!;
  assert.is(dax.partitions.defined, 3);
  assert.ok(dax.partitions.reachable >= 2, JSON.stringify(dax.partitions));
});

/** Pair keys (machine, first transition key, second) a delivery sequence makes, given each actor's last transition. */
function pairsOf(system: System, cov: CoverageIndex, record: readonly DeliveryRecord[], lasts: string[], out: Set<string>): string[] {
  const next = [...lasts];
  for (const d of record) {
    if (d.delivery?.fate !== 'taken') continue;
    for (const t of cov.sequence(d.actor, d.before, d.delivery.event)) {
      const key = cov.items[t].key;
      if (next[d.actor]) out.add(`${system.actors[d.actor].machine.id} | ${next[d.actor]} | ${key}`);
      next[d.actor] = key;
    }
  }
  return next;
}

/** Every pair some path takes: breadth-first over (system state, every actor's last transition). */
function pairsByJointSearch(decl: SystemDecl): Set<string> {
  const system = new System(decl);
  const cov = new CoverageIndex(system);
  const out = new Set<string>();
  const start = { state: system.initial.slice(), lasts: system.names.map(() => '') };
  const seen = new Set<string>([JSON.stringify([...start.state, ...start.lasts])]);
  const queue = [start];
  const record: DeliveryRecord[] = [];
  for (let h = 0; h < queue.length; h++) {
    const { state, lasts } = queue[h];
    for (let a = 0; a < system.width; a++)
      for (let o = 0; o < system.actors[a].offers(state[a]).length; o++) {
        const next = state.slice();
        record.length = 0;
        const code = system.step(next, a, o, record);
        if (code === STEP_BLOCKED) continue;
        const after = pairsOf(system, cov, record, lasts, out);
        if (code !== 0 && !system.violation(code).continues) continue;
        const key = JSON.stringify([...next, ...after]);
        if (!seen.has(key)) {
          seen.add(key);
          queue.push({ state: next, lasts: after });
        }
      }
  }
  return out;
}

/** The pairs the generated paths take, replayed event by event. */
function pairsOnPaths(decl: SystemDecl, suite: GeneratedSuite): Set<string> {
  const system = new System(decl);
  const cov = new CoverageIndex(system);
  const out = new Set<string>();
  const record: DeliveryRecord[] = [];
  for (const p of suite.paths) {
    let state = system.initial.slice();
    let lasts = system.names.map(() => '');
    for (const st of p.steps) {
      const a = system.index.get(st.actor)!;
      const o = offerOf(system, state, a, st.event);
      assert.ok(o >= 0, `${p.name}: step not offered`);
      const next = state.slice();
      record.length = 0;
      system.step(next, a, o, record);
      lasts = pairsOf(system, cov, record, lasts, out);
      state = next;
    }
  }
  return out;
}

test('the pairs the report calls reachable and covered are those a search of all paths and a replay of the paths find', () => {
  for (const [s, rev] of CASES.slice(0, 2).concat([[dm, 'v4.18']])) {
    const decl = s.build(rev, Object.fromEntries(s.sizes.map((z) => [z.name, z.default])));
    const all = pairsByJointSearch(decl);
    for (const targets of [undefined, ['pair'] as CoverageKind[]]) {
      const suite = generateSuite(s, rev, { targets });
      const taken = pairsOnPaths(decl, suite);
      for (const m of suite.coverage.machines) {
        const mine = (set: Set<string>) => [...set].filter((k) => k.startsWith(`${m.machine} | `)).length;
        assert.is(m.pairs.reachable, mine(all), `${s.name}: ${m.machine} reachable pairs`);
        assert.is(m.pairs.covered, mine(taken), `${s.name}: ${m.machine} covered pairs`);
      }
    }
  }
});

test('paths --report --cover pairs,partitions: text and JSON say covered/reachable/defined per dimension', async () => {
  const args = ['paths', '--report', '--scenario', 'dm-targets-one-pmem', '--revision', 'v5.10', '--cover', 'pairs,partitions'];
  const json = await runCli(...args, '--json');
  assert.is(json.code, 0, json.err);
  const reports = JSON.parse(json.out) as CoverageReport[];
  for (const r of reports) {
    assert.equal(r.aimed, ['pair', 'partition']);
    assert.is(total(r, 'pair', 'covered'), total(r, 'pair', 'reachable'));
    assert.is(total(r, 'partition', 'covered'), total(r, 'partition', 'reachable'));
  }
  const text = await runCli(...args);
  assert.match(text.out, /aimed at pairs, partitions/);
  assert.match(text.out, /pairs\s+partitions\s+waits\s+paths/);
  const bad = await runCli('paths', '--report', '--scenario', 'dm-targets-one-pmem', '--cover', 'configurations');
  assert.is(bad.code, 2);
  assert.match(bad.err, /--cover configurations: give states, transitions, guards, pairs, partitions or waits/);
});

test.run();
