/**
 * One scenario checked at one revision: the system built from its declared sizes, explored, and the
 * report (verdict, counts, findings with their traces) that every front end reads. Requests the
 * scenario cannot answer (an unknown revision, a size out of its range, symmetry where nothing is
 * interchangeable) are InputErrors with their fields; how they read is src/cli's business.
 */
import type { ActorTableOptions } from '../compose/actorTable.ts';
import { InputError } from '../compose/errors.ts';
import { System } from '../compose/system.ts';
import type { TransitionCache } from '../compose/transitionCache.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { explore, exploreAsync, parallelSkipped } from './explore.ts';
import type { Bound, CheckpointSink, ExploreOptions, ExploreResult, Phase, Progress, ResumePoint } from './exploration.ts';
import type { StateStore } from './stateStore.ts';
import type { ThreadsFactory } from './workerPool.ts';
import type { Finding } from './finding.ts';
import { traceToItf, type ItfTrace, type TraceOrigin } from './itf.ts';
import type { FairnessMode } from './fairness.ts';
import type { Obligation } from './liveness.ts';
import {
  livenessAfter,
  livenessAfterAsync,
  livenessJson,
  livenessStopped,
  type LivenessAfter,
  type LivenessReport,
} from './livenessCheck.ts';
import { traceOf, type Trace } from './trace.ts';
import { classify, type Classified } from './consequences.ts';

export type Verdict = 'holds' | 'violated' | 'bounded';

export interface CheckOptions {
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly onProgress?: (p: Progress) => void;
  readonly table?: Partial<ActorTableOptions>;
  /**
   * What XState answered in the runs before this one of the same bug-matrix cell (compose/transitionCache.ts):
   * asked before XState, and given what this run asks of XState.
   */
  readonly transitions?: TransitionCache;
  /** Symmetry reduction between the interchangeable actors the scenario declares. */
  readonly symmetry?: boolean;
  /** Hash compaction: 64-bit fingerprints instead of stored states. */
  readonly fingerprint?: boolean;
  /** Fairness liveness properties are checked under: as declared (default), none, or WF of every step. */
  readonly fairness?: FairnessMode;
  /**
   * False: check the safety properties only (invariants, step violations, deadlock, progress) and leave the
   * liveness properties unchecked, as a TLC run with INVARIANT and no PROPERTY does; the report says so.
   */
  readonly liveness?: boolean;
  /** Bytes the run may hold (store, edges and V8 heap); it stops at the bound 'memory' before passing it. */
  readonly maxMemory?: number;
  /** Asked at state boundaries (async runs): a reason to stop now, or undefined. */
  readonly shouldStop?: () => string | undefined;
  /** Told when the work after the exploration begins (async runs): the progress check, the traces. */
  readonly onPhase?: (phase: Phase) => void;
  /** Continue from a checkpoint (checkpoint.ts); async runs. */
  readonly resume?: ResumePoint;
  /** Where checkpoints go (async runs). */
  readonly checkpoint?: CheckpointSink;
  /** The visited store to use instead of the in-memory one (a disk store). */
  readonly store?: StateStore;
  /**
   * Threads to explore on (async runs of a built-in scenario; explore.ts's `parallel`): the findings,
   * traces and counts are the same for any number.
   */
  readonly workers?: number;
  /** Whether the scenario is built in (src/builtinScenarios.ts), so worker threads can rebuild it by name. */
  readonly builtin?: boolean;
  /** States to explore on one thread before the others join (explore.ts PARALLEL_FROM; tests set it low, and a run that checks progress takes threads only when it is given). */
  readonly parallelFrom?: number;
  /** Where the other threads come from, the states a thread takes at a time, the table's least size (explore.ts; tests). */
  readonly threads?: ThreadsFactory;
  readonly chunk?: number;
  readonly minSlots?: number;
}

/** A finding with its trace, before it is classified (severity, variant, consequence). */
type TracedFinding = Finding & { readonly trace: Trace; itf(): ItfTrace };

