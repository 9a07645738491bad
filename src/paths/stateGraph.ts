/**
 * The state graph path generation works on: every reachable state with every edge kept (the checker
 * keeps only a BFS tree), each edge with the coverage items its step takes, crashes as edges to CRASH.
 */
import { MemoryStateStore, type StateStore } from '../check/stateStore.ts';
import { STEP_BLOCKED, STEP_OK, stepLabel } from '../compose/stepLabel.ts';
import type { DeliveryRecord, System } from '../compose/system.ts';
import { CoverageIndex } from './coverageItems.ts';

/** Destination of an edge whose step crashes the kernel (an oops, a NULL call): no state follows it. */
export const CRASH = -1;

/**
 * The explored state graph with every edge kept, and for each edge the coverage items its step
 * covers. The checker keeps only a BFS tree; covering transitions needs all edges. States are
 * expanded as `systemLogic` expands them (past invariant failures and WARNs, not past a crash), so
 * the reachable set is the one @xstate/graph sees; a crashing step is kept as an edge into CRASH.
 */
export interface StateGraph {
  readonly system: System;
  readonly coverage: CoverageIndex;
  readonly store: StateStore;
  readonly states: number;
  readonly edges: number;
  /** Edges of state s are [edgeStart[s], edgeStart[s + 1]). */
  readonly edgeStart: Int32Array;
  readonly edgeTo: Int32Array;
  /** Step label (compose/stepLabel.ts). */
  readonly edgeLabel: Int32Array;
  /** 0, or the 1-based violation the step commits. */
  readonly edgeCode: Int32Array;
  /** Items of edge e are edgeItems[itemStart[e] .. itemStart[e + 1]). */
  readonly itemStart: Int32Array;
  readonly edgeItems: Int32Array;
  readonly initialItems: readonly number[];
  /** False when states past maxStates were left unexpanded. */
  readonly complete: boolean;
  /**
   * Transition pairs each machine can take one after the other in one actor: within a delivery
   * (microsteps), and across deliveries joined at the actor's snapshot (the last transition into it,
   * the first out of it). Keys `machine|t1|t2` of interned transition items.
   */
  readonly pairs: ReadonlySet<string>;
}

/** Per actor and snapshot: the transitions that end in it and those that start from it. */
class PairCollector {
  readonly within = new Set<string>();
  private readonly into: Map<number, Set<number>>[] = [];
  private readonly outOf: Map<number, Set<number>>[] = [];
  constructor(private readonly machines: readonly string[]) {
    machines.forEach((_, a) => {
      this.into[a] = new Map();
      this.outOf[a] = new Map();
    });
  }
  add(a: number, before: number, next: number, seq: readonly number[]): void {
    if (!seq.length) return;
    for (let i = 1; i < seq.length; i++) this.within.add(`${this.machines[a]}|${seq[i - 1]}|${seq[i]}`);
    const put = (m: Map<number, Set<number>>, k: number, v: number): void => {
      let set = m.get(k);
      if (!set) m.set(k, (set = new Set()));
      set.add(v);
    };
    put(this.outOf[a], before, seq[0]);
    put(this.into[a], next, seq[seq.length - 1]);
  }
  done(): Set<string> {
    const out = new Set(this.within);
    this.machines.forEach((m, a) => {
      for (const [x, ins] of this.into[a]) {
        const outs = this.outOf[a].get(x);
        if (outs) for (const i of ins) for (const o of outs) out.add(`${m}|${i}|${o}`);
      }
    });
    return out;
  }
}

class IntList {
  length = 0;
  data = new Int32Array(1 << 12);
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  done(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

export function buildStateGraph(system: System, options: { maxStates?: number } = {}): StateGraph {
  const maxStates = options.maxStates ?? Infinity;
  const w = system.width;
  const coverage = new CoverageIndex(system);
  const initialItems = coverage.initialItems();
  const store = new MemoryStateStore(w);
  store.add(system.initial, -1, -1);
  const edgeStart = new IntList();
  const edgeTo = new IntList();
  const edgeLabel = new IntList();
  const edgeCode = new IntList();
  const itemStart = new IntList();
  const edgeItems = new IntList();
  const cur = new Int32Array(w);
  const out = new Int32Array(w);
  const record: DeliveryRecord[] = [];
  const items = new Set<number>();
  const pairs = new PairCollector(system.actors.map((t) => t.machine.id));
  let complete = true;

  for (let s = 0; s < store.count; s++) {
    edgeStart.push(edgeTo.length);
    // Past the bound, states already found stay in the graph as dead ends.
    if (s >= maxStates) {
      complete = false;
      continue;
    }
    store.load(s, cur);
    for (let a = 0; a < w; a++) {
      const offers = system.actors[a].offers(cur[a]);
      for (let o = 0; o < offers.length; o++) {
        out.set(cur);
        record.length = 0;
        const r = system.step(out, a, o, record);
        if (r === STEP_BLOCKED) continue;
        items.clear();
        for (const d of record) {
          if (d.delivery?.fate !== 'taken') continue;
          for (const i of coverage.transitions(d.actor, d.before, d.delivery.event)) items.add(i);
          pairs.add(d.actor, d.before, d.delivery.next, coverage.sequence(d.actor, d.before, d.delivery.event));
          for (const i of coverage.nodes(d.actor, d.delivery.next)) items.add(i);
        }
        itemStart.push(edgeItems.length);
        for (const i of [...items].sort((x, y) => x - y)) edgeItems.push(i);
        edgeLabel.push(stepLabel(a, o));
        edgeCode.push(r === STEP_OK ? 0 : r);
        if (r !== STEP_OK && !system.violation(r).continues) {
          edgeTo.push(CRASH);
          continue;
        }
        const at = store.add(out, s, stepLabel(a, o));
        edgeTo.push(at >= 0 ? at : -1 - at);
      }
    }
  }
  edgeStart.push(edgeTo.length);
  itemStart.push(edgeItems.length);
  return {
    system,
    coverage,
    store,
    states: store.count,
    edges: edgeTo.length,
    edgeStart: edgeStart.done(),
    edgeTo: edgeTo.done(),
    edgeLabel: edgeLabel.done(),
    edgeCode: edgeCode.done(),
    itemStart: itemStart.done(),
    edgeItems: edgeItems.done(),
    initialItems,
    complete,
    pairs: pairs.done(),
  };
}
