/**
 * One thread's share of a breadth-first level explored by several threads (parallelExplore.ts owns the
 * protocol; this module is what every thread, the main one included, runs). The visited set is one
 * SlotTable in SharedArrayBuffers; a level is explored in three phases, each ended by a barrier:
 *
 * 1. expand: threads take chunks of the level's states from a shared cursor and insert their successors
 *    with Atomics. A new state's slot is claimed (BUSY), its key written, then published as pending
 *    with its parent; a thread that meets a pending state from a larger parent lowers the parent (CAS),
 *    so once the phase ends every new state's slot holds its least parent, and the thread that expanded
 *    that parent holds an entry [parent, label, key] for it: its first discovery in the order a
 *    one-thread search would have met it. A state whose expansion needs XState (a memo miss) or an id
 *    wider than its packed field is deferred to the main thread, which owns the ids.
 * 2. count: each thread keeps the entries whose slot still names their parent and counts them per parent
 *    (a parent whose entry was taken over is marked in phase 1: only those entries are looked up).
 * 3. write: from the prefix sums of those counts, each kept entry's index is the one the one-thread search
 *    gives it; the thread writes the state there and checks invariants. The slot keeps -2 - parent: from
 *    the next level on that names a settled state (its parent is of an earlier level), whose index is
 *    found from its parent when it is needed (SlotTable.indexOf).
 *
 * Findings are candidates with the position a one-thread search would note them at (parent, step,
 * order within the step); the main thread notes them in that order, so findings, their states and
 * their traces are the same for any number of threads.
 */
import { MemoMiss } from '../compose/actorTable.ts';
import { NOT_MEMOIZED, STEP_BLOCKED, STEP_OK, stepLabel } from '../compose/stepLabel.ts';
import { OWN_MOVE } from '../compose/stepIndex.ts';
import type { System } from '../compose/system.ts';
import { CommutingSteps } from './commutingSteps.ts';
import { findingAt, type Finding } from './finding.ts';
import type { InvariantCheck } from './invariantCheck.ts';
import { Layout } from './packedStore.ts';
import { offsetIn, received, segmentOf } from './slotTable.ts';
import { hashKey } from './vectorHash.ts';

/** The shared table as posted to a thread: every array is a view of a SharedArrayBuffer. */
export interface TableShape {
  readonly slots: Int32Array;
  readonly bits: readonly number[];
  readonly keys: readonly Int32Array[];
  readonly parents: readonly Int32Array[];
  readonly labels: readonly Int32Array[];
  /** The most this thread's diamond rows may hold (commutingSteps.ts), read when the expander is built. */
  readonly rowBytes: number;
}

/** A finding as one thread saw it, with the position a one-thread search would have noted it at. */
export interface Candidate {
  /** The state being expanded (or, for an invariant, the new state's parent). */
  readonly s: number;
  /** label * ORDER_SPAN + order within the step; DEADLOCK_AT for a deadlock. */
  readonly at: number;
  readonly finding: Finding;
  /** A continuing violation's target without an index yet (pending, or settled by a parallel level): its packed key, resolved at the level's end. */
  readonly pending?: readonly number[];
}

export const ORDER_SPAN = 4096;
export const DEADLOCK_AT = 2 ** 50;

/** Indices of the shared control words. */
export const CURSOR = 0;
/** Slots claimed (settled and pending), on a cache line of its own: every thread adds to it. */
export const OCCUPIED = 16;
/** Set by the main thread to stop a level's chunks early (an interrupt). */
export const HALT = 32;
export const CONTROL_WORDS = 48;
/** Claims a thread counts before it adds them to OCCUPIED (the table keeps a quarter free, far more than threads times this). */
const CLAIM_BATCH = 256;

/** Where an entry's key starts (after parent and label). */
const ENTRY_KEY = 2;

/** A slot being written (its key is not there yet). */
const BUSY = -1;
/** A slot of this level, pending, whose least parent so far is `parent`. */
const pendingOf = (parent: number): number => -2 - parent;

