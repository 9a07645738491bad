/**
 * The explored state graph path generation works on: every edge kept (the checker keeps only a BFS
 * tree; covering transitions needs all edges), and for each edge the coverage items its step covers
 * and the transitions each actor took in it, in order (what transition pairs are made of). The walk
 * itself is src/check/exploreGraph.ts: states are expanded as `systemLogic` expands them (past
 * invariant failures and WARNs, not past a crash), so the reachable set is the one @xstate/graph
 * sees; a crashing step is kept as an edge into CRASH. After the walk, each edge also gets the waits
 * of the state it ends in (an actor's step the spec blocks there: coverageItems.ts's waitItem), and
 * the transition pairs each actor can take are found exactly (src/paths/transitionPairs.ts) and interned as coverage items, so
 * every item a path can cover has an id before any cover is computed.
 */
import { CRASH, exploreGraph } from '../check/exploreGraph.ts';
import type { StateStore } from '../check/stateStore.ts';
import type { System } from '../compose/system.ts';
import { canonicalJson, formatEvent } from '../compose/events.ts';
import { stepLabel } from '../compose/stepLabel.ts';
import { CoverageIndex, waitItem } from './coverageItems.ts';
import { reachablePairs, type PairIndex } from './transitionPairs.ts';

export { CRASH };

export interface StateGraph {
  readonly system: System;
  readonly coverage: CoverageIndex;
  readonly store: StateStore;
  readonly states: number;
  readonly edges: number;
  /** Edges of state s are [edgeStart[s], edgeStart[s + 1]). */
  readonly edgeStart: Int32Array;
  readonly edgeTo: Int32Array;
  /** Step label (compose/stepLabel.ts). */
  readonly edgeLabel: Int32Array;
  /** 0, or the 1-based violation the step commits. */
  readonly edgeCode: Int32Array;
  /** Items of edge e are edgeItems[itemStart[e] .. itemStart[e + 1]). */
  readonly itemStart: Int32Array;
  readonly edgeItems: Int32Array;
  /**
   * What each actor took in edge e, delivery by delivery: deliveries [runStart[e], runStart[e + 1]),
   * delivery d to actor runActor[d], its transitions (interned items, in microstep order)
   * runTransitions[transitionStart[d] .. transitionStart[d + 1]).
   */
  readonly runStart: Int32Array;
  readonly runActor: Int32Array;
  readonly transitionStart: Int32Array;
  readonly runTransitions: Int32Array;
  readonly initialItems: readonly number[];
  /** False when states past maxStates were left unexpanded. */
  readonly complete: boolean;
  /** The transition pairs reachable in this graph, interned (src/paths/transitionPairs.ts). */
  readonly pairs: PairIndex;
}

class IntList {
  length = 0;
  data = new Int32Array(1 << 12);
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  done(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

export function buildStateGraph(system: System, options: { maxStates?: number } = {}): StateGraph {
  const coverage = new CoverageIndex(system);
  const initialItems = coverage.initialItems();
  const edgeStart = new IntList();
  const edgeTo = new IntList();
  const edgeLabel = new IntList();
  const edgeCode = new IntList();
  const itemStart = new IntList();
  const edgeItems = new IntList();
  const runStart = new IntList();
  const runActor = new IntList();
  const transitionStart = new IntList();
  const runTransitions = new IntList();
  const items = new Set<number>();

  const walk = exploreGraph(
    system,
    {
      // a state past the bound stays in the graph as a dead end: its edge range is empty
      onState: () => edgeStart.push(edgeTo.length),
      onEdge: (edge) => {
        items.clear();
        runStart.push(runActor.length);
        for (const d of edge.deliveries) {
          if (d.delivery?.fate !== 'taken') continue;
          for (const i of coverage.transitions(d.actor, d.before, d.delivery.event)) items.add(i);
          const seq = coverage.sequence(d.actor, d.before, d.delivery.event);
          if (seq.length) {
            runActor.push(d.actor);
            transitionStart.push(runTransitions.length);
            for (const t of seq) runTransitions.push(t);
          }
          for (const i of coverage.nodes(d.actor, d.delivery.next)) items.add(i);
        }
        itemStart.push(edgeItems.length);
        for (const i of [...items].sort((x, y) => x - y)) edgeItems.push(i);
        edgeLabel.push(edge.label);
        edgeCode.push(edge.code);
        edgeTo.push(edge.to);
      },
    },
    { maxStates: options.maxStates },
  );
  edgeStart.push(edgeTo.length);
  itemStart.push(edgeItems.length);
  runStart.push(runActor.length);
  transitionStart.push(runTransitions.length);
  const starts = edgeStart.done();
  const labels = edgeLabel.done();
  const targets = edgeTo.done();
  const waits = waitsOf(system, coverage, walk.store, walk.expanded, starts, labels);
  // the waits of the state an edge ends in are covered by that edge
  const oldStart = itemStart.done();
  const oldItems = edgeItems.done();
  const mergedStart = new IntList();
  const merged = new IntList();
  for (let e = 0; e < targets.length; e++) {
    mergedStart.push(merged.length);
    const own = oldItems.subarray(oldStart[e], oldStart[e + 1]);
    const more = targets[e] === CRASH ? undefined : waits[targets[e]];
    for (const i of more ? [...new Set([...own, ...more])].sort((x, y) => x - y) : own) merged.push(i);
  }
  mergedStart.push(merged.length);
  const graph = {
    system,
    coverage,
    store: walk.store,
    states: walk.states,
    edges: edgeTo.length,
    edgeStart: starts,
    edgeTo: targets,
    edgeLabel: labels,
    edgeCode: edgeCode.done(),
    itemStart: mergedStart.done(),
    edgeItems: merged.done(),
    runStart: runStart.done(),
    runActor: runActor.done(),
    transitionStart: transitionStart.done(),
    runTransitions: runTransitions.done(),
    initialItems: [...new Set([...initialItems, ...(waits[0] ?? [])])].sort((x, y) => x - y),
    complete: walk.complete,
  };
  return { ...graph, pairs: reachablePairs(graph) };
}

/**
 * The waits of each expanded state: for every actor, each step it is offered there that is no edge
 * (the spec blocks it). States past the bound were not expanded: their blocked steps are unknown.
 */
function waitsOf(
  system: System,
  coverage: CoverageIndex,
  store: StateStore,
  expanded: number,
  edgeStart: Int32Array,
  edgeLabel: Int32Array,
): (readonly number[] | undefined)[] {
  const out: (readonly number[] | undefined)[] = [];
  const memo = system.actors.map(() => new Map<string, readonly number[]>());
  const cur = new Int32Array(system.width);
  const taken = new Set<number>();
  for (let s = 0; s < expanded; s++) {
    store.load(s, cur);
    taken.clear();
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) taken.add(edgeLabel[e]);
    let list: number[] | undefined;
    for (let a = 0; a < system.width; a++) {
      const offers = system.actors[a].offers(cur[a]);
      const blocked = offers.flatMap((_, o) => (taken.has(stepLabel(a, o)) ? [] : [o]));
      if (!blocked.length) continue;
      const key = `${cur[a]} ${blocked.join(',')}`;
      let ids = memo[a].get(key);
      if (!ids) {
        const t = system.actors[a];
        const value = canonicalJson(t.view(cur[a]).value);
        ids = blocked.map((o) => coverage.intern(waitItem(t.machine.id, value, formatEvent(system.events.get(offers[o].event)))));
        memo[a].set(key, ids);
      }
      (list ??= []).push(...ids);
    }
    out[s] = list;
  }
  return out;
}
