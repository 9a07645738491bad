/**
 * The shared table's slot words (slotTable.ts): a state a parallel level added keeps -2 - parent in its
 * slot, not its index. These tests write such a level as levelExpander.ts leaves it (each new state's slot
 * claimed with its least parent, its key, parent and label written at its index) and check that the
 * table finds every state's index from its parent among siblings of the same parent, that a later add
 * settles the slots and answers "known" with the right index, and that giving up a level drops its slots
 * and no other.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SlotTable, received, rehashPart, sharedAlloc } from '../src/check/slotTable.ts';
import { MemoryStateStore, maxLoad } from '../src/check/stateStore.ts';
import { hashKey } from '../src/check/vectorHash.ts';

const key = (a: number, b: number): Int32Array => Int32Array.of(a, b);

/** Claims `k`'s slot as a parallel level does: the first free slot from its home gets -2 - parent and the key. */
function claim(t: SlotTable, k: Int32Array, parent: number): void {
  let slot = hashKey(k, 0, t.words) >>> t.shift;
  while (t.slots[slot * t.stride] !== 0) slot = (slot + 1) & t.mask;
  t.slots[slot * t.stride] = -2 - parent;
  t.slots.set(k, slot * t.stride + 1);
}

/** A table of states 0..2 added by one thread, then a level of states whose parents are 1 and 2, three siblings each. */
function withLevel(): { t: SlotTable; level: Int32Array[] } {
  const t = new SlotTable(2, 64);
  t.add(key(0, 0), -1, -1);
  t.add(key(1, 0), 0, 5);
  t.add(key(2, 0), 0, 6);
  const level: Int32Array[] = [];
  for (const parent of [1, 2]) {
    for (let c = 0; c < 3; c++) {
      const k = key(parent, 10 + c);
      const index = t.count;
      claim(t, k, parent);
      t.append(index, k, parent, c);
      t.count = index + 1;
      level.push(k);
    }
  }
  t.unsettledFrom = 3;
  return { t, level };
}

test('find gives a parallel level state its index among its siblings', () => {
  const { t, level } = withLevel();
  level.forEach((k, i) => assert.is(t.find(k), 3 + i, `state ${3 + i}`));
  assert.is(t.find(key(1, 0)), 1);
  assert.is(t.find(key(9, 9)), -1);
});

test("the first state's children, when a parallel level added them, are found from index 1", () => {
  const t = new SlotTable(2, 64);
  t.add(key(0, 0), -1, -1);
  for (let c = 0; c < 3; c++) {
    claim(t, key(0, 1 + c), 0);
    t.append(1 + c, key(0, 1 + c), 0, c);
    t.count = 2 + c;
  }
  for (let c = 0; c < 3; c++) assert.is(t.find(key(0, 1 + c)), 1 + c);
});

test('a state whose level is not written yet is not found', () => {
  const { t } = withLevel();
  const k = key(3, 20);
  claim(t, k, 3);
  assert.is(t.find(k), -1);
});

test('add settles the slots first, then knows every state by its index', () => {
  const { t, level } = withLevel();
  assert.is(t.add(key(7, 7), 4, 0), 9);
  assert.is(t.unsettledFrom, -1);
  level.forEach((k, i) => assert.is(t.add(k, 0, 0), -1 - (3 + i)));
  for (let b = 0; b < t.slots.length; b += t.stride) assert.ok(t.slots[b] >= 0, 'every slot holds an index or nothing');
});

test('growth keeps the parallel states findable', () => {
  const { t, level } = withLevel();
  t.grow();
  t.grow();
  level.forEach((k, i) => assert.is(t.find(k), 3 + i));
});

test('dropPending drops the given-up level and keeps the earlier ones', () => {
  const { t, level } = withLevel();
  // A level from state 3 on was given up after claiming two slots (one still being written).
  const given = [key(4, 30), key(5, 31)];
  claim(t, given[0], 4);
  claim(t, given[1], 8);
  let busy = hashKey(key(6, 32), 0, 2) >>> t.shift;
  while (t.slots[busy * t.stride] !== 0) busy = (busy + 1) & t.mask;
  t.slots[busy * t.stride] = -1;
  t.dropPending(3);
  const used = [];
  for (let b = 0; b < t.slots.length; b += t.stride) if (t.slots[b] !== 0) used.push(t.slots[b]);
  assert.is(used.length, 9, 'the three one-thread states and the six of the finished level');
  level.forEach((k, i) => assert.is(t.find(k), 3 + i));
  for (const k of given) assert.is(t.find(k), -1);
});

/** A table of `n` pseudo-random keys, 3/4 full, so that it has long clusters and some wrap round its end. */
function full(n: number): { t: SlotTable; keys: Int32Array[] } {
  const t = new SlotTable(2, (n * 4) / 3);
  const keys: Int32Array[] = [];
  let x = 12345;
  while (t.count < n) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    const k = key(x, t.count);
    keys.push(k);
    t.add(k, t.count - 1, 0);
  }
  return { t, keys };
}

