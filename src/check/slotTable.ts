/**
 * The visited set of packed states with each state's key in its hash slot: an open-addressing table
 * whose slot is [index + 1 (or, after a parallel level, -2 - parent: see SlotTable), key words...], so a lookup that meets a known state compares the key in
 * the slot it already read, and never makes the second random read (of a vector stored elsewhere)
 * that a table of indices needs. A state's key, parent and label are also kept by index, in
 * segments that double in size (SegmentedArray), so that loading the frontier reads in order and
 * growth allocates a new segment and copies nothing; only the table is rebuilt when it doubles, from
 * the keys in its own slots (a sequential read).
 *
 * The memory is taken from `alloc`, so that the same table can live in SharedArrayBuffers and be
 * read and written by worker threads (levelExpander.ts inserts with Atomics). One thread uses
 * MemoryStateStore instead (packedStore.ts says why).
 */
import { maxLoad, type StateColumns } from './stateStore.ts';
import { hashKey } from './vectorHash.ts';

/** Gives the bytes of one array: an ArrayBuffer here, a SharedArrayBuffer for workers. */
export type Alloc = (bytes: number) => ArrayBufferLike;

export const localAlloc: Alloc = (bytes) => new ArrayBuffer(bytes);
export const sharedAlloc: Alloc = (bytes) => new SharedArrayBuffer(bytes);

/**
 * `a` as a thread that was posted it must use: the whole of its buffer. V8's serializer writes a view's byte
 * length in 32 bits, so a view past 4 GiB arrives cut short by a multiple of 4 GiB (5 GiB as 1 GiB), while its
 * buffer arrives whole: percpu_ref N=7 on two threads hung when its table reached 2^29 slots of 12 bytes. Every
 * array posted to the workers spans its whole buffer, so the receiver views the buffer again; any other shortfall
 * is not V8's cut and is a bug of ours, so it throws rather than view memory the sender did not mean.
 */
export function received<T extends Int32Array | Uint8Array>(a: T): T {
  const whole = a.buffer.byteLength;
  if (a.byteLength === whole) return a;
  if (a.byteOffset !== 0 || (whole - a.byteLength) % 2 ** 32 !== 0)
    throw new Error(`internal: a posted array of ${a.byteLength} bytes at offset ${a.byteOffset} is not its whole buffer of ${whole}`);
  return (a instanceof Int32Array ? new Int32Array(a.buffer) : new Uint8Array(a.buffer)) as T;
}

/**
 * `a`, new memory, with every page written once. A table's slots are read before they are written (a probe
 * finds a slot empty, then fills it), and Linux maps a page first read as the shared zero page, so the write
 * that follows faults a second time: two faults per page instead of one (256 MB read then written a word per
 * page, `node` alone: 131,299 faults and 192 ms, written only: 65,677 and 100 ms). At percpu_ref N=6 on two
 * threads rehashPart's probes into each doubled table took 57% of the run's 550,000 faults (`perf record -e
 * page-faults`). Writing zeros first costs a sequential pass over memory every page of which is touched anyway.
 */
export function writtenFirst<T extends Int32Array | Uint8Array>(a: T): T {
  a.fill(0);
  return a;
}

/** The first segment's length in entries, as a power of two; segment s > 0 holds 2^(FIRST + s - 1). */
const FIRST = 12;

/**
 * An array of Int32 entries (`per` words each) indexed 0.. and grown by segments that double: entry i
 * is in segment 32 - clz32(i >>> FIRST), so a segment is never copied or moved once written.
 */
export class SegmentedArray {
  readonly segments: Int32Array[] = [];

  constructor(
    readonly per: number,
    private readonly alloc: Alloc,
    private readonly reserve?: (bytes: number) => void,
  ) {}

  /** Makes entries [0, n) addressable. */
  ensure(n: number): void {
    while (this.capacity() < n) {
      const s = this.segments.length;
      const len = s === 0 ? 1 << FIRST : 1 << (FIRST + s - 1);
      const bytes = 4 * len * this.per;
      // The first segment of a run is always given: a budget refuses growth, not a start.
      if (s > 0) this.reserve?.(bytes);
      this.segments.push(new Int32Array(this.alloc(bytes)));
    }
  }

  capacity(): number {
    const s = this.segments.length;
    return s === 0 ? 0 : 1 << (FIRST + s - 1);
  }

  bytes(): number {
    return 4 * this.per * this.capacity();
  }

  /** Adopts segments made elsewhere (another thread's copy of the same array). */
  adopt(segments: readonly Int32Array[]): void {
    for (let s = this.segments.length; s < segments.length; s++) this.segments.push(segments[s]);
  }
}

