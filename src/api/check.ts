/**
 * The public `check`: exhaustive exploration of one scenario (or one system) at one revision, with every
 * property's shortest counterexample. A thin, stable face over src/check: the report it returns carries
 * no internal state (no state vectors, no System), so the checker can change inside without breaking
 * what users hold.
 */
import { checkScenario, resolveRevision, resolveSizes, type CheckReport as InternalReport } from '../check/check.ts';
import type { Progress } from '../check/exploration.ts';
import type { ViolationKind } from '../check/finding.ts';
import { formatFinding } from '../check/formatTrace.ts';
import type { ItfTrace } from '../check/itf.ts';
import type { TraceStep } from '../check/trace.ts';
import { ModelError } from '../compose/errors.ts';
import type { Scenario, SystemDecl } from '../../machines/kit/types.ts';

export type { ItfTrace, Progress, TraceStep, ViolationKind };
export type { CallRecord, Change } from '../check/trace.ts';

/** Options of {@link check}. */
export interface CheckOptions {
  /** The revision to build the scenario at. Required when the scenario has more than one; ignored for a bare system. */
  readonly revision?: string;
  /** Sizes by name (`{ users: 4 }`); the scenario's defaults for the rest. Each must be within the size's min and max. */
  readonly sizes?: Readonly<Record<string, number>>;
  /** Stop after this many distinct states: the report is then `bounded` unless a violation was found. */
  readonly maxStates?: number;
  /** Do not explore past this many steps from the initial state (bounded, as above). */
  readonly maxDepth?: number;
  /** Stop cleanly, with what was explored, before the run holds more than this many bytes (bound `memory`). */
  readonly maxMemory?: number;
  /** Explore one state per orbit of the interchangeable actors the system declares (`symmetric`); counts are then orbits. */
  readonly symmetry?: boolean;
  /** Keep 64-bit fingerprints instead of states (hash compaction, for very large models); progress is then not checked. */
  readonly fingerprint?: boolean;
  /** Called about once a second on long runs. */
  readonly onProgress?: (progress: Progress) => void;
}

/** A violated property and its shortest counterexample. */
export interface Finding {
  /** The property as reports name it: an invariant id (`I7`), or a built-in property (`deadlock`, `progress`, `null-deref`, ...). */
  readonly property: string;
  readonly kind: ViolationKind;
  /** What went wrong, in words. */
  readonly text: string;
  /** The actor the violation is about, when there is one. */
  readonly actor?: string;
  /** Steps in the shortest counterexample. */
  readonly length: number;
  /** The counterexample, step by step from the initial state: the event given to an actor, the calls it made, what changed. */
  readonly steps: readonly TraceStep[];
  /** The counterexample as text, as `daxspec check` prints it. */
  describe(): string;
  /** The counterexample as an ITF trace (the trace format of Apalache and Quint), which `daxspec replay` reads back. */
  itf(): ItfTrace;
}

/** What {@link check} found. */
export interface CheckReport {
  readonly scenario: string;
  readonly revision?: string;
  readonly sizes: Readonly<Record<string, number>>;
  /** `holds`: every reachable state explored and every property holds; `violated`: some finding; `bounded`: a bound stopped the run first. */
  readonly verdict: 'holds' | 'violated' | 'bounded';
  /** False when a bound stopped the run: then no finding proves nothing about the states not explored. */
  readonly complete: boolean;
  /** What stopped an incomplete run: a bound given in the options, or the memory budget. */
  readonly bound?: 'states' | 'depth' | 'memory' | 'interrupted';
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
  /** One per violated property, shortest counterexample first. */
  readonly findings: readonly Finding[];
  /** Why progress was not checked, when it was not (fingerprint mode). */
  readonly progressSkipped?: string;
  /** In fingerprint mode, a bound on the chance that a state was missed. */
  readonly collisionProbability?: number;
}

const isScenario = (x: Scenario | SystemDecl): x is Scenario => typeof (x as Scenario).build === 'function';

/** A bare system as a scenario without revisions or sizes, named `system`. */
export function asScenario(model: Scenario | SystemDecl): Scenario {
  return isScenario(model)
    ? model
    : { name: 'system', description: 'a system checked through the API', revisions: [], sizes: [], build: () => model };
}

/** The revision a run builds: the one given, the only one there is, or none for a revision-independent scenario. */
export function pickRevision(scenario: Scenario, revision: string | undefined): string | undefined {
  const r = resolveRevision(scenario, revision);
  if (r !== undefined || scenario.revisions.length === 0) return r;
  if (scenario.revisions.length === 1) return scenario.revisions[0];
  throw new ModelError(`scenario ${scenario.name} has revisions ${scenario.revisions.join(', ')}: say which one (options.revision)`);
}

/**
 * Explores every reachable state of a scenario at one revision (or of a bare system) and checks every
 * property: its invariants, violation states, calls on NULL and calls a target does not accept, deadlock
 * and lost progress.
 *
 * @example
 * ```ts
 * const report = check(myScenario, { revision: 'v2', sizes: { users: 3 } });
 * for (const f of report.findings) console.log(f.describe());
 * ```
 * @throws {@link ModelError} for bad input: an unknown revision or size, a machine that is not pure.
 */
export function check(model: Scenario | SystemDecl, options: CheckOptions = {}): CheckReport {
  const scenario = asScenario(model);
  const revision = pickRevision(scenario, options.revision);
  const sizes = resolveSizes(scenario, options.sizes ?? {});
  return publicReport(checkScenario(scenario, revision, sizes, options));
}

function publicReport(r: InternalReport): CheckReport {
  return {
    scenario: r.scenario,
    revision: r.revision,
    sizes: r.sizes,
    verdict: r.verdict,
    complete: r.complete,
    bound: r.bound,
    states: r.states,
    transitions: r.edges,
    depth: r.depth,
    seconds: r.seconds,
    progressSkipped: r.progressSkipped,
    collisionProbability: r.collisionProbability,
    findings: r.findings.map((f) => ({
      property: f.property,
      kind: f.kind,
      text: f.text,
      actor: f.actor,
      length: f.length,
      steps: f.trace.steps,
      describe: () => formatFinding(f, f.trace),
      itf: () => f.itf(),
    })),
  };
}
