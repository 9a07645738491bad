/**
 * Liveness under fairness on the explored graph: the search for a fair component of not-Q states after a
 * P state (P ~> Q fails), and the lasso that shows it.
 */
import type { System } from '../compose/system.ts';
import type { Liveness, SystemView } from '../../machines/kit/types.ts';
import { Fairness, UNFAIR, type FairClass, type FairnessMode } from './fairness.ts';
import type { StateStore } from './stateStore.ts';
import { CACHE_BYTES, Successors } from './successors.ts';
import { drain, SLICE, type Steps } from './slices.ts';

/**
 * Liveness under fairness on the explored graph (the Emerson-Lei check): P ~> Q fails exactly
 * when some reachable state satisfies P and not Q and, from it, a fair behaviour can stay in
 * not-Q states for ever. Every state may stutter (a behaviour may stop anywhere, as in TLA+),
 * so "for ever" is a strongly connected component of the not-Q region, a single state included;
 * the component is fair when every weakly fair action is taken inside it or disabled at one of its
 * states, and every strongly fair action taken inside it or disabled at all of them. A component
 * that fails only strong fairness is refined: its states where the neglected action is enabled
 * are removed and the rest is split into components again.
 *
 * Cost: the region is found by one breadth-first pass, its components by Tarjan's algorithm
 * (iterative: the graph may be millions of states deep), each component judged by one more pass.
 * Edges are recomputed (Successors) and kept between visits up to a bound; memory is a few 32-bit words a state
 * and 12 bytes a kept edge. A property that holds takes one pass of Tarjan's algorithm from the seeds, without the
 * region's distances (`fairFromSeeds`); the passes above are for the lasso of one that fails.
 *
 * The counterexample is a lasso: the shortest path from the initial state through a P-and-not-Q
 * state into a fair component, then a cycle inside it that takes every fair action that is enabled
 * all round it or passes a state where that action is disabled (or no cycle: the system stutters).
 */
export interface Obligation {
  readonly fair: FairClass;
  /** How the cycle meets it: the cycle step that takes it, or the cycle state where it is disabled (0 = the loop state). */
  readonly how: 'taken' | 'disabled';
  readonly at: number;
}

export interface Lasso {
  /** Step labels from the initial state: the prefix, then the cycle. */
  readonly labels: readonly number[];
  /** Index of the state where the cycle starts (and, if it has steps, ends); == labels.length when it stutters. */
  readonly loop: number;
  readonly obligations: readonly Obligation[];
}

export interface LivenessOutcome {
  readonly property: Liveness;
  readonly holds: boolean;
  /** Whether the premise P ever held in a reachable state (always true for the eventually forms). */
  readonly premiseReached: boolean;
  readonly lasso?: Lasso;
}

export interface LivenessRun {
  readonly mode: FairnessMode;
  readonly outcomes: readonly LivenessOutcome[];
  /** The fair actions of the steps of the states the check expanded, by name (then kind). */
  readonly fairness: readonly FairClass[];
  readonly seconds: number;
  /** Typed arrays the check allocated, in bytes (the stored graph is the safety run's). */
  readonly bytes: number;
  /** States expanded again (their successors worked out from their steps; a state whose successors were kept, once). */
  readonly expansions: number;
}

/** Checks `properties` on a completely explored graph (the arguments of `checkLivenessSteps`), to the end at once. */
export function checkLiveness(...args: Parameters<typeof checkLivenessSteps>): LivenessRun {
  return drain(checkLivenessSteps(...args));
}

/**
 * The same check as a pass that yields between slices of its work (slices.ts), so that a caller can give the event
 * loop turns and stop it on a signal. The slices are Tarjan's and the region's steps and the states whose premises
 * and goals are evaluated; a component is judged in one go (a pass over its members).
 */
