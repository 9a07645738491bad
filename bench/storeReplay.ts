/**
 * The one-thread visited set's work replayed apart from the explorer, to try table designs on exactly the
 * lookups a run makes. percpu_ref N is explored once; then every successor of every state, in the explorer's
 * order, is packed in the run's final layout: the stream of keys the store answered (new or known). Each design
 * replays that stream in a process of its own, the designs taken in turns, and the timer covers the replay
 * alone. Designs:
 *   store   MemoryStateStore itself: a 4-byte slot of index and hash tag, the vector beside it (two random reads
 *           for a known state)
 *   slot    the key in the slot, then the index ((words + 1) * 4 bytes a slot: one random read, a larger table)
 *   sorted  each level's successors sorted by slot before they are looked up (a counting sort on the hash's
 *           top 16 bits; the slot is the hash's top bits, so a level's probes move forward through the table),
 *           new states numbered in the explorer's order afterwards
 *   level   the store behind a small table of the level being built (key in the slot), where most known
 *           successors are met again
 *   key     two-word keys alone in an 8-byte slot: no index, no hash kept (one random read for a known state)
 * It also prints how far each known successor's level is from the one being built.
 * Usage: tsx bench/storeReplay.ts [USERS] [RUNS]   (a design alone: tsx bench/storeReplay.ts USERS 1 DESIGN)
 */
import { spawnSync } from 'node:child_process';
import { resolveSizes } from '../src/check/check.ts';
import { explore } from '../src/check/explore.ts';
import { PackedStateStore } from '../src/check/packedStore.ts';
import { MemoryStateStore } from '../src/check/stateStore.ts';
import { hashKey } from '../src/check/vectorHash.ts';
import { STEP_BLOCKED, STEP_OK } from '../src/compose/stepLabel.ts';
import { System } from '../src/compose/system.ts';
import { findScenario } from '../src/registry.ts';

const DESIGNS = ['store', 'slot', 'sorted', 'level', 'key'] as const;
type Design = (typeof DESIGNS)[number];

/** The keys a run looked up, `words` each, and the state each came from; `first` is the first state's key. */
interface Stream {
  readonly words: number;
  readonly first: Int32Array;
  readonly keys: Int32Array;
  readonly parents: Int32Array;
  readonly length: number;
  readonly states: number;
}

function record(users: number): Stream {
  const scenario = findScenario('percpu-ref');
  const system = new System(scenario.build(undefined, resolveSizes(scenario, { users })));
  const r = explore(system);
  if (!(r.store instanceof PackedStateStore)) throw new Error('the run did not use the packed store');
  const layout = r.store.packing;
  const words = layout.words;
  let keys = new Int32Array(words * r.edges);
  const parents = new Int32Array(r.edges);
  const vec = new Int32Array(system.width);
  const out = new Int32Array(system.width);
  const key = new Int32Array(words);
  const first = new Int32Array(words);
  r.store.load(0, vec);
  layout.pack(vec, first);
  let n = 0;
  for (let s = 0; s < r.states; s++) {
    r.store.load(s, vec);
    for (let a = 0; a < system.width; a++) {
      const offers = system.actors[a].offers(vec[a]);
      for (let o = 0; o < offers.length; o++) {
        out.set(vec);
        const code = system.step(out, a, o);
        if (code === STEP_BLOCKED || (code !== STEP_OK && !system.violation(code).continues)) continue;
        layout.pack(out, key);
        keys.set(key, n * words);
        parents[n++] = s;
      }
    }
  }
  if (n !== r.edges) keys = keys.subarray(0, n * words);
  return { words, first, keys, parents: parents.subarray(0, n), length: n, states: r.states };
}

const hashOf = (keys: Int32Array, at: number, words: number): number => hashKey(keys, at, words);

/** Replays with the store the explorer uses. */
function replayStore(s: Stream): number {
  const store = new MemoryStateStore(s.words);
  const key = new Int32Array(s.words);
  store.add(s.first, -1, -1);
  let added = 0;
  for (let i = 0; i < s.length; i++) {
    for (let w = 0; w < s.words; w++) key[w] = s.keys[i * s.words + w];
    if (store.add(key, s.parents[i], 0) >= 0) added++;
  }
  return added;
}

