/**
 * The graph of what one walk (or one shrinking try) visited: its distinct states, numbered in the order
 * they were first reached (a StateStore, so liveness.ts runs on it unchanged), and their edges among
 * themselves. A step to a state the walk did not visit leaves the graph (`to` is -1, as a crash is for
 * the explorer's Successors) but stays an enabled step, so fairness still sees it; `outside` says which
 * states have such a step, for the progress check, which must not claim a waiter stuck when a way on
 * leaves what the walk saw. Everything found on this graph is found on the whole graph: its edges are
 * real ones, and it leaves none out of what decides fairness.
 */
import { STEP_BLOCKED, STEP_OK, stepLabel } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import type { Fairness } from './fairness.ts';
import type { Expander } from './liveness.ts';
import type { StateStore } from './stateStore.ts';

/** The distinct states of a walk, first-reached order; parents are always earlier states. */
export class WalkStore implements StateStore {
  readonly width: number;
  private readonly index = new Map<string, number>();
  private readonly vecs: Int32Array[] = [];
  private readonly parents: number[] = [];
  private readonly labels: number[] = [];

  constructor(width: number) {
    this.width = width;
  }

  get count(): number {
    return this.vecs.length;
  }

  add(vec: Int32Array, parent: number, label: number): number {
    const key = vec.join(',');
    const known = this.index.get(key);
    if (known !== undefined) return -1 - known;
    this.index.set(key, this.vecs.length);
    this.vecs.push(vec.slice());
    this.parents.push(parent);
    this.labels.push(label);
    return this.vecs.length - 1;
  }

  /** The index of `vec`, or -1 when the walk did not visit it. */
  find(vec: Int32Array): number {
    return this.index.get(vec.join(',')) ?? -1;
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
 * Edges of a WalkStore's states, computed once a state (the graph does not grow while it is read):
 * what liveness.ts reads of Successors, plus where steps leave the graph or crash.
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

  private expansion(s: number): Expansion {
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
          t = this.store.find(out);
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
