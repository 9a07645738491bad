/**
 * The visited set for runs whose states do not fit in memory (`check --store disk`): the states
 * themselves (vectors, parents, step labels, hashes) live in append-only files in a folder of its
 * own, and memory keeps only the hash table of one 32-bit word a state (the state's index and a tag
 * from its hash, as MemoryStateStore's), the states added since the last flush, and a window of the
 * frontier being expanded. A lookup that meets a slot with its tag compares the vector: in memory
 * when the state is recent or in the window (most duplicates in a breadth-first search are), else
 * read from its file. The table grows by doubling, rebuilt from the hashes file read in order.
 * It implements the same StateStore as the in-memory stores; the folder and its files are removed
 * by `close` (and when the process exits), never anything else.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxLoad } from './stateStore.ts';
import type { StateStore } from './storeInterface.ts';
import { hashKey } from './vectorHash.ts';

const EMPTY = 0;
/**
 * Memory for the states added since the last flush: the duplicates a breadth-first search meets are
 * mostly of the last levels, so a larger tail saves reads, and costs memory the table may need.
 */
const TAIL_BYTES = 32 * 2 ** 20;

export interface DiskStoreOptions {
  /** Where the store's own folder is made (default: the system's temporary folder). */
  readonly parent?: string;
  /** States kept in memory since the last flush (the rest are on disk); default: 32 MiB of them. */
  readonly tail?: number;
  /** Memory for the pages of the files read back (vectors, and parents with labels): default 32 MiB. */
  readonly cache?: number;
  /**
   * The memory budget the run has (--max-memory): the tail and the page cache then take an eighth of it each at most.
   * Their 64 MiB would otherwise take all of the least budget there is, and the disk store, which needs 4 bytes a
   * state where the memory store needs 24, stopped sooner than the memory store it is suggested instead of (a user's
   * review: 395,862 states against 786,432 at 64 MiB).
   */
  readonly budget?: number;
}

export class DiskStateStore implements StateStore {
  count = 0;
  readonly dir: string;
  /** Index + 1 << tagBits | tag per slot; at most 3/4 full. */
  private slots: Int32Array;
  private mask: number;
  private indexBits = 0;
  private tagBits = 0;
  private tagMask = 0;
  /** States [flushed, count) in memory, not yet written. */
  private flushed = 0;
  private readonly tailSize: number;
  private readonly tailVectors: Int32Array;
  private readonly tailMeta: Int32Array;
  /** Pages of the flushed vectors and records read back. */
  private readonly vectorPages: PageCache;
  private readonly metaPages: PageCache;
  private readonly vectorsFd: number;
  private readonly metaFd: number;
  private closed = false;
  private readonly onExit = (): void => this.close();

  constructor(
    readonly width: number,
    options: DiskStoreOptions = {},
  ) {
    this.dir = mkdtempSync(join(options.parent ?? tmpdir(), 'daxspec-store-'));
    this.vectorsFd = openSync(join(this.dir, 'vectors.bin'), 'w+');
    this.metaFd = openSync(join(this.dir, 'meta.bin'), 'w+');
    process.once('exit', this.onExit);
    const share = options.budget === undefined ? Infinity : Math.floor(options.budget / 8);
    this.tailSize = options.tail ?? Math.max(1 << 12, Math.floor(Math.min(TAIL_BYTES, share) / (4 * (width + 3))));
    this.tailVectors = new Int32Array(this.tailSize * width);
    this.tailMeta = new Int32Array(this.tailSize * 3);
    const cache = options.cache ?? Math.min(CACHE_BYTES, share);
    this.vectorPages = new PageCache(this.vectorsFd, width, Math.floor((cache * width) / (width + 3)));
    this.metaPages = new PageCache(this.metaFd, 3, Math.floor((cache * 3) / (width + 3)));
    // Small at first: a doubling rebuilds from the hashes file, and small runs should not pay for a large table.
    const size = 1 << 10;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    this.encodeFor(maxLoad(size));
  }

  add(vec: Int32Array, parent: number, label: number): number {
    const w = this.width;
    const h = hashVector(vec, w);
    const tag = (h >>> this.indexBits) & this.tagMask;
    let slot = h & this.mask;
    for (;;) {
      const v = this.slots[slot];
      if (v === EMPTY) break;
      if ((v & this.tagMask) === tag) {
        const at = (v >>> this.tagBits) - 1;
        if (this.equals(at, vec)) return -1 - at;
      }
      slot = (slot + 1) & this.mask;
    }
    if (this.count + 1 > maxLoad(this.mask + 1)) {
      this.grow();
      return this.add(vec, parent, label);
    }
    const index = this.count;
    if (index - this.flushed === this.tailSize) this.flush();
    const t = index - this.flushed;
    this.tailVectors.set(vec, t * w);
    this.tailMeta[3 * t] = parent;
    this.tailMeta[3 * t + 1] = label;
    this.tailMeta[3 * t + 2] = h;
    this.slots[slot] = ((index + 1) << this.tagBits) | tag;
    this.count = index + 1;
    return index;
  }

  load(index: number, out: Int32Array): void {
    const w = this.width;
    if (index >= this.flushed) {
      const base = (index - this.flushed) * w;
      for (let i = 0; i < w; i++) out[i] = this.tailVectors[base + i];
      return;
    }
    const page = this.vectorPages.page(index, this.flushed);
    const base = this.vectorPages.offset(index);
    for (let i = 0; i < w; i++) out[i] = page[base + i];
  }

  parent(index: number): number {
    return this.meta(index, 0);
  }

  label(index: number): number {
    return this.meta(index, 1);
  }