/**
 * Open addressing with the key in the slot, then index + 1 (0: empty). `home` picks the slot from a hash:
 * its low bits (as the store) or its top bits (sorted lookups). Vectors are kept by index, as a store must.
 */
class KeyTable {
  slots: Int32Array;
  bits: number;
  count = 0;
  private readonly stride: number;

  constructor(
    readonly words: number,
    bits: number,
    private readonly top: boolean,
  ) {
    this.stride = words + 1;
    this.bits = bits;
    this.slots = new Int32Array(this.stride << bits);
  }

  home(h: number): number {
    return this.top ? h >>> (32 - this.bits) : h & ((1 << this.bits) - 1);
  }

  /** The slot holding the key at `keys[at]`, or the empty slot where it would go. */
  find(keys: Int32Array, at: number, h: number): number {
    const { slots, stride, words } = this;
    const mask = (1 << this.bits) - 1;
    for (let slot = this.home(h); ; slot = (slot + 1) & mask) {
      const base = slot * stride;
      if (slots[base + words] === 0) return slot;
      let w = 0;
      while (w < words && slots[base + w] === keys[at + w]) w++;
      if (w === words) return slot;
    }
  }

  put(slot: number, keys: Int32Array, at: number, index: number): void {
    const base = slot * this.stride;
    for (let w = 0; w < this.words; w++) this.slots[base + w] = keys[at + w];
    this.slots[base + this.words] = index + 1;
  }

  indexAt(slot: number): number {
    return this.slots[slot * this.stride + this.words] - 1;
  }

  /** Doubles, re-entering every key from the old table (read in slot order). */
  grow(): void {
    const old = this.slots;
    const { stride, words } = this;
    this.bits++;
    this.slots = new Int32Array(stride << this.bits);
    for (let base = 0; base < old.length; base += stride) {
      if (old[base + words] === 0) continue;
      const slot = this.find(old, base, hashOf(old, base, words));
      this.put(slot, old, base, old[base + words] - 1);
    }
  }

  full(): boolean {
    return this.count > (3 << this.bits) >> 2;
  }
}

/** Appends by index what every design keeps per state: the vector and the parent. */
class ByIndex {
  vectors: Int32Array;
  parents: Int32Array;
  count = 0;

  constructor(readonly words: number) {
    this.vectors = new Int32Array(words << 12);
    this.parents = new Int32Array(1 << 12);
  }

  push(keys: Int32Array, at: number, parent: number): number {
    if (this.count === this.parents.length) {
      const v = new Int32Array(this.vectors.length * 2);
      v.set(this.vectors);
      this.vectors = v;
      const p = new Int32Array(this.parents.length * 2);
      p.set(this.parents);
      this.parents = p;
    }
    for (let w = 0; w < this.words; w++) this.vectors[this.count * this.words + w] = keys[at + w];
    this.parents[this.count] = parent;
    return this.count++;
  }
}

function replaySlot(s: Stream): number {
  const t = new KeyTable(s.words, 13, false);
  const by = new ByIndex(s.words);
  t.put(t.find(s.first, 0, hashOf(s.first, 0, s.words)), s.first, 0, by.push(s.first, 0, -1));
  t.count = 1;
  let added = 0;
  for (let i = 0; i < s.length; i++) {
    const at = i * s.words;
    const h = hashOf(s.keys, at, s.words);
    let slot = t.find(s.keys, at, h);
    if (t.slots[slot * (s.words + 1) + s.words] !== 0) continue;
    if (t.full()) {
      t.grow();
      slot = t.find(s.keys, at, h);
    }
    t.put(slot, s.keys, at, by.push(s.keys, at, s.parents[i]));
    t.count++;
    added++;
  }
  return added;
}

/**
 * A level's successors (those of the states first reached at one depth) looked up in slot order: hashed,
 * counted by the hash's top 16 bits, placed, then probed; a new key's slot is claimed with a mark and
 * numbered once the level is done, in the order the explorer would have numbered it.
 */
