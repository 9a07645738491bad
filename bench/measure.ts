/**
 * One measurement in its own process, so that peak memory is this run's alone.
 * Prints one JSON line. Usage: tsx bench/measure.ts ENGINE SCENARIO [REVISION|-] [size=N ...]
 * ENGINE: daxspec (our explorer); xstate-graph-plain (@xstate/graph getShortestPaths on a composition that calls
 * XState's transition on every delivery: the baseline of DESIGN.md); xstate-graph (getShortestPaths on our
 * memoized system logic: the traversal alone); xstate-graph-adjacency (@xstate/graph's getAdjacencyMap, its own
 * breadth-first traversal, with its own serialization: a one-actor scenario's machine is given to it as it is, with
 * every event the environment offers; a composed one as the plain composition above); xstate-graph-adjacency-memo
 * (getAdjacencyMap on our memoized system logic: its traversal alone). Edges are counted after the timer stops:
 * the (state, event) pairs of the map whose successor is another state.
 */
import { getAdjacencyMap, getShortestPaths, serializeSnapshot, type AdjacencyMap } from '@xstate/graph';
import type { AnyMachineSnapshot, EventObject, Snapshot } from 'xstate';
import { resolveRevision, resolveSizes } from '../src/check/check.ts';
import { explore } from '../src/check/explore.ts';
import { System } from '../src/compose/system.ts';
import { systemLogic, type SystemSnapshot } from '../src/compose/systemLogic.ts';
import { findScenario } from '../src/registry.ts';
import { plainLogic, serializePlain, type PlainSnapshot } from './plainLogic.ts';

const [engine, name, rev, ...rest] = process.argv.slice(2);
const scenario = findScenario(name);
const revision =
  resolveRevision(scenario, rev && rev !== '-' ? rev : undefined) ??
  (scenario.revisions.length ? scenario.revisions[scenario.revisions.length - 1] : undefined);
const flags = Object.fromEntries(
  rest
    .filter((a) => !a.startsWith('--'))
    .map((a) => a.split('='))
    .map(([k, v]) => [k, Number(v)]),
);
const symmetry = rest.includes('--symmetry');
const fingerprint = rest.includes('--fingerprint');
const sizes = resolveSizes(scenario, flags);
const decl = scenario.build(revision, sizes);

const started = performance.now();
const cpu0 = process.cpuUsage();
let states: number;
let edges = 0;
let storeBytes = 0;
/** Calls into XState's transition functions: the work memoization saves. */
let xstateCalls = 0;
let graph: ReturnType<typeof adjacency> | undefined;
if (engine === 'daxspec') {
  const r = explore(new System(decl), { symmetry, fingerprint });
  states = r.states;
  edges = r.edges;
  storeBytes = r.store.bytes();
  xstateCalls = r.system.actors.reduce((n, a) => n + a.xstateCalls, 0);
} else if (engine === 'xstate-graph-plain') {
  const logic = plainLogic(decl);
  const paths = getShortestPaths(logic, { events: (s) => logic.nextEvents(s), serializeState: (s) => serializePlain(s as PlainSnapshot) });
  states = paths.length;
  xstateCalls = logic.xstateCalls();
} else if (engine === 'xstate-graph-adjacency' || engine === 'xstate-graph-adjacency-memo') {
  graph = adjacency(engine.endsWith('-memo'));
  states = Object.keys(graph.map).length;
  xstateCalls = graph.xstateCalls;
} else {
  const logic = systemLogic(new System(decl));
  // The system's own identity (its interned vector) is the fairest key to give @xstate/graph.
  const paths = getShortestPaths(logic, {
    events: (s) => logic.nextEvents(s),
    serializeState: (s) => (s as SystemSnapshot).vector.join(','),
  });
  states = paths.length;
}
const cpu = process.cpuUsage(cpu0);
const seconds = (performance.now() - started) / 1000;
if (graph) edges = countEdges(graph.map, graph.key);
process.stdout.write(
  JSON.stringify({
    engine,
    scenario: name,
    revision: revision ?? null,
    sizes,
    symmetry,
    fingerprint,
    states,
    edges,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    storeBytes,
    xstateCalls,
  }) + '\n',
);

type Graph = AdjacencyMap<Snapshot<unknown>, EventObject>;

/**
 * getAdjacencyMap over the scenario: the machine itself when there is one actor, else the plain composition.
 * `key` is the serialization the traversal used, for counting edges afterwards.
 */
function adjacency(memo: boolean): { map: Graph; key: (s: Snapshot<unknown>) => string; xstateCalls: number } {
  if (memo) {
    const system = new System(decl);
    const logic = systemLogic(system);
    const key = (s: Snapshot<unknown>) => (s as SystemSnapshot).vector.join(',');
    const map = getAdjacencyMap(logic, { events: (s) => logic.nextEvents(s), serializeState: key }) as Graph;
    return { map, key, xstateCalls: system.actors.reduce((n, a) => n + a.xstateCalls, 0) };
  }
  if (decl.actors.length === 1) {
    const [actor] = decl.actors;
    const events = Object.entries(actor.env ?? {}).flatMap(([type, variants]) => variants.map((p) => ({ ...p, type }) as EventObject));
    // @xstate/graph's defaults for a machine: its serializeSnapshot, and of the events given, those the state accepts.
    const map = getAdjacencyMap(actor.machine, { events, input: actor.input }) as Graph;
    return { map, key: (s) => serializeSnapshot(s as AnyMachineSnapshot), xstateCalls: 0 };
  }
  const logic = plainLogic(decl);
  const map = getAdjacencyMap(logic, { events: (s) => logic.nextEvents(s), serializeState: (s) => serializePlain(s) }) as Graph;
  return { map, key: (s) => serializePlain(s as PlainSnapshot), xstateCalls: logic.xstateCalls() };
}

/** Transitions to another state: an event the state does not take leaves @xstate/graph's machine where it was. */
function countEdges(map: Graph, key: (s: Snapshot<unknown>) => string): number {
  let n = 0;
  for (const [from, value] of Object.entries(map))
    for (const t of Object.values(value.transitions) as { state: Snapshot<unknown> }[]) if (key(t.state) !== from) n++;
  return n;
}
