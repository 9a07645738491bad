/**
 * The in-memory visited set: state vectors in one typed array, an open-addressing table mapping them
 * to indices. The interface every store implements is storeInterface.ts (re-exported here).
 */
import type * as NodeFs from 'node:fs';
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

/**
 * Bytes from which arrays are allocated with room to grow into, instead of at their size. The room costs nothing
 * only while it comes from `mmap` and V8 is not pushed to collect garbage by it: see `extend`.
 */
const IN_PLACE_FROM = 1 << 22;
/** The most bytes a buffer is allocated with, room included: past it an array is copied at each doubling. */
const IN_PLACE_MAX = 2 ** 32;
/** A buffer is allocated with room for this many times the bytes asked (IN_PLACE_MAX at most): six doublings. */
const RESERVE_FACTOR = 64;

/**
 * `a` with room for `n` entries. From IN_PLACE_FROM bytes an array lives at the front of a plain ArrayBuffer
 * allocated RESERVE_FACTOR times larger, and a doubling is a longer view of the same buffer: nothing is copied and
 * the old and new arrays are not held together (at N=7 they would be gigabytes), but for one copy when an array
 * passes its first room (at 256 to 512 MB). A new ArrayBuffer is all zeros, so the entries a longer view adds are
 * zero as a new array's are. The room is cheap because a buffer this large comes from `mmap`, whose pages the
 * kernel gives only at their first touch; memory a process touches for the first time is what costs here (on this
 * VM a page's first touch takes 7-17 us: at percpu_ref N=5, copying everything at each doubling took 46,119 page
 * faults and 0.38 s of system time, growing in place from 64 KB 28,978 and 0.26 s, and growing in place from 4 MB
 * 32.6-34.9K, bench/README.md).
 *
 * Why plain buffers with room, and only from 4 MB (bench/README.md, 6 December): this was first done with
 * resizable ArrayBuffers from 64 KB, which grow in place too, but Node 20's V8 reads a typed array over a
 * resizable buffer through a slower path (bench/bufferReads.mjs: a sequential read 4x slower, a random one 1.5-2.5x),
 * and the store's lookups read these arrays at random; plain buffers took 0.1-0.2 s less CPU at N=5. Room for small
 * arrays costs more than it saves in the matrix's many small runs: V8 counts all of a buffer, room included, as
 * memory in use, and glibc may serve a request under its `mmap` threshold (which rises to 32 MB as buffers are
 * freed) from its heap, zeroing all of it. With room from 64 KB `check --all` took 2 min 47 s of CPU against 2 min
 * 05 s, and with room from 1 MB it made 54 full garbage collections against 31. Below IN_PLACE_FROM an array is
 * copied at each doubling, a few MB at most.
 *
 * Where the room cannot be had it is asked for smaller, down to none (`fresh`), and under strict overcommit
 * (`vm.overcommit_memory` 2) none is asked: there the kernel counts a writable mapping against its commit limit
 * whole, touched or not, so room would take memory the V8 heap may need later.
 */
export function extend(a: Int32Array, n: number): Int32Array {
  const grown = inPlace(a, n);
  if (grown) return grown;
  const b = fresh(n);
  b.set(a);
  return b;
}

/**
 * A zeroed array of `n` entries, in `a`'s buffer when that has room for it (the old entries are wiped). Every
 * page is written, the new ones too: the table's probes read a slot before they fill it, and a new page read
 * first faults twice (slotTable.ts writtenFirst).
 */
function cleared(a: Int32Array, n: number): Int32Array {
  const grown = inPlace(a, n) ?? fresh(n);
  grown.fill(0);
  return grown;
}

/**
 * A longer view of `a`'s buffer, or undefined when the buffer has no room for `n` entries. Views are made only at a
 * buffer's front and nothing writes past a view's end, so the entries a longer view adds are zero.
 */
function inPlace(a: Int32Array, n: number): Int32Array | undefined {
  if (a.byteOffset !== 0 || 4 * n > a.buffer.byteLength) return undefined;
  return new Int32Array(a.buffer as ArrayBuffer, 0, n);
}

/**
 * The largest buffer `fresh` asks for: IN_PLACE_MAX, none under strict overcommit, and below any size once refused.
 * V8 collects garbage in full, several times, before it refuses an allocation, so a size refused once is not asked
 * again.
 */
let roomLimit = -1;

/**
 * Whether Linux counts every writable mapping against its commit limit (`vm.overcommit_memory` 2). The store is
 * also bundled for the browser (the visualizer explores there), so `node:fs` is asked for at run time, not imported.
 */
function strictOvercommit(): boolean {
  try {
    const fs = globalThis.process?.getBuiltinModule?.('node:fs') as typeof NodeFs | undefined;
    return fs?.readFileSync('/proc/sys/vm/overcommit_memory', 'utf8').trim() === '2';
  } catch {
    return false;
  }
}

/** A new zeroed array of `n` entries: with room from IN_PLACE_FROM bytes, as much of it as is granted. */
function fresh(n: number): Int32Array {
  const bytes = 4 * n;
  if (roomLimit < 0) roomLimit = strictOvercommit() ? 0 : IN_PLACE_MAX;
  if (bytes >= IN_PLACE_FROM)
    // At least one doubling's room, or none.
    for (let room = Math.min(roomLimit, bytes * RESERVE_FACTOR); room >= 2 * bytes; room /= 4) {
      try {
        return new Int32Array(new ArrayBuffer(room), 0, n);
      } catch {
        roomLimit = room / 4;
      }
    }
  return new Int32Array(n);
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
