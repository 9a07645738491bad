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
 * Bytes of heap a cache may hold, by its own estimate (`ENTRY_BYTES` and the key strings): an entry that would pass it
 * is not kept, and the cache answers from what it has. The largest cell of the built-in matrix holds 3.4 MB
 * (pmem-remove-pinned at v8: 2,830 entries); the bound keeps a user's far larger cell at a quarter of the 64 MiB share
 * a matrix thread may be given under a memory budget (matrixThreads.ts MIN_THREAD_BUDGET), whose heap the budget
 * counts.
 */
export const CACHE_BYTES = 16 << 20;

/**
 * What an entry holds beside its key strings, by measurement: an outcome object, its calls and transitions, two map
 * entries, and a share of the snapshots it keeps alive (the built-in cells have one distinct next snapshot for every
 * two or three outcomes). `node --expose-gc --import tsx bench/cacheBytes.ts SCENARIO REVISION` checks a cell into one
 * cache and takes the heap with and without it: pmem-remove-pinned v8 3.35-3.46 MB held, estimated 2.99 MB;
 * dma-truncate v6.15 1.88 MB, estimated 1.91 MB. (A small cell's figure is mostly the machines the cache keys by,
 * which it holds alive: a cost per machine, not per entry.) The bound was 100,000 entries before, for 94 bytes an
 * entry, where an entry holds 1 KB or so: 100 MB, not the 10 MB it claimed.
 */
const ENTRY_BYTES = 800;

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
  private held = 0;
  /** Answers given from the cache (for tests and the bench). */
  hits = 0;

  /** `limit`: the most bytes the cache holds by its estimate (an entry costs ENTRY_BYTES and its keys' characters). */
  constructor(private readonly limit = CACHE_BYTES) {}

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
    const m = this.entriesOf(machine);
    let byState = m.outcomes.get(stateKey);
    // Key strings are counted a byte a character (V8's one-byte strings: the keys are canonical JSON of ASCII names).
    const cost = ENTRY_BYTES + eventKey.length + (outcome.nextKey?.length ?? 0) + (byState === undefined ? stateKey.length : 0);
    if (!this.room(cost)) return;
    if (byState === undefined) m.outcomes.set(stateKey, (byState = { env: new Map(), called: new Map() }));
    (env ? byState.env : byState.called).set(eventKey, outcome);
  }

  /** The initial snapshot of `machine` for the input keyed `inputKey`, if a table of it started with that input. */
  initial(machine: AnyStateMachine, inputKey: string): Initial | undefined {
    const i = this.byMachine.get(machine)?.initials.get(inputKey);
    if (i !== undefined) this.hits++;
    return i;
  }

  setInitial(machine: AnyStateMachine, inputKey: string, initial: Initial): void {
    if (!this.room(ENTRY_BYTES + inputKey.length + initial.key.length)) return;
    this.entriesOf(machine).initials.set(inputKey, initial);
  }

  /** Entries kept. */
  get size(): number {
    return this.entries;
  }

  /** Bytes the entries kept hold, by the estimate `limit` bounds. */
  get bytes(): number {
    return this.held;
  }

  /** Counts an entry of `cost` bytes in, when it fits. */
  private room(cost: number): boolean {
    if (this.held + cost > this.limit) return false;
    this.held += cost;
    this.entries++;
    return true;
  }

  private entriesOf(machine: AnyStateMachine): MachineEntries {
    let m = this.byMachine.get(machine);
    if (m === undefined) this.byMachine.set(machine, (m = { initials: new Map(), outcomes: new Map() }));
    return m;
  }
}
