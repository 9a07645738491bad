/**
 * Context partitions: what a machine declares about the values its context takes, for path
 * coverage. A partition splits one quantity of the context into a few named blocks (a reference
 * count into 0 / 1 / many): the generated paths can then be asked to reach each block, and the
 * coverage report counts the blocks covered, reachable and defined. A machine declares its
 * partitions with `withPartitions(machine, [...])`; src/paths reads them with `partitionsOf`.
 *
 * The declaration rides on the machine object under a registered symbol, not in `meta`: meta is
 * exported, charted and documented as data, and a partition holds a function. `Symbol.for` makes a
 * user's model (bundled with its own copy of this module) declare under the same key daxspec reads.
 */

/** One partition of a machine's context into blocks. */
export interface ContextPartition<C = never> {
  /** What is partitioned, as the report names it: `count`. */
  readonly name: string;
  /** Every block, in order: `['0', '1', 'many']`. */
  readonly blocks: readonly string[];
  /** The block a context is in: one of `blocks`. */
  readonly of: (context: C) => string;
}

const PARTITIONS = Symbol.for('daxspec.contextPartitions');

/** Declares the partitions of a built machine's context; returns the machine. */
export function withPartitions<M extends object, C>(machine: M, partitions: readonly ContextPartition<C>[]): M {
  Object.defineProperty(machine, PARTITIONS, { value: partitions, enumerable: false, configurable: true });
  return machine;
}

/** The partitions a machine declares (none when it declares none). */
export function partitionsOf(machine: object): readonly ContextPartition<unknown>[] {
  const p = (machine as { [PARTITIONS]?: readonly ContextPartition<unknown>[] })[PARTITIONS];
  return p ?? [];
}

/** A count split into 0, 1 and many (a negative count, a bug the invariants report, falls in 0). */
export function countPartition<C>(name: string, count: (context: C) => number): ContextPartition<C> {
  return { name, blocks: ['0', '1', 'many'], of: (c) => (count(c) <= 0 ? '0' : count(c) === 1 ? '1' : 'many') };
}