/** Whether `a` comes before `b` in the order of a one-thread search. */
export function before(a: Candidate, b: Candidate): boolean {
  return a.s < b.s || (a.s === b.s && a.at < b.at);
}

export type ChunkStatus = 'done' | 'full' | 'more';

export class LevelExpander {
  private layout!: Layout;
  private slots!: Int32Array;
  private mask = 0;
  private shift = 0;
  private stride = 0;
  private words = 0;
  private keys: readonly Int32Array[] = [];
  private parents: readonly Int32Array[] = [];
  private labels: readonly Int32Array[] = [];

  /** [parent, label, key...] per entry; `entryCount` of them. */
  private entries = new Int32Array(1 << 12);
  private entryCount = 0;
  /** Each kept entry (phase 2), in entry order; `keptCount` of them. */
  private keptEntry = new Int32Array(1 << 10);
  private keptCount = 0;

  /**
   * The first state of the level being expanded: a slot holding -2 - parent is of this level (pending) when
   * the parent is at least this, and a state settled by an earlier parallel level otherwise (slotTable.ts).
   */
  private levelFirst = 0;
  private displaced: Uint8Array = new Uint8Array(0);
  /** States this thread could not expand from its memo: the main thread expands them. */
  deferred: number[] = [];
  /** A deferred state's id that did not fit: the main thread widens the field before it can go on. */
  noFit: { actor: number; id: number } | undefined;
  candidates = new Map<string, Candidate>();
  edges = 0;
  /** Told of each state whose expansion missed the memo (the main thread logs it for the replay). */
  onMissed: ((vec: Int32Array) => void) | undefined;
  /** Where a chunk was left when the table filled: the thread goes on from here. */
  private resumeFrom = -1;
  private resumeTo = -1;

  private readonly cur: Int32Array;
  private readonly out: Int32Array;
  private readonly parentVec: Int32Array;
  /** Each invariant's finding key. */
  private readonly invariantKeys: readonly string[];
  /** The second way round a diamond, not looked up (commutingSteps.ts), and how many the last expansion left out. */
  private readonly commuting: CommutingSteps;
  private leftOut = 0;
  private base!: Int32Array;
  private keyBuf!: Int32Array;
  /** Successors of the state being expanded: label, code, alsoViolated, then the packed key. */
  private succ = new Int32Array(1 << 10);
  private succStride = 0;

  constructor(
    private readonly system: System,
    shape: TableShape,
    private readonly check: InvariantCheck | undefined,
  ) {
    this.cur = new Int32Array(system.width);
    this.out = new Int32Array(system.width);
    this.parentVec = new Int32Array(system.width);
    this.invariantKeys = system.invariants.map((inv) => `invariant:${inv.id}`);
    const packed = new Int32Array(system.width);
    this.commuting = new CommutingSteps(
      system,
      {
        label: (index) => {
          const seg = segmentOf(index);
          return this.labels[seg][offsetIn(index, seg)];
        },
        parent: (index) => {
          const seg = segmentOf(index);
          return this.parents[seg][offsetIn(index, seg)];
        },
        load: (index, out) => {
          this.loadKey(index, packed);
          this.layout.unpack(packed, out);
        },
      },
      { max: shape.rowBytes },
    );
    this.adopt(shape);
  }

  /** Takes a new table (after growth or widening) or new segments of the by-index arrays. */
  adopt(shape: TableShape): void {
    if (!this.layout || this.layout.bits.join() !== shape.bits.join()) this.layout = new Layout(shape.bits);
    this.words = this.layout.words;
    this.stride = this.words + 1;
    this.slots = received(shape.slots);
    const size = this.slots.length / this.stride;
    this.mask = size - 1;
    this.shift = Math.clz32(size) + 1;
    this.keys = shape.keys.map(received);
    this.parents = shape.parents.map(received);
    this.labels = shape.labels.map(received);
    this.base = new Int32Array(this.words);
    this.keyBuf = new Int32Array(this.words);
    this.succStride = 3 + this.words;
  }