export function* checkLivenessSteps(
  system: System,
  store: StateStore,
  properties: readonly Liveness[],
  mode: FairnessMode = 'declared',
  /** The most the successors kept between visits may take (Successors; its default when not given). */
  cacheBytes?: number,
  /** The successors the exploration kept as it went (explore.ts), classed under `mode`: the check starts from them. */
  kept?: Successors,
): Steps<LivenessRun> {
  const started = performance.now();
  if (kept && kept.fairness.mode !== mode)
    throw new Error(`internal: successors classed under ${kept.fairness.mode}, checked under ${mode}`);
  kept?.prepare(cacheBytes ?? CACHE_BYTES);
  const succ = kept ?? new Successors(system, store, new Fairness(system, mode), cacheBytes);
  // The classes as the check numbers them (Successors says why): what the successors' `cls` holds.
  const { outcomes, bytes } = yield* livenessSteps(system, store, succ, succ.checked, properties);
  return {
    mode,
    outcomes,
    // By name: the order the check first met them in depends on how it went through the graph.
    fairness: succ.checked.classes.slice().sort((a, b) => order(a.name, b.name) || order(a.kind, b.kind)),
    seconds: (performance.now() - started) / 1000,
    bytes: bytes + succ.bytes(),
    expansions: succ.expansions,
  };
}

/**
 * What the check reads of a graph's edges: Successors for an explored graph; simulation (walkGraph.ts)
 * gives the subgraph of the states a walk visited, where a step to a state outside it is CRASH (-1):
 * still enabled for fairness, never inside a component, so what is found there is found in the whole graph.
 */
export type Expander = Pick<Successors, 'to' | 'label' | 'cls' | 'expand'>;

/** The fair classes an Expander's `cls` numbers: a Fairness instance, or the check's own numbering (Successors.checked). */
export type FairClasses = { readonly classes: readonly FairClass[] };

/** The same check on any graph: `store` numbers its states (parents before children), `succ` gives their edges. */
export function livenessOn(
  system: System,
  store: StateStore,
  succ: Expander,
  fairness: FairClasses,
  properties: readonly Liveness[],
): { outcomes: LivenessOutcome[]; bytes: number } {
  return drain(livenessSteps(system, store, succ, fairness, properties));
}

function* livenessSteps(
  system: System,
  store: StateStore,
  succ: Expander,
  fairness: FairClasses,
  properties: readonly Liveness[],
): Steps<{ outcomes: LivenessOutcome[]; bytes: number }> {
  const g = new Work(store.count, store, succ, fairness);
  const qp = yield* premisesAndGoals(system, store, properties);
  const outcomes: LivenessOutcome[] = [];
  for (let i = 0; i < properties.length; i++) outcomes.push(yield* g.check(properties[i], qp.of(i, g.flags)));
  return { outcomes, bytes: g.bytes() + qp.bytes };
}

const Q = 1;
const P = 2;
/** Set in `flags` by `fairFromSeeds` as it enters a state: a fair action is enabled there; a step goes to itself. */
const FAIR_ENABLED = 4;
const SELF_STEP = 8;

/**
 * Q and P of every property at every state, two bits each, from one pass over the states in index order. A state is
 * loaded once for all properties (the properties of a run are checked one after another, and loading each state
 * again for each was much of the time), and a property's Q or P is evaluated again only where the state differs from
 * its parent in an actor an evaluation of it has read (`ReadsOf`): a parent is numbered before its children, so its
 * bits are known, and as for the invariants (invariantCheck.ts says why) a pure function of the views it reads gives
 * a child that agrees with its parent on them the parent's answer.
 */
