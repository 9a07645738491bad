import { definedItems } from './coverageItems.ts';
import type { CoverResult } from './greedyCover.ts';
import type { StateGraph } from './stateGraph.ts';

/** Coverage of one machine (all instances of it in the system together). */
export interface MachineCoverage {
  readonly machine: string;
  readonly actors: readonly string[];
  readonly states: { readonly defined: number; readonly reachable: number; readonly covered: number };
  readonly transitions: { readonly defined: number; readonly reachable: number; readonly covered: number };
  /** Paths that take at least one transition of this machine. */
  readonly paths: number;
  /** Defined but never reached in this system: dead spec, or a scenario too small to reach them. */
  readonly unreachable: readonly string[];
  /** Reachable but not covered by the paths: empty unless a bound or a path length limit cut in. */
  readonly uncovered: readonly string[];
}

export interface CoverageReport {
  readonly scenario: string;
  readonly revision: string | null;
  readonly sizes: Readonly<Record<string, number>>;
  readonly states: number;
  readonly edges: number;
  readonly complete: boolean;
  readonly paths: number;
  readonly steps: number;
  readonly machines: readonly MachineCoverage[];
}

export function coverageReport(
  g: StateGraph,
  cover: CoverResult,
  scenario: string,
  revision: string | undefined,
  sizes: Readonly<Record<string, number>>,
): CoverageReport {
  const byMachine = new Map<string, { actors: string[]; defined: Map<string, 'state' | 'transition'>; labels: Map<string, string> }>();
  g.system.actors.forEach((t) => {
    let m = byMachine.get(t.machine.id);
    if (!m) {
      m = { actors: [], defined: new Map(), labels: new Map() };
      byMachine.set(t.machine.id, m);
    }
    m.actors.push(t.name);
    for (const item of definedItems(t.machine)) {
      m.defined.set(item.key, item.kind);
      m.labels.set(item.key, item.label);
    }
  });
  const pathsThrough = new Map<string, number>();
  for (const p of cover.paths) {
    const touched = new Set<string>();
    for (const e of p.edges)
      for (let k = g.itemStart[e]; k < g.itemStart[e + 1]; k++) touched.add(g.coverage.items[g.edgeItems[k]].machine);
    for (const m of touched) pathsThrough.set(m, (pathsThrough.get(m) ?? 0) + 1);
  }
  const machines: MachineCoverage[] = [];
  for (const [machine, m] of byMachine) {
    const count = { states: { defined: 0, reachable: 0, covered: 0 }, transitions: { defined: 0, reachable: 0, covered: 0 } };
    const reached = new Set<string>();
    const uncovered: string[] = [];
    g.coverage.items.forEach((item, i) => {
      if (item.machine !== machine || !cover.reachable[i]) return;
      reached.add(item.key);
      const c = item.kind === 'state' ? count.states : count.transitions;
      c.reachable++;
      if (cover.covered[i]) c.covered++;
      else uncovered.push(`${item.kind} ${item.label}`);
      if (!m.defined.has(item.key)) c.defined++;
    });
    for (const kind of m.defined.values()) (kind === 'state' ? count.states : count.transitions).defined++;
    const unreachable = [...m.defined].filter(([k]) => !reached.has(k)).map(([k, kind]) => `${kind} ${m.labels.get(k)}`);
    machines.push({ machine, actors: m.actors, ...count, paths: pathsThrough.get(machine) ?? 0, unreachable, uncovered });
  }
  return {
    scenario,
    revision: revision ?? null,
    sizes,
    states: g.states,
    edges: g.edges,
    complete: g.complete,
    paths: cover.paths.length,
    steps: cover.paths.reduce((n, p) => n + p.edges.length, 0),
    machines,
  };
}

/** The report as text: one line per machine; with `verbose`, what each machine defines but never reaches. */
export function formatCoverage(reports: readonly CoverageReport[], verbose = false): string {
  const lines: string[] = [];
  for (const r of reports) {
    const sizes = Object.entries(r.sizes)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(
      `${r.scenario}${r.revision ? ` @ ${r.revision}` : ''}${sizes ? ` (${sizes})` : ''}: ${r.states.toLocaleString('en-US')} states, ${r.edges.toLocaleString('en-US')} edges${r.complete ? '' : ' (BOUNDED)'}; ${r.paths} paths, ${r.steps} steps`,
    );
    const rows = r.machines.map((m) => [
      m.machine,
      `${m.states.covered}/${m.states.reachable} of ${m.states.defined}`,
      `${m.transitions.covered}/${m.transitions.reachable} of ${m.transitions.defined}`,
      String(m.paths),
      m.actors.join(' '),
    ]);
    const header = ['  machine', 'states covered/reachable of defined', 'transitions covered/reachable of defined', 'paths', 'actors'];
    const all = [header, ...rows.map((r0) => [`  ${r0[0]}`, ...r0.slice(1)])];
    const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
    for (const row of all)
      lines.push(
        row
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      );
    for (const m of r.machines) {
      for (const u of m.uncovered) lines.push(`  UNCOVERED ${m.machine}: ${u}`);
      if (verbose && m.unreachable.length) lines.push(`  unreachable in ${m.machine}: ${m.unreachable.join('; ')}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
