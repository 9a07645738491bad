/**
 * `paths --report`: per system and machine, how many states, transitions, guard outcomes, transition
 * pairs and configurations the generated paths cover, of those reachable and of those defined.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { definedItems, type CoverageKind } from './coverageItems.ts';
import type { CoverResult } from './greedyCover.ts';
import { coveredBy } from './pathItems.ts';
import { CRASH, type StateGraph } from './stateGraph.ts';
import { thousands } from '../check/thousands.ts';

export interface Count {
  readonly defined: number;
  readonly reachable: number;
  readonly covered: number;
}

/** Coverage of one machine (all instances of it in the system together). */
export interface MachineCoverage {
  readonly machine: string;
  readonly actors: readonly string[];
  readonly states: Count;
  readonly transitions: Count;
  /** Outcomes of guards (true and false for each guarded transition). */
  readonly guards: Count;
  /** Two transitions one actor of this machine takes one after the other (src/paths/transitionPairs.ts). */
  readonly pairs: Count;
  /** Blocks of the context partitions the machine declares (machines/kit/partitions.ts). */
  readonly partitions: Count;
  /**
   * Steps of this machine's actors the spec blocks in a reachable state (the kernel sleeps there).
   * A machine does not list its waits (a call blocks on what its callee does), so defined = reachable.
   */
  readonly waits: Count;
  /** Paths that take at least one transition of this machine. */
  readonly paths: number;
  /** Defined but never reached in this system: dead spec, or a scenario too small to reach them. */
  readonly unreachable: readonly string[];
  /** Reachable items of the kinds aimed at that the paths miss: none unless a bound or a path length limit cut in. */
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
  /** Composed states (configurations of the whole system) the paths pass through, of those reachable. */
  readonly configurations: { readonly reachable: number; readonly covered: number };
  /** Steps of the greedy cover before the post-pass (src/paths/minimizePaths.ts) made it smaller. */
  readonly greedySteps?: number;
  /** No cover takes fewer steps than this; `exact` when it is the minimum itself. */
  readonly lowerBound?: { readonly steps: number; readonly exact: boolean };
  /** The kinds of item the paths aimed at (`--cover`). */
  readonly aimed: readonly CoverageKind[];
  readonly machines: readonly MachineCoverage[];
}

type Kind = 'states' | 'transitions' | 'guards' | 'partitions' | 'pairs' | 'waits';
const KIND: Record<CoverageKind, Kind> = {
  state: 'states',
  transition: 'transitions',
  guard: 'guards',
  partition: 'partitions',
  pair: 'pairs',
  wait: 'waits',
};

/** Pairs a machine defines: t1 then t2 where t2 leaves a node t1 ends in (or one of its ancestors). */
function definedPairs(machine: AnyStateMachine): number {
  type T = { source: AnyStateNode; target?: readonly AnyStateNode[] };
  const all: T[] = [];
  const visit = (node: AnyStateNode): void => {
    all.push(...([...node.transitions.values()].flat() as T[]), ...((node.always ?? []) as T[]));
    for (const c of Object.values(node.states)) visit(c as AnyStateNode);
  };
  visit(machine.root);
  const within = (n: AnyStateNode, anc: AnyStateNode): boolean => {
    for (let x: AnyStateNode | undefined = n; x; x = x.parent) if (x === anc) return true;
    return false;
  };
  let n = 0;
  for (const t1 of all) {
    const ends = t1.target?.length ? t1.target : [t1.source];
    for (const t2 of all) if (ends.some((e) => within(e, t2.source) || within(t2.source, e))) n++;
  }
  return n;
}

