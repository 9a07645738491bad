/**
 * The progress property: from every reachable state where an actor waits, a state where it no longer waits
 * must stay reachable. Holds the edge list the explorer keeps for it and the backward search that decides it.
 */
import { NOT_MEMOIZED, STEP_BLOCKED, STEP_OK } from '../compose/stepLabel.ts';
import { OWN_MOVE } from '../compose/stepIndex.ts';
import type { System } from '../compose/system.ts';
import type { Finding } from './finding.ts';
import type { StateStore } from './stateStore.ts';
import { CrashLog, type CrashReader } from './crashLog.ts';

/** The explored graph's edges, kept only when a progress property needs them. */
export class EdgeList {
  count = 0;
  private from = new Int32Array(1 << 12);
  private to = new Int32Array(1 << 12);

  /** `reserve` is asked before each growth with the bytes it allocates, and throws to refuse it. */
  constructor(private readonly reserve?: (bytes: number) => void) {}

  bytes(): number {
    return this.from.byteLength + this.to.byteLength;
  }

  add(from: number, to: number): void {
    if (this.count === this.from.length) {
      this.reserve?.(16 * this.count);
      const f = new Int32Array(this.count * 2);
      f.set(this.from);
      this.from = f;
      const t = new Int32Array(this.count * 2);
      t.set(this.to);
      this.to = t;
    }
    this.from[this.count] = from;
    this.to[this.count] = to;
    this.count++;
  }

  /** Edges [start, end) as two arrays (a checkpoint writes them). */
  slice(start: number, end: number): { from: Int32Array; to: Int32Array } {
    return { from: this.from.slice(start, end), to: this.to.slice(start, end) };
  }

  /** Predecessor lists in compressed form: preds of v are src[start[v] .. start[v+1]). */
  reverse(states: number): { start: Int32Array; src: Int32Array } {
    const start = new Int32Array(states + 1);
    for (let i = 0; i < this.count; i++) start[this.to[i] + 1]++;
    for (let v = 0; v < states; v++) start[v + 1] += start[v];
    const fill = start.slice(0, states);
    const src = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) src[fill[this.to[i]]++] = this.from[i];
    return { start, src };
  }
}

/**
 * The edges and crashes a one-thread exploration would have recorded, rebuilt from the stored states by
 * expanding each again (memo hits, no XState): a parallel run records none while its threads insert.
 * Every step that continues is an edge (the edge list is a multiset: the progress check reads it by
 * target); a state's first step, in step order, that ends its path (an oops) is its crash.
 */
export function rebuildEdges(system: System, store: StateStore, reserve?: (bytes: number) => void): { edges: EdgeList; crashes: CrashLog } {
  const edges = new EdgeList(reserve);
  const crashes = new CrashLog();
  const w = system.width;
  const cur = new Int32Array(w);
  const out = new Int32Array(w);
  const ix = system.steps;
  for (let s = 0; s < store.count; s++) {
    store.load(s, cur);
    for (let a = 0; a < w; a++) {
      const k0 = ix.begin(a, cur[a]);
      const k1 = ix.end;
      for (let k = k0; k < k1; k++) {
        out.set(cur);
        let r = STEP_OK;
        if (ix.callee[k] === OWN_MOVE) out[a] = ix.next[k];
        else if ((r = system.memoized(cur, k)) !== NOT_MEMOIZED) {
          if (r === STEP_BLOCKED) continue;
          out[a] = system.memoSelf;
          out[system.memoTarget] = system.memoTargetNext;
        } else {
          r = system.step(out, a, k - k0);
          if (r === STEP_BLOCKED) continue;
        }
        if (r !== STEP_OK && !system.violation(r).continues) {
          if (!crashes.has(s)) crashes.set(s, system.violation(r).key);
          continue;
        }
        const known = store.add(out, -1, -1);
        if (known >= 0) throw new Error(`internal: a successor of state ${s} was not in the explored graph`);
        edges.add(s, -1 - known);
      }
    }
  }
  return { edges, crashes };
}

