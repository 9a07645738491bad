/**
 * The spec fingerprint a checkpoint records: the same for the same machines, scenario, sizes and
 * options, and different when any of them differs, the machines' definitions alone included (two
 * revisions' builds given the same other parts), so a resume cannot continue another spec's states.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSystem, resolveSizes } from '../src/check/check.ts';
import { describe, specFingerprint, type SpecParts } from '../src/check/specFingerprint.ts';
import { scenarios } from '../machines/scenarios.ts';
import { runCli } from './runCli.ts';

const scenario = scenarios.find((s) => s.name === 'dma-truncate')!;
const sizes = resolveSizes(scenario, {});
const parts: SpecParts = { scenario: scenario.name, revisions: ['v4.16'], sizes, options: { symmetry: false } };
const at = (revision: string) => buildSystem(scenario, revision, sizes);

test('the same spec built twice has one fingerprint', () => {
  assert.is(specFingerprint(parts, [at('v4.16')]), specFingerprint(parts, [at('v4.16')]));
});

test('sizes, options and the machines themselves each change it', () => {
  const base = specFingerprint(parts, [at('v4.16')]);
  assert.is.not(specFingerprint({ ...parts, sizes: { ...sizes, pinners: 2 } }, [at('v4.16')]), base);
  assert.is.not(specFingerprint({ ...parts, options: { symmetry: true } }, [at('v4.16')]), base);
  // Everything but the machines the same: v6.15's machines differ from v4.16's.
  assert.is.not(specFingerprint(parts, [at('v6.15')]), base);
});

test('describe: functions by their source, keys sorted, cycles cut', () => {
  const a: Record<string, unknown> = { b: 1, a: (x: number) => x + 1 };
  a.self = a;
  assert.is(describe(a), describe({ a: (x: number) => x + 1, b: 1, self: {} }).replace('"self":{}', '"self":<cycle>'));
  assert.is.not(describe({ guard: (x: number) => x > 1 }), describe({ guard: (x: number) => x > 2 }));
});

test('check --store disk with --all is refused as having no effect', async () => {
  const r = await runCli('check', '--all', '--store', 'disk');
  assert.is(r.code, 2);
  assert.match(r.err, /--store disk has no effect with --all/);
});

test.run();
