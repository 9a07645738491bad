/**
 * What XState answered for one machine, kept across the systems of a bug-matrix cell. A cell checks one scenario
 * at one revision over many configurations (pmem-remove-pinned 48, dma-truncate 132), and each configuration is a
 * new system whose actor tables start empty: in the whole matrix 1,170,783 deliveries went to XState, of which
 * 93,344 were distinct (machine, snapshot, event) within their cell (bench/README.md). An actor table that misses its own memo asks this
 * cache before XState. What is kept is what the machine alone decides (the next snapshot and its key, the calls
 * it makes by address, the transitions taken, the violation entered); each table still interns the snapshot and
 * the events in its own system and resolves the addresses to its own actors, the same way on a hit as on a miss,
 * so a configuration's ids, states and findings do not depend on what ran before it.
 *
 * The key is the machine object itself, so only a table whose machine is the very object another table used can
 * hit: the machine factories of machines/ hand out one object per argument list (machines/kit/oncePer.ts), so the
 * configurations of a cell share them. A machine built afresh for each system (a user's model may) never hits,
 * and is checked as before.
 */
import type { AnyStateMachine } from 'xstate';
import type { Outcome } from './outcome.ts';

/**
 * Entries a cache keeps at most: past it, it answers from what it has and keeps nothing more. The largest cell of
 * the built-in matrix keeps 2,796 (pmem-remove-pinned at v8); the bound is for a user's model far larger.
 */
export const CACHE_LIMIT = 500_000;

export class TransitionCache {
  private readonly byMachine = new Map<AnyStateMachine, Map<string, Outcome>>();
  private entries = 0;
  /** Answers given from the cache (for tests and the bench). */
  hits = 0;

  constructor(private readonly limit = CACHE_LIMIT) {}

  get(machine: AnyStateMachine, key: string): Outcome | undefined {
    const o = this.byMachine.get(machine)?.get(key);
    if (o !== undefined) this.hits++;
    return o;
  }

  set(machine: AnyStateMachine, key: string, outcome: Outcome): void {
    if (this.entries >= this.limit) return;
    let m = this.byMachine.get(machine);
    if (m === undefined) this.byMachine.set(machine, (m = new Map()));
    m.set(key, outcome);
    this.entries++;
  }

  get size(): number {
    return this.entries;
  }
}
