/** Exit codes of `daxspec check`: all hold, a violation, bad input, stopped at a bound. Its own module so the CLI starts without the checker. */
export const EXIT = { holds: 0, violated: 1, badInput: 2, bounded: 3 } as const;
