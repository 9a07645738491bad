/**
 * Progress and liveness on the graph of what a walk visited (walkGraph.ts): the claims a walk can prove.
 *
 * Liveness: liveness.ts's own check (the Emerson-Lei search for a fair component of not-Q states after a P
 * state, stuttering included) run on the walk's graph. Its edges are real and every step enabled at its
 * states counts for fairness, so a fair lasso found there is one the exhaustive check finds too (it may
 * find a shorter one); a property the walks never break is not thereby shown to hold. A walk cut at the
 * depth bound with some open property's Q false at its last state (unsettledAt) may have stopped inside a
 * not-Q region that goes on, or just before the cycle of a lasso: there the graph is first grown with the
 * breadth-first future of the last state (END_FUTURE states, WalkSuccessors.addFuture, within FUTURE_SHARE
 * of the steps walked), every added state with its real parent and step, so the lasso found is still a path
 * from the initial state and its cycle real steps. A walk that ended because no step was left needs none:
 * its last state stutters on the graph already.
 *
 * Progress (progress.ts decides it on the whole graph: from a state where an actor waits, no state where it
 * does not wait is reachable): a walk proves it only for a waiting state all of whose ways on stay inside the
 * graph and never stop the wait, e.g. a state where no step is possible while the waiter sleeps, or a cycle
 * the walk closed and saw every exit of. A state with a step that leaves the graph is never claimed on the
 * graph alone; where a walk ends with a waiter still waiting, the whole future of its last state is explored
 * (up to a bound, stuckWaiter.ts) and the waiter claimed stuck only if all of it keeps it waiting:
 * a walk is one path through a future where other actors still move, which it can prove nothing about alone.
 * Progress is judged on the walk's graph before liveness grows it, so the future added for liveness changes
 * nothing it claims.
 */
import type { Liveness } from '../../machines/kit/types.ts';
import type { System } from '../compose/system.ts';
import type { Fairness } from './fairness.ts';
import { livenessOn, type Obligation } from './liveness.ts';
import { progressFailure } from './progress.ts';
import { stuckWaiter } from './stuckWaiter.ts';
import type { WalkStore, WalkSuccessors } from './walkGraph.ts';

/** A liveness property's key, as livenessCheck.ts names its findings. */
export function livenessKey(p: Liveness): string {
  return `liveness:${p.id}${p.actor ? `:${p.actor}` : ''}`;
}

/** A fair lasso on a walk's graph: step labels from the first state, the cycle from index `loop`. */
export interface FoundLasso {
  readonly property: Liveness;
  readonly labels: readonly number[];
  readonly loop: number;
  readonly obligations: readonly Obligation[];
}

/**
 * States of a cut walk's last state's future added to its graph before liveness is judged
 * (WalkSuccessors.addFuture): a few steps of every interleaving past the cut at percpu_ref's 8 users, the
 * whole future where it is small (a few dozen states past a cut walk of munmap-pinned-truncate). Under the
 * share below, a smaller bound lets more walks be extended and a larger one sees further past each:
 * static-key-race v6.15 at --max-depth 6 and 10, seeds 1-3, 1,000 swarm runs (share 0.2), found its I12
 * lasso in 4 of the 6 runs with 2,000, 3 with 500 and 2 with 200, while a run where every property holds
 * costs the same share whatever the bound; 500 is the middle.
 */
export const END_FUTURE = 500;

/**
 * Future states added, over a simulation, per step its walks took: a walk cut at the depth bound has its
 * future added only while the total stays within this share (the first cut walk always). A future state
 * costs about what a walk's step costs (expanded once, then judged by liveness; measured: 3.8 us against
 * 3.6 us at percpu-ref --users 8 --max-depth 40), so this keeps the extension near a quarter of the walks'
 * own time, whatever the depth bound and the scenario's branching (there, 2,000 runs: +18% CPU in process).
 */
export const FUTURE_SHARE = 0.25;

/**
 * Whether the future of a walk's last state `vec` is worth adding for liveness: some property of `props`
 * has its `then` (Q) false there, so a not-Q region the walk entered may go on past where it was cut.
 */
export function unsettledAt(system: System, vec: Int32Array, props: readonly Liveness[]): boolean {
  const view = system.view(vec);
  return props.some((p) => !p.then(view));
}

