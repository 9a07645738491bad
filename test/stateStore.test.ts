import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PackedStateStore } from '../src/check/packedStore.ts';
import { MemoryStateStore, NOT_ADDED, extend, type StateStore } from '../src/check/stateStore.ts';

/** A deterministic stream of vectors with repeats, some ids past 16 bits when `wide`. */
function vectors(count: number, width: number, wide: boolean): Int32Array[] {
  const out: Int32Array[] = [];
  let x = 12345;
  for (let i = 0; i < count; i++) {
    const v = new Int32Array(width);
    for (let j = 0; j < width; j++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      // The high bits: an LCG's low bits repeat with a short period, which would cap the distinct vectors.
      v[j] = wide && i > count / 2 && j === 0 ? 70_000 + ((x >>> 16) % 5) : (x >>> 16) % 40;
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

/** Whether this process can have a 4 MB array's room: 256 MB of address space, and not under strict overcommit. */
function roomCanBeHad(): boolean {
  try {
    if (readFileSync('/proc/sys/vm/overcommit_memory', 'utf8').trim() === '2') return false;
  } catch {
    // No such file: not Linux, no overcommit policy to respect.
  }
  try {
    return new ArrayBuffer(1 << 28).byteLength === 1 << 28;
  } catch {
    return false;
  }
}

test('extend: arrays under 4 MB are copied, from 4 MB they grow in a buffer with room; entries kept, new ones zero', () => {
  let a: Int32Array = new Int32Array(1024).map((_, i) => i * 7);
  a = extend(a, 1 << 15);
  assert.is(a.buffer.byteLength, a.byteLength, '128 KB: a buffer of its own size');
  a[(1 << 15) - 1] = -5;
  const small = a.buffer;
  a = extend(a, 1 << 18);
  assert.is.not(a.buffer, small, '1 MB: copied');
  assert.is(a[(1 << 15) - 1], -5);
  assert.is(a[1 << 15], 0, 'the grown part is zero');
  a = extend(a, 1 << 20);
  const first = a.buffer;
  // Where the room cannot be had (ulimit -v, strict overcommit), extend copies: the entries still hold.
  const room = first.byteLength > a.byteLength;
  assert.is(room, roomCanBeHad(), '4 MB: a buffer with room wherever room can be had');
  a[(1 << 20) - 1] = 9;
  a = extend(a, 1 << 22);
  if (room) assert.is(a.buffer, first, '16 MB: the same buffer, a longer view');
  assert.is(a.length, 1 << 22);
  for (let i = 0; i < 1024; i++) if (a[i] !== i * 7) assert.unreachable(`entry ${i} lost`);
  assert.is(a[(1 << 15) - 1], -5);
  assert.is(a[(1 << 20) - 1], 9);
  for (let i = 1 << 20; i < 1 << 22; i += 4093) if (a[i] !== 0) assert.unreachable(`new entry ${i} is ${a[i]}, not zero`);
  assert.is(a[(1 << 22) - 1], 0, 'new entries are zero');
});

test('MemoryStateStore: a table refilled in a buffer with room, past 4 MB, still finds every state', () => {
  // 800,000 one-word states: the table doubles from 2^20 slots (4 MB) to 2^21 in its own buffer, refilled there.
  const vecs: Int32Array[] = [];
  for (let i = 0; i < 800_000; i++) vecs.push(Int32Array.of(Math.imul(i, 0x9e3779b1)));
  vecs.push(vecs[5], vecs[799_999]);
  const store = new MemoryStateStore(1, 8);
  agreesWithMap(store, vecs);
  // The refill wiped the buffer's old table: a slot left from it would hold no state and lengthen every probe.
  const slots = (store as unknown as { slots: Int32Array }).slots;
  assert.is(slots.length, 1 << 21);
  assert.is(
    slots.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0),
    store.count,
    'one full slot per state',
  );
});

test('MemoryStateStore: 300,000 states of five words, through every doubling of the table', () => {
  agreesWithMap(new MemoryStateStore(5, 8), vectors(300_000, 5, false));
});

test('PackedStateStore: each id in the bits it needs, a field widened in place when an id outgrows it', () => {
  const store = new PackedStateStore(5);
  const vecs = vectors(30_000, 5, true);
  assert.ok(
    vecs.some((v) => v[0] >= 65_536),
    'the stream has ids past 16 bits',
  );
  agreesWithMap(store, vecs);
  const bits = store.fieldBits();
  assert.ok(bits[0] >= 17, `the widened field holds 70,000 (${bits[0]} bits)`);
  assert.ok(
    bits.slice(1).every((b) => b <= 8),
    `ids below 40 keep small fields (${bits.join(' ')})`,
  );
});

test('PackedStateStore.addDelta: one or two fields of the base rewritten give what add gives for the whole vector', () => {
  const width = 6;
  const store = new PackedStateStore(width);
  const known = new Map<string, number>();
  const addFull = (v: Int32Array, parent: number, label: number): number => {
    const at = store.add(v, parent, label);
    if (at >= 0) known.set(v.join(','), at);
    return at;
  };
  addFull(new Int32Array(width), -1, -1);
  let x = 99;
  const rand = (n: number): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n;
  let refused = 0;
  const base = new Int32Array(width);
  let from = 0;
  for (let step = 0; step < 20_000; step++) {
    // A base serves several successors, as a state serves all its steps, across widenings too.
    if (step % 4 === 0) {
      from = rand(store.count);
      store.loadBase(from, base);
    }
    const a = rand(width);
    const t = rand(3) === 0 ? -1 : (a + 1 + rand(width - 1)) % width;
    // Now and then an id past what its field holds yet: the store must refuse, not truncate.
    const id = (): number => (rand(50) === 0 ? 300 + rand(5_000) : rand(12));
    const va = id();
    const vt = id();
    const v = base.slice();
    v[a] = va;
    if (t >= 0) v[t] = vt;
    const expected = known.get(v.join(','));
    let at = store.addDelta(a, va, t, vt, from, step);
    if (at === NOT_ADDED) {
      refused++;
      at = addFull(v, from, step);
    } else if (at >= 0) {
      known.set(v.join(','), at);
    }
    assert.is(at, expected === undefined ? known.get(v.join(','))! : -1 - expected, `step ${step}`);
    if (expected === undefined) assert.is(at, known.size - 1, `step ${step}: a new state gets the next index`);
  }
  assert.ok(refused > 0, 'some ids did not fit their fields');
  const out = new Int32Array(width);
  for (const [key, index] of known) {
    store.load(index, out);
    assert.is(out.join(','), key);
  }
});

test.run();
