/**
 * The replay of a recorded path through the composed system, step by step against what was recorded:
 * the first divergence, with the step and the fields that differ, or none.
 */
import { canonicalJson, formatEvent } from '../compose/events.ts';
import { STEP_BLOCKED, STEP_OK } from '../compose/stepLabel.ts';
import type { StepViolation, System } from '../compose/system.ts';
import { actorState, failingInvariants, type ActorState, type ExpectedEnd, type ExpectedStep } from './expectedSteps.ts';

/** Where a replayed path parts from what was recorded: the step (1-based) and why. */
export interface Divergence {
  readonly step: number;
  readonly message: string;
}

const short = (v: unknown): string => {
  const s = canonicalJson(v);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
};

/**
 * Whether a committed violation (or none) is the recorded one: its text, and its actor where one was recorded (a
 * record written before actors were kept still replays; `paths --check` names it stale).
 */
function sameViolation(v: StepViolation | undefined, text: string | undefined, by: string | undefined): boolean {
  if (v === undefined) return text === undefined && by === undefined;
  return v.text === text && (by === undefined || v.actor === by);
}

function committed(v: StepViolation | undefined, none: string, suffix = ''): string {
  return v === undefined ? none : `"${v.text}" in ${v.actor}${suffix}`;
}

function recorded(text: string | undefined, by: string | undefined): string {
  return text === undefined ? 'none' : by === undefined ? `"${text}"` : `"${text}" in ${by}`;
}

/** Finds the offer of `actor` in `state` whose event is `event`, or -1. */
export function offerOf(system: System, state: Int32Array, actor: number, event: object): number {
  const want = canonicalJson(event);
  return system.actors[actor].offers(state[actor]).findIndex((d) => canonicalJson(system.events.get(d.event)) === want);
}

/**
 * Replays a recorded path through the composed system and compares every step with the record:
 * the step must be offered, change exactly the recorded actors to exactly the recorded states,
 * commit the recorded violation (or none) and the recorded second one (or none), each in its recorded
 * actor, and leave exactly the recorded invariants failing.
 * Returns the first divergence, or undefined when the machines still do what was recorded.
 */
export function replayExpected(system: System, steps: readonly ExpectedStep[], end?: ExpectedEnd): Divergence | undefined {
  let cur = system.initial.slice();
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const at = (message: string): Divergence => ({
      step: i + 1,
      message: `step ${i + 1} (${s.actor}: ${formatEvent(s.event)}): ${message}`,
    });
    const a = system.index.get(s.actor);
    if (a === undefined) return at(`no actor ${s.actor} in the system`);
    const offer = offerOf(system, cur, a, s.event);
    if (offer < 0) {
      const offered = system.actors[a].offers(cur[a]).map((d) => formatEvent(system.events.get(d.event)));
      return at(
        `not offered any more (${s.actor} is in ${short(system.actors[a].view(cur[a]).value)} and offers ${offered.join(', ') || 'nothing'})`,
      );
    }
    const next = cur.slice();
    const code = system.step(next, a, offer);
    if (code === STEP_BLOCKED) return at('the step blocks now');
    const first = code === STEP_OK ? undefined : system.violation(code);
    if (!sameViolation(first, s.violation, s.violationBy))
      return at(`commits ${committed(first, 'no violation')}, recorded ${recorded(s.violation, s.violationBy)}`);
    const second = code === STEP_OK || system.alsoViolated === 0 ? undefined : system.violation(system.alsoViolated);
    if (!sameViolation(second, s.alsoViolation, s.alsoViolationBy))
      return at(
        `commits ${committed(second, 'no second violation', ' beside it')}, recorded ${recorded(s.alsoViolation, s.alsoViolationBy)}`,
      );
    for (let x = 0; x < system.width; x++) {
      const name = system.names[x];
      const want = s.changed[name];
      if (next[x] === cur[x]) {
        if (want) return at(`${name} did not change; recorded ${short(want)}`);
        continue;
      }
      const have = actorState(system, x, next[x]);
      if (!want) return at(`${name} changed to ${short(have)}; recorded unchanged`);
      if (canonicalJson(have) !== canonicalJson(want)) return at(`${name}: ${stateDiff(have, want)}`);
    }
    const crashed = code !== STEP_OK && !system.violation(code).continues;
    if (!crashed) {
      const failing = failingInvariants(system, next);
      if (canonicalJson(failing) !== canonicalJson(s.failing ?? []))
        return at(`invariants failing: [${failing.join(', ')}]; recorded [${(s.failing ?? []).join(', ')}]`);
    }
    cur = next;
  }
  if (end) {
    const why = end.kind === 'deadlock' ? deadlockAt(system, cur, end.actor) : lostProgressAt(system, cur, end.actor);
    if (why) return { step: steps.length, message: `after step ${steps.length}: ${why}` };
  }
  return undefined;
}

/** The fields in which two actor states differ, as `value: a, recorded b; context.k: x, recorded y`. */
function stateDiff(have: ActorState, want: ActorState): string {
  const parts: string[] = [];
  if (canonicalJson(have.value) !== canonicalJson(want.value)) parts.push(`state ${short(have.value)}, recorded ${short(want.value)}`);
  const h = (have.context ?? {}) as Record<string, unknown>;
  const w = (want.context ?? {}) as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(h), ...Object.keys(w)])].sort()) {
    if (canonicalJson(h[k]) !== canonicalJson(w[k]))
      parts.push(`context.${k} ${k in h ? short(h[k]) : '(absent)'}, recorded ${k in w ? short(w[k]) : '(absent)'}`);
  }
  return parts.join('; ');
}

function deadlockAt(system: System, state: Int32Array, actor: string): string | undefined {
  for (let a = 0; a < system.width; a++) {
    const offers = system.actors[a].offers(state[a]);
    for (let o = 0; o < offers.length; o++) {
      if (system.step(state.slice(), a, o) !== STEP_BLOCKED)
        return `recorded a deadlock, but ${system.names[a]} can still take ${formatEvent(system.events.get(offers[o].event))}`;
    }
  }
  const a = system.index.get(actor);
  if (a === undefined || system.actors[a].view(state[a]).done) return `recorded a deadlock with ${actor} unfinished, but it has finished`;
  return undefined;
}

/** The waiter must stay waiting in every state reachable from here (its wake-up is lost). */
function lostProgressAt(system: System, state: Int32Array, actor: string): string | undefined {
  const a = system.index.get(actor);
  if (a === undefined) return `no actor ${actor}`;
  if (!system.actors[a].view(state[a]).tags.has('waiting')) return `recorded a lost wake-up of ${actor}, but it is not waiting`;
  const seen = new Set<string>([state.join(',')]);
  const queue: Int32Array[] = [state];
  while (queue.length) {
    const cur = queue.pop()!;
    for (let x = 0; x < system.width; x++) {
      const offers = system.actors[x].offers(cur[x]);
      for (let o = 0; o < offers.length; o++) {
        const next = cur.slice();
        const code = system.step(next, x, o);
        if (code === STEP_BLOCKED || (code !== STEP_OK && !system.violation(code).continues)) continue;
        if (!system.actors[a].view(next[a]).tags.has('waiting'))
          return `recorded a lost wake-up of ${actor}, but it can still stop waiting`;
        const key = next.join(',');
        if (!seen.has(key)) {
          seen.add(key);
          queue.push(next);
        }
      }
    }
  }
  return undefined;
}
