/**
 * The in-memory visited set: state vectors in one typed array, an open-addressing table mapping them
 * to indices. The interface every store implements is storeInterface.ts (re-exported here).
 */
import { NOT_ADDED, type StateStore } from './storeInterface.ts';
import { hashKey } from './vectorHash.ts';
export { NOT_ADDED, type StateStore };

/** States 0..count by index: `width` words each, their parents, labels and hashes (vectorHash.ts hashKey). */
export interface StateColumns {
  readonly count: number;
  readonly width: number;
  readonly vectors: Int32Array;
  readonly parents: Int32Array;
  readonly labels: Int32Array;
  readonly hashes: Int32Array;
}

/** A slot holding no state: stored slots hold index + 1, so never 0. */
const EMPTY = 0;

/** A 32-bit hash of a state vector: the table's slot (and tag) come from it. */
const hashVector = (v: Int32Array, width: number): number => hashKey(v, 0, width);

/**
 * In-memory store: the embedded default. Each slot of the open-addressing table is one
 * 32-bit word: the state's index + 1 in the high bits and, in the bits the index does not
 * need yet, a tag from the top of its hash, so a probe that meets another state's slot is
 * almost always rejected without touching that state's vector (a cache miss saved). One word
 * instead of [hash, index] halves the table the lookups read at random. Full hashes are
 * kept per state, in order, for rebuilding the table when it grows.
 */
export class MemoryStateStore implements StateStore {
  count = 0;
  private vectors: Int32Array;
  private parents: Int32Array;
  private labels: Int32Array;
  private hashes: Int32Array;
  /** (index + 1) << tagBits | tag per slot; a power of two of them, at most 3/4 full. */
  private slots: Int32Array;
  private mask: number;
  /** Bits an index + 1 needs at this capacity; the rest of the word is the tag. */
  private indexBits = 0;
  private tagBits = 0;
  private tagMask = 0;

  /** `slots`: the table's initial size, rounded up to a power of two; the arrays hold 3/4 of it. */
  /**
   * `reserve`, when given, is asked before each growth with the bytes it will allocate, and throws
   * to refuse it (a memory budget): the store is then unchanged.
   */
  constructor(
    readonly width: number,
    slots = 1 << 13,
    private readonly reserve?: (bytes: number) => void,
  ) {
    slots = 1 << Math.max(3, 32 - Math.clz32(slots - 1));
    const capacity = maxLoad(slots);
    // The first table of a run is small and always given; a larger one (a store rebuilt wider) asks.
    if (slots > 1 << 13) reserve?.(4 * (capacity * (width + 3) + slots));
    this.vectors = new Int32Array(capacity * width);
    this.parents = new Int32Array(capacity);
    this.labels = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    // Written first, as a grown table is (`cleared`).
    this.slots = new Int32Array(slots).fill(0);
    this.mask = slots - 1;
    this.encodeFor(capacity);
  }

  add(vec: Int32Array, parent: number, label: number): number {
    const w = this.width;
    const h = hashVector(vec, w);
    const slots = this.slots;
    const vectors = this.vectors;
    const tagBits = this.tagBits;
    const tagMask = this.tagMask;
    const tag = (h >>> this.indexBits) & tagMask;
    let slot = h & this.mask;
    for (;;) {
      const v = slots[slot];
      if (v === EMPTY) break;
      if ((v & tagMask) === tag) {
        const at = (v >>> tagBits) - 1;
        const base = at * w;
        let i = 0;
        while (i < w && vectors[base + i] === vec[i]) i++;
        if (i === w) return -1 - at;
      }
      slot = (slot + 1) & this.mask;
    }
    const index = this.count;
    if (index === this.parents.length) {
      this.grow();
      return this.add(vec, parent, label);
    }
    // A loop, not `set`: for the one to three words of a packed state the builtin's call costs more than the copy (4% of percpu_ref N=5).
    for (let i = 0, at = index * w; i < w; i++) vectors[at + i] = vec[i];
    this.parents[index] = parent;
    this.labels[index] = label;
    this.hashes[index] = h;
    slots[slot] = ((index + 1) << tagBits) | tag;
    this.count = index + 1;
    return index;
  }

  load(index: number, out: Int32Array): void {
    const base = index * this.width;
    for (let i = 0; i < this.width; i++) out[i] = this.vectors[base + i];
  }

  parent(index: number): number {
    return this.parents[index];
  }

  label(index: number): number {
    return this.labels[index];
  }

  /** The stored states by index, as views of the store's arrays: for moving them into another table in bulk. */
  columns(): StateColumns {
    const n = this.count;
    return {
      count: n,
      width: this.width,
      vectors: this.vectors.subarray(0, n * this.width),
      parents: this.parents.subarray(0, n),
      labels: this.labels.subarray(0, n),
      hashes: this.hashes.subarray(0, n),
    };
  }

  bytes(): number {
    return this.vectors.byteLength + this.parents.byteLength + this.labels.byteLength + this.hashes.byteLength + this.slots.byteLength;
  }

  /** Splits the slot word for a table that holds up to `capacity` states. */
  private encodeFor(capacity: number): void {
    this.indexBits = 32 - Math.clz32(capacity);
    this.tagBits = 32 - this.indexBits;
    this.tagMask = this.tagBits === 0 ? 0 : (1 << this.tagBits) - 1;
  }

