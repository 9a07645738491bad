/**
 * What enumerating successors costs apart from storing them: percpu_ref N is explored once, then every stored
 * state's successors are enumerated (each offer of each actor, and the memo's whole step for an offer that
 * calls) without looking any up, in two ways taken in turns in this one process:
 *   lists  through the actor tables' lists of Delivery objects (ActorTable.offers), the memo by offer number
 *   index  through the system's StepIndex (numbered offers in typed arrays, System.memoized)
 * Both must give the same checksum of the ids and codes they read; the timer covers the loop alone.
 * Usage: tsx bench/successorLoop.ts [USERS] [RUNS]   (prints JSON: milliseconds of each run of each way)
 */
import { resolveSizes } from '../src/check/check.ts';
import { explore } from '../src/check/explore.ts';
import { OWN_MOVE } from '../src/compose/stepIndex.ts';
import { NOT_MEMOIZED, STEP_BLOCKED } from '../src/compose/stepLabel.ts';
import { System } from '../src/compose/system.ts';
import { findScenario } from '../src/registry.ts';

const users = Number(process.argv[2] ?? 5);
const runs = Number(process.argv[3] ?? 5);
const scenario = findScenario('percpu-ref');
const system = new System(scenario.build(undefined, resolveSizes(scenario, { users })));
const r = explore(system);
const w = system.width;
const states = r.states;
const cur = new Int32Array(w);

function lists(): number {
  let sum = 0;
  for (let s = 0; s < states; s++) {
    r.store.load(s, cur);
    for (let a = 0; a < w; a++) {
      const offers = system.actors[a].offers(cur[a]);
      // The memo is the index's either way: only the offer's number comes from it here.
      const k0 = system.steps.begin(a, cur[a]);
      for (let o = 0; o < offers.length; o++) {
        const d = offers[o];
        if (d.sendVector.length === 0 && d.violation === undefined) {
          sum += d.next;
          continue;
        }
        const code = system.memoized(cur, k0 + o);
        if (code === NOT_MEMOIZED || code === STEP_BLOCKED) continue;
        sum += system.memoSelf + system.memoTargetNext + code;
      }
    }
  }
  return sum;
}

function index(): number {
  const ix = system.steps;
  let sum = 0;
  for (let s = 0; s < states; s++) {
    r.store.load(s, cur);
    for (let a = 0; a < w; a++) {
      const k0 = ix.begin(a, cur[a]);
      const k1 = ix.end;
      for (let k = k0; k < k1; k++) {
        if (ix.callee[k] === OWN_MOVE) {
          sum += ix.next[k];
          continue;
        }
        const code = system.memoized(cur, k);
        if (code === NOT_MEMOIZED || code === STEP_BLOCKED) continue;
        sum += system.memoSelf + system.memoTargetNext + code;
      }
    }
  }
  return sum;
}

const ms: Record<'lists' | 'index', number[]> = { lists: [], index: [] };
const sums = new Set<number>();
for (let i = 0; i < runs; i++) {
  for (const [name, loop] of [
    ['lists', lists],
    ['index', index],
  ] as const) {
    const t = performance.now();
    sums.add(loop());
    ms[name].push(Math.round(performance.now() - t));
  }
}
if (sums.size !== 1) throw new Error(`the two ways read different successors: checksums ${[...sums].join(', ')}`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(JSON.stringify({ users, states, edges: r.edges, ms, median: { lists: median(ms.lists), index: median(ms.index) } }));
