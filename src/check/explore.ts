/**
 * The model checker's exhaustive breadth-first exploration: stores every reachable state (packed,
 * fingerprinted or in a caller's store, optionally reduced by symmetry and bounded by states, depth or
 * memory), checks invariants, step violations and deadlock on the way, progress at the end, and keeps each
 * failed property's shortest counterexample as a Finding. Other readers that need the whole graph use
 * exploreGraph.ts.
 */
import { NOT_MEMOIZED, STEP_BLOCKED, STEP_OK, stepLabel } from '../compose/stepLabel.ts';
import { OWN_MOVE } from '../compose/stepIndex.ts';
import type { System } from '../compose/system.ts';
import { InputError } from '../compose/errors.ts';
import { FingerprintStateStore } from './fingerprintStore.ts';
import { PackedStateStore } from './packedStore.ts';
import { NOT_ADDED, type StateStore } from './stateStore.ts';
import { CommutingSteps, ROW_BYTES } from './commutingSteps.ts';
import { CrashLog } from './crashLog.ts';
import { MemoryBudget, isAllocationFailure } from './memoryBudget.ts';
import { InvariantCheck } from './invariantCheck.ts';
import { findLostProgress, EdgeList, lostProgressWork, rebuildEdges } from './progress.ts';
import { CACHE_BYTES, CRASH, Successors } from './successors.ts';
import { Fairness } from './fairness.ts';
import { Symmetry } from './symmetry.ts';
import { findingAt, type Finding } from './finding.ts';
import { sharedAlloc } from './slotTable.ts';
import { workerThreads, type Threads } from './workerPool.ts';
import { exploreLevels, type Handover, type LevelsOutcome } from './parallelExplore.ts';
import type { Bound, Exploration, ExplorationState, ExploreOptions, ExploreResult, Phase } from './exploration.ts';

/**
 * States a run reaches on one thread before it starts worker threads (they take over at the end of that level).
 * A worker is ready 68-110 ms after it is started, and at N=5 the levels then go on two threads at about 1.25
 * times the one thread's rate. Measured on percpu_ref with `--workers 2`, five runs of each threshold taken in turn
 * (6 December): N=5 (1,616,597 states) took a median 1.29 s whole process with threads from 50,000 or 100,000
 * states, 1.31 s from 200,000, and 1.41 s on one thread (the former threshold, 2,000,000), for a third more CPU
 * and 110 MB more memory. N=4 (115,873 states) stayed on one thread at every threshold (from 50,000 and 100,000
 * it ends before its threads are ready), and N=6 took the same within the noise. 200,000 is the largest of these
 * with N=5's gain. It was 2,000,000 when starting the threads cost about a second (bench/README.md).
 */
export const PARALLEL_FROM = 200_000;

/**
 * Why a run with these options stays on one thread, or undefined when worker threads can take it:
 * symmetry reduction interns states as it canonicalizes them, fingerprints and a caller's store are other
 * stores, a state bound stops mid-level.
 *
 * A run that keeps every edge for the progress check stays too, unless told where its threads join (`from`: the
 * tests and bench/parallelSweep.ts, which compare its findings with one thread's). The parallel levels keep no
 * edges, so they are rebuilt on one thread afterwards (progress.ts rebuildEdges): a second pass over every state,
 * each successor looked up again in the shared table, with nothing left out. It costs more than the threads save.
 * kill-dax-readers at v6.15 with 6 readers, `--no-liveness`, one run each: with 1 section (380,251 states) the
 * exploration took 1.51 s with threads from 200,000 states against 0.85-1.02 s on one thread; with 2 sections
 * (15,462,403 states) 42.3 s whole process with threads from 2,000,000 against 32.8 s on one, and the profile of
 * the threaded run put 55% of the main thread in rebuildEdges. Tried and not kept (6 December): every thread settling
 * its part of the table and then listing the edges of its part of the states, the same 2-section run took 37.8 and
 * 38.5 s on two threads against 34.5 and 39.2 s on one (the built CLI, in turn): the second pass is a random
 * lookup per edge that goes on (of 89,655,706 transitions), and on two cores that is what the levels saved.
 */