function* premisesAndGoals(
  system: System,
  store: StateStore,
  properties: readonly Liveness[],
): Steps<{ bytes: number; of(i: number, flags: Uint8Array): boolean }> {
  const n = store.count;
  const stride = Math.ceil(properties.length / 4);
  const bits = new Uint8Array(n * stride);
  const reached = properties.map((p) => p.form !== 'leads-to');
  const vec = new Int32Array(system.width);
  const parent = new Int32Array(system.width);
  const then = properties.map((p) => new ReadsOf(system, p.then, vec));
  const when = properties.map((p) => (p.form === 'leads-to' ? new ReadsOf(system, p.when!, vec) : undefined));
  // In a breadth-first store a parent's children are numbered one after another: its vector is loaded once for them.
  let loaded = -1;
  // States from..to, in a function of their own: V8 does not optimize a long loop inside a generator as it runs.
  const evaluate = (from: number, to: number): void => {
    for (let s = from; s < to; s++) {
      store.load(s, vec);
      const p = store.parent(s);
      if (p >= 0 && p !== loaded) store.load((loaded = p), parent);
      for (let i = 0; i < properties.length; i++) {
        const at = i >> 2;
        const shift = 2 * (i & 3);
        const was = p >= 0 ? (bits[p * stride + at] >> shift) & (Q | P) : 0;
        let f = p >= 0 && then[i].same(parent) ? was & Q : then[i].holds() ? Q : 0;
        const w = when[i];
        if (w && (p >= 0 && w.same(parent) ? was & P : w.holds())) {
          f |= P;
          reached[i] = true;
        }
        bits[s * stride + at] |= f << shift;
      }
    }
  };
  for (let from = 0; from < n; from += SLICE) {
    if (from > 0) yield;
    evaluate(from, Math.min(n, from + SLICE));
  }
  return {
    bytes: bits.byteLength,
    /** Writes property i's Q and P into `flags`; returns whether its premise held somewhere. */
    of(i: number, flags: Uint8Array): boolean {
      const at = i >> 2;
      const shift = 2 * (i & 3);
      for (let s = 0; s < n; s++) flags[s] = (bits[s * stride + at] >> shift) & (Q | P);
      return reached[i];
    },
  };
}

/** One of a property's functions (Q or P) at the state in `vec`, with the actors its evaluations have read. */
class ReadsOf {
  /** The actors read so far, as a list and as a byte per actor. */
  private readonly actors: number[] = [];
  private readonly read: Uint8Array;
  private readonly view: SystemView;

  constructor(
    system: System,
    private readonly fn: (view: SystemView) => boolean,
    private readonly vec: Int32Array,
  ) {
    this.read = new Uint8Array(system.width);
    const { index } = system;
    const inner = system.view(vec);
    this.view = (name: string) => {
      const a = index.get(name);
      // A name of no actor: the view throws it at the user (ModelError), as it did before this was tracked.
      if (a !== undefined && !this.read[a]) {
        this.read[a] = 1;
        this.actors.push(a);
      }
      return inner(name);
    };
  }

  /** Whether the state in `vec` agrees with `other` on every actor read so far (never, before anything was read). */
  same(other: Int32Array): boolean {
    if (this.actors.length === 0) return false;
    for (const a of this.actors) if (this.vec[a] !== other[a]) return false;
    return true;
  }

  holds(): boolean {
    return this.fn(this.view);
  }
}

/** The per-state arrays of one liveness run, shared by its properties. */
class Work {
  readonly depth: Int32Array;
  readonly flags: Uint8Array;
  /** Distance from the initial state through a seed, -1 outside the region. */
  readonly dist: Int32Array;
  readonly pred: Int32Array;
  readonly index: Int32Array;
  readonly low: Int32Array;
  readonly comp: Int32Array;
  readonly onStack: Uint8Array;
  private stamp?: Int32Array;
  private sccIds = 0;

  constructor(
    readonly n: number,
    readonly store: StateStore,
    readonly succ: Expander,
    readonly fairness: FairClasses,
  ) {
    this.depth = new Int32Array(n);
    // Parents are stored before their children: depths in one pass.
    for (let s = 1; s < n; s++) this.depth[s] = this.depth[store.parent(s)] + 1;
    this.flags = new Uint8Array(n);
    this.dist = new Int32Array(n);
    this.pred = new Int32Array(n);
    this.index = new Int32Array(n);
    this.low = new Int32Array(n);
    this.comp = new Int32Array(n);
    this.onStack = new Uint8Array(n);
  }