  /** Doubles the table and extends the arrays to its new 3/4. */
  private grow(): void {
    const size = 2 * (this.mask + 1);
    const capacity = maxLoad(size);
    this.reserve?.(4 * (capacity * (this.width + 3) + size));
    this.vectors = extend(this.vectors, capacity * this.width);
    this.parents = extend(this.parents, capacity);
    this.labels = extend(this.labels, capacity);
    this.hashes = extend(this.hashes, capacity);
    // Rebuilt from the kept hashes, in index order: a sequential read, where rehashing
    // would read every vector again. The table doubles in its own buffer when it can, so only its
    // new half is new memory (see `extend`). Allocated before the slot encoding changes: a refused allocation
    // stops the run, and the table it leaves still matches its encoding for the traces read from it after.
    const slots = (this.slots = cleared(this.slots, size));
    this.encodeFor(capacity);
    const mask = (this.mask = size - 1);
    const { indexBits, tagBits, tagMask, hashes } = this;
    for (let i = 0; i < this.count; i++) {
      const h = hashes[i];
      let slot = h & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = ((i + 1) << tagBits) | ((h >>> indexBits) & tagMask);
    }
  }
}

/** ES2024's resizable ArrayBuffer, which Node 20 has and this project's TypeScript lib (ES2023) does not declare. */
interface Resizable {
  readonly resizable: boolean;
  readonly maxByteLength: number;
  resize(bytes: number): void;
}
const ResizableBuffer = ArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => ArrayBuffer;

/** Bytes from which arrays grow in place (resizable buffers) instead of by copying. */
const IN_PLACE_FROM = 1 << 16;
/** The most a resizable ArrayBuffer may reserve (V8's limit on maxByteLength). */
const IN_PLACE_MAX = 2 ** 32;
/**
 * A small resizable buffer reserves this many times the bytes it starts with (six doublings before it is copied
 * once); from RESERVE_ALL_FROM bytes a buffer reserves IN_PLACE_MAX, so a large array is never copied (at N=7 a
 * copy would hold old arrays of gigabytes beside the new ones).
 */
const RESERVE_FACTOR = 64;
const RESERVE_ALL_FROM = 1 << 22;

/**
 * `a` with room for `n` entries. Past IN_PLACE_FROM bytes an array lives in a resizable ArrayBuffer that
 * reserves address space ahead (RESERVE_FACTOR, RESERVE_ALL_FROM) and commits pages as it grows, so a doubling
 * copies nothing and the old and new arrays are not held together, but for one copy of a few MB. Memory a
 * process touches for the first time is what costs here: on this VM a page's first touch takes 7-17 us (a
 * page fault and the page's zeroing). At percpu_ref N=5, copying
 * everything under 16 MB at each doubling and a new table each time took 46,119 page faults, 0.38 s of system
 * time and 154 MB; growing in place from 64 KB, the table too, 28,978, 0.26 s and 112 MB (bench/README.md).
 * At N=7 the last table doubling no longer holds the old 1 GiB table beside the new one. Tiny arrays (most runs
 * of the matrix) copy: their reservations would pile up faster than the collector frees them. An array past
 * IN_PLACE_MAX, or where the address space cannot be reserved (a `ulimit -v`), goes back to plain buffers.
 */
export function extend(a: Int32Array, n: number): Int32Array {
  const grown = inPlace(a, n);
  if (grown) return grown;
  const b = fresh(n);
  b.set(a);
  return b;
}

/**
 * A zeroed array of `n` entries, in `a`'s buffer when that can grow to it (the old entries are wiped). Every
 * page is written, the new ones too: the table's probes read a slot before they fill it, and a new page read
 * first faults twice (slotTable.ts writtenFirst).
 */
function cleared(a: Int32Array, n: number): Int32Array {
  const grown = inPlace(a, n) ?? fresh(n);
  grown.fill(0);
  return grown;
}

/** `a`'s buffer grown to `n` entries, or undefined when it is not resizable or not that large. */
function inPlace(a: Int32Array, n: number): Int32Array | undefined {
  const bytes = 4 * n;
  const buffer = a.buffer as ArrayBufferLike & Partial<Resizable>;
  if (!buffer.resizable || !buffer.resize || bytes > (buffer.maxByteLength ?? 0)) return undefined;
  buffer.resize(bytes);
  // A view of fixed length: V8 optimizes those as it does plain arrays (a length-tracking view was 45% slower).
  return new Int32Array(buffer as ArrayBuffer, 0, n);
}

/** A new zeroed array of `n` entries: resizable past IN_PLACE_FROM bytes, when the reservation is granted. */
function fresh(n: number): Int32Array {
  const bytes = 4 * n;
  if (bytes < IN_PLACE_FROM || bytes > IN_PLACE_MAX) return new Int32Array(n);
  try {
    const reserve = bytes >= RESERVE_ALL_FROM ? IN_PLACE_MAX : Math.min(IN_PLACE_MAX, bytes * RESERVE_FACTOR);
    return new Int32Array(new ResizableBuffer(bytes, { maxByteLength: reserve }), 0, n);
  } catch {
    return new Int32Array(n);
  }
}

/**
 * States a table of `slots` slots holds before it doubles. 3/4: at percpu_ref N=6 a table
 * kept at most half full took 7-14% longer and 350 MB more (side by side runs), as a
 * smaller table misses the cache and the TLB less, while linear probing at 3/4 full still
 * finds most keys in the first cache line.
 */
export function maxLoad(slots: number): number {
  // Not (slots * 3) >> 2: from 2^30 slots the product passes 2^31 and the shift makes it negative.
  return slots - (slots >>> 2);
}
