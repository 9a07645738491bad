import { STEP_BLOCKED, STEP_OK, type DeliveryRecord, type System } from '../compose/system.ts';
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
 * The sends of a system as they happen, not as the machines' source suggests: a breadth-first walk
 * over the reachable states records every delivery of every step. Run it on a system the checker
 * has explored and the actor tables are warm: the walk then calls no XState code at all.
 */
export function exploreSends(system: System, maxStates = 100_000): SendGraph {
  const calls = new Map<string, Set<string>>();
  const env = new Map<string, Set<string>>(system.names.map((n) => [n, new Set<string>()]));
  const seen = new Set<string>([system.initial.join(',')]);
  const queue: Int32Array[] = [system.initial.slice()];
  let complete = true;
  const record: DeliveryRecord[] = [];
  const snapshots = system.names.map(() => new Set<number>());
  const fired = system.names.map(() => new Set<string>());
  system.initial.forEach((id, a) => snapshots[a].add(id));
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head];
    for (let a = 0; a < system.width; a++) {
      const offers = system.actors[a].offers(state[a]).length;
      for (let o = 0; o < offers; o++) {
        const next = state.slice();
        record.length = 0;
        const r = system.step(next, a, o, record);
        // A blocked step did not happen: the calls it tried are not sends of the system.
        if (r === STEP_BLOCKED) continue;
        // A state the step ends in is reached even when exploration stops there (an oops).
        for (let x = 0; x < system.width; x++) snapshots[x].add(next[x]);
        for (const d of record) {
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
        // An oops ends the story there, as in the checker (its calls are still shown); a WARN goes on.
        if (r !== STEP_OK && !system.violation(r).continues) continue;
        const key = next.join(',');
        if (seen.has(key)) continue;
        if (seen.size >= maxStates) {
          complete = false;
          continue;
        }
        seen.add(key);
        queue.push(next);
      }
    }
  }
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
    complete,
    states: seen.size,
  };
}