export function parallelSkipped(system: System, options: ExploreOptions): string | undefined {
  if (options.fingerprint) return 'fingerprints';
  if (keepsEveryEdge(system) && options.parallel?.from === undefined) return "the progress check's edges";
  if (options.store) return "a caller's store";
  if (options.symmetry && new Symmetry(system).active) return 'symmetry';
  if (options.maxStates !== undefined) return 'a state bound';
  if (options.from) return 'a start state';
  // A checkpoint is taken between the one thread's slices; the parallel levels run to the end.
  if (options.checkpoint || options.resume) return 'checkpoints';
  return undefined;
}

/**
 * Exhaustive breadth-first exploration of a composed system. Every reachable
 * state is checked against every invariant; each distinct failed property is
 * kept with its first (hence shortest) counterexample.
 */
export function explore(system: System, options: ExploreOptions = {}): ExploreResult {
  const run = startExploration(system, options);
  run.advance(Infinity);
  return run.result();
}

/** States expanded between two looks at `shouldStop` (and two turns of the event loop, async). */
const SLICE = 4096;

/**
 * The same exploration, run in slices with a turn of the event loop between them, so that a signal
 * handler (or anything else the caller waits for) can run and make `shouldStop` answer at the next
 * state boundary. Slices cost nothing measurable: one call per 4096 states.
 */
export async function exploreAsync(system: System, options: ExploreOptions = {}): Promise<ExploreResult> {
  const run = startExploration(system, options);
  const parallel = run.parallel;
  // Checkpoints are taken between this thread's slices (a run with a sink stays on one thread: parallelSkipped).
  const sink = options.checkpoint;
  let pool: Threads | undefined;
  let ready = false;
  let declined = false;
  try {
    // A turn before the first slice too: a run of many small explorations (the matrix) must
    // still let a signal in between them.
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (sink?.due()) sink.save(run.state());
      // A run told where its threads join goes there a state at a time (tests: small models).
      if (run.advance(parallel?.from !== undefined && !pool && !declined ? 1 : SLICE)) break;
      if (parallel && !pool && !declined && run.states() >= (parallel.from ?? PARALLEL_FROM)) {
        pool = (parallel.threads ?? workerThreads)(parallel.workers - 1, parallel.init);
        pool.ready.then(
          () => (ready = true),
          () => (ready = true),
        );
        if (parallel.from !== undefined) await pool.ready;
      }
      if (pool && ready) {
        const handover = run.handover();
        const threads = pool;
        pool = undefined;
        if (handover) {
          run.absorb(await exploreLevels(handover, threads, { chunk: parallel?.chunk, minSlots: parallel?.minSlots }));
          break;
        }
        // Bounded or out of memory meanwhile: this thread ends the run.
        declined = true;
        await threads.close();
      }
    }
  } finally {
    await pool?.close();
  }
  // A run that stopped at a state boundary (done, interrupted, bounded in depth or states) is saved as it ends; one
  // stopped mid-state by the memory bound keeps its last checkpoint, taken at a boundary.
  if (sink) {
    const end = run.state();
    if (end.explored || run.stoppedAtBoundary()) sink.save(end);
  }
  return run.resultAsync();
}

