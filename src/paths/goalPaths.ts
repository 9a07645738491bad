import { ModelError } from '../compose/errors.ts';
import type { System } from '../compose/system.ts';
import { expectedSteps, type ExpectedStep } from './expectedSteps.ts';
import { CRASH, type StateGraph } from './stateGraph.ts';

/**
 * Goal-directed paths (@xstate/graph's `toState`): over the explored state graph, the shortest path
 * to each state where the goal holds (one per goal state, in BFS order), or every simple path (no
 * state twice) to a goal state, up to a length bound. States are the composed system's, so a goal
 * is met by a configuration of the whole system, not one machine's state alone.
 */
export interface GoalPath {
  /** Index of the goal state in the graph. */
  readonly state: number;
  readonly steps: readonly ExpectedStep[];
}

/** `fs0.mounted`, or for a system of one actor just `success`: the actor is in that state (a dotted path). */
export function goalOf(system: System, spec: string): (state: Int32Array) => boolean {
  const single = system.width === 1 && !system.index.has(spec.split('.')[0]);
  const actor = single ? system.names[0] : spec.split('.')[0];
  const path = single ? spec : spec.slice(actor.length + 1);
  if (!system.index.has(actor)) throw new Error(`--to ${spec}: no actor ${actor} (actors: ${system.names.join(', ')})`);
  if (!path) throw new Error(`--to ${spec}: name a state of ${actor}, as ${actor}.STATE`);
  // Asked once now: a state the machine does not have is the user's --to, not a fault of the model met mid-search.
  try {
    system.view(system.initial)(actor).matches(path);
  } catch (e) {
    if (!(e instanceof ModelError && e.code === 'unknown-state')) throw e;
    const states = (e.fields.states as readonly string[]).join(', ');
    throw new Error(
      single
        ? `--to ${spec}: ${actor}, the only actor, has no state '${path}' (its states: ${states}); name a state of it, or pick a scenario with --scenario`
        : `--to ${spec}: ${actor} has no state '${path}' (its states: ${states})`,
      { cause: e },
    );
  }
  return (state) => system.view(state)(actor).matches(path);
}

const stateOf = (g: StateGraph, s: number): Int32Array => {
  const v = new Int32Array(g.system.width);
  g.store.load(s, v);
  return v;
};

/** The shortest path to every state where `goal` holds. */
export function shortestPathsTo(g: StateGraph, goal: (state: Int32Array) => boolean): GoalPath[] {
  const parent = new Int32Array(g.states).fill(-2);
  parent[0] = -1;
  const order = [0];
  for (let h = 0; h < order.length; h++) {
    const u = order[h];
    for (let e = g.edgeStart[u]; e < g.edgeStart[u + 1]; e++) {
      const to = g.edgeTo[e];
      if (to !== CRASH && parent[to] === -2) {
        parent[to] = e;
        order.push(to);
      }
    }
  }
  const source = sourcesOf(g);
  return order
    .filter((s) => goal(stateOf(g, s)))
    .map((s) => {
      const edges: number[] = [];
      for (let x = s; parent[x] >= 0; x = source[parent[x]]) edges.push(parent[x]);
      return { state: s, steps: stepsOf(g, edges.reverse()) };
    });
}

/** Every simple path (no state visited twice) from the initial state to a goal state, of at most `maxLength` steps. */
export function simplePathsTo(g: StateGraph, goal: (state: Int32Array) => boolean, maxLength = Infinity): GoalPath[] {
  const isGoal = Uint8Array.from({ length: g.states }, (_, s) => (goal(stateOf(g, s)) ? 1 : 0));
  const onPath = new Uint8Array(g.states);
  const edges: number[] = [];
  const out: GoalPath[] = [];
  const visit = (u: number): void => {
    if (isGoal[u]) out.push({ state: u, steps: stepsOf(g, edges) });
    if (edges.length >= maxLength) return;
    onPath[u] = 1;
    for (let e = g.edgeStart[u]; e < g.edgeStart[u + 1]; e++) {
      const to = g.edgeTo[e];
      if (to === CRASH || onPath[to]) continue;
      edges.push(e);
      visit(to);
      edges.pop();
    }
    onPath[u] = 0;
  };
  visit(0);
  return out;
}

function sourcesOf(g: StateGraph): Int32Array {
  const src = new Int32Array(g.edges);
  for (let s = 0; s < g.states; s++) for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) src[e] = s;
  return src;
}

function stepsOf(g: StateGraph, edges: readonly number[]): ExpectedStep[] {
  const labels = edges.map((e) => g.edgeLabel[e]);
  return expectedSteps(g.system, labels);
}