function replaySorted(s: Stream): number {
  const words = s.words;
  const t = new KeyTable(words, 13, true);
  const by = new ByIndex(words);
  t.put(t.find(s.first, 0, hashOf(s.first, 0, words)), s.first, 0, by.push(s.first, 0, -1));
  t.count = 1;
  const RADIX = 1 << 16;
  const count = new Int32Array(RADIX + 1);
  let hashes = new Int32Array(1 << 12);
  let order = new Int32Array(1 << 12);
  let sorted = new Int32Array(words << 12);
  let slotOf = new Int32Array(1 << 12);
  let added = 0;
  let levelEnd = 1;
  for (let from = 0; from < s.length;) {
    // The level: successors of the states numbered before levelEnd that the last level did not cover.
    let to = from;
    while (to < s.length && s.parents[to] < levelEnd) to++;
    const n = to - from;
    if (n > hashes.length) {
      const size = 1 << (32 - Math.clz32(n));
      hashes = new Int32Array(size);
      order = new Int32Array(size);
      sorted = new Int32Array(words * size);
      slotOf = new Int32Array(size);
    }
    while (t.count + n > (3 << t.bits) >> 2) t.grow();
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const h = hashOf(s.keys, (from + i) * words, words);
      hashes[i] = h;
      count[(h >>> 16) + 1]++;
    }
    for (let b = 0; b < RADIX; b++) count[b + 1] += count[b];
    for (let i = 0; i < n; i++) {
      const j = count[hashes[i] >>> 16]++;
      order[j] = i;
      for (let w = 0; w < words; w++) sorted[j * words + w] = s.keys[(from + i) * words + w];
    }
    for (let j = 0; j < n; j++) {
      const i = order[j];
      const slot = t.find(sorted, j * words, hashes[i]);
      if (t.slots[slot * (words + 1) + words] !== 0) {
        slotOf[i] = -1;
        continue;
      }
      // Claimed for now with a placeholder index (any nonzero mark); numbered below.
      t.put(slot, sorted, j * words, 0);
      t.count++;
      slotOf[i] = slot;
    }
    for (let i = 0; i < n; i++) {
      if (slotOf[i] < 0) continue;
      const index = by.push(s.keys, (from + i) * words, s.parents[from + i]);
      t.slots[slotOf[i] * (words + 1) + words] = index + 1;
      added++;
    }
    from = to;
    levelEnd = by.count;
  }
  return added;
}

/** The store, behind a table of the level being built (its keys in the slot, reset at each level). */
function replayLevel(s: Stream): number {
  const words = s.words;
  const store = new MemoryStateStore(words);
  const key = new Int32Array(words);
  store.add(s.first, -1, -1);
  let level = new KeyTable(words, 10, false);
  let levelStart = 1;
  let levelEnd = 1;
  let added = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.parents[i] >= levelEnd) {
      // A new level: the states numbered since the last one are the level now being built.
      levelEnd = store.count;
      levelStart = levelEnd;
      level = new KeyTable(words, level.bits, false);
    }
    const at = i * words;
    const h = hashOf(s.keys, at, words);
    let slot = level.find(s.keys, at, h);
    if (level.slots[slot * (words + 1) + words] !== 0) continue;
    for (let w = 0; w < words; w++) key[w] = s.keys[at + w];
    const index = store.add(key, s.parents[i], 0);
    if (index < 0) continue;
    added++;
    if (index < levelStart) continue;
    if (level.full()) {
      level.grow();
      slot = level.find(s.keys, at, h);
    }
    level.put(slot, s.keys, at, index);
    level.count++;
  }
  return added;
}

