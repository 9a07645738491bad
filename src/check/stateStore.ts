/**
 * The visited set and the BFS frontier in one: states are stored in discovery
 * order, so the frontier is the range [next unexpanded, count). Vectors live
 * packed in one typed array; an open-addressing table maps them to indices.
 * This is the interface a disk-backed or distributed store would implement.
 */
export interface StateStore {
  readonly width: number;
  readonly count: number;
  /** Adds `vec` reached from `parent` by step `label`; returns its index, or -1 - index if already known. */
  add(vec: Int32Array, parent: number, label: number): number;
  /** Copies state `index` into `out`. */
  load(index: number, out: Int32Array): void;
  parent(index: number): number;
  label(index: number): number;
  /** Bytes held, for the report. */
  bytes(): number;
}

const EMPTY = -1;

function hashVector(v: Int32Array, from: number, width: number): number {
  let h = 0x9e3779b9 | 0;
  for (let i = 0; i < width; i++) {
    let k = Math.imul(v[from + i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * In-memory store: the embedded default. Each slot of the open-addressing table
 * holds [hash, index], so a probe that meets another state's slot is rejected
 * without touching that state's vector (a cache miss saved).
 */
export class MemoryStateStore implements StateStore {
  count = 0;
  private vectors: Int32Array;
  private parents: Int32Array;
  private labels: Int32Array;
  /** [hash, index] per slot; a power of two of them, at most 3/4 full. */
  private slots: Int32Array;
  private mask: number;

  /** `slots`: the table's initial size, rounded up to a power of two; the arrays hold 3/4 of it. */
  constructor(readonly width: number, slots = 1 << 13) {
    slots = 1 << Math.max(3, 32 - Math.clz32(slots - 1));
    const capacity = maxLoad(slots);
    this.vectors = new Int32Array(capacity * width);
    this.parents = new Int32Array(capacity);
    this.labels = new Int32Array(capacity);
    this.slots = new Int32Array(2 * slots).fill(EMPTY);
    this.mask = slots - 1;
  }

  add(vec: Int32Array, parent: number, label: number): number {
    const w = this.width;
    const h = hashVector(vec, 0, w);
    const slots = this.slots;
    const vectors = this.vectors;
    let slot = h & this.mask;
    for (;;) {
      const at = slots[2 * slot + 1];
      if (at === EMPTY) break;
      if (slots[2 * slot] === h) {
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
    vectors.set(vec, index * w);
    this.parents[index] = parent;
    this.labels[index] = label;
    slots[2 * slot] = h;
    slots[2 * slot + 1] = index;
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

  bytes(): number {
    return this.vectors.byteLength + this.parents.byteLength + this.labels.byteLength + this.slots.byteLength;
  }

  /** Doubles the table and extends the arrays to its new 3/4. */
  private grow(): void {
    const size = 2 * (this.mask + 1);
    const capacity = maxLoad(size);
    const extend = (a: Int32Array, n: number) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.vectors = extend(this.vectors, capacity * this.width);
    this.parents = extend(this.parents, capacity);
    this.labels = extend(this.labels, capacity);
    // Slots keep each state's hash, so the table is rebuilt from the old one alone: a
    // sequential read, where rehashing would read every vector again at random.
    const old = this.slots;
    const slots = (this.slots = new Int32Array(2 * size).fill(EMPTY));
    const mask = (this.mask = size - 1);
    for (let p = 0; p < old.length; p += 2) {
      const at = old[p + 1];
      if (at === EMPTY) continue;
      const h = old[p];
      let slot = h & mask;
      while (slots[2 * slot + 1] !== EMPTY) slot = (slot + 1) & mask;
      slots[2 * slot] = h;
      slots[2 * slot + 1] = at;
    }
  }
}

/**
 * States a table of `slots` slots holds before it doubles. 3/4: at percpu_ref N=6 a table
 * kept at most half full took 7-14% longer and 350 MB more (side by side runs), as a
 * smaller table misses the cache and the TLB less, while linear probing at 3/4 full still
 * finds most keys in the first cache line.
 */
export function maxLoad(slots: number): number {
  return (slots * 3) >> 2;
}
