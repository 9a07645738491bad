/**
 * The baseline a straightforward tool would be: the composed system as an ActorLogic that
 * calls XState's own `transition` for every delivery of every step, with no interning and no
 * memo, as @xstate/graph would drive it. Same step semantics as src/compose/system.ts (calls
 * delivered FIFO within the step; a call whose guards all fail blocks the step; a crash, a call on NULL
 * or entering a failure state other than a WARN, ends it).
 */
import {
  getNextTransitions,
  initialTransition,
  transition,
  type ActorLogic,
  type AnyMachineSnapshot,
  type EventObject,
  type Snapshot,
} from 'xstate';
import { canonicalJson } from '../src/compose/events.ts';
import { addressOf } from '../machines/kit/messages.ts';
import type { SystemDecl } from '../machines/kit/types.ts';
import { historyNodes, sendToParams } from '../src/compose/xstateInternals.ts';

export type PlainSnapshot = Snapshot<undefined> & { status: 'active'; actors: AnyMachineSnapshot[] };
export interface PlainEvent extends EventObject {
  type: 'step';
  actor: number;
  event: EventObject;
}

export function plainLogic(
  decl: SystemDecl,
): ActorLogic<PlainSnapshot, PlainEvent> & { nextEvents(s: PlainSnapshot): PlainEvent[]; xstateCalls(): number } {
  let calls = 0;
  const index = new Map(decl.actors.map((a, i) => [a.name, i]));
  /** The successor, or undefined when the step blocks or crashes. */
  const step = (s: PlainSnapshot, actor: number, event: EventObject): AnyMachineSnapshot[] | undefined => {
    const actors = [...s.actors];
    const queue: [number, EventObject][] = [[actor, event]];
    let first = true;
    while (queue.length) {
      const [to, e] = queue.shift()!;
      const machine = decl.actors[to].machine;
      calls++;
      if (machine.getTransitionData(actors[to], e).length === 0) {
        if (first) return undefined;
        calls++;
        const exists = getNextTransitions(actors[to]).some((t) => t.eventType === e.type);
        return exists ? undefined : undefined; // blocked or unaccepted: no successor either way
      }
      first = false;
      calls++;
      const [next, actions] = transition(machine, actors[to], e);
      // A kernel failure state that is not a WARN (an oops, a use after free) ends the run: no successor.
      if (next.hasTag('violation') && !next.hasTag('warn')) return undefined;
      actors[to] = next;
      for (const a of actions) {
        const send = sendToParams(a);
        if (!send) continue;
        const address = addressOf(send.to);
        if (!address || address.null) return undefined;
        queue.push([index.get(address.id)!, { ...send.event, from: decl.actors[to].name } as EventObject]);
      }
    }
    return actors;
  };
  const nextEvents = (s: PlainSnapshot): PlainEvent[] => {
    const list: PlainEvent[] = [];
    decl.actors.forEach((a, i) => {
      for (const [type, variants] of Object.entries(a.env ?? {})) {
        for (const payload of variants) {
          const event = { ...payload, type } as EventObject;
          if (step(s, i, event)) list.push({ type: 'step', actor: i, event });
        }
      }
    });
    return list;
  };
  return {
    nextEvents,
    xstateCalls: () => calls,
    transition: (s, e) => {
      const next = step(s, e.actor, e.event);
      return next ? { ...s, actors: next } : s;
    },
    getInitialSnapshot: () => ({
      status: 'active',
      output: undefined,
      error: undefined,
      actors: decl.actors.map((a) => initialTransition(a.machine, a.input)[0]),
    }),
    getPersistedSnapshot: (s) => s,
    restoreSnapshot: (s) => s as unknown as PlainSnapshot,
  };
}

/**
 * Value, context and history of every actor: the identity DESIGN.md asks for, in canonical
 * JSON (keys sorted) as our interning has it: a map filled in another order is the same state.
 */
export function serializePlain(s: PlainSnapshot): string {
  return canonicalJson(
    s.actors.map((a) => [a.value, a.context, Object.fromEntries(Object.entries(historyNodes(a)).map(([k, v]) => [k, v.map((n) => n.id)]))]),
  );
}
