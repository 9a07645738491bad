/**
 * The composed system wrapped as an XState ActorLogic, so @xstate/graph and other XState tooling can walk it
 * unchanged.
 */
import type { ActorLogic, AnyMachineSnapshot, EventObject, Snapshot } from 'xstate';
import { STEP_BLOCKED, STEP_OK } from './stepLabel.ts';
import type { System } from './system.ts';

/** The composed system's snapshot: each actor's XState snapshot, and the interned vector behind them. */
export type SystemSnapshot = Snapshot<undefined> & {
  readonly status: 'active';
  readonly vector: readonly number[];
  readonly actors: Readonly<Record<string, AnyMachineSnapshot>>;
};

/** One step: an environment event to one actor (`offer` indexes that actor's offers in this state). */
export interface SystemEvent extends EventObject {
  readonly type: 'step';
  readonly actor: string;
  readonly event: EventObject;
}

/**
 * The system as an XState ActorLogic, so @xstate/graph and other XState tooling
 * work on it unchanged. Steps that crash the kernel (a NULL dereference, a call
 * the target cannot take) lead nowhere and are not offered.
 */
export function systemLogic(system: System): ActorLogic<SystemSnapshot, SystemEvent> & { nextEvents(s: SystemSnapshot): SystemEvent[] } {
  const snapshotOf = (vec: Int32Array): SystemSnapshot => ({
    status: 'active',
    output: undefined,
    error: undefined,
    vector: [...vec],
    actors: Object.fromEntries(system.names.map((n, i) => [n, system.actors[i].snapshot(vec[i])])),
  });
  const successor = (s: SystemSnapshot, actor: number, offer: number): Int32Array | undefined => {
    const out = Int32Array.from(s.vector);
    const r = system.step(out, actor, offer);
    if (r === STEP_BLOCKED) return undefined;
    if (r !== STEP_OK && !system.violation(r).continues) return undefined;
    return out;
  };
  const nextEvents = (s: SystemSnapshot): SystemEvent[] => {
    const list: SystemEvent[] = [];
    system.actors.forEach((t, a) => {
      t.offers(s.vector[a]).forEach((d, o) => {
        if (successor(s, a, o)) list.push({ type: 'step', actor: system.names[a], event: system.events.get(d.event) });
      });
    });
    return list;
  };
  return {
    config: system,
    nextEvents,
    transition: (s, e) => {
      const a = system.index.get(e.actor);
      if (a === undefined) return s;
      const key = JSON.stringify(e.event);
      const o = system.actors[a].offers(s.vector[a]).findIndex((d) => JSON.stringify(system.events.get(d.event)) === key);
      if (o < 0) return s;
      const next = successor(s, a, o);
      return next ? snapshotOf(next) : s;
    },
    getInitialSnapshot: () => snapshotOf(system.initial),
    getPersistedSnapshot: (s) => s,
    restoreSnapshot: (s) => s as unknown as SystemSnapshot,
  };
}
