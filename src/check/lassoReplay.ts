/**
 * Closing the loop of a replayed lasso: the cycle's last state must be the state its `loop` index names.
 */
/** What closing the loop decides; replay.ts adds it to its ReplayResult (declared here, so neither module imports the other's types both ways). */
export interface LoopClosure {
  readonly matched: number;
  readonly total: number;
  readonly divergence?: { readonly step: number; readonly message: string };
  readonly loop?: number;
}

/**
 * The end of a lasso's replay: the trace's `loop` names the state its cycle starts at, and the
 * cycle must close, its last state being that state again (when `loop` is the last index, the
 * cycle has no step: the system stutters there for ever). A lasso names no violating state: what
 * it shows is that the property's goal never comes on a behaviour the fairness allows.
 */
export function closeLoop(loop: number, visited: readonly Int32Array[]): LoopClosure {
  const total = visited.length - 1;
  if (!Number.isInteger(loop) || loop < 0 || loop > total) {
    return {
      matched: total,
      total,
      divergence: { step: total, message: `the loop index ${loop} is not a state of the trace (0 to ${total})` },
    };
  }
  const last = visited[total];
  const start = visited[loop];
  if (!last.every((v, i) => v === start[i])) {
    return {
      matched: total,
      total,
      divergence: { step: total, message: `the cycle does not close: the last state is not the state at the loop index ${loop}` },
    };
  }
  return { matched: total, total, loop };
}
