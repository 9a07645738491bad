/**
 * A size a scenario declares inert (Scenario.inert) must make no difference: the system it builds, explored, has the
 * states, transitions and findings of the same configuration with that size at its default. `check` refuses such a
 * size (exit 2), so a declaration that is wrong would refuse a configuration that does differ: each is explored here
 * both ways, at configurations where it applies.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSystem, resolveSizes } from '../src/check/check.ts';
import { explore } from '../src/check/explore.ts';
import { SCENARIOS } from '../src/registry.ts';
import { runCli } from './runCli.ts';

/** Departures from the defaults under which a rule of pageInert applies, each with the size it makes inert. */
const TRIES: { sizes: Record<string, number>; inert: string }[] = [
  { sizes: { gup_fast: 0, arch: 1 }, inert: 'arch' },
  { sizes: { foll_pin: 1 }, inert: 'foll_pin' },
  { sizes: { put_route: 1, foll_pin: 1 }, inert: 'foll_pin' },
  { sizes: { fstype: 0, rmapbt: 0 }, inert: 'rmapbt' },
  { sizes: { fstype: 1, rmapbt: 0 }, inert: 'rmapbt' },
  { sizes: { rmapbt: 0 }, inert: 'rmapbt' },
  { sizes: { gup_fast: 0, gup_recheck: 0 }, inert: 'gup_recheck' },
  { sizes: { entry: 1, gup_fast: 0 }, inert: 'gup_fast' },
  { sizes: { entry: 1, arch: 1 }, inert: 'arch' },
  { sizes: { fstype: 0 }, inert: 'fstype' },
  { sizes: { fstype: 1 }, inert: 'fstype' },
  { sizes: { pages: 2 }, inert: 'pages' },
  { sizes: { pages: 3, rounds: 2 }, inert: 'pages' },
  { sizes: { pages: 2, fstype: 1 }, inert: 'pages' },
];
const REVISIONS = ['v4.16', 'v5.10', 'v6.15'];

const summary = (name: string, rev: string, sizes: Record<string, number>) => {
  const r = explore(
    buildSystem(
      SCENARIOS.find((s) => s.name === name)!,
      rev,
      sizes,
    ),
  );
  return { states: r.states, edges: r.edges, findings: r.findings.map((f) => `${f.key}@${f.length}`).sort() };
};

test('every size declared inert, where it applies, explores as its default does', () => {
  let compared = 0;
  for (const s of SCENARIOS) {
    if (!s.inert) continue;
    const names = new Set(s.sizes.map((p) => p.name));
    for (const rev of REVISIONS.filter((r) => s.revisions.includes(r))) {
      for (const t of TRIES) {
        if (!Object.keys(t.sizes).every((k) => names.has(k))) continue;
        const sizes = resolveSizes(s, t.sizes);
        if (!s.inert(rev, sizes).some((x) => x.size === t.inert)) continue;
        const base = resolveSizes(s, { ...t.sizes, [t.inert]: s.sizes.find((p) => p.name === t.inert)!.default });
        assert.equal(summary(s.name, rev, sizes), summary(s.name, rev, base), `${s.name} @ ${rev} ${JSON.stringify(t.sizes)}`);
        compared++;
      }
    }
  }
  // arch in six scenarios at three revisions, foll_pin and rmapbt where they apply: the rules are all exercised.
  assert.ok(compared >= 20, `${compared} compared`);
});

test('check refuses a size that makes no difference, exit 2, one line saying why; the same size where it matters runs', async () => {
  const r = await runCli('check', '--scenario', 'static-key-race', '--revision', 'v5.10', '--arch', 'nonipi', '-q');
  assert.is(r.code, 2);
  assert.match(r.err, /^daxspec: --arch nonipi makes no difference in static-key-race @ v5\.10: .*--gup_fast 0.*; drop it\n$/);
  const v416 = await runCli('check', '--scenario', 'dma-truncate', '--revision', 'v4.16', '--foll_pin', '1', '-q');
  assert.is(v416.code, 2);
  assert.match(v416.err, /v4\.16 has no FOLL_PIN/);
  const matters = await runCli(
    'check',
    '--scenario',
    'static-key-race',
    '--revision',
    'v5.10',
    '--arch',
    'nonipi',
    '--gup_fast',
    '1',
    '-q',
  );
  assert.ok(matters.code === 0 || matters.code === 1, matters.err);
});

test.run();
