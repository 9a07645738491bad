/**
 * One measurement in its own process, so that peak memory is this run's alone.
 * Prints one JSON line. Usage: tsx bench/measure.ts ENGINE SCENARIO [REVISION|-] [size=N ...]
 * ENGINE: daxspec (our explorer); xstate-graph-plain (@xstate/graph getShortestPaths on a composition that calls
 * XState's transition on every delivery: the baseline of DESIGN.md); xstate-graph (getShortestPaths on our
 * memoized system logic: the traversal alone).
 */
import { getShortestPaths } from '@xstate/graph';
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
