/**
 * Exit codes of every daxspec command, and how --help states them. The only place they are defined:
 * the engine reports verdicts and throws coded errors, the CLI turns them into these.
 */
export const EXIT = {
  /** Every property holds (or the command did its job). */
  holds: 0,
  /** A property is violated (check, replay), or generated files are stale (--check, --lint). */
  violated: 1,
  /** Bad input: one line on stderr naming the option or file. */
  badInput: 2,
  /** Stopped at a bound (--max-states, --max-depth, --max-memory) without a violation: not complete. */
  bounded: 3,
  /** An internal error: a bug of ours (rerun with DAXSPEC_DEBUG=1 for the stack). */
  internal: 4,
  /** Interrupted by SIGINT (Ctrl-C) after printing what was explored: 128 + 2. */
  sigint: 130,
  /** Interrupted by SIGTERM after printing what was explored: 128 + 15. */
  sigterm: 143,
} as const;

/** The exit code for a run stopped by a signal, by the signal's name. */
export function exitForSignal(signal: string): number {
  return signal === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint;
}

export const EXIT_HELP = `
Exit status:
  0    every property holds (or the command did its job; check --all: the matrix is complete)
  1    a property is violated (check, replay); stale files (paths --check, docs --check, docs --lint)
  2    bad input: an unknown name, a size out of the scenario's range, an option that has no effect
       where it is given, an unwritable or foreign output, a malformed trace; one line on stderr
  3    stopped at a bound (--max-states, --max-depth, --max-memory) without a violation: not complete
  4    internal error: a bug of daxspec (DAXSPEC_DEBUG=1 prints the stack)
  130  interrupted by SIGINT (Ctrl-C): what was explored so far is printed, marked INCOMPLETE
  141  the reader of the output went away (| head): ended quietly
  143  interrupted by SIGTERM: the same`;
