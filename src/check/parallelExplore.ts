/**
 * Breadth-first exploration on every core: the main thread and worker threads expand each level
 * together over one visited table in SharedArrayBuffers (levelExpander.ts has the three phases and why
 * their result does not depend on the number of threads or on timing). This module is the main thread's
 * side: it takes a run over from the one-thread explorer at the end of a level, drives the phases with
 * a barrier after each, grows or widens the table while no thread is inserting, expands the states the
 * workers could not (their actor tables are frozen: ids are handed out here only) and has the workers
 * replay those expansions, and notes the level's findings in the order a one-thread search notes them.
 *
 * Symmetry reduction (canonicalizing interns states), fingerprints, a state bound and users' models stay
 * on one thread (explore.ts decides), and so does a run that checks progress unless it is told where its threads
 * join: the progress check needs every edge, which explore.ts then rebuilds after the parallel levels
 * (progress.ts rebuildEdges), at more cost than the threads save. Liveness runs after the exploration, on one thread.
 */
import type { System } from '../compose/system.ts';
import type { Finding } from './finding.ts';
import type { InvariantCheck } from './invariantCheck.ts';
import {
  CONTROL_WORDS,
  CURSOR,
  HALT,
  LevelExpander,
  OCCUPIED,
  before,
  type Candidate,
  type ChunkStatus,
  type TableShape,
} from './levelExpander.ts';
import type { PackedStateStore } from './packedStore.ts';
import { maxLoad } from './stateStore.ts';
import { rehashPart, writtenFirst } from './slotTable.ts';
import type { Threads } from './workerPool.ts';

/** States per chunk a thread takes from the level's cursor. */
const CHUNK = 512;
/** Chunks the main thread expands between two looks at its signals. */
const MAIN_CHUNKS = 8;
/** The table is grown before a level so that a quarter of it at least is free, and to this size at least. */
const MIN_SLOTS = 1 << 17;

/**
 * How the levels are cut: states a thread takes at a time, and the table's least size. Tests take chunks of
 * one state and a small table, so that threads interleave within a level and a level fills the table mid-way.
 */
export interface LevelCut {
  readonly chunk?: number;
  readonly minSlots?: number;
}

/** The one-thread run's state at the end of a level, and what the parallel levels report to. */
export interface Handover {
  readonly system: System;
  readonly store: PackedStateStore;
  readonly check: InvariantCheck | undefined;
  /** The first state of the next level (= the end of the last one expanded). */
  readonly head: number;
  /** The depth of the last level expanded. */
  readonly depth: number;
  readonly edges: number;
  readonly note: (f: Finding) => void;
  /** States whose expansion missed the main thread's memo, in order (width ints each), not yet replayed. */
  readonly replay: Int32Array[];
  readonly maxDepth: number;
  readonly shouldStop?: () => string | undefined;
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs: number;
  readonly started: number;
  /** Refusals of the memory budget and failed allocations: the run stops with bound 'memory'. */
  readonly outOfMemory: (e: unknown) => boolean;
  /** The most each thread's diamond rows may hold (explore.ts threadRowBytes). */
  readonly rowBytes: number;
}

/** What a progress report says (explore.ts's Progress; restated here, which explore.ts imports). */
interface Progress {
  readonly states: number;
  readonly edges: number;
  readonly queue: number;
  readonly depth: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
}

export interface LevelsOutcome {
  readonly threads: number;
  readonly depth: number;
  readonly edges: number;
  readonly bound?: 'depth' | 'memory' | 'interrupted';
  readonly interrupted?: string;
}