/** A classified finding with its counterexample: what check and simulate report alike. */
export interface CheckedFinding extends Finding, Classified {
  readonly trace: Trace;
  /** Liveness: the index in trace.states where the lasso's cycle starts (== steps: it stutters there). */
  readonly loop?: number;
  /** Liveness: how the cycle meets each fair action it passes. */
  readonly obligations?: readonly Obligation[];
  /** Liveness: steps enabled on the cycle that no fairness assumes (what would end it if someone chose to). */
  readonly unassumed?: readonly string[];
  itf(): ItfTrace;
}

export interface CheckReport {
  readonly scenario: string;
  readonly revision?: string;
  readonly sizes: Readonly<Record<string, number>>;
  readonly verdict: Verdict;
  readonly complete: boolean;
  readonly bound?: Bound;
  /** With bound 'interrupted': why (the signal's name, as the caller gave it). */
  readonly interrupted?: string;
  /** With bound 'interrupted' after every state was explored: the phase it came in (progress check, traces). */
  readonly interruptedIn?: Phase;
  /** Findings left out because the run was interrupted before their counterexample was built. */
  readonly untraced?: number;
  /** Bytes the store and edge list held at the end; the budget, when there was one. */
  readonly memory: { readonly bytes: number; readonly budget?: number };
  /** Whether the scenario declares interchangeable actors (so --symmetry could help). */
  readonly symmetryAvailable: boolean;
  /** Whether states were counted up to symmetry. */
  readonly symmetry: boolean;
  /** In fingerprint mode, a bound on the chance that a state was missed. */
  readonly collisionProbability?: number;
  readonly states: number;
  readonly edges: number;
  readonly depth: number;
  readonly seconds: number;
  /** Threads that explored (1 unless worker threads took the run over). */
  readonly threads: number;
  /** With more than one worker asked for: why the run stayed on one thread whatever its size (explore.ts parallelSkipped). */
  readonly threadsSkipped?: string;
  readonly findings: readonly CheckedFinding[];
  readonly progressSkipped?: string;
  /** Invariants that declare a premise: whether a state where it held was reached (if not, the invariant held vacuously). */
  readonly premises?: readonly { id: string; premise: string; reached: boolean }[];
  /** The liveness run: its properties, fairness and cost, when the system declares any. */
  readonly liveness?: LivenessReport;
  readonly system: System;
}

/** Fills in defaults and refuses sizes the scenario does not have or cannot take. */
export function resolveSizes(scenario: Scenario, given: Readonly<Record<string, number | undefined>>): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const p = scenario.sizes.find((s) => s.name === name);
    if (!p) {
      const sizes = scenario.sizes.map((s) => s.name);
      throw new InputError(
        'unknown-size',
        { scenario: scenario.name, size: name, sizes },
        `scenario ${scenario.name} has no size ${name} (its sizes: ${sizes.join(', ') || 'none'})`,
      );
    }
    if (!Number.isInteger(value) || value < p.min || value > p.max) {
      throw new InputError(
        'size-out-of-range',
        { scenario: scenario.name, size: name, min: p.min, max: p.max, got: value },
        `size ${name} of scenario ${scenario.name} is ${p.min}..${p.max} (got ${value})`,
      );
    }
  }
  for (const p of scenario.sizes) sizes[p.name] = given[p.name] ?? p.default;
  return sizes;
}

/**
 * `revision` checked against the scenario's. `given`: where the user gave it, when not as --revision (a trace's
 * #meta, an export's SCENARIO@REVISION:ACTOR), so that a refusal names what the user wrote.
 */
export function resolveRevision(scenario: Scenario, revision: string | undefined, given?: string): string | undefined {
  if (scenario.revisions.length === 0) {
    if (revision !== undefined)
      throw new InputError(
        'revision-independent',
        { scenario: scenario.name, ...(given ? { given } : {}) },
        `scenario ${scenario.name} does not depend on the kernel revision`,
      );
    return undefined;
  }
  if (revision === undefined) return undefined;
  if (!scenario.revisions.includes(revision)) {
    throw new InputError(
      'unknown-revision',
      { scenario: scenario.name, revision, revisions: scenario.revisions, ...(given ? { given } : {}) },
      `scenario ${scenario.name} has no revision ${revision}`,
    );
  }
  return revision;
}

