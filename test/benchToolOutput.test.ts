import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePan, parseTlc } from '../bench/toolOutput.ts';

/** Outputs captured from TLC (built from tlaplus/tlaplus) and SPIN 6.5.2 on bench/tlc/PgRef.tla and bench/spin/percpuRef.pml, N=3. */
const sample = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', 'bench', name), 'utf8');

test('TLC safety: distinct states, and edges as states generated less the initial state', () => {
  assert.equal(parseTlc(sample('tlc-safe-n3.txt')), { states: 8357, transitions: 28845, complete: true, ownSeconds: 1 });
});

test('TLC liveness that holds: the same counts, complete, no error', () => {
  const r = parseTlc(sample('tlc-live-n3.txt'));
  assert.equal(r, { states: 8357, transitions: 28845, complete: true, ownSeconds: 4 });
});

test('TLC liveness that fails: counted, but not complete, and the error is kept', () => {
  const r = parseTlc(sample('tlc-live-violated-n3.txt'))!;
  assert.is(r.complete, false);
  assert.is(r.error, 'Temporal property Drains was violated.');
  assert.is(r.states, 8357);
});

test('TLC stopped before its final counts: nothing to report', () => {
  const text = sample('tlc-safe-n3.txt');
  assert.is(parseTlc(text.slice(0, text.indexOf('Model checking completed'))), undefined);
});

test("TLC's Finished in with minutes and hours", () => {
  const text = sample('tlc-safe-n3.txt').replace(/^Finished in 01s/m, 'Finished in 1h 03min 02s');
  assert.is(parseTlc(text)!.ownSeconds, 3782);
});

test('TLC with states left on its queue is not complete', () => {
  const text = sample('tlc-safe-n3.txt').replace('0 states left on queue.', '7 states left on queue.');
  assert.is(parseTlc(text)!.complete, false);
});

test('pan: states stored, transitions, depth, errors, its own timer', () => {
  assert.equal(parsePan(sample('pan-safety-n3.txt')), { states: 8513, transitions: 29002, depth: 39, errors: 0, ownSeconds: 0.01 });
});

test('pan past 10^8: counts printed in exponent form are read as numbers', () => {
  // SPIN 6.5.2, N=6, -w26: 22623764 states stored, 1.4102004e+08 transitions.
  assert.equal(parsePan(sample('pan-safety-n6.txt')), { states: 22623764, transitions: 141020040, depth: 78, errors: 0, ownSeconds: 62 });
});

test('pan cut short (no statistics): nothing to report', () => {
  const text = sample('pan-safety-n3.txt');
  assert.is(parsePan(text.slice(0, text.indexOf('transitions'))), undefined);
});

test.run();
