import type { ActorTableOptions } from '../compose/actorTable.ts';
import { ModelError } from '../compose/errors.ts';
import { System } from '../compose/system.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { explore, type Finding, type Progress } from './explore.ts';
import { traceToItf, type ItfTrace, type TraceOrigin } from './itf.ts';
import { traceOf, type Trace } from './trace.ts';

export type Verdict = 'holds' | 'violated' | 'bounded';

/** Exit codes of `daxspec check`: all hold, a violation, bad input, stopped at a bound. */
export const EXIT = { holds: 0, violated: 1, badInput: 2, bounded: 3 } as const;

export interface CheckOptions {
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly onProgress?: (p: Progress) => void;
  readonly table?: Partial<ActorTableOptions>;
  /** Symmetry reduction between the interchangeable actors the scenario declares. */
  readonly symmetry?: boolean;
  /** Hash compaction: 64-bit fingerprints instead of stored states. */
  readonly fingerprint?: boolean;
}

export interface CheckedFinding extends Finding {
  readonly trace: Trace;
  itf(): ItfTrace;
}

export interface CheckReport {
  readonly scenario: string;
  readonly revision?: string;
  readonly sizes: Readonly<Record<string, number>>;
  readonly verdict: Verdict;
  readonly complete: boolean;
  readonly bound?: 'states' | 'depth';
  /** Whether states were counted up to symmetry. */
  readonly symmetry: boolean;
  /** In fingerprint mode, a bound on the chance that a state was missed. */
  readonly collisionProbability?: number;
  readonly states: number;
  readonly edges: number;
  readonly depth: number;
  readonly seconds: number;
  readonly findings: readonly CheckedFinding[];
  readonly progressSkipped?: string;
  readonly system: System;
}

/** Fills in defaults and refuses sizes the scenario does not have or cannot take. */
export function resolveSizes(scenario: Scenario, given: Readonly<Record<string, number | undefined>>): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const p = scenario.sizes.find((s) => s.name === name);
    if (!p) {
      const known = scenario.sizes.map((s) => `--${s.name}`).join(', ') || 'none';
      throw new ModelError(`scenario ${scenario.name} has no size --${name} (its sizes: ${known})`);
    }
    if (!Number.isInteger(value) || value < p.min || value > p.max) {
      throw new ModelError(`--${name} must be an integer from ${p.min} to ${p.max} for scenario ${scenario.name} (got ${value})`);
    }
  }
  for (const p of scenario.sizes) sizes[p.name] = given[p.name] ?? p.default;
  return sizes;
}

export function resolveRevision(scenario: Scenario, revision: string | undefined): string | undefined {
  if (scenario.revisions.length === 0) {
    if (revision !== undefined) throw new ModelError(`scenario ${scenario.name} does not depend on the kernel revision; drop --revision`);
    return undefined;
  }
  if (revision === undefined) return undefined;
  if (!scenario.revisions.includes(revision)) {
    throw new ModelError(`scenario ${scenario.name} has no revision ${revision} (its revisions: ${scenario.revisions.join(', ')})`);
  }
  return revision;
}

/** Builds the scenario's system at one revision and explores it exhaustively (or up to the bounds). */
export function checkScenario(scenario: Scenario, revision: string | undefined, sizes: Record<string, number>, options: CheckOptions = {}): CheckReport {
  const system = new System(scenario.build(revision, sizes), options.table);
  const result = explore(system, options);
  const origin = (f?: Finding): TraceOrigin => ({ scenario: scenario.name, revision, sizes, property: f?.property, text: f?.text });
  const findings = result.findings.map((f): CheckedFinding => {
    const trace = traceOf(system, result.store, f, result.symmetry);
    return { ...f, trace, itf: () => traceToItf(system, trace, origin(f), f.kind === 'invariant' || f.kind === 'deadlock' || f.kind === 'progress' ? undefined : f.text) };
  });
  findings.sort((a, b) => a.length - b.length || a.key.localeCompare(b.key));
  const verdict: Verdict = findings.length ? 'violated' : result.complete ? 'holds' : 'bounded';
  return {
    scenario: scenario.name,
    revision,
    sizes,
    verdict,
    complete: result.complete,
    bound: result.bound,
    symmetry: result.symmetry !== undefined,
    collisionProbability: result.collisionProbability,
    states: result.states,
    edges: result.edges,
    depth: result.depth,
    seconds: result.seconds,
    findings,
    progressSkipped: result.progressSkipped,
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
    symmetry: r.symmetry,
    fingerprintCollisionProbability: r.collisionProbability ?? null,
    states: r.states,
    transitions: r.edges,
    depth: r.depth,
    seconds: Number(r.seconds.toFixed(3)),
    progressSkipped: r.progressSkipped ?? null,
    findings: r.findings.map((f) => ({
      property: f.property,
      kind: f.kind,
      text: f.text,
      actor: f.actor ?? null,
      length: f.length,
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
