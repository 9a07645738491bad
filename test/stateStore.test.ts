import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PackedStateStore } from '../src/check/packedStore.ts';
import { MemoryStateStore, type StateStore } from '../src/check/stateStore.ts';

/** A deterministic stream of vectors with repeats, some ids past 16 bits when `wide`. */
function vectors(count: number, width: number, wide: boolean): Int32Array[] {
  const out: Int32Array[] = [];
  let x = 12345;
  for (let i = 0; i < count; i++) {
    const v = new Int32Array(width);
    for (let j = 0; j < width; j++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      v[j] = wide && i > count / 2 && j === 0 ? 70_000 + (x % 5) : x % 40;
    }
    out.push(v);
  }
  return out;
}

/** Checks `store` against a Map keyed by the vector's text, through growth (and widening). */
function agreesWithMap(store: StateStore, vecs: Int32Array[]): void {
  const known = new Map<string, number>();
  vecs.forEach((v, i) => {
    const key = v.join(',');
    const at = store.add(v, i - 1, i);
    const expected = known.get(key);
    if (expected === undefined) {
      assert.is(at, known.size, `vector ${i} is new and gets the next index`);
      known.set(key, at);
    } else {
      assert.is(at, -1 - expected, `vector ${i} is known, at ${expected}`);
    }
  });
  assert.is(store.count, known.size);
  const out = new Int32Array(store.width);
  for (const [key, index] of known) {
    store.load(index, out);
    assert.is(out.join(','), key);
  }
  // Parents and labels are those of each state's first discovery.
  const firstAt = new Map<string, number>();
  vecs.forEach((v, i) => firstAt.has(v.join(',')) || firstAt.set(v.join(','), i));
  for (const [key, index] of known) {
    assert.is(store.label(index), firstAt.get(key));
    assert.is(store.parent(index), firstAt.get(key)! - 1);
  }
}

test('MemoryStateStore: indices, loads, parents and labels survive many doublings of the table', () => {
  agreesWithMap(new MemoryStateStore(3, 8), vectors(40_000, 3, false));
  // A size that is not a power of two is rounded up, not taken as a mask.
  agreesWithMap(new MemoryStateStore(3, 1000), vectors(5_000, 3, false));
});

test('PackedStateStore: each id in the bits it needs, a field widened in place when an id outgrows it', () => {
  const store = new PackedStateStore(5);
  const vecs = vectors(30_000, 5, true);
  assert.ok(vecs.some((v) => v[0] >= 65_536), 'the stream has ids past 16 bits');
  agreesWithMap(store, vecs);
  const bits = store.fieldBits();
  assert.ok(bits[0] >= 17, `the widened field holds 70,000 (${bits[0]} bits)`);
  assert.ok(bits.slice(1).every((b) => b <= 8), `ids below 40 keep small fields (${bits.join(' ')})`);
});

test.run();
