import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const bin = join(import.meta.dirname, '..', 'bin', 'daxspec.js');
const daxspec = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), 'daxspec-cli-'));

test('--help on every command, exit 0', () => {
  for (const args of [['--help'], ['check', '--help'], ['list', '--help'], ['replay', '--help']]) {
    const r = daxspec(...args);
    assert.is(r.code, 0, args.join(' '));
    assert.match(r.out, /Usage: daxspec/);
  }
});

test("--version prints package.json's version, exit 0", () => {
  const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = daxspec(flag);
    assert.is(r.code, 0, flag);
    assert.is(r.out, `${version}\n`, flag);
  }
});

test('check: --workers on a run that cannot use threads says why it stayed on one', () => {
  const r = daxspec('check', '--scenario', 'kill-dax-readers', '--revision', 'v6.15', '--workers', '2', '--no-liveness', '-q');
  assert.match(r.out, /on one thread \(--workers does not apply: the progress check's edges\)/);
  // With --workers left to its default, nothing is said.
  assert.not.match(daxspec('check', '--scenario', 'kill-dax-readers', '--revision', 'v6.15', '--no-liveness', '-q').out, /on one thread/);
});

test('check: --workers past the cores explores on one thread a core and says so', () => {
  const cores = availableParallelism();
  const r = daxspec('check', '--scenario', 'percpu-ref', '--users', '2', '--workers', String(cores + 97));
  assert.is(r.code, 0, r.err);
  assert.ok(r.err.includes(`(--workers ${cores + 97}: this machine has ${cores} cores; exploring on ${cores} threads)`), r.err);
  assert.not.match(daxspec('check', '--scenario', 'percpu-ref', '--users', '2', '--workers', String(cores)).err, /this machine has/);
});

test('check: holds exits 0 and says it explored everything', () => {
  const r = daxspec('check', '--scenario', 'percpu-ref', '--users', '2', '-q');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /HOLDS/);
});

test('check: a bounded run exits 3 and says so', () => {
  const r = daxspec('check', '--scenario', 'percpu-ref', '--max-states', '50', '-q');
  assert.is(r.code, 3);
  assert.match(r.out, /BOUNDED/);
  assert.not.match(r.out, /HOLDS/);
});

test('an output path that cannot be written is bad input: exit 2, one line naming it', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  for (const args of [
    ['check', '--scenario', 'root-nondax', '--revision', 'v8', '-q', '--itf', join(file, 'cex.itf.json')],
    ['paths', '--scenario', 'root-nondax', '-q', '--out', join(file, 'generated')],
  ]) {
    const r = daxspec(...args);
    assert.is(r.code, 2, args.join(' '));
    const lines = r.err.trim().split('\n');
    assert.match(lines[lines.length - 1], new RegExp(`^daxspec: cannot write ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`));
    assert.is(lines.length, 1);
    assert.not.match(r.err, /internal error|at .*\.ts:\d+/);
  }
});

test('check --json: a program can read the report', () => {
  const r = daxspec('check', '--scenario', 'percpu-ref', '--users', '2', '--json');
  assert.is(r.code, 0);
  const j = JSON.parse(r.out);
  assert.is(j.verdict, 'holds');
  assert.is(j.complete, true);
  assert.ok(j.states > 0 && j.transitions > j.states);
});

test('bad input: one line naming the option or file, exit 2, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['check', '--scenario', 'nope'], /unknown scenario 'nope'/],
    [['check', '--scenario', 'percpu-ref', '--users', '-3'], /--users/],
    [['check', '--scenario', 'percpu-ref', '--users', '999'], /--users must be an integer from 1 to 8/],
    [['check', '--scenario', 'percpu-ref', '--users', 'abc'], /--users takes a whole number/],
    [['check', '--scenario', 'percpu-ref', '--revision', 'v8'], /does not depend on the kernel revision/],
    [['check', '--bogus'], /unknown option/],
    [['check'], /--scenario NAME or --all/],
    [['replay', join(dir, 'missing.itf.json')], /missing\.itf\.json: no such file/],
  ];
  for (const [args, msg] of cases) {
    const r = daxspec(...args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, msg);
    assert.not.match(r.err, /\n\s+at /, 'no stack trace');
  }
});

test('a violation exits 1; its ITF trace and its JSON report both replay exactly into the same violation', () => {
  const itf = join(dir, 'root.itf.json');
  const r = daxspec('check', '--scenario', 'root-nondax', '--revision', 'v8', '--itf', itf, '-q');
  assert.is(r.code, 1);
  assert.match(r.out, /VIOLATED/);
  const back = daxspec('replay', itf);
  assert.is(back.code, 1, back.err);
  assert.match(back.out, /replays exactly .* NULL/);
  const json = daxspec('check', '--scenario', 'root-nondax', '--revision', 'v8', '--json');
  const report = join(dir, 'root.json');
  writeFileSync(report, json.out);
  const again = daxspec('replay', report);
  assert.is(again.code, 1, again.err);
  assert.match(again.out, /replays exactly/);
});

test("replay: a trace that is not the machines' diverges and says where", () => {
  const f = join(dir, 'odd.itf.json');
  writeFileSync(
    f,
    JSON.stringify({
      '#meta': { format: 'ITF', daxspec: { scenario: 'percpu-ref', sizes: { users: 1, rounds: 1 } } },
      vars: ['ref'],
      states: [
        {
          '#meta': { index: 0 },
          ref: { state: 'counting', context: { refcnt: { '#bigint': '7' }, dying: false, live: { '#bigint': '0' } } },
        },
      ],
    }),
  );
  const r = daxspec('replay', f);
  assert.is(r.code, 2);
  assert.match(r.out, /diverges .* at step 0 [\s\S]*ref\.context\.refcnt is 1 in the machines but 7 in the trace\n$/);
  assert.is(r.err, `daxspec: ${f} diverges from percpu-ref at step 0 (ref.context.refcnt)\n`);
  void readFileSync;
});

test.run();
