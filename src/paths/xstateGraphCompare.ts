/**
 * The side-by-side with @xstate/graph: runs its path generators and ours on one composed system and
 * measures paths, steps and coverage with the same items (bench and the paths test read it).
 */
import { getShortestPaths, getSimplePaths } from '@xstate/graph';
import { STEP_BLOCKED, decodeStep } from '../compose/stepLabel.ts';
import type { DeliveryRecord } from '../compose/system.ts';
import { System } from '../compose/system.ts';
import { systemLogic, type SystemEvent, type SystemSnapshot } from '../compose/systemLogic.ts';
import type { SystemDecl } from '../../machines/kit/types.ts';
import { greedyCover } from './greedyCover.ts';
import { offerOf } from './replayExpected.ts';
import { buildStateGraph } from './stateGraph.ts';

/** What one path generator gives for one system: paths, steps, and how much they cover. */
export interface PathFigures {
  readonly tool: 'daxspec' | 'getShortestPaths' | 'getSimplePaths';
  readonly states: number;
  readonly paths: number;
  readonly steps: number;
  /** Reachable state nodes and transitions (as daxspec counts them) the paths cover. */
  readonly statesCovered: number;
  readonly transitionsCovered: number;
  readonly statesReachable: number;
  readonly transitionsReachable: number;
  readonly seconds: number;
}

/**
 * Runs one path generator on a system and measures its paths against daxspec's coverage items.
 * @xstate/graph runs on `systemLogic(system)` with the system's own offers as events and the
 * interned state vector as key (full snapshot identity, history included), so both see the same
 * reachable states; what differs is how many paths it takes to cover every transition.
 */
export function pathFigures(decl: SystemDecl, tool: PathFigures['tool']): PathFigures {
  const started = performance.now();
  const system = new System(decl);
  const graph = buildStateGraph(system);
  const reachable = greedyCover(graph).reachable;
  const kinds = graph.coverage.items.map((i) => i.kind);
  const count = (set: Uint8Array, kind: 'state' | 'transition'): number => kinds.reduce((n, k, i) => n + (k === kind && set[i] ? 1 : 0), 0);
  let paths: SystemEvent[][];
  let states: number;
  let t0 = performance.now();
  if (tool === 'daxspec') {
    t0 = started;
    const cover = greedyCover(graph);
    paths = cover.paths.map((p) =>
      p.edges.map((e) => {
        const { actor: a, offer } = decodeStep(graph.edgeLabel[e]);
        return {
          type: 'step',
          actor: system.names[a],
          event: system.events.get(system.actors[a].offers(stateOfEdge(graph, e)[a])[offer].event),
        } as SystemEvent;
      }),
    );
    states = graph.states;
  } else {
    const logic = systemLogic(new System(decl));
    const opts = { events: (s: SystemSnapshot) => logic.nextEvents(s), serializeState: (s: SystemSnapshot) => s.vector.join(',') };
    const found = tool === 'getShortestPaths' ? getShortestPaths(logic, opts) : getSimplePaths(logic, opts);
    paths = found.map((p) => p.steps.map((s) => s.event as SystemEvent).filter((e) => e.type === 'step'));
    states = new Set(found.map((p) => (p.state as SystemSnapshot).vector.join(','))).size;
  }
  const seconds = (performance.now() - t0) / 1000;
  const covered = new Uint8Array(graph.coverage.items.length);
  for (const i of graph.initialItems) covered[i] = 1;
  for (const events of paths) for (const i of itemsAlong(system, graph.coverage, events)) covered[i] = 1;
  return {
    tool,
    states,
    paths: paths.length,
    steps: paths.reduce((n, p) => n + p.length, 0),
    statesCovered: count(covered, 'state'),
    transitionsCovered: count(covered, 'transition'),
    statesReachable: count(reachable, 'state'),
    transitionsReachable: count(reachable, 'transition'),
    seconds,
  };
}

function stateOfEdge(graph: ReturnType<typeof buildStateGraph>, e: number): Int32Array {
  let lo = 0;
  let hi = graph.states - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (graph.edgeStart[mid] <= e) lo = mid;
    else hi = mid - 1;
  }
  const v = new Int32Array(graph.system.width);
  graph.store.load(lo, v);
  return v;
}

/** Coverage items a sequence of system events takes, replayed through the composed system. */
function itemsAlong(system: System, coverage: ReturnType<typeof buildStateGraph>['coverage'], events: readonly SystemEvent[]): number[] {
  const out: number[] = [];
  let cur = system.initial.slice();
  const record: DeliveryRecord[] = [];
  for (const e of events) {
    const a = system.index.get(e.actor)!;
    const o = offerOf(system, cur, a, e.event);
    if (o < 0) break;
    const next = cur.slice();
    record.length = 0;
    if (system.step(next, a, o, record) === STEP_BLOCKED) break;
    for (const d of record) {
      if (d.delivery?.fate !== 'taken') continue;
      out.push(...coverage.transitions(d.actor, d.before, d.delivery.event), ...coverage.nodes(d.actor, d.delivery.next));
    }
    cur = next;
  }
  return out;
}