/** Whether the system declares a group of two or more interchangeable actors. */
export function hasSymmetry(system: System): boolean {
  // Whether any group is declared: the groups' members are checked (Symmetry's constructor) only when --symmetry uses them.
  return (system.decl.symmetric ?? []).some((g) => g.length > 1);
}

/**
 * Builds the scenario's system at one revision and refuses options it cannot honour (symmetry
 * where no actors are interchangeable), so a caller can validate every run before starting one.
 */
export function buildSystem(
  scenario: Scenario,
  revision: string | undefined,
  sizes: Record<string, number>,
  options: CheckOptions = {},
): System {
  const system = new System(scenario.build(revision, sizes), options.table, options.transitions);
  if (options.symmetry && !hasSymmetry(system))
    throw new InputError(
      'no-symmetry',
      { scenario: scenario.name, revision },
      `scenario ${scenario.name} declares no interchangeable actors`,
    );
  return system;
}

/** Builds the scenario's system at one revision and explores it exhaustively (or up to the bounds). */
export function checkScenario(
  scenario: Scenario,
  revision: string | undefined,
  sizes: Record<string, number>,
  options: CheckOptions = {},
  built?: System,
): CheckReport {
  const system = built ?? buildSystem(scenario, revision, sizes, options);
  return reportOf(
    scenario,
    revision,
    sizes,
    system,
    explore(system, { ...options, recordSuccessors: recordingFor(system, options) }),
    options,
  );
}

/**
 * The fairness the liveness check will run under, where it will run on the run's graph: the exploration then keeps
 * each state's successors for it as it explores them (explore.ts `recordSuccessors`). Not for a run whose check is
 * skipped (a safety run, fingerprints, symmetry, a state or depth bound), which would pay for nothing.
 */
function recordingFor(system: System, options: CheckOptions): FairnessMode | undefined {
  if (options.liveness === false || options.fingerprint || options.symmetry) return undefined;
  if (options.maxStates !== undefined || options.maxDepth !== undefined) return undefined;
  if ((system.decl.liveness?.length ?? 0) === 0) return undefined;
  return options.fairness ?? 'declared';
}

/**
 * The same check run in slices with turns of the event loop between them, so that a signal handler
 * can run and `options.shouldStop` end the run at a state boundary with what it found so far.
 */
export async function checkScenarioAsync(
  scenario: Scenario,
  revision: string | undefined,
  sizes: Record<string, number>,
  options: CheckOptions = {},
  built?: System,
): Promise<CheckReport> {
  const system = built ?? buildSystem(scenario, revision, sizes, options);
  const workers = options.workers ?? 1;
  const parallel =
    workers > 1 && options.builtin
      ? {
          workers,
          from: options.parallelFrom,
          threads: options.threads,
          chunk: options.chunk,
          minSlots: options.minSlots,
          recipe: { scenario: scenario.name, revision, sizes, table: options.table },
        }
      : undefined;
  const result = await exploreAsync(system, { ...options, parallel, recordSuccessors: recordingFor(system, options) });
  const skipped = workers > 1 && result.threads === 1 ? whyOneThread(system, options, parallel) : undefined;
  const done = (r: CheckReport): CheckReport => (skipped ? { ...r, threadsSkipped: skipped } : r);
  if (result.bound === 'interrupted') return done(reportOf(scenario, revision, sizes, system, result, options));
  // Building the counterexamples replays each one (through the symmetry, re-searching every step):
  // one at a time, with a turn of the event loop before each, so that a signal can stop it too.
  const traced: TracedFinding[] = [];
  if (result.findings.length > 0) options.onPhase?.('traces');
  for (const f of result.findings) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const why = options.shouldStop?.();
    if (why !== undefined) {
      const stopped: ExploreResult = { ...result, complete: false, bound: 'interrupted', interrupted: why, interruptedIn: 'traces' };
      return done({
        ...reportOf(scenario, revision, sizes, system, stopped, options, traced),
        untraced: result.findings.length - traced.length,
      });
    }
    traced.push(checkedFinding(scenario, revision, sizes, system, result, f));
  }
  // The liveness check too gives the event loop turns: at percpu_ref N=6 it runs for most of a minute.
  const live = await livenessAfterAsync(system, result, options, options.shouldStop, () => options.onPhase?.('liveness'));
  if ('stopped' in live) {
    const stopped: ExploreResult = {
      ...result,
      complete: false,
      bound: 'interrupted',
      interrupted: live.stopped,
      interruptedIn: 'liveness',
    };
    return done(reportOf(scenario, revision, sizes, system, stopped, options, traced, livenessStopped(options, live.stopped)));
  }
  return done(reportOf(scenario, revision, sizes, system, result, options, traced, live));
}

