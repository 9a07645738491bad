import type { EventObject } from 'xstate';
import { canonicalJson } from '../compose/events.ts';
import { STEP_BLOCKED, STEP_OK, type System } from '../compose/system.ts';
import { actorVar, eventFromItf, type ItfTrace } from './itf.ts';
import { closeLoop } from './lassoReplay.ts';

export interface ReplayResult {
  /** Steps replayed and matched. */
  readonly matched: number;
  readonly total: number;
  /** Where the machines and the trace part ways, if they do. */
  readonly divergence?: { readonly step: number; readonly message: string };
  /** The violation the last step commits, if it commits one. */
  readonly violation?: string;
  /** A lasso (ITF `loop`): the state its cycle starts at, which the last state is again. */
  readonly loop?: number;
}

interface Candidate {
  actor: number;
  offer: number;
  event: EventObject;
  next: Int32Array;
  code: number;
}

/**
 * Replays an ITF trace against the machines: every state must be the one the
 * machines reach. A state's `#meta` may name the step (actor and event, as daxspec
 * writes it); without it, any successor that matches is taken, so traces from
 * other tools replay too.
 */
export function replayItf(system: System, itf: ItfTrace): ReplayResult {
  const total = itf.states.length - 1;
  const first = mismatch(system, system.initial, itf.states[0]);
  if (first) return { matched: 0, total, divergence: { step: 0, message: `the initial state differs: ${first}` } };
  let cur: Int32Array = system.initial.slice();
  const visited: Int32Array[] = [cur];
  for (let i = 1; i < itf.states.length; i++) {
    const want = itf.states[i];
    const meta = want['#meta'] ?? {};
    let candidates = successors(system, cur);
    if (meta.actor !== undefined) {
      const actor = system.names.indexOf(meta.actor);
      if (actor < 0) return { matched: i - 1, total, divergence: { step: i, message: `no actor named ${meta.actor} in this system` } };
      const event = meta.event === undefined ? undefined : canonicalJson(eventFromItf(meta.event));
      candidates = candidates.filter((c) => c.actor === actor && (event === undefined || canonicalJson(c.event) === event));
      if (candidates.length === 0) {
        const e = meta.event === undefined ? '' : ` ${eventFromItf(meta.event).type}`;
        return { matched: i - 1, total, divergence: { step: i, message: `${meta.actor} cannot take${e} here` } };
      }
    }
    const hit = candidates.find((c) => !mismatch(system, c.next, want));
    if (!hit) {
      const why = candidates.length ? mismatch(system, candidates[0].next, want) : 'no step of the machines leads there';
      return { matched: i - 1, total, divergence: { step: i, message: why! } };
    }
    if (hit.code !== STEP_OK) {
      const v = system.violation(hit.code);
      if (!v.continues || i === itf.states.length - 1) return { matched: i, total, violation: `${v.text}`, ...(i < total ? { divergence: { step: i + 1, message: 'the trace goes on past a step that crashes' } } : {}) };
    }
    cur = hit.next;
    visited.push(cur);
  }
  if (itf.loop !== undefined) return closeLoop(itf.loop, visited);
  const view = system.view(cur);
  const failed = system.invariants.find((inv) => !inv.holds(view));
  return failed ? { matched: total, total, violation: `${failed.id}: ${failed.text}` } : { matched: total, total };
}

function successors(system: System, cur: Int32Array): Candidate[] {
  const list: Candidate[] = [];
  for (let a = 0; a < system.width; a++) {
    const offers = system.actors[a].offers(cur[a]);
    for (let o = 0; o < offers.length; o++) {
      const next = cur.slice();
      const code = system.step(next, a, o);
      if (code === STEP_BLOCKED) continue;
      list.push({ actor: a, offer: o, event: system.events.get(offers[o].event), next, code });
    }
  }
  return list;
}

/** Why `vec` is not the ITF state `want`, or undefined when it is. Variables the trace omits are not compared. */
function mismatch(system: System, vec: Int32Array, want: Record<string, unknown>): string | undefined {
  for (const [name, value] of Object.entries(want)) {
    if (name === '#meta') continue;
    const a = system.names.indexOf(name);
    if (a < 0) return `the trace has a variable ${name}, which is no actor of this system`;
    const have = actorVar(system, a, vec[a]);
    if (canonicalJson(have) !== canonicalJson(value)) {
      return `${name} is ${short(have)} in the machines but ${short(value)} in the trace`;
    }
  }
  return undefined;
}

const short = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
};
