/**
 * The checker's verdicts as the docs keep them: every scenario checked in every revision at default
 * sizes, each finding reduced to what a page shows (no timings, no store), so pages stay deterministic.
 */
import { checkScenario, resolveSizes, vacuousProperties, type CheckOptions, type Verdict } from '../check/check.ts';
import type { Bound } from '../check/exploration.ts';
import type { ViolationKind } from '../check/finding.ts';
import type { TraceStep } from '../check/trace.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import type { Reachability } from '../model/reach.ts';
import type { Severity } from '../check/severity.ts';
import { ANY_REVISION } from './catalog.ts';
import { traceSlug } from './siteLinks.ts';

/** A finding as the docs keep it: no state store, no timings, just what a page shows. */
export interface DocFinding {
  readonly property: string;
  readonly kind: ViolationKind;
  readonly text: string;
  readonly actor?: string;
  readonly length: number;
  /** How bad: warn, oops, corruption or hang (src/check/severity.ts), and which way of failing its property. */
  readonly severity: Severity;
  readonly variant?: string;
  /** The property of the finding this one is a consequence of (it follows an oops or a hang), with its variant. */
  readonly consequenceOf?: string;
  readonly steps: readonly TraceStep[];
  /** A liveness lasso: the step count after which its cycle starts (== steps: it stutters there). */
  readonly loop?: number;
  /** The viewer's name for this counterexample within its system (`I9`, `I9~2`): src/docs/siteLinks.ts. */
  readonly slug: string;
  /** The smallest configuration that shows it (issue 13's configurations), when the checker reports one. */
  readonly configuration?: Readonly<Record<string, unknown>>;
  /** Steps enabled on a lasso's cycle that no fairness assumes: only a choice would end it. */
  readonly unassumed?: readonly string[];
}

/**
 * A finding's configuration, when the checker reports one: issue 13's configuration spaces (branch cfg)
 * add it to findings; until then the page shows the run's sizes, and says so. Read by shape, so the
 * pages show it as soon as the checker reports it.
 */
function configurationOf(f: object): Readonly<Record<string, unknown>> | undefined {
  const c = (f as { configuration?: unknown }).configuration;
  return c && typeof c === 'object' ? (c as Readonly<Record<string, unknown>>) : undefined;
}

/** One scenario checked at one revision (ANY_REVISION for revision-independent ones). */
export interface Run {
  readonly scenario: string;
  readonly revision: string;
  readonly sizes: Readonly<Record<string, number>>;
  readonly verdict: Verdict;
  readonly bound?: Bound;
  readonly states: number;
  readonly edges: number;
  /** Shortest counterexample first, as the checker sorts them. */
  readonly findings: readonly DocFinding[];
  /** Properties that held only because their premise was never reached. */
  readonly vacuous?: readonly string[];
  /** The liveness run: each property (per actor) and its outcome, the fairness it assumed, or why it did not run. */
  readonly liveness?: RunLiveness;
}

/** What a run's liveness half says, as the pages show it (src/check/livenessCheck.ts's report without its costs). */
export interface RunLiveness {
  readonly properties: readonly { id: string; actor?: string; holds: boolean; premiseReached: boolean }[];
  /** The fair actions the check assumed: `actor.event` or an actor's default class, weak or strong, and why. */
  readonly fairness: readonly { name: string; kind: string; why: string }[];
  readonly skipped?: string;
}

/**
 * Checks every scenario in every revision it has, at default sizes: the same runs
 * as `daxspec check --all`, plus the revision-independent scenarios, keeping each
 * counterexample. Seconds are dropped so that the output depends on the machines only.
 */
export function runAll(
  scenarios: readonly Scenario[],
  revisions: readonly string[],
  options: CheckOptions = {},
  onRun?: (r: Run) => void,
  reach?: Reachability,
): Run[] {
  const runs: Run[] = [];
  for (const s of scenarios) {
    const revs = s.revisions.length ? revisions.filter((r) => s.revisions.includes(r)) : [ANY_REVISION];
    for (const rev of revs) {
      const sizes = resolveSizes(s, {});
      const r = checkScenario(s, rev === ANY_REVISION ? undefined : rev, sizes, options);
      const run: Run = {
        scenario: s.name,
        revision: rev,
        sizes,
        verdict: r.verdict,
        bound: r.bound,
        states: r.states,
        edges: r.edges,
        findings: r.findings.map((f, i) => ({
          property: f.property,
          kind: f.kind,
          text: f.text,
          actor: f.actor,
          length: f.length,
          steps: f.trace.steps,
          ...(f.loop !== undefined ? { loop: f.loop } : {}),
          // The viewer numbers a property's findings in the order the checker reports them.
          slug: traceSlug(f.property, r.findings.slice(0, i + 1).filter((x) => x.property === f.property).length),
          severity: f.severity,
          ...(f.variant ? { variant: f.variant } : {}),
          ...(f.consequenceOf
            ? {
                consequenceOf: f.consequenceOf.variant
                  ? `${f.consequenceOf.property} (${f.consequenceOf.variant})`
                  : f.consequenceOf.property,
              }
            : {}),
          ...(configurationOf(f) ? { configuration: configurationOf(f) } : {}),
          ...(f.unassumed?.length ? { unassumed: f.unassumed } : {}),
        })),
        vacuous: vacuousProperties(r),
        ...(r.liveness
          ? {
              liveness: {
                properties: r.liveness.properties.map((p) => ({
                  id: p.id,
                  ...(p.actor ? { actor: p.actor } : {}),
                  holds: p.holds,
                  premiseReached: p.premiseReached,
                })),
                fairness: r.liveness.fairness.map((c) => ({ name: c.name, kind: c.kind, why: c.why })),
                ...(r.liveness.skipped ? { skipped: r.liveness.skipped } : {}),
              },
            }
          : {}),
      };
      runs.push(run);
      // What the run reached, for the machine pages' "never reached" column.
      reach?.add(rev, r.system, r.complete);
      onRun?.(run);
    }
  }
  return runs;
}
