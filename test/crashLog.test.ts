/**
 * The crash log keeps what a Map of state to violation key would, past the 2^24 entries a V8 Map can hold
 * (a kill-dax-readers run with six readers and three sections stopped there).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CrashLog } from '../src/check/crashLog.ts';

test('reads as the Map it replaces: has, get, size and the pairs in state order', () => {
  const log = new CrashLog();
  log.set(5000, 'oops:null-dax').set(3, 'oops:bug-on').set(5000, 'oops:bug-on');
  assert.is(log.size, 2);
  assert.ok(log.has(3) && log.has(5000) && !log.has(4) && !log.has(1 << 20));
  assert.is(log.get(5000), 'oops:bug-on');
  assert.is(log.get(7), undefined);
  assert.equal(
    [...log],
    [
      [3, 'oops:bug-on'],
      [5000, 'oops:bug-on'],
    ],
  );
});

test('holds more states than a V8 Map can (2^24)', () => {
  const n = 2 ** 24 + 1;
  const log = new CrashLog();
  for (let s = 0; s < n; s++) log.set(s, s % 2 ? 'odd' : 'even');
  assert.is(log.size, n);
  assert.is(log.get(n - 1), 'even');
});

test.run();
