/**
 * The explorer's graph walk offered to other readers: a breadth-first walk over the reachable states
 * of a composed system that hands every state and every edge, with what each step delivered, to a
 * visitor. Consumers that need the whole graph rather than a verdict (the viewer's send graph, the
 * path generator's state graph) read the system through this walk instead of writing their own BFS.
 *
 * Contract of the walk:
 * - States are stored in a MemoryStateStore in discovery (breadth-first) order; state 0 is the
 *   system's initial state (or `from`). Their indices are the store's.
 * - States are expanded in index order. `onState(s, expanded)` is called once per stored state, in
 *   index order, before the edges of that state; `expanded` is false past `maxStates` (the state
 *   stays in the graph as a dead end and the walk is not `complete`).
 * - For each actor a, each offer o of that actor in state s, in that order, the step is taken with a
 *   delivery record. A blocked step is no edge and is not reported. Every other step is an edge,
 *   reported by `onEdge` with its label (compose/stepLabel.ts), its code (STEP_OK or a 1-based
 *   violation), the deliveries it made and the vector it ends in.
 * - The walk expands past an invariant failure and past a violation that continues (a WARN), as
 *   systemLogic does; a step whose violation does not continue (an oops, a NULL call) ends the story:
 *   its edge goes to CRASH and its end vector is not stored.
 * - `edge.next` and `edge.deliveries` are the walk's own buffers: valid only during the call.
 * - No invariant, deadlock or progress check is made here: that is `explore`'s work (its hot loop
 *   takes memoized steps that record no deliveries, which is why it does not run through this walk).
 */
import { STEP_BLOCKED, STEP_OK, stepLabel } from '../compose/stepLabel.ts';
import type { DeliveryRecord, System } from '../compose/system.ts';
import { MemoryStateStore } from './stateStore.ts';

/** Destination of an edge whose step crashes the kernel (an oops, a NULL call): no state follows it. */
export const CRASH = -1;

/** One edge of the walk, as the visitor sees it. */
export interface GraphEdge {
  /** The state the step leaves. */
  readonly from: number;
  /** The step's label (compose/stepLabel.ts) and its parts. */
  readonly label: number;
  readonly actor: number;
  readonly offer: number;
  /** STEP_OK, or the 1-based violation the step commits (`system.violation(code)`). */
  readonly code: number;
  /** The state the step ends in, or CRASH. */
  readonly to: number;
  /** True when `to` was first found by this edge. */
  readonly added: boolean;
  /** The vector the step ends in (also for a CRASH edge). Valid only during the call. */
  readonly next: Int32Array;
  /** What each delivery of the step did, in order. Valid only during the call. */
  readonly deliveries: readonly DeliveryRecord[];
}

export interface GraphVisitor {
  onState?(state: number, expanded: boolean): void;
  onEdge?(edge: GraphEdge): void;
}

export interface GraphWalkOptions {
  /** States with an index at or past this are stored but not expanded. */
  readonly maxStates?: number;
  /** Start from this state instead of the system's initial one. */
  readonly from?: Int32Array;
}

export interface GraphWalk {
  readonly store: MemoryStateStore;
  /** States stored (expanded or not). */
  readonly states: number;
  /** States expanded. */
  readonly expanded: number;
  /** Edges reported (blocked steps are not edges). */
  readonly edges: number;
  /** False when `maxStates` left stored states unexpanded. */
  readonly complete: boolean;
}

/** Walks the reachable graph of `system` breadth-first, reporting to `visitor` (see the module header). */
export function exploreGraph(system: System, visitor: GraphVisitor, options: GraphWalkOptions = {}): GraphWalk {
  const maxStates = options.maxStates ?? Infinity;
  const w = system.width;
  const store = new MemoryStateStore(w);
  store.add(options.from ?? system.initial, -1, -1);
  const cur = new Int32Array(w);
  const out = new Int32Array(w);
  const deliveries: DeliveryRecord[] = [];
  let edges = 0;
  let expanded = 0;
  for (let s = 0; s < store.count; s++) {
    const expand = s < maxStates;
    visitor.onState?.(s, expand);
    if (!expand) continue;
    expanded++;
    store.load(s, cur);
    for (let actor = 0; actor < w; actor++) {
      const offers = system.actors[actor].offers(cur[actor]).length;
      for (let offer = 0; offer < offers; offer++) {
        out.set(cur);
        deliveries.length = 0;
        const code = system.step(out, actor, offer, deliveries);
        if (code === STEP_BLOCKED) continue;
        const label = stepLabel(actor, offer);
        let to = CRASH;
        let added = false;
        if (code === STEP_OK || system.violation(code).continues) {
          const at = store.add(out, s, label);
          added = at >= 0;
          to = added ? at : -1 - at;
        }
        edges++;
        visitor.onEdge?.({ from: s, label, actor, offer, code, to, added, next: out, deliveries });
      }
    }
  }
  return { store, states: store.count, expanded, edges, complete: expanded === store.count };
}
