import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { thousands } from '../src/check/thousands.ts';

/** thousands() groups whole numbers by hand; its reference is the locale formatting it replaces. */
test('thousands writes whole numbers as toLocaleString("en-US") does, and falls back to it for the rest', () => {
  const values = [
    0,
    1,
    -1,
    7,
    12,
    999,
    1000,
    -1000,
    1001,
    9999,
    10000,
    123456,
    999999,
    1000000,
    1616597,
    -7654321,
    2 ** 31,
    Number.MAX_SAFE_INTEGER,
  ];
  for (let d = 1; d < 16; d++) values.push(10 ** d - 1, 10 ** d, 10 ** d + 1);
  for (const v of values) assert.is(thousands(v), v.toLocaleString('en-US'), String(v));
  for (const v of [1.5, 1234.5678, NaN, Infinity, 2 ** 60]) assert.is(thousands(v), v.toLocaleString('en-US'), String(v));
});

test.run();