  bytes(): number {
    const arrays = [this.depth, this.flags, this.dist, this.pred, this.index, this.low, this.comp, this.onStack, this.stamp];
    return arrays.reduce((sum, a) => sum + (a?.byteLength ?? 0), 0);
  }

  /** Checks `prop`, whose Q and P of every state are in `flags` (`premiseReached`: whether P held somewhere). */
  *check(prop: Liveness, premiseReached: boolean): Steps<LivenessOutcome> {
    const seeds = this.seeds(prop);
    if (seeds.length === 0) return { property: prop, holds: true, premiseReached };
    // Most properties hold: their answer needs the region's components, not the distances a lasso is built from.
    if (!(yield* this.fairFromSeeds(seeds))) return { property: prop, holds: true, premiseReached };
    yield* this.region(seeds);
    const fair = yield* this.fairComponents();
    // Both passes look at the same components: one that says fair where the other finds none is a bug of ours.
    if (fair.best < 0) throw new Error(`internal: liveness ${prop.id} found a fair component in one pass and none in the other`);
    return { property: prop, holds: false, premiseReached, lasso: this.lasso(fair.best, fair.members) };
  }

  /** States from which not-Q must not last for ever, in index (= depth) order. */
  private seeds(prop: Liveness): number[] {
    const { n, flags } = this;
    const out: number[] = [];
    if (prop.form === 'eventually') {
      if (!(flags[0] & Q)) out.push(0);
      return out;
    }
    const want = prop.form === 'leads-to' ? P : 0;
    for (let s = 0; s < n; s++) if ((flags[s] & Q) === 0 && (flags[s] & want) === want) out.push(s);
    return out;
  }

  /**
   * The not-Q region reachable from the seeds, with each state's shortest distance from the
   * initial state through a seed: seeds enter at their depth, in order, merged with the queue
   * (both are sorted by distance), so this is a breadth-first search with many sources.
   */
  private *region(seeds: number[]): Steps<void> {
    const search = this.regionFrom(seeds);
    while (!search(SLICE)) yield;
  }

  /** The search of `region` as a plain function that expands at most `budget` states a call (see `tarjanFrom`). */
  private regionFrom(seeds: number[]): (budget: number) => boolean {
    const { dist, pred, depth, flags, succ } = this;
    dist.fill(-1);
    const queue = this.index; // free until Tarjan runs
    let head = 0;
    let tail = 0;
    let si = 0;
    return (budget: number): boolean => {
      for (; budget > 0; budget--) {
        let v: number;
        if (si < seeds.length && (head === tail || depth[seeds[si]] <= dist[queue[head]])) {
          v = seeds[si++];
          if (dist[v] >= 0) continue;
          dist[v] = depth[v];
          pred[v] = -1;
        } else if (head < tail) v = queue[head++];
        else return true;
        const k = succ.expand(v);
        for (let i = 0; i < k; i++) {
          const t = succ.to[i];
          if (t >= 0 && dist[t] < 0 && (flags[t] & Q) === 0) {
            dist[t] = dist[v] + 1;
            pred[t] = v;
            queue[tail++] = t;
          }
        }
      }
      return false;
    };
  }