export function coverageReport(
  g: StateGraph,
  cover: CoverResult,
  scenario: string,
  revision: string | undefined,
  sizes: Readonly<Record<string, number>>,
  aimed: readonly CoverageKind[],
): CoverageReport {
  const byMachine = new Map<
    string,
    { actors: string[]; defined: Map<string, CoverageKind>; labels: Map<string, string>; pairsDefined: number }
  >();
  g.system.actors.forEach((t) => {
    let m = byMachine.get(t.machine.id);
    if (!m) {
      m = { actors: [], defined: new Map(), labels: new Map(), pairsDefined: definedPairs(t.machine) };
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
  // what the paths cover, computed again from the paths themselves: the post-pass cut and merged them
  const covered = coveredBy(g, cover.paths);
  const machines: MachineCoverage[] = [];
  for (const [machine, m] of byMachine) {
    const count = {
      states: { defined: 0, reachable: 0, covered: 0 },
      transitions: { defined: 0, reachable: 0, covered: 0 },
      guards: { defined: 0, reachable: 0, covered: 0 },
      partitions: { defined: 0, reachable: 0, covered: 0 },
      waits: { defined: 0, reachable: 0, covered: 0 },
      pairs: { defined: m.pairsDefined, reachable: 0, covered: 0 },
    };
    const reached = new Set<string>();
    const uncovered: string[] = [];
    g.coverage.items.forEach((item, i) => {
      if (item.machine !== machine || !cover.reachable[i]) return;
      reached.add(item.key);
      const c = count[KIND[item.kind]];
      c.reachable++;
      if (covered[i]) c.covered++;
      else if (aimed.includes(item.kind)) uncovered.push(`${item.kind} ${item.label}`);
      if (!m.defined.has(item.key) && item.kind !== 'pair') c.defined++;
    });
    for (const kind of m.defined.values()) count[KIND[kind]].defined++;
    const unreachable = [...m.defined].filter(([k]) => !reached.has(k)).map(([k, kind]) => `${kind} ${m.labels.get(k)}`);
    machines.push({ machine, actors: m.actors, ...count, paths: pathsThrough.get(machine) ?? 0, unreachable, uncovered });
  }
  const visited = new Set<number>([0]);
  for (const p of cover.paths) for (const e of p.edges) if (g.edgeTo[e] !== CRASH) visited.add(g.edgeTo[e]);
  return {
    scenario,
    revision: revision ?? null,
    sizes,
    states: g.states,
    edges: g.edges,
    complete: g.complete,
    paths: cover.paths.length,
    steps: cover.paths.reduce((n, p) => n + p.edges.length, 0),
    configurations: { reachable: g.states, covered: visited.size },
    aimed,
    machines,
  };
}

/**
 * The report as text: per system its configurations covered/reachable, and one line per machine with
 * states, transitions, guard outcomes, transition pairs, partition blocks and waits as covered/reachable of
 * defined, and the lower bound on the steps beside the steps the paths take; with
 * `verbose`, what each machine defines but never reaches.
 */
export function formatCoverage(reports: readonly CoverageReport[], verbose = false): string {
  const lines: string[] = [];
  for (const r of reports) {
    const sizes = Object.entries(r.sizes)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(
      `${r.scenario}${r.revision ? ` @ ${r.revision}` : ''}${sizes ? ` (${sizes})` : ''}: ${thousands(r.states)} states, ${thousands(r.edges)} edges${r.complete ? '' : ' (BOUNDED)'}; ${r.paths} paths, ${r.steps} steps${r.lowerBound ? ` (greedy ${r.greedySteps}, ${r.lowerBound.exact ? 'minimum' : 'lower bound'} ${r.lowerBound.steps})` : ''}; configurations ${r.configurations.covered}/${r.configurations.reachable}; aimed at ${r.aimed.map((k) => KIND[k]).join(', ')}`,
    );
    const c = (x: Count): string => `${x.covered}/${x.reachable} of ${x.defined}`;
    const rows = r.machines.map((m) => [
      m.machine,
      c(m.states),
      c(m.transitions),
      c(m.guards),
      c(m.pairs),
      c(m.partitions),
      c(m.waits),
      String(m.paths),
      m.actors.join(' '),
    ]);
    const header = ['  machine', 'states', 'transitions', 'guard outcomes', 'pairs', 'partitions', 'waits', 'paths', 'actors'];
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
