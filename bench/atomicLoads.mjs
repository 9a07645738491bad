/**
 * Why plain reads of the shared table's slots were tried in the parallel levels' insert (src/check/levelExpander.ts),
 * which reads each probed slot with Atomics.load, and what they could save there (not kept: bench/README.md,
 * "Threads from 200,000 states"). The same probes of a shared table of 2^25 slots of three words (percpu_ref N=6's:
 * a status word and a two-word key), half full, each slot's status read with Atomics.load or with a plain read; and,
 * apart, 52M sequential loads each way. Each kind runs in a process of its own, so V8 compiles each loop for that
 * kind alone. `probes`: 8M lookups of stored keys at random; `sequential`: 50 passes over 1M words. Prints the
 * median of the last four of six rounds, in ms.
 * Usage: node bench/atomicLoads.mjs [rounds]   (a child per kind: node bench/atomicLoads.mjs --kind KIND)
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const LOG = 25;
const SLOTS = 1 << LOG;
const MASK = SLOTS - 1;
const STORED = SLOTS >>> 1;
const KINDS = ['plain', 'atomic'];

function hash(a, b) {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) | 0;
}

/** A table of STORED keys (a, 7a), a from 1: each slot [index + 1, a, 7a], homes from the hash's top bits. */
function table() {
  const slots = new Int32Array(new SharedArrayBuffer(12 * SLOTS));
  for (let i = 0; i < STORED; i++) {
    const a = i + 1;
    let s = hash(a, 7 * a) >>> (32 - LOG);
    while (slots[3 * s] !== 0) s = (s + 1) & MASK;
    slots[3 * s] = i + 1;
    slots[3 * s + 1] = a;
    slots[3 * s + 2] = 7 * a;
  }
  return slots;
}

function probesPlain(slots, queries) {
  let found = 0;
  for (let q = 0; q < queries.length; q++) {
    const a = queries[q];
    let s = hash(a, 7 * a) >>> (32 - LOG);
    for (;;) {
      const b = 3 * s;
      const v = slots[b];
      if (v === 0) break;
      if (slots[b + 1] === a && slots[b + 2] === 7 * a) {
        found += v;
        break;
      }
      s = (s + 1) & MASK;
    }
  }
  return found;
}

function probesAtomic(slots, queries) {
  let found = 0;
  for (let q = 0; q < queries.length; q++) {
    const a = queries[q];
    let s = hash(a, 7 * a) >>> (32 - LOG);
    for (;;) {
      const b = 3 * s;
      const v = Atomics.load(slots, b);
      if (v === 0) break;
      if (slots[b + 1] === a && slots[b + 2] === 7 * a) {
        found += v;
        break;
      }
      s = (s + 1) & MASK;
    }
  }
  return found;
}

function sequentialPlain(a) {
  let s = 0;
  for (let r = 0; r < 50; r++) for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function sequentialAtomic(a) {
  let s = 0;
  for (let r = 0; r < 50; r++) for (let i = 0; i < a.length; i++) s += Atomics.load(a, i);
  return s;
}

function median(v) {
  const tail = v.slice(2).sort((p, q) => p - q);
  return (tail[1] + tail[2]) / 2;
}

function child(kind) {
  const slots = table();
  const queries = new Int32Array(8e6);
  let x = 1;
  for (let i = 0; i < queries.length; i++) {
    x = (Math.imul(x, 0x2c1b3c6d) + 12345) | 0;
    queries[i] = 1 + ((x >>> 1) % STORED);
  }
  const words = new Int32Array(new SharedArrayBuffer(4 << 20)).fill(1);
  const probes = kind === 'atomic' ? probesAtomic : probesPlain;
  const sequential = kind === 'atomic' ? sequentialAtomic : sequentialPlain;
  const p = [];
  const q = [];
  let check = 0;
  for (let round = 0; round < 6; round++) {
    let t = performance.now();
    check += probes(slots, queries);
    p.push(performance.now() - t);
    t = performance.now();
    check += sequential(words);
    q.push(performance.now() - t);
  }
  console.log(JSON.stringify({ kind, probes: median(p), sequential: median(q), check }));
}

const k = process.argv.indexOf('--kind');
if (k >= 0) child(process.argv[k + 1]);
else {
  const rounds = Number(process.argv[2] ?? 3);
  const self = fileURLToPath(import.meta.url);
  console.log(`node ${process.version}; ms, median of rounds 3-6 in each process; kinds taken in turn`);
  const checks = new Set();
  for (let i = 0; i < rounds; i++)
    for (const kind of KINDS) {
      const out = JSON.parse(execFileSync(process.execPath, [self, '--kind', kind], { encoding: 'utf8', maxBuffer: 1 << 20 }));
      checks.add(out.check);
      console.log(`${kind.padEnd(7)} probes ${out.probes.toFixed(0).padStart(5)}  sequential ${out.sequential.toFixed(0).padStart(4)}`);
    }
  // Both kinds find the same slots: a loop that skipped its reads would not.
  if (checks.size !== 1) throw new Error(`the kinds found different slots: ${[...checks].join(', ')}`);
}
