/**
 * The hash-compaction visited set (`check --fingerprint`): 64-bit fingerprints in an open-addressing
 * table, state vectors only while they wait in the frontier, and the bound on the chance that two
 * states were taken for one.
 */
import { maxLoad, type StateStore } from './stateStore.ts';

const EMPTY = -1;
/** Slots the table starts with (a power of two). */
const INITIAL_SLOTS = 1 << 13;
/** States per frontier chunk; a chunk is freed once every state in it has been expanded. */
const CHUNK = 1 << 16;

function mix(v: Int32Array, width: number, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < width; i++) {
    h = Math.imul(h ^ v[i], 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca77);
    h ^= h >>> 13;
  }
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae3d);
  return h ^ (h >>> 16);
}

/**
 * Hash compaction, as TLC's fingerprint set and SPIN's hash-compact mode: the visited
 * set keeps a 64-bit fingerprint per state instead of its vector, and vectors live
 * only while they wait in the frontier. Two states with one fingerprint are taken for
 * one, so a state may be missed; `collisionProbability` bounds the chance. Traces
 * need no vectors: they are rebuilt by replaying parent labels from the initial state.
 */
export class FingerprintStateStore implements StateStore {
  count = 0;
  private parents = new Int32Array(maxLoad(INITIAL_SLOTS));
  private labels = new Int32Array(maxLoad(INITIAL_SLOTS));
  /** [hi, lo, index] per slot. */
  private slots = new Int32Array(3 * INITIAL_SLOTS).fill(EMPTY);
  private mask = INITIAL_SLOTS - 1;
  private readonly chunks: (Int32Array | undefined)[] = [];
  private freedBelow = 0;

  /** `reserve` is asked before each growth with the bytes it allocates, and throws to refuse it. */
  constructor(
    readonly width: number,
    private readonly reserve?: (bytes: number) => void,
  ) {}

  add(vec: Int32Array, parent: number, label: number): number {
    const hi = mix(vec, this.width, 0x2545f491);
    const lo = mix(vec, this.width, 0x61c88647);
    let slot = lo & this.mask;
    for (;;) {
      const at = this.slots[3 * slot + 2];
      if (at === EMPTY) break;
      if (this.slots[3 * slot] === hi && this.slots[3 * slot + 1] === lo) return -1 - at;
      slot = (slot + 1) & this.mask;
    }
    const index = this.count;
    if (index === this.parents.length) {
      this.grow();
      return this.add(vec, parent, label);
    }
    this.parents[index] = parent;
    this.labels[index] = label;
    const c = index >>> 16;
    let chunk = this.chunks[c];
    if (!chunk) {
      this.reserve?.(4 * CHUNK * this.width);
      chunk = this.chunks[c] = new Int32Array(CHUNK * this.width);
    }
    chunk.set(vec, (index & (CHUNK - 1)) * this.width);
    this.slots[3 * slot] = hi;
    this.slots[3 * slot + 1] = lo;
    this.slots[3 * slot + 2] = index;
    this.count = index + 1;
    return index;
  }

  /** Loads a state still in the frontier; loading one frees the chunks wholly behind it. */
  load(index: number, out: Int32Array): void {
    const c = index >>> 16;
    while (this.freedBelow < c) this.chunks[this.freedBelow++] = undefined;
    const chunk = this.chunks[c];
    if (!chunk) throw new Error(`internal: state ${index} has left the frontier; fingerprint mode keeps no expanded vectors`);
    const base = (index & (CHUNK - 1)) * this.width;
    for (let i = 0; i < this.width; i++) out[i] = chunk[base + i];
  }

  parent(index: number): number {
    return this.parents[index];
  }

  label(index: number): number {
    return this.labels[index];
  }

  /** Whether the vector of a state can still be loaded. */
  holds(index: number): boolean {
    return this.chunks[index >>> 16] !== undefined;
  }

  bytes(): number {
    const live = this.chunks.reduce((n, c) => n + (c?.byteLength ?? 0), 0);
    return this.parents.byteLength + this.labels.byteLength + this.slots.byteLength + live;
  }

  /** Bound on the chance that two of the stored states shared a fingerprint (birthday bound over 2^64). */
  collisionProbability(): number {
    return Math.min(1, (this.count * (this.count - 1)) / 2 / 2 ** 64);
  }

  /** Doubles the table (at most 3/4 full, as MemoryStateStore's) and extends the arrays to its new 3/4. */
  private grow(): void {
    const size = 2 * (this.mask + 1);
    const capacity = maxLoad(size);
    this.reserve?.(4 * (2 * capacity + 3 * size));
    const parents = new Int32Array(capacity);
    parents.set(this.parents);
    this.parents = parents;
    const labels = new Int32Array(capacity);
    labels.set(this.labels);
    this.labels = labels;
    const old = this.slots;
    this.slots = new Int32Array(3 * size).fill(EMPTY);
    this.mask = size - 1;
    for (let s = 0; s < old.length; s += 3) {
      if (old[s + 2] === EMPTY) continue;
      let slot = old[s + 1] & this.mask;
      while (this.slots[3 * slot + 2] !== EMPTY) slot = (slot + 1) & this.mask;
      this.slots[3 * slot] = old[s];
      this.slots[3 * slot + 1] = old[s + 1];
      this.slots[3 * slot + 2] = old[s + 2];
    }
  }
}