/** Segment of entry i. */
export function segmentOf(i: number): number {
  return 32 - Math.clz32(i >>> FIRST);
}

/** Offset of entry i within its segment. */
export function offsetIn(i: number, segment: number): number {
  return segment === 0 ? i : i - (1 << (FIRST + segment - 1));
}

/** Slots a new table starts with. */
export const INITIAL_SLOTS = 1 << 13;

/**
 * The table and the by-index arrays, used by one thread (PackedStateStore). `add` returns the new
 * state's index, or -1 - index when the key is known, as StateStore.add does.
 *
 * A slot's first word: 0 empty; -1 while a parallel level writes its key (BUSY in levelExpander.ts);
 * index + 1 for a state added here; for a state a parallel level added,
 * -2 - parent (levelExpander.ts), its least parent, with no index: states are numbered in the order of
 * their parents, so a state's index is found among its parent's children (`indexOf`). The parallel
 * levels never write the index into the slot (a random write per new state, 9% of their time at
 * percpu_ref N=6); `add` settles those slots in one pass the first time a thread adds after them.
 */
export class SlotTable {
  count = 0;
  /** (words + 1) Int32 per slot: the first word as above, then the key. */
  slots: Int32Array;
  /** The first state whose slot may hold -2 - parent instead of its index (-1: none). */
  unsettledFrom = -1;
  mask: number;
  /** A key's home slot is its hash's top bits (hash >>> shift): see `grow`. */
  shift: number;
  readonly stride: number;
  readonly keys: SegmentedArray;
  readonly parents: SegmentedArray;
  readonly labels: SegmentedArray;

  constructor(
    readonly words: number,
    slots = INITIAL_SLOTS,
    private readonly reserve?: (bytes: number) => void,
    readonly alloc: Alloc = localAlloc,
  ) {
    slots = 1 << Math.max(3, 32 - Math.clz32(slots - 1));
    this.stride = words + 1;
    if (slots > INITIAL_SLOTS) reserve?.(4 * this.stride * slots);
    this.slots = writtenFirst(new Int32Array(alloc(4 * this.stride * slots)));
    this.mask = slots - 1;
    this.shift = Math.clz32(slots) + 1;
    this.keys = new SegmentedArray(words, alloc, reserve);
    this.parents = new SegmentedArray(1, alloc, reserve);
    this.labels = new SegmentedArray(1, alloc, reserve);
  }

  /**
   * Fills this empty table with states that are all distinct (a one-thread store's, `columns`): the
   * by-index arrays copied a segment at a time, each key put in the first free slot from its home by the hash
   * it was stored with, no key compared. Re-adding each state (unpack, pack, hash, probe, compare, append)
   * took 550-600 ms for percpu_ref N=6's 2.18M states when its threads join, with the second core idle.
   */
  fill(c: StateColumns): void {
    if (this.count !== 0) throw new Error('internal: SlotTable.fill on a table that holds states');
    const w = this.words;
    if (c.width !== w) throw new Error(`internal: SlotTable.fill of states of ${c.width} words into a table of ${w}`);
    const n = c.count;
    if (n > maxLoad(this.mask + 1)) throw new Error(`internal: SlotTable.fill of ${n} states into ${this.mask + 1} slots`);
    this.keys.ensure(n);
    this.parents.ensure(n);
    this.labels.ensure(n);
    for (let seg = 0, start = 0; start < n; seg++) {
      const end = Math.min(n, 1 << (FIRST + seg));
      this.keys.segments[seg].set(c.vectors.subarray(start * w, end * w));
      this.parents.segments[seg].set(c.parents.subarray(start, end));
      this.labels.segments[seg].set(c.labels.subarray(start, end));
      start = end;
    }
    const { slots, stride, mask, shift } = this;
    const { vectors, hashes } = c;
    for (let i = 0; i < n; i++) {
      let slot = hashes[i] >>> shift;
      while (slots[slot * stride] !== 0) slot = (slot + 1) & mask;
      const at = slot * stride;
      slots[at] = i + 1;
      for (let j = 0; j < w; j++) slots[at + 1 + j] = vectors[i * w + j];
    }
    this.count = n;
  }