  /**
   * Whether the region (the not-Q states the seeds reach through not-Q states) has a fair component, by one pass of
   * Tarjan's algorithm from the seeds: where it has none the property holds, and neither the region's distances nor
   * a second pass over its components are needed; where it has one, `fairComponents` finds the one a lasso is built
   * on. A component of one state without a step to itself is judged from what was seen as it was entered: it is fair
   * exactly when no fair action is enabled there (a weakly fair one is neither taken inside nor disabled; a strongly
   * fair one leaves nothing once refined), so most components are judged without their successors worked out again.
   * In `check --all` (6 December) 95% of the states liveness visits are alone in their component of the whole graph.
   */
  private *fairFromSeeds(seeds: number[]): Steps<boolean> {
    const { flags, succ } = this;
    this.newSearch();
    let fair = false;
    const refine: { members: number[]; neglected: number[] }[] = [];
    const entered = (v: number, k: number): void => {
      for (let i = 0; i < k; i++) {
        if (succ.cls[i] !== UNFAIR) flags[v] |= FAIR_ENABLED;
        if (succ.to[i] === v) flags[v] |= SELF_STEP;
      }
    };
    // The first fair component ends the search: the long way (fairComponents) starts its arrays afresh.
    // (A refinement's loop over its roots may still call this once one has stopped: the answer stays.)
    const judge = (members: number[], id: number): boolean => {
      if (fair) return true;
      if (members.length === 1 && (flags[members[0]] & SELF_STEP) === 0) fair = (flags[members[0]] & FAIR_ENABLED) === 0;
      else {
        const verdict = this.judge(members, id);
        if (verdict === 'fair') fair = true;
        else if (verdict !== 'unfair') refine.push({ members, neglected: verdict });
      }
      return fair;
    };
    const notQ = (s: number): boolean => (flags[s] & Q) === 0;
    for (let i = this.unvisited(seeds, 0); i < seeds.length && !fair; i = this.unvisited(seeds, i + 1))
      yield* this.tarjan(seeds[i], notQ, judge, entered);
    while (refine.length && !fair) yield* this.refined(refine.pop()!, judge);
    return fair;
  }

  /** Clears Tarjan's arrays for a search over the states of one property (`region` used `index` as its queue). */
  private newSearch(): void {
    this.index.fill(0);
    this.onStack.fill(0);
    this.comp.fill(-1);
  }

  /** Fair components of the region: the one whose state is closest to the initial state, with its members. */
  private *fairComponents(): Steps<{ best: number; members: number[] }> {
    const { n, dist } = this;
    this.newSearch();
    let best = -1;
    let bestMembers: number[] = [];
    const refine: { members: number[]; neglected: number[] }[] = [];
    const judge = (members: number[], id: number): void => {
      const verdict = this.judge(members, id);
      if (verdict === 'fair') {
        for (const m of members) {
          if (best < 0 || dist[m] < dist[best]) {
            best = m;
            bestMembers = members;
          }
        }
      } else if (verdict !== 'unfair') refine.push({ members, neglected: verdict });
    };
    const inRegion = (s: number) => dist[s] >= 0;
    for (let s = this.unvisitedInRegion(0); s < n; s = this.unvisitedInRegion(s + 1)) yield* this.tarjan(s, inRegion, judge);
    while (refine.length) yield* this.refined(refine.pop()!, judge);
    return { best, members: bestMembers };
  }

  /** Strong fairness: drops the component's states where a neglected action is enabled and splits the rest again. */
  private *refined(
    { members, neglected }: { members: number[]; neglected: number[] },
    judge: (members: number[], id: number) => boolean | void,
  ): Steps<void> {
    const stamp = (this.stamp ??= new Int32Array(this.n).fill(-1));
    const tag = ++this.sccIds;
    const kept: number[] = [];
    for (let from = 0; from < members.length; from += SLICE) {
      if (from > 0) yield;
      this.keepDisabled(members, from, Math.min(members.length, from + SLICE), neglected, tag, kept);
    }
    const inside = (s: number) => stamp[s] === tag;
    for (let i = this.unvisited(kept, 0); i < kept.length; i = this.unvisited(kept, i + 1)) yield* this.tarjan(kept[i], inside, judge);
  }

  /**
   * The first position from `i` in `states` whose state no search has entered yet (`states.length`: none). The scans
   * for the next root are plain functions, not loops of the generators: V8 does not optimize a long loop in a generator.
   */
  private unvisited(states: readonly number[], i: number): number {
    while (i < states.length && this.index[states[i]] !== 0) i++;
    return i;
  }

