/**
 * Ctrl-C and SIGTERM: a long check stops at the next state boundary and prints what it explored,
 * marked INCOMPLETE, with exit 130 or 143; check --all prints the cells checked so far; a closed pipe ends it
 * quietly with 141. Each case runs daxspec as a child process, waits for its progress output, and signals it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const bin = join(import.meta.dirname, '..', 'bin', 'daxspec.js');

/** Runs daxspec, sends `signal` (`times` times, 100 ms apart) once stderr matches `ready`, and resolves when it exits. */
function interrupt(
  args: string[],
  ready: RegExp,
  signal: NodeJS.Signals,
  times = 1,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let sent = false;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      if (!sent && ready.test(err)) {
        sent = true;
        // Sent together, two signals may merge into one pending signal: the others come 100 ms apart, as a second copy does.
        child.kill(signal);
        for (let i = 1; i < times; i++) setTimeout(() => child.kill(signal), 100 * i);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

test('a reader that closes the pipe early ends daxspec quietly with 141, never an EPIPE stack', async () => {
  const r = await new Promise<{ code: number | null; err: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'simulate', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the child has started, so its first write finds no reader (as `| head` does after a line).
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, err }));
  });
  assert.is(r.code, 141, r.err);
  assert.is(r.err, '');
});

test('check: SIGINT stops at a state boundary, prints what was explored, INCOMPLETE, exit 130', async () => {
  const r = await interrupt(['check', '--scenario', 'percpu-ref', '--users', '7'], /percpu-ref: [\d,]+ states/, 'SIGINT');
  assert.is(r.code, 130, r.err);
  assert.match(r.out, /^percpu-ref \(users=7 rounds=3\): [\d,]+ states, [\d,]+ transitions, depth \d+/);
  assert.match(r.out, /INCOMPLETE: interrupted by SIGINT at a state boundary after [\d,]+ states/);
  assert.not.match(r.out, /HOLDS/);
});

test('check: the same SIGINT delivered twice at once (timeout -s INT signals the process, then its group) still prints the report', async () => {
  const r = await interrupt(['check', '--scenario', 'percpu-ref', '--users', '7'], /percpu-ref: [\d,]+ states/, 'SIGINT', 2);
  assert.is(r.code, 130, r.err);
  assert.match(r.out, /INCOMPLETE: interrupted by SIGINT at a state boundary after [\d,]+ states/);
});

test('check: SIGINT during the liveness check stops it, prints what was checked, INCOMPLETE, exit 130', async () => {
  // At five users the liveness check runs for seconds after the exploration: it gives the event loop turns (slices.ts).
  const r = await interrupt(['check', '--scenario', 'percpu-ref', '--users', '5', '--workers', '1'], /checking liveness/, 'SIGINT');
  assert.is(r.code, 130, r.err);
  assert.match(r.out, /^percpu-ref \(users=5 rounds=3\): 1,616,597 states, 8,582,393 transitions/);
  assert.match(r.out, /INCOMPLETE: interrupted by SIGINT during the liveness check, after all 1,616,597 states were explored/);
  assert.match(r.out, /liveness not checked: interrupted by SIGINT/);
  assert.not.match(r.out, /HOLDS/);
});

test('check --json: SIGTERM emits the partial report as JSON, marked incomplete, exit 143', async () => {
  // Progress goes to stderr with --json too; the report alone is on stdout.
  const r = await interrupt(['check', '--scenario', 'percpu-ref', '--users', '7', '--json'], /percpu-ref: [\d,]+ states/, 'SIGTERM');
  assert.is(r.code, 143, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.complete, false);
  assert.is(j.bound, 'interrupted');
  assert.is(j.interrupted, 'SIGTERM');
  assert.ok(j.states > 0);
});

test('check --all: SIGINT prints the cells checked so far and says the matrix is incomplete, exit 130', async () => {
  const r = await interrupt(['check', '--all'], /@ v4\.16: /, 'SIGINT');
  assert.is(r.code, 130, r.err);
  assert.match(r.out, /^scenario +v4\.16/);
  assert.match(r.out, /INCOMPLETE: interrupted by SIGINT; \d+ of \d+ cells checked/);
});

test.run();
