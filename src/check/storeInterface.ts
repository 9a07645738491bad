/**
 * The visited set and the breadth-first frontier in one, as every backend implements it: the
 * in-memory stores (stateStore.ts, packedStore.ts, fingerprintStore.ts), the disk store (diskStore.ts)
 * and, on paper, each partition of a run across machines (docs/scale.md). States are numbered in the
 * order they are first added, so the frontier is the range [next unexpanded, count), each level is a
 * range, and a state's parent is one level up: a trace rebuilt from parents and labels is a shortest
 * one. The explorer, the progress and liveness checks, the trace builder and checkpoints (which read
 * the states in index order and refill a new store with `add`) use nothing else.
 */
export interface StateStore {
  /** Actors per state vector. */
  readonly width: number;
  /** States stored; their indices are 0 .. count - 1, in the order they were added. */
  readonly count: number;
  /**
   * Adds `vec` reached from `parent` by step `label`; returns its index, or -1 - index if already known.
   * Exact (two vectors are one state only if equal; fingerprint mode says when it is not) and answered at
   * once: the explorer checks a state's invariants when `add` says it is new.
   */
  add(vec: Int32Array, parent: number, label: number): number;
  /** Copies state `index` into `out`: cheap in index order (the frontier), possible at random (traces). */
  load(index: number, out: Int32Array): void;
  /** The state `index` was first reached from (-1 for the first state); an opaque number to the store. */
  parent(index: number): number;
  /** The step (stepLabel: actor and offer) that first reached `index`. */
  label(index: number): number;
  /** Bytes held in memory, for the report and the memory budget. */
  bytes(): number;
  /**
   * Optional fast path for a step that moves one or two actors: `loadBase` loads state `index`
   * and makes it the base; `addDelta` adds the base with actor `a` set to `va` and, when `t` is
   * not -1, actor `t` set to `vt`, without the caller copying the whole vector. It returns what
   * `add` would, or NOT_ADDED when the store cannot take this one that way (then call `add`).
   */
  loadBase?(index: number, out: Int32Array): void;
  addDelta?(a: number, va: number, t: number, vt: number, parent: number, label: number): number;
  /** Releases what the store holds outside the process's memory (the disk store's folder); optional. */
  close?(): void;
}

/** What `addDelta` returns when the caller must build the vector and call `add`. */
export const NOT_ADDED = -0x80000000;