export function startExploration(system: System, options: ExploreOptions = {}): Exploration {
  const started = performance.now();
  const maxStates = options.maxStates ?? Infinity;
  const maxDepth = options.maxDepth ?? Infinity;
  const w = system.width;
  // The budget sees every byte the run holds; the stores ask it before each growth.
  let held = (): number => 0;
  const budget = options.maxMemory !== undefined ? new MemoryBudget(options.maxMemory, () => held(), options.heapBytes) : undefined;
  /** The successors kept for the liveness check as states are explored (made below, where the run records them). */
  let kept: Successors | undefined;
  // What the run needs comes first: the recorded successors are let go (the check works them out) before a growth is refused.
  const reserve = budget
    ? (bytes: number): void => {
        if (kept && kept.bytes() > 0 && !budget.allows(bytes)) kept.release();
        budget.reserve(bytes);
      }
    : undefined;
  const fingerprints = options.fingerprint ? new FingerprintStateStore(w, reserve) : undefined;
  // A run worker threads may take keeps the invariants' reads in shared memory from the start; its store moves there when they join.
  const threaded = options.parallel && options.parallel.workers > 1 && parallelSkipped(system, options) === undefined;
  const packed = threaded ? new PackedStateStore(w, reserve) : undefined;
  const store: StateStore = options.store ?? fingerprints ?? packed ?? new PackedStateStore(w, reserve);
  const reads = threaded
    ? {
        invariants: new Uint8Array(new SharedArrayBuffer(Math.max(1, InvariantCheck.readsBytes(system)))),
        premises: new Uint8Array(new SharedArrayBuffer(Math.max(1, InvariantCheck.readsBytes(system)))),
      }
    : undefined;
  /** States whose expansion missed the memo (width ints each): worker threads replay them (parallelExplore.ts). */
  const missLog: Int32Array[] | undefined = threaded ? [] : undefined;
  const findings = new Map<string, Finding>();
  // States with a step that oopses (a fatal violation), and the violation's key: the step leaves
  // the graph (the path dies there, as in successors.ts), so a waiter stuck behind it is its consequence.
  let crashes = new CrashLog();
  const note = (f: Finding): void => {
    if (!findings.has(f.key)) findings.set(f.key, f);
  };
  const wantProgress = keepsEveryEdge(system);
  let edges = wantProgress && !options.fingerprint ? new EdgeList(reserve) : undefined;
  const cur = new Int32Array(w);
  const out = new Int32Array(w);
  // Invariants are checked as each state is first stored, in index order, so the first failing
  // state is the shallowest. A state that fails one is still explored: the kernel goes on after a
  // bad state (a key off with its count at 1), and what follows (the lost wake-up) is a finding of its own.
  const invariants = system.invariants;
  const check = invariants.length > 0 ? new InvariantCheck(system, reads) : undefined;
  let checking = 0;
  let checkingDepth = 0;
  const failed = (k: number): void => {
    const inv = invariants[k];
    note({ key: `invariant:${inv.id}`, property: inv.id, kind: 'invariant', text: inv.text, state: checking, length: checkingDepth });
  };
  /** Checks `out`, just stored as state `at`, a child of `cur` at depth `childDepth`. */
  const checkNew = (at: number, childDepth: number): void => {
    if (!check) return;
    checking = at;
    checkingDepth = childDepth;
    check.checkChild(cur, out, failed);
  };

  const symmetry = options.symmetry ? new Symmetry(system) : undefined;
  const sym = symmetry?.active ? symmetry : undefined;
  // Symmetry canonicalizes whole vectors, so it takes every successor the long way.
  const delta = !sym && store.addDelta !== undefined && store.loadBase !== undefined;
  // The second way round a diamond is not looked up (commutingSteps.ts): not where every edge's target is kept, nor
  // without the delta path (which symmetry's canonical states, not being p·e1·e2, already turn off).
  // Its rows of answers are memory the budget counts, and only take what the budget has room for.
  const commuting =
    edges || !delta || options.commute === false
      ? undefined
      : new CommutingSteps(system, store, budget ? { room: (bytes) => budget.allows(bytes) } : {});
  // Where every edge is looked up anyway, each state's successors are kept for the liveness check as they are met
  // (not under symmetry, whose canonical states the liveness check does not run on).
  if (edges && options.recordSuccessors !== undefined && !sym) {
    const room = budget ? (b: number): boolean => budget.allows(b) : undefined;
    kept = new Successors(system, store, new Fairness(system, options.recordSuccessors), CACHE_BYTES, room);
  }
  held = () => store.bytes() + (edges?.bytes() ?? 0) + (commuting?.bytes() ?? 0) + (kept?.bytes() ?? 0);
  const first = (options.from ?? system.initial).slice();
  sym?.canonicalize(first);
  const resume = options.resume;
  if (resume) {
    // The tables, the checks' memory and the symmetry's shapes first: the states are vectors of their ids.
    try {
      resume.fill(store, edges);
    } catch (e) {
      // Nothing was explored yet: a budget the saved states do not fit in is a resume asked wrongly, not a bound met.
      if (!(budget?.refused(e) || isAllocationFailure(e))) throw e;
      // Without a budget, the system itself refused the memory.
      throw new InputError('resume-over-budget', { budget: options.maxMemory, states: resume.states, loaded: store.count });
    }
    for (const f of resume.findings) findings.set(f.key, f);
    for (const [s, key] of resume.crashes) crashes.set(s, key);
    if (resume.invariants) check?.restore(resume.invariants);
    if (resume.symmetry) sym?.restore(resume.symmetry);
  } else {
    store.add(first, -1, -1);
    // The first state is checked like any other: an invariant may fail before any step.
    check?.checkAll(first, failed);
  }
  let head = resume?.head ?? 0;
  let depth = resume?.depth ?? 0;
  let levelEnd = resume?.levelEnd ?? 1;
  let edgeCount = resume?.edgeCount ?? 0;
  let bound: Bound | undefined = resume?.bound;
  let interrupted: string | undefined;
  let nextReport = started + (options.progressIntervalMs ?? 2000);
  let over = false;

  const advance = (slice: number): boolean => {
    if (over) return true;
    // Nothing left to expand (a run resumed from a finished checkpoint): done, whatever the budget or a stop says now.
    if (head >= store.count) return (over = true);
    const why = options.shouldStop?.();
    if (why !== undefined) {
      bound = 'interrupted';
      interrupted = why;
      return (over = true);
    }
    if (budget?.exceeded()) {
      bound = 'memory';
      return (over = true);
    }
    try {
      expand(head + slice);
    } catch (e) {
      // A growth the budget refused, or one the system could not give: the states stored so far
      // and their findings stand; the run says where it stopped instead of crashing.
      if (!(budget?.refused(e) || isAllocationFailure(e))) throw e;
      bound = 'memory';
      return (over = true);
    }
    if (head < store.count && bound !== 'states') return false;
    return (over = true);
  };

  // The loop keeps its counters in locals (registers), written back when a slice ends.
  const expand = (until: number): void => {
    let hd = head;
    let ec = edgeCount;
    let dp = depth;
    let le = levelEnd;
    const st = store;
    const wd = w;
    const mD = maxDepth;
    const mS = maxStates;
    const dl = delta;
    const sy = sym;
    const eg = edges;
    const cs = commuting;
    const kp = kept;
    const ix = system.steps;
    try {
      while (hd < st.count && hd < until) {
        if (hd === le) {
          dp++;
          le = st.count;
        }
        const s = hd++;
        if (dl) st.loadBase!(s, cur);
        else st.load(s, cur);

        if (dp >= mD) {
          bound ??= 'depth';
          continue;
        }
        if (st.count >= mS) {
          // Stopped before state s is expanded: at a boundary, so a checkpoint saved now goes on from s.
          bound = 'states';
          hd = s;
          break;
        }

        let moved = false;
        const missed = system.misses;
        kp?.recordStart();
        for (let a = 0; a < wd; a++) {
          // The actor's offers are numbered k0..k1 in the step index; offer o is k0 + o.
          const k0 = ix.begin(a, cur[a]);
          const k1 = ix.end;
          for (let k = k0; k < k1; k++) {
            const label = stepLabel(a, k - k0);
            // Most steps move the actor alone or with the one it called, and are in the memo: the
            // store rewrites those one or two fields of the packed state (`dl`), and the whole
            // vector is built only when the state is new or the store cannot take it that way.
            let r = STEP_OK;
            let at = NOT_ADDED;
            let next = ix.next[k];
            let t = -1;
            let tNext = 0;
            let built = false;
            if (ix.callee[k] === OWN_MOVE) {
              // A step that calls nobody and fails nothing is just the actor's own move.
              if (cs?.known(s, cur, a, k, next, -1, 0)) {
                moved = true;
                ec++;
                continue;
              }
              if (dl) at = st.addDelta!(a, next, -1, 0, s, label);
            } else if (dl && (r = system.memoized(cur, k)) !== NOT_MEMOIZED) {
              if (r === STEP_BLOCKED) continue;
              next = system.memoSelf;
              t = system.memoTarget;
              tNext = system.memoTargetNext;
              if (r === STEP_OK) {
                if (cs?.known(s, cur, a, k, next, t, tNext)) {
                  moved = true;
                  ec++;
                  continue;
                }
                at = st.addDelta!(a, next, t, tNext, s, label);
              }
            } else {
              for (let i = 0; i < wd; i++) out[i] = cur[i];
              r = system.step(out, a, k - k0);
              if (r === STEP_BLOCKED) continue;
              built = true;
            }
            moved = true;
            ec++;
            if (!built && (at === NOT_ADDED || (at >= 0 && check))) {
              for (let i = 0; i < wd; i++) out[i] = cur[i];
              out[a] = next;
              if (t >= 0) out[t] = tNext;
            }
            if (r !== STEP_OK) {
              const v = system.violation(r);
              if (!v.continues) {
                kp?.record(CRASH, label, a, cur[a], k - k0);
                if (!crashes.has(s)) crashes.set(s, v.key);
                note(findingAt(v, s, dp + 1, label));
                if (system.alsoViolated) {
                  const w = system.violation(system.alsoViolated);
                  note(findingAt(w, s, dp + 1, label));
                }
                continue;
              }
              sy?.canonicalize(out);
              const added = st.add(out, s, label);
              const index = added >= 0 ? added : -1 - added;
              note(findingAt(v, index, dp + 1));
              if (system.alsoViolated) note(findingAt(system.violation(system.alsoViolated), index, dp + 1));
              if (added >= 0) checkNew(added, dp + 1);
              eg?.add(s, index);
              kp?.record(index, label, a, cur[a], k - k0);
              continue;
            }
            if (at === NOT_ADDED) {
              sy?.canonicalize(out);
              at = st.add(out, s, label);
            }
            if (at >= 0) checkNew(at, dp + 1);
            eg?.add(s, at >= 0 ? at : -1 - at);
            kp?.record(at >= 0 ? at : -1 - at, label, a, cur[a], k - k0);
          }
        }
        kp?.recordEnd(s);
        if (missLog && system.misses !== missed) missLog.push(cur.slice());
        if (!moved && system.checkDeadlock) {
          const stuck = system.unfinished(cur);
          if (stuck >= 0) {
            note({
              key: 'deadlock',
              property: 'deadlock',
              kind: 'deadlock',
              text: `no step is possible and ${system.names[stuck]} has not finished`,
              actor: system.names[stuck],
              state: s,
              length: dp,
            });
          }
        }

        if (options.onProgress && (hd & 0x3fff) === 0) {
          const now = performance.now();
          if (now >= nextReport) {
            nextReport = now + (options.progressIntervalMs ?? 2000);
            const seconds = (now - started) / 1000;
            options.onProgress({
              states: st.count,
              edges: ec,
              queue: st.count - hd,
              depth: dp,
              seconds,
              statesPerSecond: st.count / seconds,
            });
          }
        }
      }
    } finally {
      head = hd;
      edgeCount = ec;
      depth = dp;
      levelEnd = le;
    }
  };

  let interruptedIn: Phase | undefined;
  let threads = 1;
  const progressSkippedNow = (): string | undefined => {
    if (!wantProgress) return undefined;
    if (bound) return 'progress needs the whole graph; the run was bounded';
    if (!edges) return 'progress needs every state; fingerprint mode keeps none';
    return undefined;
  };
  const result = (): ExploreResult => {
    const progressSkipped = progressSkippedNow();
    if (wantProgress && progressSkipped === undefined) for (const f of findLostProgress(system, store, edges!, crashes)) note(f);
    return assemble(progressSkipped);
  };
  const resultAsync = async (): Promise<ExploreResult> => {
    const skipped = progressSkippedNow();
    if (!wantProgress || skipped !== undefined) return assemble(skipped);
    options.onPhase?.('progress');
    const work = lostProgressWork(system, store, edges!, crashes);
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const why = options.shouldStop?.();
      if (why !== undefined) {
        bound = 'interrupted';
        interrupted = why;
        interruptedIn = 'progress';
        return assemble('the run was interrupted during the progress check');
      }
      const step = work.next();
      if (step.done) {
        for (const f of step.value) note(f);
        return assemble(undefined);
      }
    }
  };
  const assemble = (progressSkipped: string | undefined): ExploreResult => {
    return {
      system,
      store,
      complete: bound === undefined,
      bound,
      interrupted,
      ...(interruptedIn ? { interruptedIn } : {}),
      // The recorded successors are the liveness check's, and its report counts them.
      memory: { bytes: store.bytes() + (edges?.bytes() ?? 0), budget: options.maxMemory },
      states: store.count,
      edges: edgeCount,
      depth,
      seconds: (performance.now() - started) / 1000,
      threads,
      findings: [...findings.values()],
      symmetry: sym,
      collisionProbability: fingerprints?.collisionProbability(),
      progressSkipped,
      premises: check?.premises.report(),
      ...(kept ? { successors: kept } : {}),
    };
  };
  const state = (): ExplorationState => ({
    store,
    edges,
    head,
    depth,
    levelEnd,
    edgeCount,
    ...(bound === 'depth' ? { bound } : {}),
    explored: head >= store.count && (bound === undefined || bound === 'depth' || bound === 'interrupted'),
    findings: [...findings.values()],
    crashes: [...crashes],
    invariants: check?.save(),
    symmetry: sym?.save(),
  });
  const stoppedAtBoundary = (): boolean =>
    bound === undefined || bound === 'depth' || bound === 'states' || (bound === 'interrupted' && interruptedIn === undefined);
  const handover = (): Handover | undefined => {
    if (over || !packed) return undefined;
    // The rest of this level on this thread: the parallel levels start at a level's first state.
    try {
      expand(levelEnd);
    } catch (e) {
      if (!(budget?.refused(e) || isAllocationFailure(e))) throw e;
      bound = 'memory';
      over = true;
      return undefined;
    }
    if (head < levelEnd || bound !== undefined) return undefined;
    // The threads share the table: the states move into one in shared memory (about 250 ms at percpu_ref N=6, 2.18M states).
    try {
      packed.share(sharedAlloc);
    } catch (e) {
      if (!(budget?.refused(e) || isAllocationFailure(e))) throw e;
      bound = 'memory';
      over = true;
      return undefined;
    }
    // The levels have rows of their own (LevelExpander): this thread's go, and leave the budget.
    commuting?.dropRows();
    over = true;
    return {
      system,
      store: packed,
      check,
      head,
      depth,
      edges: edgeCount,
      note,
      replay: missLog!,
      maxDepth,
      shouldStop: options.shouldStop,
      onProgress: options.onProgress,
      progressIntervalMs: options.progressIntervalMs ?? 2000,
      started,
      outOfMemory: (e) => !!budget?.refused(e) || isAllocationFailure(e),
      rowBytes: threadRowBytes(options.maxMemory, options.parallel?.workers ?? 1),
    };
  };
  const absorb = (outcome: LevelsOutcome): void => {
    threads = outcome.threads;
    depth = outcome.depth;
    edgeCount = outcome.edges;
    bound = outcome.bound;
    interrupted = outcome.interrupted;
    // The threads kept no edges: the progress check gets them again from the stored states.
    if (edges && bound === undefined) ({ edges, crashes } = rebuildEdges(system, store, reserve));
  };
  const parallel =
    threaded && options.parallel ? { ...options.parallel, init: { type: 'init', recipe: options.parallel.recipe, reads } } : undefined;
  return { advance, result, resultAsync, states: () => store.count, parallel, handover, absorb, state, stoppedAtBoundary };
}

/**
 * The most each thread's diamond rows may hold in a parallel run of `threads` threads. A thread cannot ask the
 * main thread's budget as it goes, so with a budget all of them together take a 64th of it at most (rows hold a
 * few MB at percpu_ref N=6).
 */
export function threadRowBytes(maxMemory: number | undefined, threads: number): number {
  return maxMemory === undefined ? ROW_BYTES : Math.min(ROW_BYTES, Math.floor(maxMemory / 64 / threads));
}

/** A state node as far as tags go: its own tags and its child states. */
interface TaggedNode {
  readonly tags: readonly string[];
  readonly states: Readonly<Record<string, TaggedNode>>;
}

/** Whether a run (not in fingerprint mode) keeps every edge: the progress check of a system with waiters needs them. */
function keepsEveryEdge(system: System): boolean {
  return system.checkProgress && system.actors.some((a) => hasTag(a.machine.root, 'waiting'));
}

function hasTag(node: TaggedNode, tag: string): boolean {
  return node.tags.includes(tag) || Object.values(node.states).some((c) => hasTag(c, tag));
}