  /** The first state from `s` in the region that no search has entered yet (`n`: none). */
  private unvisitedInRegion(s: number): number {
    const { n, dist, index } = this;
    while (s < n && !(dist[s] >= 0 && index[s] === 0)) s++;
    return s;
  }

  /** Of members[from..to], keeps (stamped `tag`, in `kept`) those where no neglected action is enabled. */
  private keepDisabled(members: number[], from: number, to: number, neglected: number[], tag: number, kept: number[]): void {
    const stamp = this.stamp!;
    for (let j = from; j < to; j++) {
      const m = members[j];
      const k = this.succ.expand(m);
      let enabled = false;
      for (let i = 0; i < k && !enabled; i++) enabled = neglected.includes(this.succ.cls[i]);
      if (!enabled) {
        kept.push(m);
        stamp[m] = tag;
        this.index[m] = 0;
        this.onStack[m] = 0;
      }
    }
  }

  /**
   * Tarjan's algorithm from `root` over the states `inside` accepts, with an explicit stack:
   * each frame's successors are recomputed once, when it is entered, onto a shared stack.
   */
  private *tarjan(
    root: number,
    inside: (s: number) => boolean,
    /** Told of each component; returning true stops the search there (the arrays are then left mid-search). */
    found: (members: number[], id: number) => boolean | void,
    /** Told of each state entered, while its k successors are still in `succ`. */
    entered?: (v: number, k: number) => void,
  ): Steps<void> {
    const search = this.tarjanFrom(root, inside, found, entered);
    while (!search(SLICE)) yield;
  }

  /**
   * The search of `tarjan` as a plain function that enters at most `budget` states a call and says whether it is
   * over. Its loop runs in a function of its own, not in the generator: V8 optimizes a long-running loop while it
   * runs (on-stack replacement), which it does not do inside a generator.
   */
  private tarjanFrom(
    root: number,
    inside: (s: number) => boolean,
    found: (members: number[], id: number) => boolean | void,
    entered?: (v: number, k: number) => void,
  ): (budget: number) => boolean {
    const { index, low, onStack, comp, succ } = this;
    // Indices only need to be unique among the states on the stack: each run may start again from 1.
    let counter = 0;
    const frames: number[] = []; // [state, next successor, end of its successors] triples
    let targets = new Int32Array(1024);
    let top = 0;
    const stack: number[] = [];
    const enter = (v: number) => {
      index[v] = low[v] = ++counter;
      onStack[v] = 1;
      stack.push(v);
      const start = top;
      const k = succ.expand(v);
      entered?.(v, k);
      if (top + k > targets.length) {
        const t = new Int32Array(Math.max(targets.length * 2, top + k));
        t.set(targets);
        targets = t;
      }
      for (let i = 0; i < k; i++) if (succ.to[i] >= 0 && inside(succ.to[i])) targets[top++] = succ.to[i];
      frames.push(v, start, top);
    };
    enter(root);
    return (budget: number): boolean => {
      while (frames.length) {
        const f = frames.length - 3;
        const v = frames[f];
        if (frames[f + 1] < frames[f + 2]) {
          const w = targets[frames[f + 1]++];
          if (index[w] === 0) {
            enter(w);
            if (--budget === 0) return frames.length === 0;
          } else if (onStack[w] && index[w] < low[v]) low[v] = index[w];
          continue;
        }
        // A frame's successors start where its parent's end: popping it frees them.
        frames.length = f;
        top = f === 0 ? 0 : frames[f - 1];
        if (low[v] === index[v]) {
          const id = ++this.sccIds;
          const members: number[] = [];
          let m: number;
          do {
            m = stack.pop()!;
            onStack[m] = 0;
            comp[m] = id;
            members.push(m);
          } while (m !== v);
          if (found(members, id) === true) return true;
        }
        if (frames.length) {
          const u = frames[frames.length - 3];
          if (low[v] < low[u]) low[u] = low[v];
        }
      }
      return true;
    };
  }