  /** Adds the key at `key[0..words)` reached from `parent` by step `label`. */
  add(key: Int32Array, parent: number, label: number): number {
    if (this.unsettledFrom >= 0) this.settle();
    const w = this.words;
    const stride = this.stride;
    const slots = this.slots;
    const mask = this.mask;
    let slot = hashKey(key, 0, w) >>> this.shift;
    for (;;) {
      const base = slot * stride;
      const v = slots[base];
      if (v === 0) break;
      let i = 0;
      while (i < w && slots[base + 1 + i] === key[i]) i++;
      if (i === w) return -v;
      slot = (slot + 1) & mask;
    }
    const index = this.count;
    if (index >= maxLoad(mask + 1)) {
      this.grow();
      return this.add(key, parent, label);
    }
    this.append(index, key, parent, label);
    const base = slot * stride;
    for (let i = 0; i < w; i++) slots[base + 1 + i] = key[i];
    slots[base] = index + 1;
    this.count = index + 1;
    return index;
  }

  /** The index of the key at `key[0..words)`, or -1 (a state of a parallel level not yet written counts as absent). */
  find(key: Int32Array): number {
    const w = this.words;
    const stride = this.stride;
    const slots = this.slots;
    let slot = hashKey(key, 0, w) >>> this.shift;
    for (;;) {
      const base = slot * stride;
      const v = slots[base];
      if (v === 0) return -1;
      let i = 0;
      while (i < w && slots[base + 1 + i] === key[i]) i++;
      if (i === w) return v > 0 ? v - 1 : v < -1 ? this.indexOf(-2 - v, slots, base + 1) : -1;
      slot = (slot + 1) & this.mask;
    }
  }

  /**
   * The index of the state whose key is at `key[at..]` and whose parent is `parent`, by a binary search of
   * the parents (non-decreasing in index order: a breadth-first search numbers children in their parents'
   * order) and a scan of the parent's children. -1 when it is not there (a level not yet written).
   */
  indexOf(parent: number, key: Int32Array, at: number): number {
    let lo = 1;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.parent(mid) < parent) lo = mid + 1;
      else hi = mid;
    }
    const w = this.words;
    for (let i = lo; i < this.count && this.parent(i) === parent; i++) {
      const s = segmentOf(i);
      const o = offsetIn(i, s) * w;
      const k = this.keys.segments[s];
      let j = 0;
      while (j < w && k[o + j] === key[at + j]) j++;
      if (j === w) return i;
    }
    return -1;
  }

  /** Writes each state's index into its slot, from `unsettledFrom` on (a sequential read, a random write each). */
  settle(): void {
    const w = this.words;
    const stride = this.stride;
    const slots = this.slots;
    const key = new Int32Array(w);
    for (let i = this.unsettledFrom; i < this.count; i++) {
      this.load(i, key);
      let slot = hashKey(key, 0, w) >>> this.shift;
      for (;;) {
        const base = slot * stride;
        if (slots[base] === 0) throw new Error(`internal: state ${i} is not in the table`);
        let j = 0;
        while (j < w && slots[base + 1 + j] === key[j]) j++;
        if (j === w) break;
        slot = (slot + 1) & this.mask;
      }
      slots[slot * stride] = i + 1;
    }
    this.unsettledFrom = -1;
  }

  /** Writes state `index`'s key, parent and label into the by-index arrays. */
  append(index: number, key: Int32Array, parent: number, label: number): void {
    const w = this.words;
    if (index >= this.parents.capacity()) {
      this.keys.ensure(index + 1);
      this.parents.ensure(index + 1);
      this.labels.ensure(index + 1);
    }
    const s = segmentOf(index);
    const o = offsetIn(index, s);
    const k = this.keys.segments[s];
    for (let i = 0; i < w; i++) k[o * w + i] = key[i];
    this.parents.segments[s][o] = parent;
    this.labels.segments[s][o] = label;
  }

  /** Copies state `index`'s key into `out`. */
  load(index: number, out: Int32Array): void {
    const w = this.words;
    const s = segmentOf(index);
    const o = offsetIn(index, s) * w;
    const k = this.keys.segments[s];
    for (let i = 0; i < w; i++) out[i] = k[o + i];
  }

  parent(index: number): number {
    const s = segmentOf(index);
    return this.parents.segments[s][offsetIn(index, s)];
  }

  label(index: number): number {
    const s = segmentOf(index);
    return this.labels.segments[s][offsetIn(index, s)];
  }

  bytes(): number {
    return this.slots.byteLength + this.keys.bytes() + this.parents.bytes() + this.labels.bytes();
  }

  /**
   * Drops the slots the parallel level whose states begin at `levelFirst` claimed (a level given up:
   * interrupted, out of memory): those being written and those whose parent is one of its states. In place, as
   * it runs when memory may have run out: starting after a slot that was empty before (no probe crosses it),
   * each slot in turn is emptied and its entry, when kept, put back at the first free slot from its home. Its
   * home was visited before it, the slots from there on are occupied or already placed, and the one it left is
   * free, so it lands at or before where it was and every probe still ends at its key.
   */
  dropPending(levelFirst: number): void {
    const stride = this.stride;
    const slots = this.slots;
    const w = this.words;
    const size = this.mask + 1;
    let start = 0;
    while (slots[start * stride] !== 0) start++;
    const entry = new Int32Array(stride);
    for (let n = 1; n < size; n++) {
      const from = ((start + n) & this.mask) * stride;
      const v = slots[from];
      if (v === 0) continue;
      entry.set(slots.subarray(from, from + stride));
      slots[from] = 0;
      if (v === -1 || (v < -1 && -2 - v >= levelFirst)) continue;
      let slot = hashKey(entry, 1, w) >>> this.shift;
      while (slots[slot * stride] !== 0) slot = (slot + 1) & this.mask;
      slots.set(entry, slot * stride);
    }
  }

  /**
   * Doubles the table, rebuilt from the keys in its own slots. A key's home is the top bits of its
   * hash, so the keys lie in the old table in (nearly) the order of their homes and a home in the
   * new table is 2h or 2h + 1: reading the old table in order writes the new one in order too, a
   * stream instead of a random write per state. (At percpu_ref N=5, where the table fits in the caches,
   * growth was 12-13% of the profile with low bits and with top bits alike: bench/README.md.)
   */
  grow(): void {
    const next = this.beginGrow();
    this.endGrow(next, [rehashPart(next, 0, 1)]);
  }

  /**
   * The doubled table, allocated and empty, for threads to fill by parts (`rehashPart`, one part per
   * thread, while none inserts) before `endGrow` installs it.
   */
  beginGrow(): Growth {
    const size = 2 * (this.mask + 1);
    const stride = this.stride;
    this.reserve?.(4 * stride * size);
    const slots = new Int32Array(this.alloc(4 * stride * size));
    return { old: this.slots, slots, stride, words: this.words, shift: Math.clz32(size) + 1 };
  }

  /** Places the entries the parts left (`left`: their offsets in the old table) and takes the new table. */
  endGrow(next: Growth, left: readonly (readonly number[])[]): void {
    const { old, slots, stride } = next;
    const mask = slots.length / stride - 1;
    for (const offsets of left) {
      for (const b of offsets) {
        let slot = hashKey(old, b + 1, this.words) >>> next.shift;
        while (slots[slot * stride] !== 0) slot = (slot + 1) & mask;
        const to = slot * stride;
        for (let i = 0; i < stride; i++) slots[to + i] = old[b + i];
      }
    }
    this.slots = slots;
    this.mask = mask;
    this.shift = next.shift;
  }
}