/**
 * Why a run given more than one worker stayed on one thread whatever its size: a model of the user's (worker threads
 * rebuild built-in scenarios by name), or what explore.ts parallelSkipped says; undefined when only its size kept it there.
 */
function whyOneThread(system: System, options: CheckOptions, parallel: ExploreOptions['parallel']): string | undefined {
  if (!options.builtin) return 'a model of your own: worker threads rebuild the built-in scenarios only';
  return parallelSkipped(system, { ...options, parallel });
}

const originOf = (scenario: Scenario, revision: string | undefined, sizes: Record<string, number>, f?: Finding): TraceOrigin => ({
  scenario: scenario.name,
  revision,
  sizes,
  property: f?.property,
  text: f?.text,
});

/** A finding with its counterexample replayed from the stored graph. */
function checkedFinding(
  scenario: Scenario,
  revision: string | undefined,
  sizes: Record<string, number>,
  system: System,
  result: ExploreResult,
  f: Finding,
): TracedFinding {
  const trace = traceOf(system, result.store, f, result.symmetry);
  return {
    ...f,
    ...trace.failure,
    trace,
    itf: () =>
      traceToItf(
        system,
        trace,
        originOf(scenario, revision, sizes, f),
        f.kind === 'invariant' || f.kind === 'deadlock' || f.kind === 'progress' ? undefined : (trace.failure?.text ?? f.text),
      ),
  };
}

function reportOf(
  scenario: Scenario,
  revision: string | undefined,
  sizes: Record<string, number>,
  system: System,
  result: ExploreResult,
  options: CheckOptions,
  traced?: TracedFinding[],
  /** The liveness check's findings and report when it already ran (async runs); run here otherwise. */
  liveness?: LivenessAfter,
): CheckReport {
  const origin = (f?: Finding & Partial<Classified>): TraceOrigin => ({
    scenario: scenario.name,
    revision,
    sizes,
    property: f?.property,
    text: f?.text,
    ...(f?.severity ? { severity: f.severity } : {}),
    // Both always there for a finding, null where none, as in check --json.
    ...(f ? { variant: f.variant ?? null } : {}),
    ...(f
      ? { consequenceOf: f.consequenceOf ? { property: f.consequenceOf.property, variant: f.consequenceOf.variant ?? null } : null }
      : {}),
    // A lasso is judged on replay under the fairness it was found under, for the actor its property is about.
    ...(f?.kind === 'liveness' ? { fairness: options.fairness ?? 'declared', ...(f.actor ? { actor: f.actor } : {}) } : {}),
  });
  const withTraces =
    traced ??
    result.findings.map((f) => {
      const trace = traceOf(system, result.store, f, result.symmetry);
      return { ...f, ...trace.failure, trace };
    });
  const live = liveness ?? livenessAfter(system, result, options);
  const all = [...withTraces, ...live.findings];
  const classes = classify(system, all);
  const findings = all.map((f, i): CheckedFinding => {
    const c: CheckedFinding = {
      ...f,
      ...classes[i],
      itf: () =>
        f.kind === 'liveness'
          ? traceToItf(system, f.trace, origin(c), undefined, c.loop)
          : traceToItf(
              system,
              f.trace,
              origin(c),
              f.kind === 'invariant' || f.kind === 'deadlock' || f.kind === 'progress' ? undefined : f.text,
            ),
    };
    return c;
  });
  // Root causes first, as the matrix puts them, then the consequences; each shortest first.
  findings.sort(
    (a, b) =>
      Number(a.consequenceOf !== undefined) - Number(b.consequenceOf !== undefined) || a.length - b.length || a.key.localeCompare(b.key),
  );
  const verdict: Verdict = findings.length ? 'violated' : result.complete ? 'holds' : 'bounded';
  return {
    scenario: scenario.name,
    revision,
    sizes,
    verdict,
    complete: result.complete,
    bound: result.bound,
    interrupted: result.interrupted,
    ...(result.interruptedIn ? { interruptedIn: result.interruptedIn } : {}),
    memory: result.memory,
    symmetryAvailable: hasSymmetry(system),
    symmetry: result.symmetry !== undefined,
    collisionProbability: result.collisionProbability,
    states: result.states,
    edges: result.edges,
    depth: result.depth,
    seconds: result.seconds,
    threads: result.threads,
    findings,
    progressSkipped: result.progressSkipped,
    premises: result.premises,
    liveness: live.report,
    system,
  };
}

