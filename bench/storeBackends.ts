/**
 * The visited store's backends side by side: percpu_ref explored with the in-memory packed store and
 * with the disk store (`check --store disk`), each in its own process so peak memory is its own, one
 * JSON line each. Exploration only (as bench/measure.ts): the liveness run after it reads the store
 * at random and is reported apart. Usage: tsx bench/storeBackends.ts [USERS] [memory|disk]
 * (no backend: both, alternating, three runs each); results in bench/store-backends.md.
 */
import { spawnSync } from 'node:child_process';
import { resolveSizes } from '../src/check/check.ts';
import { DiskStateStore } from '../src/check/diskStore.ts';
import { explore } from '../src/check/explore.ts';
import { System } from '../src/compose/system.ts';
import { findScenario } from '../src/registry.ts';

const [usersArg, backend] = process.argv.slice(2);
const users = Number(usersArg ?? 5);

if (backend === 'memory' || backend === 'disk') {
  const scenario = findScenario('percpu-ref');
  const system = new System(scenario.build(undefined, resolveSizes(scenario, { users })));
  const store = backend === 'disk' ? new DiskStateStore(system.width) : undefined;
  const started = performance.now();
  const r = explore(system, { store });
  const seconds = (performance.now() - started) / 1000;
  const storeBytes = r.store.bytes();
  store?.close();
  process.stdout.write(
    JSON.stringify({
      backend,
      users,
      states: r.states,
      edges: r.edges,
      seconds: Number(seconds.toFixed(2)),
      statesPerSecond: Math.round(r.states / seconds),
      storeBytesInMemory: storeBytes,
      bytesPerState: Number((storeBytes / r.states).toFixed(1)),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }) + '\n',
  );
} else {
  for (let i = 0; i < 3; i++) {
    for (const b of ['memory', 'disk']) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, String(users), b], { encoding: 'utf8' });
      process.stdout.write(r.stdout || r.stderr);
    }
  }
}
