/**
 * What a check finds: a property that failed, named by its key, with where its shortest
 * counterexample ends in the explored graph. The explorer, the progress and liveness checks and
 * the trace builders all speak of findings; they live here, below all of them, so none of those
 * modules imports another just for the type.
 */

export type ViolationKind = 'invariant' | 'violation-state' | 'null-call' | 'unaccepted' | 'deadlock' | 'progress' | 'liveness';

/** A property that failed, with where its shortest counterexample ends. */
export interface Finding {
  /** Distinct property key: one finding per key. */
  readonly key: string;
  /** The property's id as reports show it: an invariant id, or the kind of kernel failure. */
  readonly property: string;
  readonly kind: ViolationKind;
  readonly text: string;
  readonly actor?: string;
  /** The last stored state of the counterexample. */
  readonly state: number;
  /** For step violations: the failing step from `state` (label), not stored as a state. */
  readonly step?: number;
  /** Steps in the counterexample. */
  readonly length: number;
  /**
   * The key of the finding this one follows from, when the checker saw it directly: a waiter that
   * can never be woken because the code path it waits on oopses next (the oops ends that path).
   * src/check/consequences.ts finds the others from the traces.
   */
  readonly cause?: string;
}

/** What a failed property says of itself (a step violation of the composed system): the finding's own fields. */
export interface Failure {
  readonly key: string;
  readonly property: string;
  readonly kind: ViolationKind;
  readonly text: string;
  readonly actor?: string;
}

/** The finding of `f` whose counterexample ends at stored `state`, `length` steps long; a failing step from it is `step`. */
export function findingAt(f: Failure, state: number, length: number, step?: number): Finding {
  const { key, property, kind, text, actor } = f;
  return step === undefined
    ? { key, property, kind, text, actor, state, length }
    : { key, property, kind, text, actor, state, step, length };
}