/** The properties of `props` that fail on the graph, each with its lasso. */
export function walkLiveness(
  system: System,
  store: WalkStore,
  succ: WalkSuccessors,
  fairness: Fairness,
  props: readonly Liveness[],
): FoundLasso[] {
  if (props.length === 0 || store.count === 0) return [];
  const { outcomes } = livenessOn(system, store, succ, fairness, props);
  return outcomes.flatMap((o) =>
    !o.holds && o.lasso ? [{ property: o.property, labels: o.lasso.labels, loop: o.lasso.loop, obligations: o.lasso.obligations }] : [],
  );
}

/** A waiter the graph proves can never be woken, and the first-reached path to where it waits. */
export interface FoundStuck {
  readonly key: string;
  readonly text: string;
  readonly actor: string;
  readonly labels: readonly number[];
  /** The oops a step from the stuck state ends in: the waiter is stuck behind a path that dies (progress.ts's consequence). */
  readonly cause?: string;
}

/** Whether actor `a` waits in `state`. */
export function waits(system: System, a: number, state: Int32Array): boolean {
  return system.actors[a].view(state[a]).tags.has('waiting');
}

/**
 * For each waiting actor whose key `skip` does not exclude: the first state of the graph (first reached)
 * where it waits and from which every way on stays in the graph and keeps it waiting; one with no
 * oopsing step is preferred, as progress.ts prefers it.
 */
export function walkProgress(system: System, store: WalkStore, succ: WalkSuccessors, skip: (key: string) => boolean): FoundStuck[] {
  const n = store.count;
  if (!system.checkProgress || n === 0) return [];
  const found: FoundStuck[] = [];
  for (let a = 0; a < system.width; a++) {
    const probe = progressFailure(system, a, store.vector(0));
    if (skip(probe.key)) continue;
    // Candidates: waiting states with no step out of the graph; then, to a fixed point, drop those with a
    // step to a state that is not a candidate (the wait ends there, or may end after it).
    const stuck = new Uint8Array(n);
    const cands: number[] = [];
    for (let s = 0; s < n; s++) {
      if (waits(system, a, store.vector(s)) && !succ.leaves(s)) {
        stuck[s] = 1;
        cands.push(s);
      }
    }
    for (let changed = cands.length > 0; changed;) {
      changed = false;
      for (const s of cands) {
        if (stuck[s] && succ.inside(s).some((t) => !stuck[t])) {
          stuck[s] = 0;
          changed = true;
        }
      }
    }
    let root = -1;
    let consequence = -1;
    for (let s = 0; s < n && root < 0; s++) {
      if (!stuck[s]) continue;
      if (succ.crash(s) !== undefined) {
        if (consequence < 0) consequence = s;
      } else root = s;
    }
    const s = root >= 0 ? root : consequence;
    if (s < 0) continue;
    const f = progressFailure(system, a, store.vector(s));
    const cause = root >= 0 ? undefined : succ.crash(s);
    found.push({ key: f.key, text: f.text, actor: system.names[a], labels: store.pathTo(s), ...(cause !== undefined ? { cause } : {}) });
  }
  return found;
}

/** States explored from a walk's last state to prove its waiter stuck: a few milliseconds a walk that ends waiting. */
export const END_CLOSURE = 2_000;

/**
 * The waiters still waiting in the walk's last state `end` whose whole future (at most `bound` states) keeps
 * them waiting; `known` remembers, across walks, the last states already decided (by their vector).
 */
export function endProgress(
  system: System,
  store: WalkStore,
  succ: WalkSuccessors,
  end: number,
  skip: (key: string) => boolean,
  known: Map<string, number>,
  bound = END_CLOSURE,
): FoundStuck[] {
  if (!system.checkProgress) return [];
  const vec = store.vector(end);
  const found: FoundStuck[] = [];
  const cause = succ.crash(end);
  for (let a = 0; a < system.width; a++) {
    if (!waits(system, a, vec)) continue;
    const f = progressFailure(system, a, vec);
    if (skip(f.key)) continue;
    const memo = `${a}:${vec.join(',')}`;
    let stuck = known.get(memo);
    if (stuck === undefined) {
      stuck = stuckWaiter(system, vec, [a], cause === undefined, bound);
      if (known.size >= 100_000) known.clear();
      known.set(memo, stuck);
    }
    if (stuck < 0) continue;
    found.push({ key: f.key, text: f.text, actor: system.names[a], labels: store.pathTo(end), ...(cause !== undefined ? { cause } : {}) });
  }
  return found;
}