export async function exploreLevels(h: Handover, pool: Threads, cut: LevelCut = {}): Promise<LevelsOutcome> {
  const chunk = cut.chunk ?? CHUNK;
  const minSlots = cut.minSlots ?? MIN_SLOTS;
  const { system, store, check } = h;
  const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  const shape = (): TableShape => ({
    slots: store.table.slots,
    bits: store.packing.bits,
    keys: store.table.keys.segments,
    parents: store.table.parents.segments,
    labels: store.table.labels.segments,
    rowBytes: h.rowBytes,
  });
  const log = h.replay;
  const takeLog = (): Int32Array => {
    const w = system.width;
    const all = new Int32Array(log.length * w);
    log.forEach((v, i) => all.set(v, i * w));
    log.length = 0;
    return all;
  };
  const main = new LevelExpander(system, shape(), check);
  main.onMissed = (vec) => log.push(vec.slice());
  await pool.ready;
  // Taken once for all workers: takeLog empties the log, so a call per worker left all but the first without it.
  const startLog = takeLog();
  await pool.all(() => ({ type: 'table', shape: shape(), replay: startLog }));

  const threads = pool.size + 1;
  let first = h.head;
  let depth = h.depth;
  let edges = h.edges;
  let nextReport = performance.now() + h.progressIntervalMs;
  const progress = (states: number, queue: number): void => {
    if (!h.onProgress) return;
    const now = performance.now();
    if (now < nextReport) return;
    nextReport = now + h.progressIntervalMs;
    const seconds = (now - h.started) / 1000;
    h.onProgress({ states, edges, queue, depth, seconds, statesPerSecond: states / seconds });
  };
  /**
   * Grows the table while no thread inserts, every thread moving its part of the old table (rehashPart):
   * on one thread the doubling left the others idle, 11% of percpu_ref N=6. The main thread's view follows,
   * the workers' with their next request.
   */
  const grow = async (): Promise<void> => {
    const growth = store.table.beginGrow();
    const parts = threads;
    const theirs = pool.all<{ left: number[] }>((i) => ({ type: 'rehash', growth, part: i + 1, parts }));
    const mine = rehashPart(growth, 0, parts);
    store.table.endGrow(growth, [mine, ...(await theirs).map((r) => r.left)]);
    main.adopt(shape());
  };
  const room = async (): Promise<void> => {
    const slots = store.table.mask + 1;
    if (slots < minSlots || Atomics.load(control, OCCUPIED) >= maxLoad(slots)) await grow();
  };
  /** Gives up the level: its entries everywhere, its pending slots in the table. */
  const resetAll = async (): Promise<void> => {
    main.reset();
    store.table.dropPending(first);
    main.adopt(shape());
    await pool.all(() => ({ type: 'reset' }));
  };

  try {
    for (;;) {
      const to = store.count;
      if (first >= to) return { threads, depth, edges };
      const d = depth + 1;
      if (d >= h.maxDepth) return { threads, depth: d, edges, bound: 'depth' };

      // Phase 1, restarted from scratch when an id outgrew its field (the table is rebuilt wider). A mark left
      // from a try given up only costs phase 2 a lookup.
      let stopped: string | undefined;
      // Read before written, as the table is: written first (slotTable.ts writtenFirst).
      const displaced = writtenFirst(new Uint8Array(new SharedArrayBuffer(to - first)));
      for (;;) {
        Atomics.store(control, CURSOR, first);
        Atomics.store(control, HALT, 0);
        Atomics.store(control, OCCUPIED, store.count);
        await room();
        main.startLevel(first, displaced);
        const deferred: number[] = [];
        let noFit: { actor: number; id: number } | undefined;
        for (;;) {
          const limit = maxLoad(store.table.mask + 1);
          const replies = pool.all<{ status: ChunkStatus; deferred: number[]; noFit?: { actor: number; id: number } }>(() => ({
            type: 'expand',
            shape: shape(),
            control,
            from: first,
            displaced,
            to,
            chunk,
            limit,
            depth: d,
          }));
          let status: ChunkStatus;
          for (;;) {
            status = main.expandChunks(control, to, chunk, limit, d, MAIN_CHUNKS);
            if (status !== 'more') break;
            progress(Atomics.load(control, OCCUPIED), to - Math.min(to, Atomics.load(control, CURSOR)));
            await new Promise<void>((resolve) => setImmediate(resolve));
            const why = h.shouldStop?.();
            if (why !== undefined) {
              stopped = why;
              Atomics.store(control, HALT, 1);
            }
          }
          const all = await replies;
          for (const r of all) {
            deferred.push(...r.deferred);
            noFit ??= r.noFit;
          }
          if (stopped !== undefined) break;
          if (status === 'done' && all.every((r) => r.status === 'done')) break;
          // Some thread found the table at its limit: grow it while none inserts, then go on (the next expand
          // request carries the new table's shape, which each thread adopts as it begins).
          await grow();
        }
        if (stopped !== undefined) {
          await resetAll();
          return { threads, depth, edges, bound: 'interrupted', interrupted: stopped };
        }
        // The states the workers left: expanded here, unfrozen, in index order.
        deferred.push(...main.deferred);
        main.deferred = [];
        deferred.sort((a, b) => a - b);
        for (const s of deferred) {
          await room();
          main.expandOne(s, d, control);
          main.flushClaims(control);
        }
        noFit ??= main.noFit;
        if (!noFit) break;
        // An id did not fit: rebuild the table wider from the settled states and do the level again.
        main.reset();
        store.widen(noFit.actor, noFit.id);
        main.adopt(shape());
        await pool.all(() => ({ type: 'reset' }));
        const widenedLog = takeLog();
        await pool.all(() => ({ type: 'table', shape: shape(), replay: widenedLog }));
      }

      // Phase 2: which entries name each new state's first discovery, counted per parent.
      const counts = writtenFirst(new Int32Array(new SharedArrayBuffer(4 * (to - first))));
      // One round trip: the workers replay the main thread's misses of this level, then count.
      const replay = takeLog();
      const kept = pool.all<{ kept: number }>(() => ({ type: 'count', shape: shape(), counts, from: first, replay }));
      main.count(counts, first);
      await kept;
      let total = 0;
      for (let i = 0; i < counts.length; i++) {
        const c = counts[i];
        counts[i] = total;
        total += c;
      }
      // Phase 3: each new state written at the index a one-thread search gives it.
      const next = to + total;
      store.table.keys.ensure(next);
      store.table.parents.ensure(next);
      store.table.labels.ensure(next);
      const written = pool.all<{ candidates: Candidate[]; edges: number }>(() => ({
        type: 'write',
        shape: shape(),
        offsets: counts,
        from: first,
        first: to,
        depth: d,
      }));
      main.adopt(shape());
      main.write(counts, first, to, d);
      const candidates = [...main.candidates.values()];
      edges += main.edges;
      main.candidates = new Map();
      main.edges = 0;
      main.reset();
      for (const r of await written) {
        candidates.push(...r.candidates);
        edges += r.edges;
      }
      store.table.count = next;
      // The level's states have no index in their slots: the table settles them if a thread adds to it afterwards.
      if (store.table.unsettledFrom < 0) store.table.unsettledFrom = to;
      noteInOrder(candidates, store, h.note);
      first = to;
      depth = d;
      progress(next, next - first);
      const why = h.shouldStop?.();
      if (why !== undefined) return { threads, depth, edges, bound: 'interrupted', interrupted: why };
    }
  } catch (e) {
    if (!h.outOfMemory(e)) throw e;
    main.reset();
    store.table.dropPending(first);
    await pool.all(() => ({ type: 'reset' })).catch(() => undefined);
    return { threads, depth, edges, bound: 'memory' };
  } finally {
    const finished = await pool.all<{ premises?: Int8Array }>(() => ({ type: 'finish' })).catch(() => []);
    for (const f of finished) if (f.premises) check?.premises.merge(f.premises);
    await pool.close();
  }
}

/**
 * Notes the level's findings, per key the first in the order of a one-thread search (parent, step,
 * order within the step), in that order; a continuing violation's target that was pending gets its index.
 */
function noteInOrder(candidates: Candidate[], store: PackedStateStore, note: (f: Finding) => void): void {
  const first = new Map<string, Candidate>();
  for (const c of candidates) {
    const known = first.get(c.finding.key);
    if (!known || before(c, known)) first.set(c.finding.key, c);
  }
  const ordered = [...first.values()].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  for (const c of ordered) {
    if (!c.pending) {
      note(c.finding);
      continue;
    }
    const index = store.table.find(Int32Array.from(c.pending));
    if (index < 0) throw new Error('internal: a violation target was not settled at its level end');
    note({ ...c.finding, state: index });
  }
}