  /**
   * Starts a level whose states begin at `first`. `displaced` (shared by every thread, a byte per state of
   * the level) marks the states whose entry for some child an earlier parent (of any thread) took over.
   */
  startLevel(first: number, displaced: Uint8Array): void {
    this.levelFirst = first;
    this.displaced = displaced;
  }

  /** Forgets this level's entries (the level restarts). */
  reset(): void {
    this.entryCount = 0;
    this.keptCount = 0;
    this.deferred = [];
    this.noFit = undefined;
    this.candidates = new Map();
    this.edges = 0;
    this.claimed = 0;
    this.resumeFrom = this.resumeTo = -1;
  }

  // ---- phase 1 ----

  /**
   * Expands chunks of [·, to) taken from the shared cursor until none is left ('done'), the table
   * passes `limit` occupied slots ('full': the main thread grows it, then this is called again and goes
   * on where it stopped), or `maxChunks` were expanded ('more': the main thread looks at its signals).
   */
  expandChunks(control: Int32Array, to: number, chunk: number, limit: number, depth: number, maxChunks: number): ChunkStatus {
    for (let c = 0; ; c++) {
      let from: number;
      let end: number;
      if (this.resumeFrom >= 0) {
        from = this.resumeFrom;
        end = this.resumeTo;
        this.resumeFrom = this.resumeTo = -1;
      } else {
        this.flushClaims(control);
        if (c >= maxChunks) return 'more';
        if (Atomics.load(control, HALT) !== 0) return 'done';
        from = Atomics.add(control, CURSOR, chunk);
        if (from >= to) return 'done';
        end = Math.min(from + chunk, to);
      }
      for (let s = from; s < end; s++) {
        if (Atomics.load(control, OCCUPIED) >= limit) {
          this.flushClaims(control);
          this.resumeFrom = s;
          this.resumeTo = end;
          return 'full';
        }
        this.expandOne(s, depth, control);
      }
    }
  }

  /**
   * Expands state `s` (at depth `depth`): its successors are first built (pass 1, where a frozen
   * table may throw), then inserted (pass 2), so a state is either expanded whole or deferred whole.
   */
  expandOne(s: number, depth: number, control: Int32Array): void {
    const sys = this.system;
    const missed = sys.misses;
    const n = this.successors(s);
    // An unfrozen table (the main thread's) may have interned ids: the workers replay this state.
    if (sys.misses !== missed) this.onMissed?.(this.cur);
    if (n < 0) return;
    const ss = this.succStride;
    const succ = this.succ;
    this.edges += this.leftOut;
    for (let i = 0; i < n; i++) {
      const at = i * ss;
      const label = succ[at];
      const code = succ[at + 1];
      this.edges++;
      if (code === STEP_OK) {
        this.insert(succ, at + 3, s, label, control);
        continue;
      }
      const v = sys.violation(code);
      if (!v.continues) {
        this.candidate(s, label * ORDER_SPAN, findingAt(v, s, depth + 1, label));
        const also = succ[at + 2];
        if (also) {
          const w = sys.violation(also);
          this.candidate(s, label * ORDER_SPAN + 1, findingAt(w, s, depth + 1, label));
        }
        continue;
      }
      const index = this.insert(succ, at + 3, s, label, control);
      const also = succ[at + 2];
      // A target an earlier level holds is found again by its key (the finding's state is then unknown here).
      const key = index >= 0 ? undefined : Array.from(succ.subarray(at + 3, at + 3 + this.words));
      this.candidate(s, label * ORDER_SPAN, findingAt(v, index, depth + 1), key);
      if (also) this.candidate(s, label * ORDER_SPAN + 1, findingAt(sys.violation(also), index, depth + 1), key);
    }
    if (n === 0 && this.leftOut === 0 && sys.checkDeadlock) {
      const stuck = sys.unfinished(this.cur);
      if (stuck >= 0) {
        this.candidate(s, DEADLOCK_AT, {
          key: 'deadlock',
          property: 'deadlock',
          kind: 'deadlock',
          text: `no step is possible and ${sys.names[stuck]} has not finished`,
          actor: sys.names[stuck],
          state: s,
          length: depth,
        });
      }
    }
  }