/** The key and text of a progress finding for actor `a` waiting in `state` (simulation names its findings alike). */
export function progressFailure(system: System, a: number, state: Int32Array): { key: string; text: string } {
  const actor = system.actors[a];
  const where = JSON.stringify(actor.view(state[a]).value);
  return { key: `progress:${actor.machine.id}`, text: `${actor.name} waits in ${where} and can never be woken` };
}

export function depthOf(store: StateStore, index: number): number {
  let d = 0;
  for (let s = index; store.parent(s) >= 0; s = store.parent(s)) d++;
  return d;
}

/**
 * Progress: from every reachable state where an actor waits, some state where it
 * no longer waits must stay reachable. A waiter whose wake-up was lost fails this
 * even while other actors keep moving (so no deadlock shows). Backward search from
 * the states where the actor does not wait marks every state that can still get there.
 */
export function findLostProgress(system: System, store: StateStore, edges: EdgeList, crashes: CrashReader = new CrashLog()): Finding[] {
  const work = lostProgressWork(system, store, edges, crashes);
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
  }
}

/** Units of work (states loaded, predecessors visited) between two pauses of lostProgressWork. */
export const PROGRESS_SLICE = 1 << 16;

/**
 * The same check as a generator that pauses (yields) every PROGRESS_SLICE units of work, so that
 * an asynchronous caller can give the event loop a turn and stop it when a signal came; on a
 * graph of millions of states it is seconds of work after the exploration.
 */
export function* lostProgressWork(
  system: System,
  store: StateStore,
  edges: EdgeList,
  crashes: CrashReader = new CrashLog(),
): Generator<void, Finding[]> {
  let budget = PROGRESS_SLICE;
  const n = store.count;
  const vec = new Int32Array(system.width);
  // Which snapshots of each actor wait, by id; actors that never wait are left out.
  const waiters = system.actors.flatMap((actor, a) => {
    const flags = new Uint8Array(actor.size);
    for (let id = 0; id < actor.size; id++) flags[id] = actor.view(id).tags.has('waiting') ? 1 : 0;
    return flags.includes(1) ? [{ actor, a, flags, waits: new Uint8Array(n), any: false }] : [];
  });
  if (waiters.length === 0) return [];
  // One pass over the stored states for every waiter: loading a state is the costly part.
  for (let s = 0; s < n; s++) {
    if (--budget === 0) {
      budget = PROGRESS_SLICE;
      yield;
    }
    store.load(s, vec);
    for (const w of waiters) {
      if (w.flags[vec[w.a]] !== 0) {
        w.waits[s] = 1;
        w.any = true;
      }
    }
  }
  const { start, src } = edges.reverse(n);
  const findings: Finding[] = [];
  const queue = new Int32Array(n);
  for (const { actor, a, waits, any } of waiters) {
    if (!any) continue;
    const canFinish = new Uint8Array(n);
    let head = 0;
    let tail = 0;
    for (let s = 0; s < n; s++) {
      if (!waits[s]) {
        canFinish[s] = 1;
        queue[tail++] = s;
      }
    }
    while (head < tail) {
      if (--budget === 0) {
        budget = PROGRESS_SLICE;
        yield;
      }
      const v = queue[head++];
      for (let i = start[v]; i < start[v + 1]; i++) {
        const u = src[i];
        if (!canFinish[u]) {
          canFinish[u] = 1;
          queue[tail++] = u;
        }
      }
    }
    // The first stuck state where no step oopses is the finding; a stuck state where one does is
    // stuck because a path dies there (it holds what the waiter waits for): its consequence, kept
    // only when the waiter gets stuck in no other way.
    let consequence: number | undefined;
    let found: number | undefined;
    for (let s = 0; s < n && found === undefined; s++) {
      if (!waits[s] || canFinish[s]) continue;
      if (crashes.has(s)) consequence ??= s;
      else found = s;
    }
    const s = found ?? consequence;
    if (s !== undefined) {
      store.load(s, vec);
      const cause = found === undefined ? crashes.get(s) : undefined;
      findings.push({
        ...progressFailure(system, a, vec),
        property: 'progress',
        kind: 'progress',
        actor: actor.name,
        state: s,
        length: depthOf(store, s),
        ...(cause !== undefined ? { cause } : {}),
      });
    }
  }
  return findings;
}
