/**
 * The data the static site is built from: every machine's chart, every scenario's system (checked, with its
 * send graph and counterexamples) and the matrix, gathered once and written as data.js.
 */
import { checkScenario, resolveSizes, type CheckReport } from '../check/check.ts';
import type { ItfTrace } from '../check/itf.ts';
import { BUILTIN_PROPERTIES } from '../check/properties.ts';
import { propertyPath } from '../docs/pagePaths.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { chartOf, type Chart } from '../model/chart.ts';
import { chartToDot } from './dot.ts';
import { layoutChart } from './layout.ts';
import { renderSvg } from './render.ts';
import { Reachability } from '../model/reach.ts';
import { exploreSends, type SendGraph } from '../model/sends.ts';
import { systemToDot } from './systemDot.ts';
import { activeNodes } from '../compose/xstateInternals.ts';

/**
 * Everything the static site shows, as plain JSON: the machines with their laid-out diagrams, the
 * systems (scenario at a revision) with their actors, sends and check results, the counterexamples
 * and the bug matrix. The browser code reads only this.
 */
export interface SiteMachine {
  readonly id: string;
  readonly chart: Chart;
  readonly svg: string;
  /** Where it is used, `scenario@revision:actor`, for the index. */
  readonly usedBy: readonly string[];
}

export interface SiteActor {
  readonly name: string;
  readonly kind: 'object' | 'path';
  /** Index in `SiteData.machines`. */
  readonly machine: number;
}

export interface SiteFinding {
  readonly property: string;
  readonly kind: string;
  readonly text: string;
  readonly length: number;
  /** How bad (warn, oops, corruption, hang), which way of failing, and what it follows from (src/check/consequences.ts). */
  readonly severity: string;
  readonly variant?: string;
  readonly consequenceOf?: string;
  /** Index in `SiteData.traces`. */
  readonly trace: number;
}

export interface SiteSystem {
  /** `scenario` or `scenario@revision`. */
  readonly key: string;
  readonly scenario: string;
  readonly revision?: string;
  readonly description: string;
  readonly sizes: Readonly<Record<string, number>>;
  readonly actors: readonly SiteActor[];
  readonly sends: SendGraph;
  readonly svg: string;
  readonly check: {
    readonly verdict: CheckReport['verdict'];
    readonly complete: boolean;
    readonly states: number;
    readonly edges: number;
    readonly seconds: number;
    readonly findings: readonly SiteFinding[];
  };
}

export interface SiteTrace {
  /** Index in `SiteData.systems`. */
  readonly system: number;
  /** Its name in addresses, unique in its system: the property, `~2` on for a second finding of it. */
  readonly slug: string;
  readonly property: string;
  readonly kind: string;
  /** What the finding says: tells apart findings of one property. */
  readonly text: string;
  /** The actor the finding is about (the stuck or waiting one at a deadlock or progress ending). */
  readonly actor?: string;
  readonly title: string;
  /** The trace, with every step's calls and transitions in its states' `#meta.calls`. */
  readonly itf: ItfTrace;
  /** At a deadlock, progress or liveness ending: who waits, in which state, on which calls. */
  readonly waits: readonly Wait[];
  /** The property's page under the Markdown docs root (`invariants/I9.md`), where this counterexample is written out. */
  readonly docsPage: string;
}

/** An actor that cannot go on at the end of a trace, and the calls it waits to be able to take. */
export interface Wait {
  readonly actor: string;
  readonly state: string;
  /** What the state it waits in means (its description). */
  readonly description?: string;
  /** Its own events that exist in its state but are blocked (their guards fail). */
  readonly on: readonly string[];
}

/** Per revision ('' for revision-independent systems), per machine id: what some scenario reached. */
export type SiteReach = Readonly<Record<string, Readonly<Record<string, SiteReached>>>>;
export interface SiteReached {
  readonly states: readonly string[];
  readonly transitions: readonly string[];
  /** False when some system's walk was bounded: then nothing is greyed. */
  readonly complete: boolean;
}

export interface SiteData {
  readonly title: string;
  readonly generated: string;
  readonly revisions: readonly string[];
  readonly machines: readonly SiteMachine[];
  readonly systems: readonly SiteSystem[];
  readonly traces: readonly SiteTrace[];
  readonly reach: SiteReach;
  /** Relative path from the site to the Markdown docs (links from a machine to its page), when given. */
  readonly docs?: string;
}

export interface SiteOptions {
  readonly scenarios: readonly Scenario[];
  /** Every revision there is, in order (the matrix columns). */
  readonly revisions: readonly string[];
  /** Only this revision (the others are left out of systems and matrix). */
  readonly revision?: string;
  /** Sizes given on the command line; defaults for the rest. */
  readonly sizes?: Readonly<Record<string, number | undefined>>;
  readonly maxStates?: number;
  readonly onSystem?: (key: string, report: CheckReport) => void;
  /** Relative path from the site's folder to docs/spec, for links to the machine pages. */
  readonly docs?: string;
}

