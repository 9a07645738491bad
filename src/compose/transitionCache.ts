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
 *
 * XState is asked once per entry, so the determinism check (each transition run twice its first few times in a
 * table, actorTable.ts) samples a transition in the configurations that first reach it and not again in the later
 * ones: the same machine object, so the same transition, checked no less often within the cell than in its first
 * configuration. Environment and called events are kept apart although their keys cannot collide today (a called
 * event carries its sender), since their outcomes differ where no transition exists (not offered, or unaccepted).
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { Outcome } from './outcome.ts';

/**
 * Entries a cache keeps at most: past it, it answers from what it has and keeps nothing more. The largest cell of
 * the built-in matrix keeps 2,796 (pmem-remove-pinned at v8), at about 94 bytes of heap an entry beside the snapshots
 * the tables hold anyway; the bound keeps a user's far larger cell within about 10 MB, a sixth of the 64 MiB share a
 * matrix thread may be given under a memory budget (matrixThreads.ts).
 */
export const CACHE_LIMIT = 100_000;

/** A machine's initial snapshot for one input, with its key: what a table of the machine starts in. */
export interface Initial {
  readonly snapshot: AnyMachineSnapshot;
  readonly key: string;
}

/** One machine's outcomes: by the source snapshot's key, then by the event's key, environment events apart. */
interface MachineEntries {
  readonly initials: Map<string, Initial>;
  readonly outcomes: Map<string, { readonly env: Map<string, Outcome>; readonly called: Map<string, Outcome> }>;
}

export class TransitionCache {
  private readonly byMachine = new Map<AnyStateMachine, MachineEntries>();
  private entries = 0;
  /** Answers given from the cache (for tests and the bench). */
  hits = 0;

  constructor(private readonly limit = CACHE_LIMIT) {}

  /**
   * The outcome of the event keyed `eventKey` in the snapshot keyed `stateKey`. Two levels of maps, not one key
   * joined from both: the tables hand over the very key strings they interned by, whose hashes V8 has kept, where
   * a joined key is a new string hashed at each lookup (3% of `check --all` when it was one level).
   */
  get(machine: AnyStateMachine, stateKey: string, eventKey: string, env: boolean): Outcome | undefined {
    const byState = this.byMachine.get(machine)?.outcomes.get(stateKey);
    const o = byState === undefined ? undefined : (env ? byState.env : byState.called).get(eventKey);
    if (o !== undefined) this.hits++;
    return o;
  }

  set(machine: AnyStateMachine, stateKey: string, eventKey: string, env: boolean, outcome: Outcome): void {
    if (this.entries >= this.limit) return;
    const m = this.entriesOf(machine);
    let byState = m.outcomes.get(stateKey);
    if (byState === undefined) m.outcomes.set(stateKey, (byState = { env: new Map(), called: new Map() }));
    (env ? byState.env : byState.called).set(eventKey, outcome);
    this.entries++;
  }

  /** The initial snapshot of `machine` for the input keyed `inputKey`, if a table of it started with that input. */
  initial(machine: AnyStateMachine, inputKey: string): Initial | undefined {
    const i = this.byMachine.get(machine)?.initials.get(inputKey);
    if (i !== undefined) this.hits++;
    return i;
  }

  setInitial(machine: AnyStateMachine, inputKey: string, initial: Initial): void {
    if (this.entries >= this.limit) return;
    this.entriesOf(machine).initials.set(inputKey, initial);
    this.entries++;
  }

  get size(): number {
    return this.entries;
  }

  private entriesOf(machine: AnyStateMachine): MachineEntries {
    let m = this.byMachine.get(machine);
    if (m === undefined) this.byMachine.set(machine, (m = { initials: new Map(), outcomes: new Map() }));
    return m;
  }
}
