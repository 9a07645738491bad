/**
 * The graph of what one walk (or one shrinking try) visited: its distinct states, numbered in the order
 * they were first reached (a StateStore, so liveness.ts runs on it unchanged), and their edges among
 * themselves. A step to a state the walk did not visit leaves the graph (`to` is -1, as a crash is for
 * the explorer's Successors) but stays an enabled step, so fairness still sees it; `outside` says which
 * states have such a step, for the progress check, which must not claim a waiter stuck when a way on
 * leaves what the walk saw. Everything found on this graph is found on the whole graph: its edges are
 * real ones, and it leaves none out of what decides fairness. The graph may be grown with the breadth-first
 * future of one of its states (addFuture: simulation does it for liveness at the last state of a walk cut
 * at the depth bound); what is said above holds of the grown graph too.
 */
import { STEP_BLOCKED, STEP_OK, stepLabel } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import type { Fairness } from './fairness.ts';
import type { Expander } from './liveness.ts';
import type { StateStore } from './stateStore.ts';
import { hashKey } from './vectorHash.ts';

/** The distinct states of a walk, first-reached order; parents are always earlier states. */
export class WalkStore implements StateStore {
  readonly width: number;
  /** The first state of each hash; `chain` links the others with the same hash (no string keys: a walk's graph is built per run). */
  private readonly index = new Map<number, number>();
  private readonly chain: number[] = [];
  private readonly vecs: Int32Array[] = [];
  private readonly parents: number[] = [];
  private readonly labels: number[] = [];

  constructor(width: number) {
    this.width = width;
  }

  get count(): number {
    return this.vecs.length;
  }

  /** Adds `vec` (copied) and returns its index, or -1 - the index it already has. */
  add(vec: Int32Array, parent: number, label: number): number {
    const h = hashKey(vec, 0, this.width);
    const first = this.index.get(h);
    const known = first === undefined ? -1 : this.lookup(first, vec);
    if (known >= 0) return -1 - known;
    const s = this.vecs.length;
    this.chain.push(first ?? -1);
    this.index.set(h, s);
    this.vecs.push(vec.slice());
    this.parents.push(parent);
    this.labels.push(label);
    return s;
  }

  /** The index of `vec`, or -1 when the walk did not visit it. */
  find(vec: Int32Array): number {
    const first = this.index.get(hashKey(vec, 0, this.width));
    return first === undefined ? -1 : this.lookup(first, vec);
  }

  private lookup(first: number, vec: Int32Array): number {
    for (let s = first; s >= 0; s = this.chain[s]) {
      const v = this.vecs[s];
      let i = 0;
      while (i < v.length && v[i] === vec[i]) i++;
      if (i === v.length) return s;
    }
    return -1;
  }

  load(index: number, out: Int32Array): void {
    out.set(this.vecs[index]);
  }

  vector(index: number): Int32Array {
    return this.vecs[index];
  }

  parent(index: number): number {
    return this.parents[index];
  }

  label(index: number): number {
    return this.labels[index];
  }

  /** The step labels from the first state to `index`, along first-reached parents. */
  pathTo(index: number): number[] {
    const out: number[] = [];
    for (let s = index; this.parents[s] >= 0; s = this.parents[s]) out.push(this.labels[s]);
    return out.reverse();
  }

  bytes(): number {
    return this.vecs.length * (this.width * 4 + 64);
  }
}

interface Expansion {
  readonly to: Int32Array;
  readonly label: Int32Array;
  readonly cls: Int32Array;
  /** Whether a continuing step leaves the graph. */
  readonly outside: boolean;
  /** The key of the first step (in step order) that ends its path with an oops, if any. */
  readonly crash?: string;
}

/**
 * Edges of a WalkStore's states, computed once a state (the graph does not grow while it is read, except
 * by this object's own addFuture, which computes the edges of the states it expands as it adds their
 * successors): what liveness.ts reads of Successors, plus where steps leave the graph or crash.
 */
export class WalkSuccessors implements Expander {
  to = new Int32Array(64);
  label = new Int32Array(64);
  cls = new Int32Array(64);
  count = 0;
  private readonly memo: (Expansion | undefined)[] = [];
  private readonly vec: Int32Array;
  private readonly out: Int32Array;

  constructor(
    private readonly system: System,
    private readonly store: WalkStore,
    private readonly fairness: Fairness,
  ) {
    this.vec = new Int32Array(system.width);
    this.out = new Int32Array(system.width);
  }

  expand(s: number): number {
    const e = this.expansion(s);
    const n = e.to.length;
    if (n > this.to.length) {
      const size = Math.max(n, this.to.length * 2);
      this.to = new Int32Array(size);
      this.label = new Int32Array(size);
      this.cls = new Int32Array(size);
    }
    this.to.set(e.to);
    this.label.set(e.label);
    this.cls.set(e.cls);
    this.count = n;
    return n;
  }

  /** Whether a step from `s` leaves the graph (to a state the walk did not visit). */
  leaves(s: number): boolean {
    return this.expansion(s).outside;
  }

  /** The oops a step from `s` ends in, if any. */
  crash(s: number): string | undefined {
    return this.expansion(s).crash;
  }

  /** The successors of `s` inside the graph. */
  inside(s: number): Int32Array {
    return this.expansion(s).to.filter((t) => t >= 0);
  }

  /**
   * Grows the graph with the breadth-first future of its state `from`: every state reached from it by
   * continuing steps (a step that oopses ends its path and leads nowhere), each new one added with the state
   * it was first reached from as its parent and the step as its label, so pathTo gives a real path from the
   * first state. States already in the graph are passed through (their futures are part of `from`'s). It
   * expands states until `bound` states of the future have been reached, new or not, so what it reaches
   * depends on `from` alone; the last states reached keep their steps out of the graph. Call it before any
   * edge is read (an edge read earlier may lead outside to a state it adds). Returns the states reached.
   */
  addFuture(from: number, bound: number): number {
    if (this.memo.length > 0) throw new Error('internal: a walk graph grown after its edges were read');
    const queue = [from];
    const queued = new Set<number>(queue);
    for (let h = 0; h < queue.length && queue.length < bound; h++) {
      for (const t of this.expansion(queue[h], true).to) {
        if (t >= 0 && !queued.has(t)) {
          queued.add(t);
          queue.push(t);
        }
      }
    }
    return queue.length;
  }

  private expansion(s: number, grow = false): Expansion {
    const known = this.memo[s];
    if (known) return known;
    const { system, vec, out } = this;
    this.store.load(s, vec);
    const to: number[] = [];
    const label: number[] = [];
    const cls: number[] = [];
    let outside = false;
    let crash: string | undefined;
    for (let a = 0; a < system.width; a++) {
      const offers = system.actors[a].offers(vec[a]);
      for (let o = 0; o < offers.length; o++) {
        out.set(vec);
        const r = system.step(out, a, o);
        if (r === STEP_BLOCKED) continue;
        let t = -1;
        if (r === STEP_OK || system.violation(r).continues) {
          if (grow) {
            const added = this.store.add(out, s, stepLabel(a, o));
            t = added >= 0 ? added : -1 - added;
          } else t = this.store.find(out);
          if (t < 0) outside = true;
        } else crash ??= system.violation(r).key;
        to.push(t);
        label.push(stepLabel(a, o));
        cls.push(this.fairness.classOf(a, vec[a], o));
      }
    }
    const e: Expansion = {
      to: Int32Array.from(to),
      label: Int32Array.from(label),
      cls: Int32Array.from(cls),
      outside,
      ...(crash !== undefined ? { crash } : {}),
    };
    this.memo[s] = e;
    return e;
  }
}
