import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenario, resolveSizes } from '../src/check/check.ts';
import { ModelError } from '../src/compose/errors.ts';
import { findScenario } from '../src/registry.ts';
import type { Scenario } from '../machines/kit/types.ts';
import { invariantsFor, type InvariantRule } from '../machines/invariants.ts';
import { MACHINE_IDS } from '../machines/views.ts';
import { misspeltState } from './fixtures/misspeltState.ts';
import { addressSpaceMachine } from '../machines/addressSpace.ts';
import { blockMachine } from '../machines/block.ts';
import { daxDeviceMachine } from '../machines/daxDevice.ts';
import { devPagemapMachine } from '../machines/devPagemap.ts';
import { devmapManagedKeyMachine } from '../machines/devmapManagedKey.ts';
import { dmTableMachine } from '../machines/dmTable.ts';
import { dmaPinnerMachine } from '../machines/dmaPinner.ts';
import { evictionMachine } from '../machines/eviction.ts';
import { fileWriterMachine } from '../machines/fileWriter.ts';
import { filesystemMachine } from '../machines/filesystem.ts';
import { pageMachine } from '../machines/page.ts';
import { pmemMachine } from '../machines/pmem.ts';
import { rwsemMachine } from '../machines/rwsem.ts';
import { srcuMachine, srcuReaderMachine } from '../machines/daxSrcu.ts';
import { truncateMachine } from '../machines/truncate.ts';

/**
 * The seams between invariants and machines: a state path an actor's machine does not
 * have is an error naming the state, the actor's machine and the invariant (not a
 * `false` that lets the invariant hold vacuously); every machine id the typed views know is
 * the id of a machine some scenario builds.
 */
function withInvariant(name: string, rule: InvariantRule): Scenario {
  const s = findScenario(name);
  return {
    ...s,
    build(rev, sizes) {
      const decl = s.build(rev, sizes);
      // invariantsFor binds the spec's rules to the system's actors; bind the extra rule the same way.
      const [bound] = invariantsFor(decl.actors, [rule]);
      return { ...decl, invariants: [...(decl.invariants ?? []), bound] };
    },
  };
}

test('a misspelt state in an invariant is an error naming the state, the machine and the invariant', () => {
  const s = withInvariant('kill-dax-readers', misspeltState);
  let error: unknown;
  try {
    checkScenario(s, 'v5.10', resolveSizes(s, {}));
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
  const message = (error as Error).message;
  assert.match(message, "'freedWhileAliv'");
  assert.match(message, 'machine dax_device');
  assert.match(message, 'invariant Imisspelt');
});

test('the same invariant spelt right holds', () => {
  const s = withInvariant('kill-dax-readers', {
    id: 'Iright',
    text: 'a dax_device is never freed while alive',
    severity: 'warn',
    holds: (view, actors) => (actors.dax_device ?? []).every((d) => !view(d).matches('freedWhileAlive')),
  });
  const r = checkScenario(s, 'v5.10', resolveSizes(s, {}));
  assert.ok(!r.findings.some((f) => f.property === 'Iright'));
});

test('each machine id of the typed views is the id its factory gives its machine', async () => {
  const rev = 'v6.15';
  const factories: Record<(typeof MACHINE_IDS)[number], () => { id: string }> = {
    address_space: () => addressSpaceMachine(rev),
    block: () => blockMachine(rev),
    dax_device: () => daxDeviceMachine(rev),
    dax_srcu: () => srcuMachine(rev),
    dev_pagemap: () => devPagemapMachine(rev),
    devmap_managed_key: () => devmapManagedKeyMachine(rev),
    dm_table: () => dmTableMachine(rev),
    dma_pinner: () => dmaPinnerMachine(rev),
    eviction: () => evictionMachine(rev),
    file_writer: () => fileWriterMachine(rev),
    filesystem: () => filesystemMachine(rev),
    page: () => pageMachine(rev),
    pmem: () => pmemMachine(rev),
    rwsem: () => rwsemMachine(rev),
    srcu_reader: () => srcuReaderMachine(rev),
    truncate: () => truncateMachine(rev),
  };
  for (const id of MACHINE_IDS) assert.is(factories[id]().id, id);
});

test('every machine id the typed views know is built by some scenario', async () => {
  const { SCENARIOS } = await import('../src/registry.ts');
  const built = new Set<string>();
  for (const s of SCENARIOS) {
    for (const rev of s.revisions.length ? s.revisions : [undefined]) {
      const sizes = Object.fromEntries(s.sizes.map((z) => [z.name, z.default]));
      for (const a of s.build(rev, sizes).actors) built.add(a.machine.id);
    }
  }
  for (const id of MACHINE_IDS) assert.ok(built.has(id), `no scenario builds a ${id}`);
});

test.run();