  /** Bytes held in memory: the table, the tail, the window (the files are on disk). */
  bytes(): number {
    return (
      this.slots.byteLength + this.tailVectors.byteLength + this.tailMeta.byteLength + this.vectorPages.bytes() + this.metaPages.bytes()
    );
  }

  /** Removes the store's folder and files; the store is then unusable. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    process.off('exit', this.onExit);
    closeSync(this.vectorsFd);
    closeSync(this.metaFd);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private equals(at: number, vec: Int32Array): boolean {
    const w = this.width;
    let src: Int32Array;
    let base: number;
    if (at >= this.flushed) {
      src = this.tailVectors;
      base = (at - this.flushed) * w;
    } else {
      src = this.vectorPages.page(at, this.flushed);
      base = this.vectorPages.offset(at);
    }
    for (let i = 0; i < w; i++) if (src[base + i] !== vec[i]) return false;
    return true;
  }

  private meta(index: number, field: number): number {
    if (index >= this.flushed) return this.tailMeta[3 * (index - this.flushed) + field];
    return this.metaPages.page(index, this.flushed)[this.metaPages.offset(index) + field];
  }

  /** Appends the tail to the files and empties it. */
  private flush(): void {
    const n = this.count - this.flushed;
    writeInts(this.vectorsFd, this.tailVectors, n * this.width, this.flushed * this.width);
    writeInts(this.metaFd, this.tailMeta, n * 3, this.flushed * 3);
    this.flushed = this.count;
  }

  private encodeFor(capacity: number): void {
    this.indexBits = 32 - Math.clz32(capacity);
    this.tagBits = 32 - this.indexBits;
    this.tagMask = this.tagBits === 0 ? 0 : (1 << this.tagBits) - 1;
  }

  /** Doubles the table, rebuilt from the stored hashes read in index order. */
  private grow(): void {
    const size = 2 * (this.mask + 1);
    this.encodeFor(maxLoad(size));
    const slots = (this.slots = new Int32Array(size));
    const mask = (this.mask = size - 1);
    const { indexBits, tagBits, tagMask } = this;
    const place = (i: number, h: number): void => {
      let slot = h & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = ((i + 1) << tagBits) | ((h >>> indexBits) & tagMask);
    };
    const CHUNK = 1 << 16;
    const meta = new Int32Array(3 * CHUNK);
    for (let c = 0; c < this.flushed; c += CHUNK) {
      const m = Math.min(CHUNK, this.flushed - c);
      readInts(this.metaFd, meta, 0, 3 * m, 3 * c);
      for (let i = 0; i < m; i++) place(c + i, meta[3 * i + 2]);
    }
    for (let i = this.flushed; i < this.count; i++) place(i, this.tailMeta[3 * (i - this.flushed) + 2]);
  }
}

/** States a page holds: a read from the files brings a page at once (the frontier is read in order). */
const PAGE_STATES = 1 << 12;
const CACHE_BYTES = 32 * 2 ** 20;

/**
 * Pages of a file of fixed-size records (`ints` each), direct-mapped by page number: the frontier is
 * read in order and the duplicates of recent states fall in few pages, so most reads hit the cache.
 */
class PageCache {
  private readonly slots: number;
  private readonly data: Int32Array;
  /** Page number held by each slot, -1 none; and how many of its records were on disk when it was read. */
  private readonly held: Int32Array;
  private readonly filled: Int32Array;

  constructor(
    private readonly fd: number,
    private readonly ints: number,
    bytes: number,
  ) {
    const slots = Math.max(2, Math.floor(bytes / (4 * ints * PAGE_STATES)));
    this.slots = 1 << (31 - Math.clz32(slots));
    this.data = new Int32Array(this.slots * PAGE_STATES * ints);
    this.held = new Int32Array(this.slots).fill(-1);
    this.filled = new Int32Array(this.slots);
  }

  bytes(): number {
    return this.data.byteLength + this.held.byteLength;
  }

  /** The array holding record `index` (of `count` flushed), at `offset(index)`. */
  page(index: number, count: number): Int32Array {
    const p = Math.floor(index / PAGE_STATES);
    const slot = p & (this.slots - 1);
    const first = p * PAGE_STATES;
    // A page read while the last flush ended inside it is read again once it is asked beyond that.
    if (this.held[slot] !== p || index - first >= this.filled[slot]) {
      const n = Math.min(PAGE_STATES, count - first);
      readInts(this.fd, this.data, slot * PAGE_STATES * this.ints, n * this.ints, first * this.ints);
      this.held[slot] = p;
      this.filled[slot] = n;
    }
    return this.data;
  }

  offset(index: number): number {
    const p = Math.floor(index / PAGE_STATES);
    return ((p & (this.slots - 1)) * PAGE_STATES + (index - p * PAGE_STATES)) * this.ints;
  }
}

/** A 32-bit hash of a state vector: the table's slot (and tag) come from it. */
const hashVector = (v: Int32Array, width: number): number => hashKey(v, 0, width);

/** Reads `n` ints at int offset `at` of the file into `into` from `offset`. */
function readInts(fd: number, into: Int32Array, offset: number, n: number, at: number): void {
  const bytes = new Uint8Array(into.buffer, into.byteOffset + 4 * offset, 4 * n);
  let done = 0;
  while (done < bytes.length) {
    const r = readSync(fd, bytes, done, bytes.length - done, 4 * at + done);
    if (r === 0) throw new Error(`internal: the disk store's file ended at byte ${4 * at + done}`);
    done += r;
  }
}

/** Writes the first `n` ints of `from` at int offset `at` of the file. */
function writeInts(fd: number, from: Int32Array, n: number, at: number): void {
  const bytes = new Uint8Array(from.buffer, from.byteOffset, 4 * n);
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, 4 * at + done);
}