  /**
   * Per fair class, for `judge`: the call that last saw it enabled (`enabledIn`), at how many members, the member
   * that last counted it (`seenAt`), and the call in which it was taken inside the component (`takenIn`). Stamped
   * arrays instead of a Map and Sets per call: most components are one state, and judge's own time was 23% of a
   * whole run's profile (kill-dax-readers, 6 readers) when it allocated them, 3% after.
   */
  private judged = 0;
  private enabledIn: Int32Array = new Int32Array(0);
  private enabledAt: Int32Array = new Int32Array(0);
  private seenAt: Int32Array = new Int32Array(0);
  private takenIn: Int32Array = new Int32Array(0);
  private enabledList: Int32Array = new Int32Array(0);

  /** 'fair', 'unfair' (weak fairness fails: no sub-cycle can be fair either), or the strongly fair actions neglected. */
  private judge(members: number[], id: number): 'fair' | 'unfair' | number[] {
    const { succ, comp } = this;
    const call = ++this.judged;
    let listed = 0;
    for (let j = 0; j < members.length; j++) {
      const m = members[j];
      const k = succ.expand(m);
      for (let i = 0; i < k; i++) {
        const c = succ.cls[i];
        if (c === UNFAIR) continue;
        // Classes are numbered as the successors first meet them (Fairness.classOf): the arrays follow.
        if (c >= this.enabledIn.length) this.moreClasses(c + 1);
        if (this.enabledIn[c] !== call) {
          this.enabledIn[c] = call;
          this.enabledAt[c] = 0;
          this.seenAt[c] = -1;
          this.enabledList[listed++] = c;
        }
        // Counted once per member that enables it.
        if (this.seenAt[c] !== j) {
          this.seenAt[c] = j;
          this.enabledAt[c]++;
        }
        if (succ.to[i] >= 0 && comp[succ.to[i]] === id) this.takenIn[c] = call;
      }
    }
    const neglected: number[] = [];
    // In the order the classes were first met, as the Map this replaces iterated them.
    for (let e = 0; e < listed; e++) {
      const c = this.enabledList[e];
      if (this.takenIn[c] === call) continue;
      if (this.fairness.classes[c].kind === 'weak') {
        if (this.enabledAt[c] === members.length) return 'unfair';
      } else neglected.push(c);
    }
    return neglected.length ? neglected : 'fair';
  }

  /** Grows judge's per-class arrays to `n` classes at least. */
  private moreClasses(n: number): void {
    const size = Math.max(n, 2 * this.enabledIn.length, 16);
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.enabledIn = grow(this.enabledIn);
    this.enabledAt = grow(this.enabledAt);
    this.seenAt = grow(this.seenAt);
    this.takenIn = grow(this.takenIn);
    this.enabledList = grow(this.enabledList);
  }

  /** The lasso into the fair component `members` at its state `entry` closest to the initial state. */
  private lasso(entry: number, members: number[]): Lasso {
    const { store, pred } = this;
    // Prefix: the stored BFS path to the seed, then the region's path from the seed.
    const regionPath: number[] = [];
    for (let s = entry; s >= 0; s = pred[s]) regionPath.push(s);
    regionPath.reverse();
    const seed = regionPath[0];
    const labels: number[] = [];
    const treePath: number[] = [];
    for (let s = seed; s > 0; s = store.parent(s)) treePath.push(s);
    for (let i = treePath.length - 1; i >= 0; i--) labels.push(store.label(treePath[i]));
    for (let i = 1; i < regionPath.length; i++) labels.push(this.labelOf(regionPath[i - 1], regionPath[i]));
    const loop = labels.length;
    const cycle = this.cycle(entry, new Set(members));
    labels.push(...cycle.labels);
    return { labels, loop, obligations: cycle.obligations };
  }

