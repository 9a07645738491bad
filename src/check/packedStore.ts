import { MemoryStateStore, type StateStore } from './stateStore.ts';

/**
 * Two actor states per 32-bit word while every actor has fewer than 65,536
 * distinct snapshots (the common case), so a stored state takes half the bytes
 * and a probe touches half the cache lines. The first larger id widens the
 * store once, re-adding every state in order so indices, parents and labels stay.
 */
export class PackedStateStore implements StateStore {
  private inner: MemoryStateStore;
  private narrow = true;
  private readonly words: number;
  private readonly buf: Int32Array;

  constructor(readonly width: number) {
    this.words = (width + 1) >> 1;
    this.inner = new MemoryStateStore(this.words);
    this.buf = new Int32Array(this.words);
  }

  get count(): number {
    return this.inner.count;
  }

  add(vec: Int32Array, parent: number, label: number): number {
    if (!this.narrow) return this.inner.add(vec, parent, label);
    const w = this.width;
    const buf = this.buf;
    for (let i = 0, j = 0; i < w; i += 2, j++) {
      const lo = vec[i];
      const hi = i + 1 < w ? vec[i + 1] : 0;
      if ((lo | hi) >>> 16 !== 0) {
        this.widen();
        return this.inner.add(vec, parent, label);
      }
      buf[j] = lo | (hi << 16);
    }
    return this.inner.add(buf, parent, label);
  }

  load(index: number, out: Int32Array): void {
    if (!this.narrow) return this.inner.load(index, out);
    const buf = this.buf;
    this.inner.load(index, buf);
    const w = this.width;
    for (let i = 0, j = 0; i < w; i += 2, j++) {
      out[i] = buf[j] & 0xffff;
      if (i + 1 < w) out[i + 1] = buf[j] >>> 16;
    }
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

  private widen(): void {
    // Room for every state held and as many again.
    const wide = new MemoryStateStore(this.width, Math.max(1 << 13, this.inner.count * 2));
    const vec = new Int32Array(this.width);
    for (let i = 0; i < this.inner.count; i++) {
      this.load(i, vec);
      wide.add(vec, this.inner.parent(i), this.inner.label(i));
    }
    this.inner = wide;
    this.narrow = false;
  }
}