/** For each known successor: the level being built minus the level of the state found. */
function levelDistances(s: Stream): Map<number, number> {
  const store = new MemoryStateStore(s.words);
  const key = new Int32Array(s.words);
  const depth = new Int32Array(s.states);
  store.add(s.first, -1, -1);
  const out = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    for (let w = 0; w < s.words; w++) key[w] = s.keys[i * s.words + w];
    const built = depth[s.parents[i]] + 1;
    const index = store.add(key, s.parents[i], 0);
    if (index >= 0) depth[index] = built;
    else out.set(built - depth[-1 - index], (out.get(built - depth[-1 - index]) ?? 0) + 1);
  }
  return out;
}

/**
 * Two-word keys alone in the slot (8 bytes, no index, no hash kept): a known state costs one random read.
 * The zero key marks an empty slot, so a zero state is kept apart.
 */
function replayKey(s: Stream): number {
  if (s.words !== 2) throw new Error('key: two-word states only');
  let bits = 13;
  let slots = new Int32Array(2 << bits);
  let mask = (1 << bits) - 1;
  let count = 0;
  let zero = false;
  const by = new ByIndex(2);
  const keys = s.keys;
  const insert = (k0: number, k1: number): boolean => {
    if ((k0 | k1) === 0) {
      if (zero) return false;
      zero = true;
      return true;
    }
    let h = Math.imul(k0, 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
    h = Math.imul(h, 0x1b873593) ^ k1;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    let slot = h & mask;
    for (;;) {
      const a = slots[2 * slot];
      const b = slots[2 * slot + 1];
      if ((a | b) === 0) break;
      if (a === k0 && b === k1) return false;
      slot = (slot + 1) & mask;
    }
    slots[2 * slot] = k0;
    slots[2 * slot + 1] = k1;
    count++;
    return true;
  };
  const grow = (): void => {
    const old = slots;
    bits++;
    mask = (1 << bits) - 1;
    slots = new Int32Array(2 << bits);
    count = 0;
    for (let i = 0; i < old.length; i += 2) if ((old[i] | old[i + 1]) !== 0) insert(old[i], old[i + 1]);
  };
  insert(s.first[0], s.first[1]);
  by.push(s.first, 0, -1);
  let added = 0;
  for (let i = 0; i < s.length; i++) {
    const at = 2 * i;
    if (!insert(keys[at], keys[at + 1])) continue;
    by.push(keys, at, s.parents[i]);
    added++;
    if (count > (3 << bits) >> 2) grow();
  }
  return added;
}

const REPLAY: Record<Design, (s: Stream) => number> = {
  store: replayStore,
  slot: replaySlot,
  sorted: replaySorted,
  level: replayLevel,
  key: replayKey,
};

const [usersArg, runsArg, designArg] = process.argv.slice(2);
const users = Number(usersArg ?? 5);
if (designArg) {
  const design = designArg as Design;
  if (!DESIGNS.includes(design)) throw new Error(`no design ${designArg}: ${DESIGNS.join(', ')}`);
  const stream = record(users);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const added = REPLAY[design](stream) + 1;
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (added !== stream.states) throw new Error(`${design}: ${added} states, the run had ${stream.states}`);
  process.stdout.write(
    JSON.stringify({ design, users, lookups: stream.length, states: added, ms, cpuMs: (used.user + used.system) / 1000 }) + '\n',
  );
} else {
  const runs = Number(runsArg ?? 3);
  const times = new Map<Design, number[]>(DESIGNS.map((d) => [d, []]));
  for (let r = 0; r < runs; r++) {
    for (const d of DESIGNS) {
      const p = spawnSync(process.execPath, [...process.execArgv, process.argv[1], String(users), '1', d], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(p.stderr);
      times.get(d)!.push(JSON.parse(p.stdout).ms);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const [d, xs] of times)
    console.log(`${d.padEnd(7)} median ${median(xs).toFixed(0)} ms  (${xs.map((x) => x.toFixed(0)).join(', ')})`);
  const dist = levelDistances(record(users));
  const known = [...dist.values()].reduce((a, b) => a + b, 0);
  const rows = [...dist].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(`known successors by levels between the level being built and the state found (of ${known.toLocaleString('en-US')}):`);
  for (const [d, n] of rows) console.log(`  ${d}: ${((100 * n) / known).toFixed(1)}%`);
}
