/**
 * SIGINT and SIGTERM during a long run: the first one asks the run to stop at its next state
 * boundary (the run then prints what it explored, marked INCOMPLETE, and exits 130 or 143); a
 * second one ends the process at once, for a user who will not wait.
 */
export async function interruptible<T>(work: (stopRequested: () => string | undefined) => Promise<T>): Promise<T> {
  let signal: string | undefined;
  const handler = (name: NodeJS.Signals): void => {
    if (signal !== undefined) process.exit(name === 'SIGTERM' ? 143 : 130);
    signal = name;
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
