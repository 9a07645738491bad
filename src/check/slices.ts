/**
 * Long synchronous passes written as generators that `yield` between slices of their work, so that one pass can be
 * run to its end at once (`drain`) or with turns of the event loop between its slices (`drainAsync`). A signal's
 * handler runs only in such a turn: a pass that never gives one cannot be stopped by SIGINT or SIGTERM, however long
 * it takes (the liveness check of percpu_ref at N=6 took 49 s).
 */

/** A pass that yields between slices of its work and returns `T` at its end. */
export type Steps<T> = Generator<void, T, void>;

/**
 * Units of work (states expanded, most often) a pass does between two yields: a few milliseconds' worth (a state of
 * kill-dax-readers expanded again takes about a microsecond), against tens of microseconds for a turn of the loop.
 */
export const SLICE = 1 << 12;

/** Runs `steps` to its end. */
export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs `steps` to its end with a turn of the event loop at each yield, and after each turn asks `shouldStop`: a
 * reason ends the pass there (it is not resumed) and is returned as `{ stopped }`. A pass shorter than a slice
 * gives no turn, and ends before any stop is seen.
 */
export async function drainAsync<T>(
  steps: Steps<T>,
  shouldStop: (() => string | undefined) | undefined,
): Promise<{ readonly value: T } | { readonly stopped: string }> {
  for (;;) {
    const r = steps.next();
    if (r.done) return { value: r.value };
    await new Promise<void>((resolve) => setImmediate(resolve));
    const why = shouldStop?.();
    if (why !== undefined) {
      steps.return(undefined as never);
      return { stopped: why };
    }
  }
}