/** A doubling in progress: the old slots, the new (shared when threads fill it), and the new table's shape. */
export interface Growth {
  readonly old: Int32Array;
  readonly slots: Int32Array;
  readonly stride: number;
  readonly words: number;
  readonly shift: number;
}

/**
 * Part `part` of `parts` of a doubling: moves the entries of that share of the old table whose new home
 * lies in the same share of the new one (old slot ranges map onto new ranges twice as long, homes being
 * top bits), probing only within it, so that threads filling different parts never write the same slot.
 * Returns the old offsets of the entries it left, which `endGrow` places: those displaced into the part from
 * an earlier home (or wrapped round from the end). Probing never leaves the part: the entries with new homes
 * from 2h on have old homes from h on, so at most to - h of them, for 2(to - h) slots; it is checked all the
 * same. A lookup probes from its home to the first empty slot, so entries placed part by part and then the
 * left ones make a valid table.
 */
export function rehashPart(g: Growth, part: number, parts: number): number[] {
  const { old, slots, stride, words, shift } = g;
  const oldSize = old.length / stride;
  const from = Math.floor((oldSize * part) / parts);
  const to = Math.floor((oldSize * (part + 1)) / parts);
  const lo = 2 * from;
  const hi = 2 * to;
  // The part's new slots are read before they are written: written first, each page faults once (writtenFirst).
  slots.fill(0, lo * stride, hi * stride);
  const left: number[] = [];
  for (let b = from * stride; b < to * stride; b += stride) {
    if (old[b] === 0) continue;
    let slot = hashKey(old, b + 1, words) >>> shift;
    // Displaced from an earlier part, or wrapped round from the table's end.
    if (slot < lo || slot >= hi) {
      left.push(b);
      continue;
    }
    while (slot < hi && slots[slot * stride] !== 0) slot++;
    if (slot === hi) {
      left.push(b);
      continue;
    }
    const at = slot * stride;
    for (let i = 0; i < stride; i++) slots[at + i] = old[b + i];
  }
  return left;
}
