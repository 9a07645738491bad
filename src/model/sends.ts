/**
 * The send graph of a system as it runs: who calls whom with which events, which environment events each actor
 * takes, and what each actor reached, read from the explorer's graph walk.
 */
import type { System } from '../compose/system.ts';
import { exploreGraph } from '../check/exploreGraph.ts';
import { activePaths } from './chart.ts';

/** Who calls whom with which events, and which events the environment offers each actor. */
export interface SendGraph {
  /** `from -> to`: the event types `from` delivered to `to` in some reachable state. */
  readonly calls: readonly { readonly from: string; readonly to: string; readonly events: readonly string[] }[];
  /** Per actor, the environment events it took in some reachable state. */
  readonly env: Readonly<Record<string, readonly string[]>>;
  /**
   * Per actor, the state paths it was in and the transitions (`transitionId`s) it took in some
   * reachable state: what was never reached is greyed in the diagrams.
   */
  readonly reached: Readonly<Record<string, Reached>>;
  /** False when `maxStates` cut the exploration short: then some sends (and reached states) may be missing. */
  readonly complete: boolean;
  readonly states: number;
}

export interface Reached {
  readonly states: readonly string[];
  readonly transitions: readonly string[];
}

/**
 * The sends of a system as they happen, not as the machines' source suggests: the explorer's graph
 * walk (check/exploreGraph.ts) visits every edge, and each delivery of each step is recorded. Run it on a system the checker
 * has explored and the actor tables are warm: the walk then calls no XState code at all.
 */
export function exploreSends(system: System, maxStates = 100_000): SendGraph {
  const calls = new Map<string, Set<string>>();
  const env = new Map<string, Set<string>>(system.names.map((n) => [n, new Set<string>()]));
  const snapshots = system.names.map(() => new Set<number>());
  const fired = system.names.map(() => new Set<string>());
  system.initial.forEach((id, a) => snapshots[a].add(id));
  // Blocked steps are no edges (the calls they tried are not sends of the system); an oops is an
  // edge to CRASH, so its calls are shown and the state it ends in is reached, but the story ends there.
  const walk = exploreGraph(
    system,
    {
      onEdge: ({ next, deliveries }) => {
        for (let x = 0; x < system.width; x++) snapshots[x].add(next[x]);
        for (const d of deliveries) {
          // A call on NULL reaches no actor: there is no edge to draw.
          if (!d.delivery) continue;
          for (const t of d.delivery.taken) fired[d.actor].add(t.id);
          const type = system.events.get(d.delivery.event).type;
          if (d.from === undefined) env.get(system.names[d.actor])!.add(type);
          else {
            const key = `${system.names[d.from]}\u0000${system.names[d.actor]}`;
            let set = calls.get(key);
            if (!set) calls.set(key, (set = new Set()));
            set.add(type);
          }
        }
      },
    },
    { maxStates },
  );
  return {
    calls: [...calls].map(([k, events]) => {
      const [from, to] = k.split('\u0000');
      return { from, to, events: [...events].sort() };
    }),
    env: Object.fromEntries([...env].map(([k, v]) => [k, [...v].sort()])),
    reached: Object.fromEntries(
      system.names.map((name, a) => {
        const paths = new Set<string>(['']);
        for (const id of snapshots[a]) for (const p of activePaths(system.actors[a].view(id).value)) paths.add(p);
        return [name, { states: [...paths].sort(), transitions: [...fired[a]].sort() }];
      }),
    ),
    complete: walk.complete,
    states: walk.expanded,
  };
}