  /** Pass 1: fills `succ` with the successors of `s`; -1 when `s` is deferred. */
  private successors(s: number): number {
    const sys = this.system;
    const cur = this.cur;
    const base = this.base;
    const words = this.words;
    this.loadKey(s, base);
    this.layout.unpack(base, cur);
    const { word, shift, mask } = this.layout;
    let n = 0;
    let leftOut = 0;
    const cs = this.commuting;
    let unfit: { actor: number; id: number } | undefined;
    try {
      const ix = sys.steps;
      for (let a = 0; a < cur.length; a++) {
        // The actor's offers are numbered k0..k1 in the step index; offer o is k0 + o.
        const k0 = ix.begin(a, cur[a]);
        const k1 = ix.end;
        for (let k = k0; k < k1; k++) {
          let code = STEP_OK;
          let also = 0;
          let next = ix.next[k];
          let t = -1;
          let tNext = 0;
          let full = false;
          if (ix.callee[k] === OWN_MOVE) {
            // The actor's own move.
            if (cs.known(s, cur, a, k, next, -1, 0)) {
              leftOut++;
              continue;
            }
          } else if ((code = sys.memoized(cur, k)) !== NOT_MEMOIZED) {
            if (code === STEP_BLOCKED) continue;
            also = sys.alsoViolated;
            next = sys.memoSelf;
            t = sys.memoTarget;
            tNext = sys.memoTargetNext;
            if (code === STEP_OK && cs.known(s, cur, a, k, next, t, tNext)) {
              leftOut++;
              continue;
            }
          } else {
            this.out.set(cur);
            code = sys.step(this.out, a, k - k0);
            if (code === STEP_BLOCKED) continue;
            also = sys.alsoViolated;
            full = true;
          }
          if (n * this.succStride + this.succStride > this.succ.length) this.succ = grow(this.succ);
          const at = n * this.succStride;
          const succ = this.succ;
          succ[at] = stepLabel(a, k - k0);
          succ[at + 1] = code;
          succ[at + 2] = also;
          n++;
          // A step that ends the path (an oops) stores no state: no key.
          if (code !== STEP_OK && !sys.violation(code).continues) continue;
          const kAt = at + 3;
          if (full) {
            const bad = this.layout.pack(this.out, this.keyBuf);
            if (bad >= 0) {
              unfit ??= { actor: bad, id: this.out[bad] };
              continue;
            }
            for (let i = 0; i < words; i++) succ[kAt + i] = this.keyBuf[i];
          } else {
            if ((next & ~mask[a]) !== 0 || (t >= 0 && (tNext & ~mask[t]) !== 0)) {
              unfit ??= (next & ~mask[a]) !== 0 ? { actor: a, id: next } : { actor: t, id: tNext };
              continue;
            }
            for (let i = 0; i < words; i++) succ[kAt + i] = base[i];
            succ[kAt + word[a]] = (succ[kAt + word[a]] & ~(mask[a] << shift[a])) | (next << shift[a]);
            if (t >= 0) succ[kAt + word[t]] = (succ[kAt + word[t]] & ~(mask[t] << shift[t])) | (tNext << shift[t]);
          }
        }
      }
    } catch (e) {
      if (e instanceof MemoMiss) {
        this.deferred.push(s);
        return -1;
      }
      throw e;
    }
    // An id too wide for its field: the expansion went on to the end all the same, so that an unfrozen
    // table met every miss of this state now (the replay of it repeats exactly these calls).
    if (unfit) {
      this.noFit ??= unfit;
      this.deferred.push(s);
      return -1;
    }
    this.leftOut = leftOut;
    return n;
  }

