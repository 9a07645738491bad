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
    assert.match(
      foreign.err,
      new RegExp(`^daxspec: --resume ${dir}: the folder holds files a checkpoint does not write \\(notes\\.txt\\)`),
    );
    assert.is(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine\n');
    const started = run([...small, '--checkpoint', join(dir, '..', dir.split('/').pop()!)]);
    assert.is(started.code, 2);
    assert.match(started.err, /not a checkpoint folder \(it holds notes\.txt/);
    const missing = run([...small, '--resume', join(dir, 'none')]);
    assert.is(missing.code, 2);
    assert.match(missing.err, /no checkpoint there/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged checkpoint is refused as one, exit 2, whichever file and wherever the damage: every file has its digest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-ckpt-'));
  const small = ['check', '--scenario', 'dma-truncate', '--revision', 'v4.16', '-q'];
  const damagedBy = (change: () => void, why: RegExp): void => {
    const kept = new Map(['checkpoint.json', 'run0.states.1.bin', 'run0.tables.1.json'].map((f) => [f, readFileSync(join(dir, f))]));
    change();
    const r = run([...small, '--resume', dir]);
    assert.is(r.code, 2, r.err);
    assert.match(r.err, new RegExp(`^daxspec: --resume ${dir}: the checkpoint cannot be read \\(${why.source}`));
    assert.is(r.err.split('\n').length, 2, 'one line');
    for (const [f, bytes] of kept) writeFileSync(join(dir, f), bytes);
  };
  const flip = (file: string, at: (size: number) => number): void => {
    const bytes = readFileSync(join(dir, file));
    bytes[at(bytes.length)] ^= 0x10;
    writeFileSync(join(dir, file), bytes);
  };
  try {
    assert.is(run([...small, '--checkpoint', dir]).code, 1);
    // A bit flipped near the end of the states (a label) and near the start (a vector): both were read as a graph before.
    damagedBy(() => flip('run0.states.1.bin', (n) => n - 3), /run0\.states\.1\.bin does not match its digest/);
    damagedBy(() => flip('run0.states.1.bin', () => 40), /run0\.states\.1\.bin does not match its digest/);
    damagedBy(() => flip('run0.tables.1.json', (n) => Math.floor(n / 2)), /run0\.tables\.1\.json: /);
    // The manifest: a digit changed, no manifest at all, a field gone.
    damagedBy(() => {
      const text = readFileSync(join(dir, 'checkpoint.json'), 'utf8');
      writeFileSync(
        join(dir, 'checkpoint.json'),
        text.replace(/"head":(\d)/, (_, d) => `"head":${(Number(d) + 1) % 10}`),
      );
    }, /checkpoint\.json does not match its digest/);
    // A character of the spec's fingerprint changed: damaged, not another spec's (the digest covers it).
    damagedBy(() => {
      const text = readFileSync(join(dir, 'checkpoint.json'), 'utf8');
      writeFileSync(
        join(dir, 'checkpoint.json'),
        text.replace(/"spec":"(.)/, (_, c: string) => `"spec":"${c === 'a' ? 'b' : 'a'}`),
      );
    }, /checkpoint\.json does not match its digest/);
    damagedBy(() => writeFileSync(join(dir, 'checkpoint.json'), 'null\n'), /checkpoint\.json holds no manifest/);
    damagedBy(() => {
      const m = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
      for (const r of Object.values(m.runs) as Record<string, unknown>[]) delete r.segments;
      writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(m));
    }, /checkpoint\.json does not match its digest/);
    // Put back whole, it resumes as it was.
    assert.is(run([...small, '--resume', dir]).code, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run stopped at --max-states is saved there; --resume with a larger bound, or none, goes on as one run would', () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-ckpt-'));
  const small = ['check', '--scenario', 'dma-truncate', '--revision', 'v4.16', '--json', '-q'];
  try {
    const whole = run(small);
    const states = (JSON.parse(whole.out) as { states: number }).states;
    const bounded = run([...small, '--max-states', String(Math.floor(states / 3)), '--checkpoint', dir]);
    assert.is(bounded.code, 3, bounded.err);
    assert.ok(existsSync(join(dir, 'checkpoint.json')), 'saved as it stopped');
    const further = run([...small, '--max-states', String(Math.floor((2 * states) / 3)), '--resume', dir]);
    assert.is(further.code, 3, further.err);
    assert.equal(comparable(further.out), comparable(run([...small, '--max-states', String(Math.floor((2 * states) / 3))]).out));
    const rest = run([...small, '--resume', dir]);
    assert.is(rest.code, whole.code, rest.err);
    assert.equal(comparable(rest.out), comparable(whole.out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a resume whose --max-memory cannot hold the saved states is refused in one line, exit 2, never an internal error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-ckpt-'));
  // percpu_ref at five users: 1,616,597 states, more than the least budget there is (64 MiB) holds.
  const big = ['check', '--scenario', 'percpu-ref', '--users', '5', '--workers', '1', '--no-liveness', '-q'];
  try {
    assert.is(run([...big, '--checkpoint', dir]).code, 0);
    const r = run([...big, '--resume', dir, '--max-memory', '64M']);
    assert.is(r.code, 2, r.err);
    assert.match(
      r.err,
      /^daxspec: --max-memory 64 MiB: the checkpoint's 1,616,597 states do not fit \(the store was refused room after [\d,]+\)[^\n]*\n$/,
    );
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