  private labelOf(from: number, to: number): number {
    const k = this.succ.expand(from);
    for (let i = 0; i < k; i++) if (this.succ.to[i] === to) return this.succ.label[i];
    throw new Error(`internal: no step from state ${from} to ${to}`);
  }

  /**
   * A cycle from `entry` inside `members` meeting every fair action enabled somewhere in it: taking
   * it where it is taken inside the component, else reaching a state where it is disabled. Empty when
   * nothing is owed: the system stutters at `entry`.
   */
  private cycle(entry: number, members: Set<number>): { labels: number[]; obligations: Obligation[] } {
    const { succ } = this;
    // What each fair action needs, from one look at the component.
    const takenInside = new Set<number>();
    const enabledSomewhere = new Set<number>();
    for (const m of members) {
      const k = succ.expand(m);
      for (let i = 0; i < k; i++) {
        const c = succ.cls[i];
        if (c === UNFAIR) continue;
        enabledSomewhere.add(c);
        if (members.has(succ.to[i])) takenInside.add(c);
      }
    }
    const states = [entry];
    const labels: number[] = [];
    const classes: number[] = [];
    const met = (c: number): boolean => classes.includes(c) || states.some((s) => !this.enables(s, c));
    const walk = (goal: (s: number) => number | undefined): void => {
      // Breadth-first inside the component from the cycle's current end to a state where goal gives a step (-1: none needed).
      const from = states[states.length - 1];
      const back = new Map<number, [number, number, number]>([[from, [-1, -1, -1]]]);
      const queue = [from];
      for (let h = 0; h < queue.length; h++) {
        const v = queue[h];
        const g = goal(v);
        if (g !== undefined) {
          const path: [number, number, number][] = [];
          for (let s = v; s !== from; s = back.get(s)![0]) path.push([s, back.get(s)![1], back.get(s)![2]]);
          for (let i = path.length - 1; i >= 0; i--) {
            states.push(path[i][0]);
            labels.push(path[i][1]);
            classes.push(path[i][2]);
          }
          if (g >= 0) {
            succ.expand(v);
            states.push(succ.to[g]);
            labels.push(succ.label[g]);
            classes.push(succ.cls[g]);
          }
          return;
        }
        const k = succ.expand(v);
        for (let i = 0; i < k; i++) {
          const t = succ.to[i];
          if (members.has(t) && !back.has(t)) {
            back.set(t, [v, succ.label[i], succ.cls[i]]);
            queue.push(t);
          }
        }
      }
      throw new Error('internal: a fair component is not strongly connected');
    };
    for (const c of [...enabledSomewhere].sort((a, b) => a - b)) {
      if (met(c)) continue;
      if (takenInside.has(c)) {
        walk((v) => {
          const k = succ.expand(v);
          for (let i = 0; i < k; i++) if (succ.cls[i] === c && members.has(succ.to[i])) return i;
          return undefined;
        });
      } else walk((v) => (this.enables(v, c) ? undefined : -1));
    }
    if (labels.length > 0 && states[states.length - 1] !== entry) walk((v) => (v === entry ? -1 : undefined));
    const obligations: Obligation[] = [];
    const onCycle = new Set<number>();
    for (const s of states) {
      const k = succ.expand(s);
      for (let i = 0; i < k; i++) if (succ.cls[i] !== UNFAIR) onCycle.add(succ.cls[i]);
    }
    for (const c of [...onCycle].sort((a, b) => a - b)) {
      const step = classes.indexOf(c);
      const fair = this.fairness.classes[c];
      if (step >= 0) obligations.push({ fair, how: 'taken', at: step + 1 });
      else obligations.push({ fair, how: 'disabled', at: states.findIndex((s) => !this.enables(s, c)) });
    }
    return { labels, obligations };
  }

  private enables(s: number, c: number): boolean {
    const k = this.succ.expand(s);
    for (let i = 0; i < k; i++) if (this.succ.cls[i] === c) return true;
    return false;
  }
}

function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
