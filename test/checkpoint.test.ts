/**
 * Checkpoint and resume: a run killed with SIGKILL after a checkpoint, then resumed, reports the same
 * counts, findings and traces (the whole --json report but its timings) as the same run never stopped;
 * so does one stopped by SIGINT, which saves as it stops. A checkpoint refuses another spec, a folder
 * holding anything else, and a new run over an old checkpoint; each refusal is one line naming the folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const bin = join(import.meta.dirname, '..', 'bin', 'daxspec.js');
/** A run with findings (I9 twice), a progress check and a liveness run: 308k states, long enough to kill mid-way. */
const RUN = [
  'check',
  '--scenario',
  'dma-truncate',
  '--revision',
  'v4.16',
  '--pinners',
  '4',
  '--pages',
  '3',
  '--rounds',
  '2',
  '--json',
  '-q',
];

interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

function run(args: string[]): Ran {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

/**
 * The report without what differs between two runs of one exploration: the times, the store's memory (a resumed
 * store grows by other steps) and the liveness check's costs (a resumed run did not record the successors of the
 * states explored before the checkpoint, so its check works them out).
 */
function comparable(out: string): unknown {
  const j = JSON.parse(out) as Record<string, unknown> & { liveness?: Record<string, unknown> | null };
  delete j.seconds;
  delete j.memoryBytes;
  if (j.liveness) {
    delete j.liveness.seconds;
    delete j.liveness.bytes;
    // A bound, not a count: each state worked out once at most (the check keeps what it works out).
    j.liveness.expansions = (j.liveness.expansions as number) <= (j.states as number);
  }
  return j;
}

interface SavedRun {
  head: number;
  explored: boolean;
  segments: { states: [number, number] }[];
}
const manifest = (dir: string): { runs: Record<string, SavedRun> } => JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));

/**
 * Starts the run checkpointing into `dir` and sends `signal` once a checkpoint taken mid-way (some
 * states not yet expanded) is on disk.
 */
function stopAfterCheckpoint(dir: string, signal: NodeJS.Signals): Promise<Ran & { at: SavedRun }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...RUN, '--checkpoint', dir, '--checkpoint-every', '100ms'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let at: SavedRun | undefined;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const poll = setInterval(() => {
      if (at || !existsSync(join(dir, 'checkpoint.json'))) return;
      at = manifest(dir).runs.run0;
      child.kill(signal);
    }, 10);
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearInterval(poll);
      if (!at) reject(new Error(`the run ended before a checkpoint was seen: ${err}`));
      else resolve({ code, signal: sig, out, err, at });
    });
  });
}

const full = run(RUN);

test('the run the others are compared with finds violations', () => {
  assert.is(full.code, 1, full.err);
  const j = JSON.parse(full.out) as { findings: unknown[]; complete: boolean };
  assert.ok(j.complete);
  assert.ok(j.findings.length > 0);
});

test('killed with SIGKILL after a checkpoint, --resume gives the same counts, findings and traces', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-ckpt-'));
  try {
    const killed = await stopAfterCheckpoint(dir, 'SIGKILL');
    assert.is(killed.signal, 'SIGKILL');
    // The checkpoint the run was killed after is mid-way: the resume has states left to explore.
    assert.not.ok(killed.at.explored);
    assert.ok(killed.at.head < killed.at.segments[killed.at.segments.length - 1].states[1]);
    const resumed = run([...RUN, '--resume', dir]);
    assert.is(resumed.code, full.code, resumed.err);
    assert.equal(comparable(resumed.out), comparable(full.out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stopped by SIGINT, the run saves as it stops; --resume finishes it the same way', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-ckpt-'));
  try {
    const stopped = await stopAfterCheckpoint(dir, 'SIGINT');
    assert.is(stopped.code, 130, stopped.err);
    const partial = JSON.parse(stopped.out) as { states: number; complete: boolean };
    assert.not.ok(partial.complete);
    // The checkpoint taken at the signal holds every state the interrupted run reported.
    const last = manifest(dir).runs.run0;
    assert.is(last.segments[last.segments.length - 1].states[1], partial.states);
    const resumed = run([...RUN, '--resume', dir]);
    assert.is(resumed.code, full.code, resumed.err);
    assert.equal(comparable(resumed.out), comparable(full.out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a checkpoint refuses another spec, a foreign folder, and being started over; one line naming the folder, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-ckpt-'));
  const small = ['check', '--scenario', 'dma-truncate', '--revision', 'v4.16', '-q'];
  try {
    const first = run([...small, '--checkpoint', dir]);
    assert.is(first.code, 1, first.err);
    const other = run([...small, '--pinners', '2', '--resume', dir]);
    assert.is(other.code, 2);
    assert.match(other.err, new RegExp(`^daxspec: --resume ${dir}: the checkpoint is of another spec[^\\n]*\\n$`));
    const otherRevision = run(['check', '--scenario', 'dma-truncate', '--revision', 'v5.10', '-q', '--resume', dir]);
    assert.is(otherRevision.code, 2);
    const again = run([...small, '--checkpoint', dir]);
    assert.is(again.code, 2);
    assert.match(again.err, new RegExp(`^daxspec: ${dir} holds the checkpoint of an earlier run[^\\n]*\\n$`));
    // Resuming a finished run reports it again, as it was.
    const resumed = run([...small, '--resume', dir]);
    assert.is(resumed.code, 1, resumed.err);
    // A segment cut short (a disk that lied about a sync) is refused, not half-read.
    const states = join(dir, 'run0.states.1.bin');
    writeFileSync(states, readFileSync(states).subarray(0, 100));
    const damaged = run([...small, '--resume', dir]);
    assert.is(damaged.code, 2);
    assert.match(
      damaged.err,
      new RegExp(`^daxspec: --resume ${dir}: the checkpoint cannot be read \\(run0\\.states\\.1\\.bin has 100 bytes`),
    );
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const foreign = run([...small, '--resume', dir]);
    assert.is(foreign.code, 2);
    assert.match(foreign.err, new RegExp(`^daxspec: ${dir}: not a checkpoint folder \\(it holds notes\\.txt\\)`));
    assert.is(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine\n');
    const missing = run([...small, '--resume', join(dir, 'none')]);
    assert.is(missing.code, 2);
    assert.match(missing.err, /no checkpoint there/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scenario checked in every revision keeps one run a revision in one folder, and resumes each', () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-ckpt-'));
  const every = ['check', '--scenario', 'nondax-mount-umount', '--json', '-q'];
  try {
    const first = run([...every, '--checkpoint', dir]);
    const runs = Object.keys(manifest(dir).runs);
    assert.is(runs.length, (JSON.parse(first.out) as unknown[]).length);
    const resumed = run([...every, '--resume', dir]);
    assert.is(resumed.code, first.code, resumed.err);
    const strip = (out: string): unknown => (JSON.parse(out) as unknown[]).map((r) => comparable(JSON.stringify(r)));
    assert.equal(strip(resumed.out), strip(first.out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
