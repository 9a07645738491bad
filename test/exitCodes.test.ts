/**
 * Every exit code the README and --help document, each produced by what it stands for (130 and
 * 143 need a signal: test/interrupt.test.ts). Runs the command line in-process (test/runCli.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './runCli.ts';

test('0: every property holds', async () => {
  const r = await runCli('check', '--scenario', 'percpu-ref', '--users', '2', '-q');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /HOLDS/);
});

test('1: a violation', async () => {
  const r = await runCli('check', '--scenario', 'root-nondax', '--revision', 'v8', '-q');
  assert.is(r.code, 1, r.err);
  assert.match(r.out, /VIOLATED/);
});

test('2: bad input', async () => {
  const r = await runCli('check', '--scenario', 'nope');
  assert.is(r.code, 2);
});

test('3: stopped at the state bound', async () => {
  const r = await runCli('check', '--scenario', 'percpu-ref', '--max-states', '50', '-q');
  assert.is(r.code, 3, r.err);
  assert.match(r.out, /BOUNDED/);
});

test('3: stopped at the memory budget, with the partial report and advice; never a crash', async () => {
  // 64M is less than the process already holds: the run stops at its first state boundary.
  const r = await runCli('check', '--scenario', 'percpu-ref', '--users', '8', '--max-memory', '64M', '-q');
  assert.is(r.code, 3, r.err);
  assert.match(r.out, /^percpu-ref \(users=8 rounds=3\): [\d,]+ states/);
  assert.match(r.out, /INCOMPLETE: stopped before passing the memory budget \(--max-memory 64 MiB/);
  assert.match(
    r.out,
    /to go further: --store disk \(the states in files[^)]*\), --fingerprint .*--max-states \d+ to bound the run, or a larger --max-memory/,
  );
  assert.match(r.out, /smaller sizes \(--users 7, --rounds 2\)/);
  const j = JSON.parse((await runCli('check', '--scenario', 'percpu-ref', '--users', '8', '--max-memory', '64M', '--json', '-q')).out);
  assert.is(j.bound, 'memory');
  assert.is(j.complete, false);
  assert.is(j.memoryBudget, 64 * 2 ** 20);
});

test('4: an internal error (a bug of ours) is one line, exit 4, no stack unless asked', async () => {
  // A failure no input can cause: writing the listing fails inside the command.
  const write = process.stdout.write;
  let r;
  try {
    process.stdout.write = (() => {
      throw new TypeError('stdout is broken');
    }) as typeof process.stdout.write;
    const { main } = await import('../src/cli/main.ts');
    const err: string[] = [];
    const stderr = process.stderr.write;
    process.stderr.write = ((s: string) => err.push(s) > 0) as typeof process.stderr.write;
    try {
      r = { code: await main(['node', 'daxspec', 'list']), err: err.join('') };
    } finally {
      process.stderr.write = stderr;
    }
  } finally {
    process.stdout.write = write;
  }
  assert.is(r.code, 4);
  assert.match(r.err, /^daxspec: internal error \(a bug of daxspec; DAXSPEC_DEBUG=1 shows where\): stdout is broken\n$/);
});

test('3 from viz too: the site is written, and a check it stopped at --max-states is said to be bounded', async () => {
  const out = mkdtempSync(join(tmpdir(), 'daxspec-viz-'));
  const bounded = await runCli('viz', '--scenario', 'percpu-ref', '--users', '2', '--max-states', '10', '--out', join(out, 'a'), '-q');
  assert.is(bounded.code, 3, bounded.err);
  assert.match(bounded.out, /^wrote .*index\.html/);
  assert.match(bounded.out, /BOUNDED: 1 of 1 systems stopped at --max-states 10/);
  const whole = await runCli('viz', '--scenario', 'percpu-ref', '--users', '2', '--out', join(out, 'b'), '-q');
  assert.is(whole.code, 0, whole.err);
});

test.run();