  /**
   * Inserts the key at key[at..] reached from `parent` by `label`: returns the index of a state settled with
   * its index, or -1 for a state of this level (new, or pending from another parent) or one an earlier
   * parallel level settled without it.
   */
  private insert(key: Int32Array, at: number, parent: number, label: number, control: Int32Array): number {
    const slots = this.slots;
    const stride = this.stride;
    const w = this.words;
    const mask = this.mask;
    let slot = hashKey(key, at, w) >>> this.shift;
    const mine = pendingOf(parent);
    for (;;) {
      const b = slot * stride;
      let v = Atomics.load(slots, b);
      if (v === 0) {
        if (Atomics.compareExchange(slots, b, 0, BUSY) !== 0) continue;
        for (let i = 0; i < w; i++) slots[b + 1 + i] = key[at + i];
        Atomics.store(slots, b, mine);
        if (++this.claimed === CLAIM_BATCH) this.flushClaims(control);
        this.entry(parent, label, key, at);
        return -1;
      }
      if (v === BUSY) continue;
      let i = 0;
      while (i < w && slots[b + 1 + i] === key[at + i]) i++;
      if (i < w) {
        slot = (slot + 1) & mask;
        continue;
      }
      if (v > 0) return v - 1;
      // Settled by an earlier parallel level: its index is not in the slot (the caller keeps the key).
      if (-2 - v < this.levelFirst) return -1;
      // Pending: lower its parent to ours when ours comes first (a larger pending value is a smaller parent).
      while (v < mine) {
        const was = Atomics.compareExchange(slots, b, v, mine);
        if (was === v) {
          // The entry of the parent whose place this takes is no longer the first discovery (phase 2).
          this.displaced[-2 - v - this.levelFirst] = 1;
          this.entry(parent, label, key, at);
          return -1;
        }
        v = was;
      }
      return -1;
    }
  }

  /** Slots claimed and not yet added to OCCUPIED. */
  private claimed = 0;

  /** Adds this thread's claims to OCCUPIED (before it stops or reports). */
  flushClaims(control: Int32Array): void {
    if (this.claimed) Atomics.add(control, OCCUPIED, this.claimed);
    this.claimed = 0;
  }

  private entry(parent: number, label: number, key: Int32Array, at: number): void {
    const es = ENTRY_KEY + this.words;
    if ((this.entryCount + 1) * es > this.entries.length) this.entries = grow(this.entries);
    const e = this.entryCount * es;
    this.entries[e] = parent;
    this.entries[e + 1] = label;
    for (let i = 0; i < this.words; i++) this.entries[e + ENTRY_KEY + i] = key[at + i];
    this.entryCount++;
  }

  private candidate(s: number, at: number, finding: Finding, pending?: number[]): void {
    const known = this.candidates.get(finding.key);
    const c: Candidate = pending ? { s, at, finding, pending } : { s, at, finding };
    if (!known || before(c, known)) this.candidates.set(finding.key, c);
  }

  // ---- phase 2 ----

  /**
   * Keeps the entries whose slot names their parent; adds each kept one to counts[parent - from]. Only a
   * parent marked displaced can have lost an entry, so only its entries are looked up (about 1% of them at
   * percpu_ref N=6; reading every entry's slot was a random read per new state).
   */
  count(counts: Int32Array, from: number): number {
    const es = ENTRY_KEY + this.words;
    const e = this.entries;
    const displaced = this.displaced;
    this.keptCount = 0;
    for (let j = 0; j < this.entryCount; j++) {
      const at = j * es;
      const parent = e[at];
      if (displaced[parent - from] !== 0 && this.slots[this.find(e, at + ENTRY_KEY) * this.stride] !== pendingOf(parent)) continue;
      if (this.keptCount === this.keptEntry.length) this.keptEntry = grow(this.keptEntry);
      this.keptEntry[this.keptCount++] = j;
      counts[parent - from]++;
    }
    return this.keptCount;
  }

