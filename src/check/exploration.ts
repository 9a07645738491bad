/**
 * What an exploration is asked and what it answers, apart from how it runs (explore.ts): its options, the progress
 * it reports, its result, the state a checkpoint saves and a resumed run starts from, and the handle a caller
 * advances it by a slice at a time. The checker's other parts (check.ts, checkpoint.ts, the API and the CLI) speak
 * to the exploration in these terms.
 */
import type { System } from '../compose/system.ts';
import type { StateStore } from './stateStore.ts';
import type { EdgeList } from './progress.ts';
import type { Successors } from './successors.ts';
import type { FairnessMode } from './fairness.ts';
import type { Symmetry, SymmetryMemory } from './symmetry.ts';
import type { InvariantMemory } from './invariantCheck.ts';
import type { Finding } from './finding.ts';
import type { SystemRecipe, ThreadsFactory } from './workerPool.ts';
import type { Handover, LevelsOutcome } from './parallelExplore.ts';

/** How far a run has got, told every few seconds (ExploreOptions.onProgress). */
export interface Progress {
  readonly states: number;
  readonly edges: number;
  readonly queue: number;
  readonly depth: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
}

export interface ExploreOptions {
  /**
   * The liveness check to come, under this fairness (check.ts asks when it will run one): a run that keeps every edge
   * then also keeps each state's successors for it as it explores them (successors.ts).
   */
  readonly recordSuccessors?: FairnessMode;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
  /** Reduce by symmetry between the interchangeable actors the system declares. */
  readonly symmetry?: boolean;
  /** Keep 64-bit fingerprints instead of state vectors (hash compaction); progress is then not checked. */
  readonly fingerprint?: boolean;
  /** Replace the in-memory store (a disk-backed one, say). */
  readonly store?: StateStore;
  /**
   * Leave out the lookup of the second way round a diamond (commutingSteps.ts), as the parallel levels
   * always do. Default true, where it applies: the packed store, no symmetry, and no edge list kept for the
   * progress check. False only to compare, since the result is the same either way.
   */
  readonly commute?: boolean;
  /** Start from this state instead of the system's initial one (replay checks what follows a trace's end). */
  readonly from?: Int32Array;
  /**
   * Bytes the run may hold: the state store and edge list (typed arrays, outside the V8 heap) plus the
   * V8 heap in use. The run stops cleanly (bound 'memory') before a growth would pass it.
   */
  readonly maxMemory?: number;
  /** The V8 heap in use as `maxMemory` counts it (default: V8's figure); tests fix it, to place a budget exactly. */
  readonly heapBytes?: () => number;
  /**
   * Asked between slices of states (at a state boundary): a reason to stop now (say, the signal that
   * asked for it), or undefined to go on. The run then ends with bound 'interrupted'.
   */
  readonly shouldStop?: () => string | undefined;
  /** Told when the work after the exploration begins (async runs): the progress check of the whole graph. */
  readonly onPhase?: (phase: Phase) => void;
  /** Continue a run from what a checkpoint saved (see checkpoint.ts) instead of from the first state. */
  readonly resume?: ResumePoint;
  /** Told between slices (async runs) and when the exploration ends: where a checkpoint is taken. */
  readonly checkpoint?: CheckpointSink;
  /**
   * Explore on `workers` threads (async runs; parallelExplore.ts) once the run is large enough to pay for
   * starting them, each rebuilding the system from `recipe`. The result is the same for any number.
   * Runs it cannot help stay on one thread: see `parallelSkipped`.
   */
  readonly parallel?: {
    readonly workers: number;
    readonly recipe: SystemRecipe;
    /**
     * States to reach on one thread first (default PARALLEL_FROM); when given, the run waits there for its threads, and
     * a run that keeps every edge takes them too (see `parallelSkipped`).
     */
    readonly from?: number;
    /** Where the other threads come from (default: worker_threads). */
    readonly threads?: ThreadsFactory;
    /** States a thread takes from a level at a time, the table's least size (parallelExplore.ts LevelCut; tests). */
    readonly chunk?: number;
    readonly minSlots?: number;
  };
}

/**
 * The exploration's state at a state boundary, all a later run needs to go on exactly as this one
 * would have: the stored states and edges (read through their interfaces), where the frontier begins,
 * the counters, the findings so far and what the checks of new states remember.
 */
