/**
 * A fault in the input rather than a finding: a machine that is not pure, an unknown
 * actor, a size out of range. The CLI prints its message as one line and exits 2.
 */
export class ModelError extends Error {
  override readonly name = 'ModelError';
}
