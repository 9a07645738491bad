/**
 * `daxspec export --format json` for every machine type the scenarios use: either the config comes
 * back through `createMachine(json).provide(machine.implementations)` (and the higher-order guards
 * `higherOrderGuards` implements) as the same machine, shown by
 * checking its scenario again with the re-created machine in place (identical state and transition
 * counts and findings), or the export refuses it, naming the machine and the guard or action that has
 * no name, and only then.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMachine, type AnyStateMachine } from 'xstate';
import { checkScenario, resolveSizes } from '../src/check/check.ts';
import { ModelError } from '../src/compose/errors.ts';
import type { Scenario } from '../machines/kit/types.ts';
import { SCENARIOS } from '../src/registry.ts';
import { chartOf } from '../src/model/chart.ts';
import { higherOrderGuards } from '../src/viz/config.ts';
import { exportMachine } from '../src/viz/exportMachine.ts';
import { unnamedParts } from '../src/viz/names.ts';

/** The first use of each machine type: scenario, revision, actor. */
const uses = (() => {
  const seen = new Set<string>();
  const out: { scenario: Scenario; revision?: string; actor: string; id: string }[] = [];
  for (const s of SCENARIOS) {
    for (const revision of s.revisions.length ? s.revisions : [undefined]) {
      for (const a of s.build(revision, resolveSizes(s, {})).actors) {
        if (seen.has(a.machine.id)) continue;
        seen.add(a.machine.id);
        out.push({ scenario: s, revision, actor: a.name, id: a.machine.id });
      }
    }
  }
  return out;
})();

const counts = (s: Scenario, revision?: string) => {
  const r = checkScenario(s, revision, resolveSizes(s, {}), { maxStates: 200_000 });
  return {
    states: r.states,
    edges: r.edges,
    complete: r.complete,
    findings: r.findings.map((f) => `${f.property}: ${f.text} (${f.length})`).sort(),
  };
};

test('json export: every machine type round-trips to identical exploration counts, or is refused for its unnamed parts', () => {
  assert.ok(uses.length >= 10, `${uses.length} machine types`);
  const refused: string[] = [];
  let roundTripped = 0;
  for (const u of uses) {
    const decl = u.scenario.build(u.revision, resolveSizes(u.scenario, {}));
    const actor = decl.actors.find((a) => a.name === u.actor)!;
    const machine = actor.machine as AnyStateMachine;
    const unnamed = unnamedParts(chartOf(machine));
    let json: string;
    try {
      json = exportMachine(machine, 'json', actor.input);
    } catch (e) {
      assert.ok(e instanceof ModelError, `${u.id}: ${(e as Error).message}`);
      assert.ok(unnamed.length > 0, `${u.id}: refused although every guard and action has a name: ${(e as Error).message}`);
      assert.match((e as Error).message, new RegExp(`machine ${u.id} cannot be exported as json: .*inline (guard|action)`));
      refused.push(u.id);
      continue;
    }
    assert.is(unnamed.length, 0, `${u.id}: exported with unnamed parts`);
    const impl = machine.implementations;
    const back = createMachine(JSON.parse(json)).provide({
      ...impl,
      guards: { ...impl.guards, ...higherOrderGuards(impl.guards) },
    } as never) as AnyStateMachine;
    // Every actor of the type gets the re-created machine: actors declared symmetric must share one.
    const swapped: Scenario = {
      ...u.scenario,
      build: (rev, sizes) => {
        const d = u.scenario.build(rev, sizes);
        return { ...d, actors: d.actors.map((a) => (a.machine.id === u.id ? { ...a, machine: back } : a)) };
      },
    };
    const where = `${u.id} (${u.scenario.name}${u.revision ? `@${u.revision}` : ''}:${u.actor})`;
    assert.equal(counts(swapped, u.revision), counts(u.scenario, u.revision), `${where}: the re-created machine explores the same`);
    roundTripped++;
  }
  process.stderr.write(`  json round trip: ${roundTripped} machine types identical, ${refused.length} refused (${refused.join(', ')})\n`);
  assert.is(roundTripped + refused.length, uses.length);
});

test.run();