for (const parts of [1, 2, 3]) {
  test(`a doubling by ${parts} part(s): each part writes only its share of the new table, and every key is found after`, () => {
    const { t, keys } = full(6000);
    let wrapped = false;
    for (let b = 0; b < t.slots.length; b += t.stride)
      if (t.slots[b] !== 0 && hashKey(t.slots, b + 1, 2) >>> t.shift > b / t.stride) wrapped = true;
    assert.ok(wrapped, 'the fixture has a cluster wrapped round the end of the table');
    const growth = t.beginGrow();
    const size = growth.slots.length / growth.stride;
    const left: number[][] = [];
    for (let p = 0; p < parts; p++) {
      // Each part into a table of its own, to see where it writes; then copied into the shared one.
      const own = { ...growth, slots: new Int32Array(growth.slots.length) };
      left.push(rehashPart(own, p, parts));
      const lo = 2 * Math.floor(((size / 2) * p) / parts);
      const hi = 2 * Math.floor(((size / 2) * (p + 1)) / parts);
      for (let s = 0; s < size; s++) {
        if (own.slots[s * growth.stride] === 0) continue;
        assert.ok(s >= lo && s < hi, `part ${p} wrote slot ${s} outside [${lo}, ${hi})`);
        growth.slots.set(own.slots.subarray(s * growth.stride, (s + 1) * growth.stride), s * growth.stride);
      }
    }
    t.endGrow(growth, left);
    let used = 0;
    for (let b = 0; b < t.slots.length; b += t.stride) if (t.slots[b] !== 0) used++;
    assert.is(used, keys.length);
    keys.forEach((k, i) => assert.is(t.find(k), i));
  });
}

test('a view posted past 4 GiB arrives cut short by 4 GiB, and is taken as its whole buffer', async () => {
  // Address space only: the buffer's pages are never touched.
  const whole = new Int32Array(new SharedArrayBuffer(2 ** 32 + 64));
  const { port1, port2 } = new MessageChannel();
  const arrived = await new Promise<Int32Array>((resolve) => {
    port2.onmessage = (e) => resolve(e.data as Int32Array);
    port1.postMessage(whole);
  });
  port1.close();
  port2.close();
  assert.is(arrived.length, 16, "V8's serializer still cuts the length: if this fails, `received` may be dropped");
  assert.is(received(arrived).length, whole.length);
  // The same memory (a posted SharedArrayBuffer is another object over it): a write past 4 GiB shows through.
  received(arrived)[whole.length - 1] = 7;
  assert.is(whole[whole.length - 1], 7);
  assert.is(received(whole), whole);
});

test('a view that is not its whole buffer for another reason is a bug, not a cut', () => {
  const buffer = new SharedArrayBuffer(64);
  assert.throws(() => received(new Int32Array(buffer, 0, 4)), /not its whole buffer of 64/);
  assert.throws(() => received(new Uint8Array(buffer, 8)), /at offset 8/);
});

test('dropPending works in place over clusters that wrap round the end, keeping every other state', () => {
  const { t, keys } = full(6000);
  // A given-up level from state 6000 on: pending slots (children of 6000..) and slots being written, among the clusters.
  const given: Int32Array[] = [];
  let x = 777;
  for (let i = 0; i < 600; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    const k = key(x, -1 - i);
    if (i % 5 === 0) {
      let slot = hashKey(k, 0, 2) >>> t.shift;
      while (t.slots[slot * t.stride] !== 0) slot = (slot + 1) & t.mask;
      t.slots[slot * t.stride] = -1;
    } else claim(t, k, 6000 + (i % 7));
    given.push(k);
  }
  // A finished parallel level's slot (parent 5999, below the given-up level) stays.
  const settled = key(42, 42);
  claim(t, settled, 5999);
  t.append(6000, settled, 5999, 0);
  t.count = 6001;
  const slots = t.slots;
  t.dropPending(6000);
  assert.is(t.slots, slots, 'the same array: no copy of the table');
  let used = 0;
  for (let b = 0; b < t.slots.length; b += t.stride) if (t.slots[b] !== 0) used++;
  assert.is(used, keys.length + 1);
  keys.forEach((k, i) => assert.is(t.find(k), i));
  assert.is(t.find(settled), 6000);
  for (const k of given) assert.is(t.find(k), -1);
});

test('fill: the states of a one-thread store, moved in bulk across many segments, are found, loaded and added to as added one by one', () => {
  // 20,000 states span four segments; clustered keys make long probe runs.
  const n = 20_000;
  const from = new MemoryStateStore(2);
  const one = new SlotTable(2, 1 << 15, undefined, sharedAlloc);
  for (let i = 0; i < n; i++) {
    const k = key(i % 97, Math.floor(i / 97));
    assert.is(from.add(k, i - 1, i % 13), i);
    one.add(k, i - 1, i % 13);
  }
  const t = new SlotTable(2, 1 << 15, undefined, sharedAlloc);
  t.fill(from.columns());
  assert.is(t.count, n);
  assert.equal(Array.from(t.slots), Array.from(one.slots), 'the same slots as adding in order');
  const got = new Int32Array(2);
  for (let i = 0; i < n; i += 7) {
    const k = key(i % 97, Math.floor(i / 97));
    assert.is(t.find(k), i);
    t.load(i, got);
    assert.equal(Array.from(got), Array.from(k));
    assert.is(t.parent(i), i - 1);
    assert.is(t.label(i), i % 13);
  }
  assert.is(t.add(key(1000, 1000), 5, 1), n, 'a new state takes the next index');
  assert.is(t.add(key(3, 4), 5, 1), -1 - (4 * 97 + 3), 'a known one answers its index');
  assert.throws(() => t.fill(from.columns()), /holds states/);
});

test('the load limit is three quarters of the slots at every size a table reaches, 2^31 included', () => {
  // (slots * 3) >> 2 went negative from 2^30 slots: a table of that size would have grown on every add.
  for (let b = 4; b <= 31; b++) assert.is(maxLoad(2 ** b), 3 * 2 ** (b - 2), `2^${b} slots`);
});

test.run();
