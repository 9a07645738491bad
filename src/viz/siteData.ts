import { checkScenario, resolveSizes, type CheckReport } from '../check/check.ts';
import type { ItfTrace } from '../check/itf.ts';
import type { CallRecord } from '../check/trace.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { chartOf, type Chart } from './chart.ts';
import { chartToDot } from './dot.ts';
import { layoutChart } from './layout.ts';
import { renderSvg } from './render.ts';
import { exploreSends, type SendGraph } from './sends.ts';
import { systemToDot } from './systemDot.ts';

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
  readonly title: string;
  readonly itf: ItfTrace;
  /** Per step, every delivery it made (who called whom, the kernel function, the fate). */
  readonly calls: readonly (readonly CallRecord[])[];
}

export interface SiteData {
  readonly title: string;
  readonly generated: string;
  readonly revisions: readonly string[];
  readonly machines: readonly SiteMachine[];
  readonly systems: readonly SiteSystem[];
  readonly traces: readonly SiteTrace[];
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
}

const systemKey = (scenario: string, revision?: string): string => (revision ? `${scenario}@${revision}` : scenario);

export async function buildSiteData(options: SiteOptions): Promise<SiteData> {
  const machines: SiteMachine[] = [];
  const machineByDot = new Map<string, number>();
  const systems: SiteSystem[] = [];
  const traces: SiteTrace[] = [];

  for (const scenario of options.scenarios) {
    const revs: (string | undefined)[] =
      scenario.revisions.length === 0 ? [undefined] : scenario.revisions.filter((r) => options.revision === undefined || r === options.revision);
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
      const svg = await renderSvg(systemToDot(key, actors.map((a) => ({ name: a.name, kind: a.kind, machineId: machines[a.machine].id })), sends));
      const index = systems.length;
      const findings = report.findings.map((f): SiteFinding => {
        traces.push({
          system: index,
          title: `${key}: ${f.property} (${f.length} step${f.length === 1 ? '' : 's'})`,
          itf: f.itf(),
          calls: f.trace.steps.map((s) => s.calls),
        });
        return { property: f.property, kind: f.kind, text: f.text, length: f.length, trace: traces.length - 1 };
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
  };
}