export interface ExplorationState {
  readonly store: StateStore;
  readonly edges?: EdgeList;
  readonly head: number;
  readonly depth: number;
  readonly levelEnd: number;
  readonly edgeCount: number;
  /** 'depth' once a state at the depth bound was left unexpanded (the run goes on with the others). */
  readonly bound?: 'depth';
  /** Whether every state was expanded. */
  readonly explored: boolean;
  readonly findings: readonly Finding[];
  readonly crashes: readonly (readonly [number, string])[];
  readonly invariants?: InvariantMemory;
  readonly symmetry?: SymmetryMemory;
}

/** A saved exploration to continue: `fill` adds the saved states (in index order) and edges to the new run's. */
export interface ResumePoint extends Omit<ExplorationState, 'store' | 'edges' | 'explored'> {
  /** The states the checkpoint holds: what `fill` adds. */
  readonly states: number;
  fill(store: StateStore, edges: EdgeList | undefined): void;
}

/** Where checkpoints go: `due` is asked between slices, `save` takes the state when a checkpoint is due or the run ends. */
export interface CheckpointSink {
  due(): boolean;
  save(state: ExplorationState): void;
}

/** The work after the exploration that a stop may interrupt: the progress check, the counterexamples' traces, the liveness check. */
export type Phase = 'progress' | 'traces' | 'liveness';

/** Why a run ended before exploring everything. */
export type Bound = 'states' | 'depth' | 'memory' | 'interrupted';

export interface ExploreResult {
  readonly system: System;
  readonly store: StateStore;
  /** False when a bound stopped the run: then "no finding" is not "holds". */
  readonly complete: boolean;
  readonly bound?: Bound;
  /** With bound 'interrupted': the reason shouldStop gave. */
  readonly interrupted?: string;
  /** With bound 'interrupted': the phase after the exploration it came in (every state was explored then). */
  readonly interruptedIn?: Phase;
  /** Bytes held by the store and the edge list at the end, and the budget when there was one. */
  readonly memory: { readonly bytes: number; readonly budget?: number };
  readonly states: number;
  readonly edges: number;
  readonly depth: number;
  readonly seconds: number;
  /** Threads that explored: 1, or the main thread and its workers when they took the run over. */
  readonly threads: number;
  readonly findings: readonly Finding[];
  /** The reduction used, when symmetry was on: traces are rebuilt through it. */
  readonly symmetry?: Symmetry;
  /** In fingerprint mode: a bound on the chance that a state was missed. */
  readonly collisionProbability?: number;
  /** Why progress was not checked, when it was not. */
  readonly progressSkipped?: string;
  /** Invariants that declare a premise: whether a state where it held was reached. */
  readonly premises?: readonly { id: string; premise: string; reached: boolean }[];
  /** Each explored state's successors, kept for the liveness check (see ExploreOptions.recordSuccessors), as far as there was room. */
  readonly successors?: Successors;
}

/** An exploration that can be advanced a slice at a time. */
export interface Exploration {
  /** Expands up to `states` more states; true when the run is over (done, bounded or stopped). */
  advance(states: number): boolean;
  /** The result; call once the run is over. */
  result(): ExploreResult;
  /**
   * The same, with the progress check run a slice at a time and a turn of the event loop before
   * each slice: a stop requested meanwhile ends the run interrupted, without the progress check.
   */
  resultAsync(): Promise<ExploreResult>;
  /** What a checkpoint saves; taken between slices. */
  state(): ExplorationState;
  /** Whether the run is over at a state boundary (interrupted, or still going): `state()` may then be resumed. */
  stoppedAtBoundary(): boolean;
  /** States stored so far. */
  states(): number;
  /** With options.parallel on a run threads can take: the workers' count and their start-up data. */
  readonly parallel:
    | {
        readonly workers: number;
        readonly from?: number;
        readonly init: { type: string; [k: string]: unknown };
        readonly threads?: ThreadsFactory;
        readonly chunk?: number;
        readonly minSlots?: number;
      }
    | undefined;
  /** Expands to the end of the current level and hands the run over (undefined: it is already over). */
  handover(): Handover | undefined;
  /** Takes back a run the parallel levels finished. */
  absorb(outcome: LevelsOutcome): void;
}