/** The report as plain JSON, for `--json`. */
export function reportJson(r: CheckReport): unknown {
  return {
    scenario: r.scenario,
    revision: r.revision ?? null,
    sizes: r.sizes,
    verdict: r.verdict,
    complete: r.complete,
    bound: r.bound ?? null,
    interrupted: r.interrupted ?? null,
    interruptedIn: r.interruptedIn ?? null,
    untraced: r.untraced ?? 0,
    memoryBytes: r.memory.bytes,
    memoryBudget: r.memory.budget ?? null,
    symmetry: r.symmetry,
    fingerprintCollisionProbability: r.collisionProbability ?? null,
    states: r.states,
    transitions: r.edges,
    depth: r.depth,
    seconds: Number(r.seconds.toFixed(3)),
    threads: r.threads,
    threadsSkipped: r.threadsSkipped ?? null,
    progressSkipped: r.progressSkipped ?? null,
    premises: r.premises ?? [],
    vacuous: vacuousProperties(r),
    liveness: livenessJson(r.liveness),
    findings: r.findings.map((f) => ({
      property: f.property,
      kind: f.kind,
      text: f.text,
      actor: f.actor ?? null,
      severity: f.severity,
      variant: f.variant ?? null,
      consequenceOf: f.consequenceOf ? { property: f.consequenceOf.property, variant: f.consequenceOf.variant ?? null } : null,
      length: f.length,
      ...(f.loop !== undefined ? { loop: f.loop } : {}),
      ...(f.unassumed ? { notAssumed: f.unassumed } : {}),
      ...(f.obligations
        ? { fairness: f.obligations.map((o) => ({ action: o.fair.name, kind: o.fair.kind, why: o.fair.why, how: o.how, cycleStep: o.at })) }
        : {}),
      steps: f.trace.steps.map((s) => ({
        step: s.index,
        actor: s.actor,
        event: s.event,
        fn: s.calls[0].fn ?? null,
        calls: s.calls,
        changes: s.changes,
      })),
    })),
  };
}

/** Properties that held without their premise ever being reached: invariants and liveness alike. */
export function vacuousProperties(r: CheckReport): string[] {
  // Only a complete run says a premise is never reached; a bounded one may stop short of it.
  if (!r.complete) return [];
  const failed = new Set(r.findings.map((f) => f.property));
  const inv = (r.premises ?? []).filter((p) => !p.reached && !failed.has(p.id)).map((p) => p.id);
  const live = (r.liveness?.properties ?? []).filter((p) => p.holds && !p.premiseReached).map((p) => p.id);
  return [...new Set([...inv, ...live])];
}
