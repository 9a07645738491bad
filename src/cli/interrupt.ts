/**
 * SIGINT and SIGTERM during a long run: the first one asks the run to stop at its next state
 * boundary (the run then prints what it explored, marked INCOMPLETE, and exits 130 or 143); a
 * second one ends the process at once, for a user who will not wait. A second signal that comes
 * within SAME_SIGNAL_MS of the first is the same request delivered twice, not a user insisting:
 * `timeout -s INT` signals the process and then its process group, and a terminal's Ctrl-C reaches
 * both npx and node; taken as the second, it threw away the report of one run in four.
 */
export const SAME_SIGNAL_MS = 1000;

export async function interruptible<T>(work: (stopRequested: () => string | undefined) => Promise<T>): Promise<T> {
  let signal: string | undefined;
  let at = 0;
  const handler = (name: NodeJS.Signals): void => {
    const now = performance.now();
    if (signal !== undefined) {
      if (now - at < SAME_SIGNAL_MS) return;
      process.exit(name === 'SIGTERM' ? 143 : 130);
    }
    signal = name;
    at = now;
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await work(() => signal);
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}
