/**
 * A request the CLI refuses before doing any work: a missing option, options that contradict each
 * other or have no effect where they are given. Worded here, in the CLI, as one line; exit 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
