/**
 * The successors of a stored state, as the liveness checks need them: every non-blocked step to a state that
 * continues, with its label.
 */
import { STEP_BLOCKED, STEP_OK, stepLabel } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import type { Fairness } from './fairness.ts';
import type { StateStore } from './stateStore.ts';

/**
 * The explored graph's edges, recomputed on demand instead of stored: a state's successors are
 * its steps again, through the system's memoized step relation (after exploration every actor
 * state and pair step is in the memo, so no XState call is made), looked up in the store. An
 * edge list of the whole graph would cost 8 bytes an edge; this costs one step a visit.
 *
 * A step that commits a fatal violation (an oops) leads to CRASH, outside the graph: exploration
 * stopped there, as the task did. It is still an enabled step: a fair behaviour that must take it
 * ends in that oops, which is a finding of its own, and does not stay round a cycle (so a waiter
 * whose only way on is an oops is not reported again as a hang). Blocked steps are not edges.
 */
export const CRASH = -1;

export class Successors {
  /** The last expanded state's successors: target index, step label, fair class. */
  to = new Int32Array(64);
  label = new Int32Array(64);
  cls = new Int32Array(64);
  count = 0;
  /** States expanded so far: the cost of not storing the edges. */
  expansions = 0;
  private readonly vec: Int32Array;
  private readonly out: Int32Array;

  constructor(
    private readonly system: System,
    private readonly store: StateStore,
    private readonly fairness: Fairness,
  ) {
    this.vec = new Int32Array(system.width);
    this.out = new Int32Array(system.width);
  }

  /** Fills to/label/cls with the successors of state `s`; returns how many. */
  expand(s: number): number {
    this.expansions++;
    const { system, vec, out } = this;
    const w = system.width;
    this.store.load(s, vec);
    let n = 0;
    for (let a = 0; a < w; a++) {
      const offers = system.actors[a].offers(vec[a]);
      for (let o = 0; o < offers.length; o++) {
        out.set(vec);
        const r = system.step(out, a, o);
        if (r === STEP_BLOCKED) continue;
        let to = CRASH;
        if (r === STEP_OK || system.violation(r).continues) {
          const known = this.store.add(out, -1, -1);
          if (known >= 0) throw new Error(`internal: a successor of state ${s} was not in the explored graph`);
          to = -1 - known;
        }
        if (n === this.to.length) this.grow();
        this.to[n] = to;
        this.label[n] = stepLabel(a, o);
        this.cls[n] = this.fairness.classOf(a, vec[a], o);
        n++;
      }
    }
    this.count = n;
    return n;
  }

  private grow(): void {
    const g = (x: Int32Array) => {
      const y = new Int32Array(x.length * 2);
      y.set(x);
      return y;
    };
    this.to = g(this.to);
    this.label = g(this.label);
    this.cls = g(this.cls);
  }
}
