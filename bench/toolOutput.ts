/**
 * What the other model checkers print, read into counts: TLC's report (tla2tools.jar) and SPIN's pan.
 * The side-by-side rows (bench/percpuRefSideBySide.ts) put these counts beside ours, so a tool that explored
 * something else (another model, a cut-short run, an error) must show as such and never as a speed.
 */

export interface TlcReport {
  /** Distinct states found. */
  states: number;
  /** Edges: TLC's "states generated" less its initial states (it counts their generation too). */
  transitions: number;
  /** "Model checking completed. No error has been found." was printed. */
  complete: boolean;
  /** The first "Error: ..." line, when TLC found a violation or failed. */
  error?: string;
  /** TLC's own "Finished in": whole seconds only, its own rounding. */
  ownSeconds?: number;
}

/** TLC's "Finished in 01min 02s" (or "18s", or "1h 02min 03s") in seconds. */
function finishedIn(text: string): number | undefined {
  const m = /^Finished in ([^(]+?) at \(/m.exec(text);
  if (!m) return undefined;
  let seconds = 0;
  let matched = false;
  for (const [, n, unit] of m[1].matchAll(/(\d+)(h|min|s|ms)/g)) {
    matched = true;
    seconds += Number(n) * ({ h: 3600, min: 60, s: 1, ms: 0.001 } as Record<string, number>)[unit];
  }
  return matched ? seconds : undefined;
}

/** Reads TLC's standard output; undefined when it never printed its final counts (it crashed or was stopped). */
export function parseTlc(text: string): TlcReport | undefined {
  const last = /^(\d+) states generated, (\d+) distinct states found, (\d+) states left on queue\.$/m.exec(text);
  if (!last) return undefined;
  const initial = /Finished computing initial states: (\d+) distinct states? generated/.exec(text);
  const error = /^Error: (.+)$/m.exec(text);
  return {
    states: Number(last[2]),
    transitions: Number(last[1]) - (initial ? Number(initial[1]) : 0),
    complete: /^Model checking completed\. No error has been found\.$/m.test(text) && Number(last[3]) === 0,
    ...(error ? { error: error[1] } : {}),
    ...(finishedIn(text) !== undefined ? { ownSeconds: finishedIn(text) } : {}),
  };
}

export interface PanReport {
  /** States stored: SPIN's distinct states (after partial-order reduction). */
  states: number;
  /** "transitions (= stored+matched)". */
  transitions: number;
  errors: number;
  depth: number;
  /** "pan: elapsed time": pan's own timer. */
  ownSeconds?: number;
}

/** Reads pan's standard output (a safety run); undefined when it did not get to its statistics. */
export function parsePan(text: string): PanReport | undefined {
  // pan prints its counts with %g: past 10^8 or so in exponent form (1.4102004e+08 transitions at N=6), to 8 digits.
  const stored = /^\s*([\d.]+(?:e[+-]?\d+)?) states, stored/m.exec(text);
  const transitions = /^\s*([\d.]+(?:e[+-]?\d+)?) transitions \(= stored\+matched\)/m.exec(text);
  const head = /depth reached (\d+), errors: (\d+)/.exec(text);
  if (!stored || !transitions || !head) return undefined;
  const elapsed = /^pan: elapsed time ([\d.e+-]+) seconds/m.exec(text);
  return {
    states: Number(stored[1]),
    transitions: Number(transitions[1]),
    depth: Number(head[1]),
    errors: Number(head[2]),
    ...(elapsed ? { ownSeconds: Number(elapsed[1]) } : {}),
  };
}
