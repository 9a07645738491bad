/**
 * Why the store's arrays are plain ArrayBuffers with room, not resizable ones (src/check/stateStore.ts extend):
 * the same loops over an Int32Array of 2^22 entries (16 MB, the size of percpu_ref N=5's last table) that is
 * a plain array, a view at the front of a larger plain buffer, or a fixed-length view of a resizable buffer.
 * Each kind runs in a process of its own, so V8 compiles each loop for that kind alone, as the store's lookups
 * see one kind in a run. `random`: 8M reads and 8M writes at hashed positions (a lookup's pattern); `sequential`:
 * four passes reading in order (a rebuild's). Prints the median of the last four of six rounds, in ms.
 * Usage: node bench/bufferReads.mjs [rounds]   (a child per kind: node bench/bufferReads.mjs --kind KIND)
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const SIZE = 1 << 22;
const KINDS = ['plain', 'view', 'resizable'];

function make(kind) {
  if (kind === 'plain') return new Int32Array(SIZE);
  if (kind === 'view') return new Int32Array(new ArrayBuffer(16 * SIZE), 0, SIZE);
  return new Int32Array(new ArrayBuffer(4 * SIZE, { maxByteLength: 2 ** 32 }), 0, SIZE);
}

function random(a) {
  let x = 1;
  let s = 0;
  const m = SIZE - 1;
  for (let i = 0; i < 8e6; i++) {
    x = (Math.imul(x, 0x2c1b3c6d) + 12345) | 0;
    s += a[(x >>> 8) & m];
    a[(x >>> 4) & m] = i;
  }
  return s;
}

function sequential(a) {
  let s = 0;
  for (let r = 0; r < 4; r++) for (let i = 0; i < SIZE; i++) s += a[i];
  return s;
}

function median(v) {
  const tail = v.slice(2).sort((p, q) => p - q);
  return (tail[1] + tail[2]) / 2;
}

function child(kind) {
  const r = [];
  const q = [];
  for (let round = 0; round < 6; round++) {
    const a = make(kind);
    a.fill(1);
    let t = performance.now();
    random(a);
    r.push(performance.now() - t);
    t = performance.now();
    sequential(a);
    q.push(performance.now() - t);
  }
  console.log(JSON.stringify({ kind, random: median(r), sequential: median(q) }));
}

const k = process.argv.indexOf('--kind');
if (k >= 0) child(process.argv[k + 1]);
else {
  const rounds = Number(process.argv[2] ?? 3);
  const self = fileURLToPath(import.meta.url);
  console.log(`node ${process.version}; ms, median of rounds 3-6 in each process; kinds taken in turn`);
  for (let i = 0; i < rounds; i++)
    for (const kind of KINDS) {
      const { random: r, sequential: q } = JSON.parse(execFileSync(process.execPath, [self, '--kind', kind], { encoding: 'utf8' }));
      console.log(`${kind.padEnd(10)} random ${r.toFixed(0).padStart(5)}  sequential ${q.toFixed(0).padStart(4)}`);
    }
}
