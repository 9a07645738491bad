/**
 * The default visited set: states packed into as few 32-bit words as their actors' snapshot ids need,
 * in an open-addressing table with parent and label per state, so traces are rebuilt from the store
 * and fields widen (re-adding every state in order) when an id outgrows its bits.
 */
import { MemoryStateStore, NOT_ADDED, type StateStore } from './stateStore.ts';
import { INITIAL_SLOTS, SlotTable, localAlloc, type Alloc } from './slotTable.ts';

/** Headroom a field gets when it widens: room for four times the id that did not fit. */
const EXTRA_BITS = 2;

/** Where each actor's id sits in a packed vector: fields never straddle a 32-bit word. */
export class Layout {
  readonly word: Int32Array;
  readonly shift: Int32Array;
  readonly mask: Int32Array;
  readonly words: number;

  constructor(readonly bits: readonly number[]) {
    const n = bits.length;
    this.word = new Int32Array(n);
    this.shift = new Int32Array(n);
    this.mask = new Int32Array(n);
    let word = 0;
    let used = 0;
    for (let a = 0; a < n; a++) {
      if (used + bits[a] > 32) {
        word++;
        used = 0;
      }
      this.word[a] = word;
      this.shift[a] = used;
      this.mask[a] = bits[a] >= 32 ? -1 : (1 << bits[a]) - 1;
      used += bits[a];
    }
    this.words = word + 1;
  }

  /** Packs `vec` into `out`; returns the first actor whose id does not fit, or -1. */
  pack(vec: Int32Array, out: Int32Array): number {
    const { word, shift, mask } = this;
    // Fields are laid out word by word: each word is built in a register and stored once.
    let at = 0;
    let acc = 0;
    for (let a = 0; a < vec.length; a++) {
      const v = vec[a];
      if ((v & ~mask[a]) !== 0) return a;
      if (word[a] !== at) {
        out[at] = acc;
        acc = 0;
        at = word[a];
      }
      acc |= v << shift[a];
    }
    out[at] = acc;
    return -1;
  }

  unpack(packed: Int32Array, out: Int32Array): void {
    const { word, shift, mask } = this;
    for (let a = 0; a < out.length; a++) out[a] = (packed[word[a]] >>> shift[a]) & mask[a];
  }
}

/**
 * The default visited set: each actor's snapshot id takes the bits its actor needs so
 * far (percpu_ref's users 5, its ref 6, so N=6 packs 8 actors into two words), so a
 * stored state takes few bytes and the table and vectors the lookups read at random
 * stay small. An id that outgrows its field widens that field, with headroom, and
 * re-adds every state in order so indices, parents and labels stay.
 *
 * Two tables: on one thread a MemoryStateStore (a 4-byte slot of index and hash tag, the vector
 * beside); for worker threads a SlotTable in SharedArrayBuffers, whose slot holds the key itself, as
 * their atomic insertion needs (claim the slot, write the key, publish). Side by side on percpu_ref
 * (bench/README.md), the key in the slot took 16-31% more CPU and 31% more memory at N=6 on one thread,
 * so one thread keeps the tag table.
 */
export class PackedStateStore implements StateStore {
  private inner: SlotTable | MemoryStateStore;
  private layout: Layout;
  private buf: Int32Array;
  /** The state `addDelta` changes, packed, and its index (-1: none). */
  private base: Int32Array;
  private baseIndex = -1;

  constructor(
    readonly width: number,
    /** Asked before each growth (see MemoryStateStore); throws to refuse. */
    private readonly reserve?: (bytes: number) => void,
    /** Where the arrays live: SharedArrayBuffers when worker threads will share them (parallelExplore.ts). */
    private alloc: Alloc = localAlloc,
  ) {
    this.layout = new Layout(new Array<number>(width).fill(1));
    this.inner = this.newTable(this.layout.words, INITIAL_SLOTS);
    this.buf = new Int32Array(this.layout.words);
    this.base = new Int32Array(this.layout.words);
  }

  loadBase(index: number, out: Int32Array): void {
    this.baseIndex = index;
    this.inner.load(index, this.base);
    this.layout.unpack(this.base, out);
  }

