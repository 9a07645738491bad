/**
 * The entry of one exploration worker thread (started by workerPool.ts, driven by parallelExplore.ts):
 * it rebuilds the system from its recipe, freezes its actor tables (ids are the main thread's to hand
 * out), replays the states whose expansion missed the main thread's memo, and runs its LevelExpander
 * through the phases of each level on the shared table. One reply per request, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SCENARIOS } from '../builtinScenarios.ts';
import { System } from '../compose/system.ts';
import { InvariantCheck } from './invariantCheck.ts';
import { LevelExpander, type TableShape } from './levelExpander.ts';
import { received, rehashPart, type Growth } from './slotTable.ts';
import type { SystemRecipe } from './workerPool.ts';

interface Init {
  readonly recipe: SystemRecipe;
  readonly reads: { invariants: Uint8Array; premises: Uint8Array } | undefined;
}

const init = workerData as Init;
const port = parentPort!;

function build(recipe: SystemRecipe): System {
  const scenario = SCENARIOS.find((s) => s.name === recipe.scenario);
  if (!scenario) throw new Error(`internal: worker found no built-in scenario ${recipe.scenario}`);
  return new System(scenario.build(recipe.revision, { ...recipe.sizes }), recipe.table);
}

const system = build(init.recipe);
system.frozen = true;
const check = system.invariants.length > 0 ? new InvariantCheck(system, init.reads) : undefined;
let expander: LevelExpander | undefined;

/** Replays `vectors` (width ints each) with the tables unfrozen, in order. */
function replay(vectors: Int32Array): void {
  system.frozen = false;
  const w = system.width;
  const vec = new Int32Array(w);
  try {
    for (let i = 0; i < vectors.length; i += w) {
      vec.set(vectors.subarray(i, i + w));
      expander!.replay(vec);
    }
  } finally {
    system.frozen = true;
  }
}

port.on('message', (m: { type: string } & Record<string, unknown>) => {
  switch (m.type) {
    case 'table': {
      const shape = m.shape as TableShape;
      if (expander) expander.adopt(shape);
      else expander = new LevelExpander(system, shape, check);
      if (m.replay) replay(m.replay as Int32Array);
      port.postMessage({ ok: true });
      return;
    }
    case 'expand': {
      const x = expander!;
      x.adopt(m.shape as TableShape);
      x.startLevel(m.from as number, received(m.displaced as Uint8Array));
      const status = x.expandChunks(
        m.control as Int32Array,
        m.to as number,
        m.chunk as number,
        m.limit as number,
        m.depth as number,
        Infinity,
      );
      port.postMessage({ status, deferred: x.deferred, noFit: x.noFit });
      x.deferred = [];
      return;
    }
    case 'rehash': {
      const g = m.growth as Growth;
      port.postMessage({ left: rehashPart({ ...g, old: received(g.old), slots: received(g.slots) }, m.part as number, m.parts as number) });
      return;
    }
    case 'reset':
      expander!.reset();
      port.postMessage({ ok: true });
      return;
    case 'count':
      expander!.adopt(m.shape as TableShape);
      if (m.replay) replay(m.replay as Int32Array);
      port.postMessage({ kept: expander!.count(received(m.counts as Int32Array), m.from as number) });
      return;
    case 'write': {
      const x = expander!;
      x.adopt(m.shape as TableShape);
      x.write(received(m.offsets as Int32Array), m.from as number, m.first as number, m.depth as number);
      port.postMessage({ candidates: [...x.candidates.values()], edges: x.edges });
      x.candidates = new Map();
      x.edges = 0;
      x.reset();
      return;
    }
    case 'finish':
      port.postMessage({ premises: check?.premises.reached });
      return;
    default:
      throw new Error(`internal: exploration worker got ${m.type}`);
  }
});
port.postMessage({ ready: true });