  /** The slot of a key known to be in the table. */
  private find(key: Int32Array, at: number): number {
    const slots = this.slots;
    const stride = this.stride;
    const w = this.words;
    let slot = hashKey(key, at, w) >>> this.shift;
    for (;;) {
      const b = slot * stride;
      let i = 0;
      while (i < w && slots[b + 1 + i] === key[at + i]) i++;
      if (i === w && slots[b] !== 0) return slot;
      if (slots[b] === 0) throw new Error('internal: a level entry is not in the table');
      slot = (slot + 1) & this.mask;
    }
  }

  // ---- phase 3 ----

  /**
   * Writes each kept entry at its index: first + offsets[parent - from] + its rank among its parent's
   * entries (a parent's entries are this thread's, contiguous and in step order). Checks invariants.
   */
  write(offsets: Int32Array, from: number, first: number, depth: number): void {
    const es = ENTRY_KEY + this.words;
    const e = this.entries;
    const w = this.words;
    const child = this.out;
    const key = this.keyBuf;
    let lastParent = -1;
    let rank = 0;
    // This thread's entries are not in index order (the main thread's deferred states come last): see InvariantCheck.beginLevel.
    this.check?.beginLevel();
    for (let j = 0; j < this.keptCount; j++) {
      const at = this.keptEntry[j] * es;
      const parent = e[at];
      const label = e[at + 1];
      rank = parent === lastParent ? rank + 1 : 0;
      if (parent !== lastParent && this.check) {
        this.loadKey(parent, key);
        this.layout.unpack(key, this.parentVec);
      }
      lastParent = parent;
      const index = first + offsets[parent - from] + rank;
      const s = segmentOf(index);
      const o = offsetIn(index, s);
      const k = this.keys[s];
      for (let i = 0; i < w; i++) k[o * w + i] = e[at + ENTRY_KEY + i];
      this.parents[s][o] = parent;
      this.labels[s][o] = label;
      if (this.check) {
        for (let i = 0; i < w; i++) key[i] = e[at + ENTRY_KEY + i];
        this.layout.unpack(key, child);
        this.writing.parent = parent;
        this.writing.label = label;
        this.writing.index = index;
        this.writing.length = depth + 1;
        this.check.checkChild(this.parentVec, child, this.invariantFailed);
      }
    }
    this.check?.endLevel();
  }

  /** The state phase 3 is checking, for invariantFailed. */
  private readonly writing = { parent: 0, label: 0, index: 0, length: 0 };

  /**
   * Invariant `k` failed on the state phase 3 is checking. Between beginLevel and endLevel an invariant that
   * fails is evaluated on the rest of the level, and may fail on thousands of its states: a finding is built
   * only for a state a one-thread search would report before the candidate kept so far.
   */
  private readonly invariantFailed = (k: number): void => {
    const { parent, label, index, length } = this.writing;
    const inv = this.system.invariants[k];
    const key = this.invariantKeys[k];
    const at = label * ORDER_SPAN + 2 + k;
    const known = this.candidates.get(key);
    if (known && !(parent < known.s || (parent === known.s && at < known.at))) return; // before() without building a candidate
    this.candidate(parent, at, { key, property: inv.id, kind: 'invariant', text: inv.text, state: index, length });
  };

  // ---- the main thread's replay ----

  /**
   * Expands `vec` as an expansion would, building nothing: the same calls into the actor tables in the
   * same order, so an unfrozen table meets the misses the main thread met and interns the same ids.
   */
  replay(vec: Int32Array): void {
    const sys = this.system;
    const ix = sys.steps;
    for (let a = 0; a < vec.length; a++) {
      const k0 = ix.begin(a, vec[a]);
      const k1 = ix.end;
      for (let k = k0; k < k1; k++) {
        if (ix.callee[k] === OWN_MOVE) continue;
        if (sys.memoized(vec, k) !== NOT_MEMOIZED) continue;
        this.out.set(vec);
        sys.step(this.out, a, k - k0);
      }
    }
  }

  private loadKey(index: number, out: Int32Array): void {
    const w = this.words;
    const s = segmentOf(index);
    const o = offsetIn(index, s) * w;
    const k = this.keys[s];
    for (let i = 0; i < w; i++) out[i] = k[o + i];
  }
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