  /**
   * Most successors differ from the state they come from in one actor and the one it called:
   * two fields rewritten in a copy of the packed base instead of copying and packing every
   * actor's id (copy and pack were 11% of percpu_ref N=6 by line ticks).
   */
  addDelta(a: number, va: number, t: number, vt: number, parent: number, label: number): number {
    const { word, shift, mask } = this.layout;
    if ((va & ~mask[a]) !== 0 || (t >= 0 && (vt & ~mask[t]) !== 0)) return NOT_ADDED;
    const buf = this.buf;
    const base = this.base;
    for (let i = 0; i < buf.length; i++) buf[i] = base[i];
    buf[word[a]] = (buf[word[a]] & ~(mask[a] << shift[a])) | (va << shift[a]);
    if (t >= 0) buf[word[t]] = (buf[word[t]] & ~(mask[t] << shift[t])) | (vt << shift[t]);
    return this.inner.add(buf, parent, label);
  }

  get count(): number {
    return this.inner.count;
  }

  add(vec: Int32Array, parent: number, label: number): number {
    for (;;) {
      const a = this.layout.pack(vec, this.buf);
      if (a < 0) return this.inner.add(this.buf, parent, label);
      this.widen(a, vec[a]);
    }
  }

  load(index: number, out: Int32Array): void {
    this.inner.load(index, this.buf);
    this.layout.unpack(this.buf, out);
  }

  parent(index: number): number {
    return this.inner.parent(index);
  }

  label(index: number): number {
    return this.inner.label(index);
  }

  bytes(): number {
    return this.inner.bytes();
  }

  /** Bits each actor's field has now. */
  fieldBits(): readonly number[] {
    return this.layout.bits;
  }

  /** The shared table and the layout, for the parallel explorer, which inserts into them itself. */
  get table(): SlotTable {
    if (!(this.inner instanceof SlotTable)) throw new Error('internal: a store on one thread has no shared table');
    return this.inner;
  }

  private newTable(words: number, slots: number): SlotTable | MemoryStateStore {
    return this.alloc === localAlloc
      ? new MemoryStateStore(words, slots, this.reserve)
      : new SlotTable(words, slots, this.reserve, this.alloc);
  }

  get packing(): Layout {
    return this.layout;
  }

  /**
   * Moves the states into a SlotTable in SharedArrayBuffers (`alloc`), in order, so that worker threads
   * can take the run over: a run starts on the one-thread table and moves when its threads join.
   */
  share(alloc: Alloc): void {
    this.alloc = alloc;
    const from = this.inner;
    if (!(from instanceof MemoryStateStore)) return this.rebuild(this.layout);
    // The same layout: the packed keys move as they are, in bulk (SlotTable.fill).
    const to = new SlotTable(this.layout.words, Math.max(INITIAL_SLOTS, Math.ceil((from.count * 4) / 3) + 1), this.reserve, alloc);
    to.fill(from.columns());
    this.inner = to;
  }

  /**
   * Widens actor `actor`'s field to hold `id`, rebuilding the table from the states 0..count in order:
   * slots a parallel level had claimed but not settled are dropped with the old table.
   */
  widen(actor: number, id: number): void {
    const bits = [...this.layout.bits];
    bits[actor] = Math.min(32, 32 - Math.clz32(id) + EXTRA_BITS);
    this.rebuild(new Layout(bits));
  }

  /** Re-adds every state, in order, into a new table of layout `next`. */
  private rebuild(next: Layout): void {
    const wide = this.newTable(next.words, Math.max(INITIAL_SLOTS, Math.ceil((this.inner.count * 4) / 3) + 1));
    const vec = new Int32Array(this.width);
    const packed = new Int32Array(next.words);
    for (let i = 0; i < this.inner.count; i++) {
      this.load(i, vec);
      next.pack(vec, packed);
      wide.add(packed, this.inner.parent(i), this.inner.label(i));
    }
    this.inner = wide;
    this.layout = next;
    this.buf = packed;
    // The base is re-read in the new layout.
    this.base = new Int32Array(next.words);
    if (this.baseIndex >= 0) wide.load(this.baseIndex, this.base);
  }
}
