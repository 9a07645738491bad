/**
 * The step protocol in one place: what a step of a composed system returns (STEP_OK, STEP_BLOCKED,
 * or a 1-based violation code) and how a step is named. A step is named by a label, one integer that
 * packs the actor that moves and the index of the offer it takes among that actor's offers in the
 * state it leaves; stores, traces, generated paths and the viewer keep labels, and every reader
 * decodes them here instead of by hand, so the packing can change in one file.
 */

/** The step happened and broke nothing. */
export const STEP_OK = 0;
/** The step cannot happen in this state (a callee refused it): no edge. */
export const STEP_BLOCKED = -1;
/** `System.memoized`: the step is not in the memo yet (or cannot be); take it with `step`. */
export const NOT_MEMOIZED = -2;

/** Offers per actor and state a label can name. */
const LABEL_SPAN = 1 << 16;

/** A step label decoded: which actor moves, and which of its offers it takes. */
export interface Step {
  readonly actor: number;
  readonly offer: number;
}

/** The label of actor `actor` taking its offer `offer`. */
export function stepLabel(actor: number, offer: number): number {
  return actor * LABEL_SPAN + offer;
}

/** The actor and offer a label names. */
export function decodeStep(label: number): Step {
  return { actor: stepActor(label), offer: stepOffer(label) };
}

/** The actor a label moves (no allocation, for hot loops). */
export function stepActor(label: number): number {
  return Math.floor(label / LABEL_SPAN);
}

/** The offer a label takes (no allocation, for hot loops). */
export function stepOffer(label: number): number {
  return label % LABEL_SPAN;
}
