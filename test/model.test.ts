/**
 * --model: a user's module on the command line, run from the sources (bin/daxspec.js). The lost wake-up
 * of examples/lost-wakeup, the authoring guide's example, is checked here, so the guide's commands keep
 * working; bad modules are bad input (exit 2) with one message naming the file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'daxspec.js');
const MODEL = 'examples/lost-wakeup/model.ts';
const daxspec = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), 'daxspec-model-'));

test('examples/lost-wakeup: the racy revision loses the wake-up (exit 1), the fixed one holds (exit 0)', () => {
  const racy = daxspec('check', '--model', MODEL, '--scenario', 'wakeup', '--revision', 'racy', '-q');
  assert.is(racy.code, 1, racy.err);
  assert.match(racy.out, /^wakeup @ racy: 7 states, 14 transitions, depth 3/);
  assert.match(
    racy.out,
    /progress: waiter waits in "sleeping" and can never be woken\n {2}severity: hang \(a task never finishes\)\n {2}shortest counterexample: 3 steps\n {2}1\. waiter: test /,
  );
  const fixed = daxspec('check', '--model', MODEL, '--scenario', 'wakeup', '--revision', 'fixed', '-q');
  assert.is(fixed.code, 0, fixed.err);
  assert.match(fixed.out, /^wakeup @ fixed: 4 states, 8 transitions, depth 2/);
  assert.match(fixed.out, /HOLDS/);
});

test('list, export and docs --model see only the model', () => {
  const list = daxspec('list', '--model', MODEL);
  assert.is(list.code, 0, list.err);
  assert.match(
    list.out,
    /^Scenarios:\n {2}wakeup {2}a waiter, a waker and a spinning thread around one wait queue\n {6}revisions: racy, fixed\n/,
  );
  assert.match(list.out, / {2}racy {3}the waiter tests the flag, then enqueues itself/);
  assert.match(list.out, /queued-is-asleep/);
  assert.not.match(list.out, /root-nondax/);
  const exported = daxspec('export', '--model', MODEL, '--format', 'mermaid', 'wakeup@racy:wq');
  assert.is(exported.code, 0, exported.err);
  assert.match(exported.out, /^stateDiagram-v2/);
  const out = join(dir, 'docs');
  const docs = daxspec('docs', '--model', MODEL, '--out', out, '-q');
  assert.is(docs.code, 0, docs.err);
  const index = readFileSync(join(out, 'index.md'), 'utf8');
  assert.match(index, /The lost wake-up: a waiter that tests a flag/);
  assert.match(index, /npx daxspec docs --model \.\/examples\/lost-wakeup\/model\.ts --out /);
  assert.is(daxspec('docs', '--model', MODEL, '--out', out, '--check', '-q').code, 0);
});

test('paths --model: the generated test imports the model module and daxspec/testing', () => {
  const out = join(dir, 'generated');
  const r = daxspec('paths', '--model', MODEL, '--out', out, '-q');
  assert.is(r.code, 0, r.err);
  assert.equal(readdirSync(out).sort(), [
    '.daxspec-manifest.json',
    'wakeup.fixed.paths.json',
    'wakeup.fixed.test.ts',
    'wakeup.racy.paths.json',
    'wakeup.racy.test.ts',
  ]);
  const file = readFileSync(join(out, 'wakeup.racy.test.ts'), 'utf8');
  assert.ok(file.includes(`import { suiteTests } from 'daxspec/testing';`));
  assert.ok(file.includes(`import { scenarios } from '`) && file.includes(`examples/lost-wakeup/model.ts';`), file);
  assert.ok(file.includes(`suiteTests(new URL('./wakeup.racy.paths.json', import.meta.url), scenarios);`));
  assert.is(daxspec('paths', '--model', MODEL, '--out', out, '--check', '-q').code, 0);
});

test('a module that is not a model is bad input: exit 2 and one message naming it', () => {
  const cases: [string, string, RegExp][] = [
    ['none.ts', 'export const x = 1;\n', /none\.ts: no export named scenarios and no XState machine; it must export 'scenarios'/],
    ['empty.ts', 'export const scenarios = [];\n', /empty\.ts: 'scenarios' is empty/],
    [
      'twomachines.ts',
      "import { createMachine } from 'xstate';\nexport const a = createMachine({ id: 'a' });\nexport const b = createMachine({ id: 'b' });\n",
      /twomachines\.ts: no export named scenarios, and several XState machines \(a, b\)/,
    ],
    [
      'nobuild.ts',
      "export const scenarios = [{ name: 'a', description: '', revisions: [], sizes: [] }];\n",
      /nobuild\.ts: scenarios\[0\] \(a\) has no build\(revision, sizes\) function/,
    ],
    [
      'optionsize.ts',
      "export const scenarios = [{ name: 'a', description: '', revisions: [], build: () => ({ actors: [] }),\n" +
        "  sizes: [{ name: 'workers', text: 'w', default: 1, min: 1, max: 2 }] }];\n",
      /optionsize\.ts: scenarios\[0\] \(a\): a size cannot be named 'workers', the name of a command-line option/,
    ],
    ['syntax.ts', 'export const scenarios = [;\n', /syntax\.ts does not compile: .*syntax\.ts:1:/],
    ['throws.ts', "throw new Error('boom');\nexport const scenarios = [];\n", /throws\.ts failed while loading: boom/],
  ];
  for (const [name, text, message] of cases) {
    writeFileSync(join(dir, name), text);
    const r = daxspec('list', '--model', join(dir, name));
    assert.is(r.code, 2, `${name}: ${r.err}`);
    assert.match(r.err, message);
    assert.not.match(r.err, /internal error|at .*\(/);
  }
  const missing = daxspec('check', '--model', join(dir, 'nope.ts'), '--scenario', 'x');
  assert.is(missing.code, 2);
  assert.match(missing.err, /nope\.ts: no such file/);
});

test("a model whose own code throws (an action, an invariant, build) is the model's fault: exit 2 naming it, never 'a bug of daxspec'", () => {
  writeFileSync(
    join(dir, 'throwing.ts'),
    [
      "import { assign, setup } from 'xstate';",
      "const m = (boom: boolean) => setup({ actions: { act: assign({ x: ({ context }: any) => { if (boom) throw new Error('action exploded'); return context.x; } }) } })",
      "  .createMachine({ id: 'm', context: { x: 0 }, initial: 'a', states: { a: { on: { go: { target: 'b', actions: 'act' } } }, b: {} } });",
      "const sys = (kind: string) => ({ deadlock: false, actors: [{ name: 'p', machine: m(kind === 'action'), kind: 'path', env: { go: [{}] } }],",
      "  invariants: [{ id: 'inv', text: 'never b', holds: (v: any) => { if (kind === 'invariant' && v('p').matches('b')) throw new Error('invariant exploded'); return true; } }] });",
      "export const scenarios = ['action', 'invariant', 'build'].map((kind) => ({ name: kind, description: kind, revisions: [], sizes: [],",
      "  build: () => { if (kind === 'build') throw new Error('build exploded'); return sys(kind); } }));",
    ].join('\n') + '\n',
  );
  const cases: [string, RegExp][] = [
    ['action', /^daxspec: model error: actor p's machine threw during event go: action exploded\n$/],
    ['invariant', /^daxspec: model error: inv's holds threw: invariant exploded; /],
    ['build', /^daxspec: --model .*throwing\.ts: scenario build: build\(revision, sizes\) threw: build exploded\n$/],
  ];
  for (const [scenario, message] of cases) {
    for (const command of ['check', 'paths']) {
      const r = daxspec(
        command,
        '--model',
        join(dir, 'throwing.ts'),
        '--scenario',
        scenario,
        ...(command === 'paths' ? ['--report'] : ['-q']),
      );
      assert.is(r.code, 2, `${command} ${scenario}: ${r.err}`);
      assert.match(r.err, message);
      assert.not.match(r.err, /internal error|bug of daxspec/);
    }
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
