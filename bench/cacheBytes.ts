/**
 * The heap a bug-matrix cell's transition cache holds, against the estimate its byte bound counts
 * (src/compose/transitionCache.ts). A cell's configurations are checked into one cache; the heap is taken after
 * two full collections, the cache is dropped, and it is taken again: the difference is what the cache
 * alone kept alive (its maps, outcomes, and the snapshots no actor table holds any more).
 * Usage: node --expose-gc --import tsx bench/cacheBytes.ts SCENARIO [REVISION] ...   (pairs: `pmem-remove-pinned v8`)
 */
import { getHeapStatistics } from 'node:v8';
import { checkScenario } from '../src/check/check.ts';
import { findScenario } from '../src/registry.ts';
import type { Scenario } from '../machines/kit/types.ts';
import { configurations } from '../src/check/configSpace.ts';
import { TransitionCache } from '../src/compose/transitionCache.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
/**
 * The heap in use after full collections, taken in a later task: objects a WeakRef was made for or read through
 * in this task are kept alive to its end (the machine factories' memo, machines/kit/oncePer.ts, holds machines so).
 */
const collected = async (): Promise<number> => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
};

/** The cache being measured: held here alone, so that dropping it leaves nothing that keeps it alive. */
let measured: TransitionCache | undefined;

/** Checks a cell's configurations into `measured`, in a frame of its own (no temporary of the caller's holds the cache). */
function fill(scenario: Scenario, revision: string | undefined): void {
  measured = new TransitionCache(Infinity);
  for (const c of configurations(scenario, false)) checkScenario(scenario, revision, { ...c.sizes }, { transitions: measured });
}

const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const scenario = findScenario(args[i]);
  const revision = scenario.revisions.length > 0 ? args[++i] : undefined;
  fill(scenario, revision);
  const { size, bytes } = measured!;
  // The cell's tables and systems are garbage by now: the heap with the cache, then without it.
  const held = await collected();
  measured = undefined;
  const kept = held - (await collected());
  console.log(
    `${scenario.name} ${revision ?? ''}: ${size} entries, ${kept} bytes held (${Math.round(kept / size)} an entry), estimate ${bytes}`,
  );
}