const HANG_KINDS = new Set(['deadlock', 'progress', 'liveness']);

/**
 * Who waits at the end of a hang: every actor that is not done and either is a code path or is
 * tagged waiting, with the events it has in its state whose guards fail there.
 */
function waitsAt(system: CheckReport['system'], vec: Int32Array): Wait[] {
  const out: Wait[] = [];
  system.actors.forEach((t, a) => {
    const view = t.view(vec[a]);
    if (view.done || (t.decl.kind !== 'path' && !view.tags.has('waiting'))) return;
    const on: string[] = [];
    for (const [type, variants] of Object.entries(t.decl.env ?? {})) {
      for (const p of variants) {
        const d = t.deliver(vec[a], system.events.intern({ ...p, type }));
        if (d.fate === 'blocked' && !on.includes(type)) on.push(type);
      }
    }
    const description = [...activeNodes(t.snapshot(vec[a]))].reverse().find((n) => n.description)?.description;
    out.push({ actor: t.name, state: JSON.stringify(view.value), description, on });
  });
  return out;
}

const systemKey = (scenario: string, revision?: string): string => (revision ? `${scenario}@${revision}` : scenario);

export async function buildSiteData(options: SiteOptions): Promise<SiteData> {
  const machines: SiteMachine[] = [];
  const machineByDot = new Map<string, number>();
  const systems: SiteSystem[] = [];
  const traces: SiteTrace[] = [];
  const reach = new Reachability();

  for (const scenario of options.scenarios) {
    const revs: (string | undefined)[] =
      scenario.revisions.length === 0
        ? [undefined]
        : scenario.revisions.filter((r) => options.revision === undefined || r === options.revision);
    const given = Object.fromEntries(Object.entries(options.sizes ?? {}).filter(([k]) => scenario.sizes.some((p) => p.name === k)));
    const sizes = resolveSizes(scenario, given);
    for (const revision of revs) {
      const key = systemKey(scenario.name, revision);
      const report = checkScenario(scenario, revision, sizes, { maxStates: options.maxStates });
      options.onSystem?.(key, report);
      const system = report.system;
      const actors: SiteActor[] = [];
      for (const table of system.actors) {
        // Identical diagrams are stored once: most machines do not change between revisions.
        const chart = chartOf(table.machine, table.view(table.initial).context);
        const dot = chartToDot(chart);
        let m = machineByDot.get(dot);
        if (m === undefined) {
          m = machines.length;
          machines.push({ id: table.machine.id, chart, svg: await layoutChart(chart, dot), usedBy: [] });
          machineByDot.set(dot, m);
        }
        (machines[m].usedBy as string[]).push(`${key}:${table.name}`);
        actors.push({ name: table.name, kind: table.decl.kind, machine: m });
      }
      const sends = exploreSends(system, options.maxStates ?? 100_000);
      const svg = await renderSvg(
        systemToDot(
          key,
          actors.map((a) => ({ name: a.name, kind: a.kind, machineId: machines[a.machine].id })),
          sends,
        ),
      );
      reach.addWalk(revision ?? '', system, sends, report.complete);
      const index = systems.length;
      const seen = new Map<string, number>();
      const findings = report.findings.map((f): SiteFinding => {
        const nth = (seen.get(f.property) ?? 0) + 1;
        seen.set(f.property, nth);
        const steps = `${f.length} step${f.length === 1 ? '' : 's'}`;
        traces.push({
          system: index,
          slug: nth === 1 ? f.property : `${f.property}~${nth}`,
          property: f.property,
          kind: f.kind,
          text: f.text,
          actor: f.actor,
          title: `${key}: ${f.property}: ${f.text.length > 90 ? `${f.text.slice(0, 89)}…` : f.text} (${steps})`,
          itf: f.itf(),
          waits: HANG_KINDS.has(f.kind) ? waitsAt(system, f.trace.states[f.trace.states.length - 1]) : [],
          docsPage: propertyPath({ id: f.property, invariant: !BUILTIN_PROPERTIES.some((p) => p.id === f.property) }),
        });
        return {
          property: f.property,
          kind: f.kind,
          text: f.text,
          length: f.length,
          severity: f.severity,
          ...(f.variant ? { variant: f.variant } : {}),
          ...(f.consequenceOf ? { consequenceOf: f.consequenceOf.property } : {}),
          trace: traces.length - 1,
        };
      });
      systems.push({
        key,
        scenario: scenario.name,
        revision,
        description: scenario.description,
        sizes,
        actors,
        sends,
        svg,
        check: {
          verdict: report.verdict,
          complete: report.complete,
          states: report.states,
          edges: report.edges,
          seconds: report.seconds,
          findings,
        },
      });
    }
  }
  return {
    title: 'daxspec',
    generated: new Date().toISOString(),
    revisions: options.revisions.filter((r) => options.revision === undefined || r === options.revision),
    machines,
    systems,
    traces,
    reach: reach.toJSON(),
    docs: options.docs,
  };
}
