/**
 * What an exploration thread other than the main one does with each request of the parallel levels
 * (parallelExplore.ts): build its expander on the shared table, replay the states whose expansion missed the
 * main thread's memo, expand chunks of a level, move its part of a doubling table, count, write, reset. One
 * reply per request. exploreWorker.ts runs it in a worker thread; a test runs it in its own thread, an
 * expansion a few chunks at a time on a schedule of its choosing (test/fixtures/scheduledThreads.ts), which is
 * why an expansion can be taken in steps (`beginExpand`, `expandMore`, `endExpand`).
 */
import { SCENARIOS } from '../builtinScenarios.ts';
import { System } from '../compose/system.ts';
import { InvariantCheck } from './invariantCheck.ts';
import { LevelExpander, type ChunkStatus, type TableShape } from './levelExpander.ts';
import { received, rehashPart, type Growth } from './slotTable.ts';
import type { Request, SystemRecipe } from './workerPool.ts';

/** What a thread is started with: its recipe and the reads of the invariants (InvariantCheck). */
export interface WorkerInit {
  readonly recipe: SystemRecipe;
  readonly reads: { invariants: Uint8Array; premises: Uint8Array } | undefined;
}

/** The system of `recipe`, its tables frozen: ids are the main thread's to hand out. */
export function workerSystem(recipe: SystemRecipe): System {
  const scenario = SCENARIOS.find((s) => s.name === recipe.scenario);
  if (!scenario) throw new Error(`internal: worker found no built-in scenario ${recipe.scenario}`);
  const system = new System(scenario.build(recipe.revision, { ...recipe.sizes }), recipe.table);
  system.frozen = true;
  return system;
}

export class WorkerSide {
  private readonly check: InvariantCheck | undefined;
  private expander: LevelExpander | undefined;

  constructor(
    private readonly system: System,
    reads: WorkerInit['reads'],
  ) {
    this.check = system.invariants.length > 0 ? new InvariantCheck(system, reads) : undefined;
  }

  /** The reply to `m`; an expansion is taken whole. */
  handle(m: Request): unknown {
    switch (m.type) {
      case 'table': {
        const shape = m.shape as TableShape;
        if (this.expander) this.expander.adopt(shape);
        else this.expander = new LevelExpander(this.system, shape, this.check);
        if (m.replay) this.replay(m.replay as Int32Array);
        return { ok: true };
      }
      case 'expand':
        this.beginExpand(m);
        return this.endExpand(this.expandMore(m, Infinity));
      case 'rehash': {
        const g = m.growth as Growth;
        return { left: rehashPart({ ...g, old: received(g.old), slots: received(g.slots) }, m.part as number, m.parts as number) };
      }
      case 'reset':
        this.x.reset();
        return { ok: true };
      case 'count':
        this.x.adopt(m.shape as TableShape);
        if (m.replay) this.replay(m.replay as Int32Array);
        return { kept: this.x.count(received(m.counts as Int32Array), m.from as number) };
      case 'write': {
        const x = this.x;
        x.adopt(m.shape as TableShape);
        x.write(received(m.offsets as Int32Array), m.from as number, m.first as number, m.depth as number);
        const reply = { candidates: [...x.candidates.values()], edges: x.edges };
        x.candidates = new Map();
        x.edges = 0;
        x.reset();
        return reply;
      }
      case 'finish':
        return { premises: this.check?.premises.reached };
      default:
        throw new Error(`internal: exploration worker got ${m.type}`);
    }
  }

  /** Starts expanding the level of request `m` (an 'expand'). */
  beginExpand(m: Request): void {
    this.x.adopt(m.shape as TableShape);
    this.x.startLevel(m.from as number, received(m.displaced as Uint8Array));
  }

  /** Expands up to `maxChunks` more chunks of `m`'s level: 'more' when that many were taken and more are left. */
  expandMore(m: Request, maxChunks: number): ChunkStatus {
    return this.x.expandChunks(m.control as Int32Array, m.to as number, m.chunk as number, m.limit as number, m.depth as number, maxChunks);
  }

  /** The reply to an expansion that ended with `status`. */
  endExpand(status: ChunkStatus): unknown {
    const reply = { status, deferred: this.x.deferred, noFit: this.x.noFit };
    this.x.deferred = [];
    return reply;
  }

  private get x(): LevelExpander {
    if (!this.expander) throw new Error('internal: an exploration worker was asked to work before it was given the table');
    return this.expander;
  }

  /** Replays `vectors` (width ints each) with the tables unfrozen, in order. */
  private replay(vectors: Int32Array): void {
    const system = this.system;
    system.frozen = false;
    const w = system.width;
    const vec = new Int32Array(w);
    try {
      for (let i = 0; i < vectors.length; i += w) {
        vec.set(vectors.subarray(i, i + w));
        this.x.replay(vec);
      }
    } finally {
      system.frozen = true;
    }
  }
}
