/**
 * The package as a user gets it: `npm pack` (which builds it through `prepare`), the tarball installed
 * into an empty project from the local npm cache (--prefer-offline), and there: `npx daxspec
 * list`, `check --model` of a small model of the user's own, `paths --model` with the generated suite run
 * in the user's project, an import of the API from an ES module, and the same from TypeScript checked
 * by tsc against the installed declarations.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const repo = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'daxspec-package-'));
const project = join(work, 'project');
// From the local cache: every dependency's tarball is there since the repository's own install. npm may
// still ask the npm registry for a package's metadata (versions) the lockfile-less install needs; nothing
// else is reached.
const env = {
  ...process.env,
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  CI: 'true',
};
const npm = (cwd: string, ...args: string[]) =>
  execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** The installed bin, as `npx daxspec` finds it (npx itself is run once, for list: it costs a second a call). */
const daxspec = (...args: string[]) => run(join(project, 'node_modules/.bin/daxspec'), ...args);
const run = (cmd: string, ...args: string[]) => {
  const r = spawnSync(cmd, args, { cwd: project, env, encoding: 'utf8' });
  // Colours off: uvu's runner forces them on, and console.log would colour numbers.
  const plain = (x: string) => x.replace(new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g'), '');
  return { code: r.status, out: plain(r.stdout), err: plain(r.stderr) };
};

/** A user's model: a counter and two threads that add one to it, racy (read, then write) or atomic. */
const MODEL = `import { assign, setup } from 'xstate';
import { call, reply, type EnvEvents, type Scenario, type SystemDecl } from 'daxspec';

const counter = setup({
  types: { context: {} as { value: number } },
  actions: {
    answer: reply(({ context }) => ({ type: 'value', value: context.value })),
    store: assign({ value: ({ event }) => (event as { type: string; value: number }).value }),
    add: assign({ value: ({ context }) => context.value + 1 }),
  },
}).createMachine({
  id: 'counter', context: { value: 0 }, initial: 'ready', description: 'A shared counter',
  states: { ready: { description: 'Holds the value', on: {
    read: { actions: 'answer', description: 'load' }, write: { actions: 'store', description: 'store' }, inc: { actions: 'add', description: 'atomic add' } } } },
});

const racy = setup({
  types: { context: {} as { local: number } },
  actions: {
    read: call('counter', 'counter', { type: 'read' }),
    keep: assign({ local: ({ event }) => (event as { type: string; value: number }).value }),
    write: call('counter', 'counter', ({ context }) => ({ type: 'write', value: context.local + 1 })),
  },
}).createMachine({
  id: 'racy', context: { local: 0 }, initial: 'start', description: 'counter++ as a load and a store',
  states: {
    start: { description: 'before the load', on: { read: { target: 'reading', actions: 'read', description: 'load' } } },
    reading: { description: 'the value comes back in the same step', on: { value: { target: 'loaded', actions: 'keep', description: 'keep it' } } },
    loaded: { description: 'loaded, not yet stored', on: { write: { target: 'done', actions: 'write', description: 'store' } } },
    done: { type: 'final', description: 'stored' },
  },
});

const atomic = setup({ actions: { inc: call('counter', 'counter', { type: 'inc' }) } }).createMachine({
  id: 'atomic', initial: 'start', description: 'atomic_inc',
  states: { start: { description: 'before', on: { inc: { target: 'done', actions: 'inc', description: 'add one' } } }, done: { type: 'final', description: 'added' } },
});

export function counterSystem(revision: string | undefined): SystemDecl {
  const thread = revision === 'racy' ? racy : atomic;
  const env: EnvEvents = revision === 'racy' ? { read: [{}], write: [{}] } : { inc: [{}] };
  return {
    actors: [
      { name: 'counter', machine: counter, kind: 'object' },
      { name: 't1', machine: thread, kind: 'path', env },
      { name: 't2', machine: thread, kind: 'path', env },
    ],
    invariants: [{ id: 'both-counted', text: 'when both threads are done the counter is 2',
      holds: (v) => !(v('t1').done && v('t2').done) || (v('counter').context as { value: number }).value === 2 }],
  };
}

export const scenarios: Scenario[] = [
  { name: 'counter', description: 'two threads add one to a counter', revisions: ['racy', 'atomic'], sizes: [], build: (r) => counterSystem(r) },
];
`;

test('npm pack ships only the built package, and it installs offline into an empty project', () => {
  npm(repo, 'pack', '--pack-destination', work, '--silent');
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote a tarball');
  const listed = execFileSync('tar', ['-tzf', join(work, tarball!)], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const outside = listed.filter((f) => !/^package\/(dist\/|package\.json$|README\.md$|LICENSE)/.test(f));
  assert.equal(outside, [], 'only dist/, package.json and README in the tarball');
  assert.ok(listed.includes('package/dist/cli.js') && listed.includes('package/dist/types/src/index.d.ts'));
  assert.not.ok(
    listed.some((f) => /\.test\.|\/generated\/|bench\//.test(f)),
    'no tests, generated tests or bench',
  );

  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-protocol', private: true, type: 'module' }, null, 2));
  // tsx: the user's own choice for running TypeScript tests; the repository has it, so it is cached.
  // The same tsx as the repository's (so it is in the cache), not whatever is newest.
  const tsx = (JSON.parse(readFileSync(join(repo, 'node_modules/tsx/package.json'), 'utf8')) as { version: string }).version;
  npm(project, 'install', '--prefer-offline', join(work, tarball!), `tsx@${tsx}`);
  const installed = JSON.parse(readFileSync(join(project, 'node_modules/daxspec/package.json'), 'utf8')) as { name: string };
  assert.is(installed.name, 'daxspec');
  // Development tools stay out of a user's install (commander is bundled into the CLI), and nothing built imports them.
  for (const devOnly of ['playwright-core', '@xstate/graph', 'typescript', 'commander'])
    assert.not.ok(existsSync(join(project, 'node_modules', devOnly)), `${devOnly} is installed with daxspec`);
  const dist = join(project, 'node_modules/daxspec/dist');
  for (const f of readdirSync(dist).filter((x) => x.endsWith('.js'))) {
    const text = readFileSync(join(dist, f), 'utf8');
    const imports = [...text.matchAll(/^import\s[^;]*?["']([^"']+)["'];/gm), ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)]
      .map((m) => m[1])
      .filter((m) => !m.startsWith('.'));
    const foreign = imports.filter((m) => !m.startsWith('node:') && !['xstate', 'esbuild', '@viz-js/viz', 'uvu', 'uvu/assert'].includes(m));
    assert.equal(foreign, [], `${f} imports only node built-ins and dependencies`);
  }
});

test('npx daxspec list: the built-in scenarios', () => {
  const r = run('npx', '--no-install', 'daxspec', 'list');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^Scenarios:\n {2}root-nondax /);
  assert.match(r.out, /percpu-ref/);
});

test("check --model of the user's TypeScript model: the racy counter loses an update (exit 1), the atomic one holds (exit 0)", () => {
  writeFileSync(join(project, 'model.ts'), MODEL);
  const racy = daxspec('check', '--model', './model.ts', '--scenario', 'counter', '--revision', 'racy', '-q');
  assert.is(racy.code, 1, racy.err);
  assert.match(racy.out, /^counter @ racy: 13 states/);
  assert.match(racy.out, /both-counted: when both threads are done the counter is 2/);
  assert.match(racy.out, /shortest counterexample: 4 steps/);
  const atomic = daxspec('check', '--model', './model.ts', '--scenario', 'counter', '--revision', 'atomic', '-q');
  assert.is(atomic.code, 0, atomic.err);
  assert.match(atomic.out, /HOLDS: every reachable state explored/);
  const list = daxspec('list', '--model', './model.ts');
  assert.is(list.code, 0, list.err);
  assert.match(list.out, /^Scenarios:\n {2}counter {2}two threads add one to a counter\n {6}revisions: racy, atomic\n/);
});

test("paths --model writes a suite that imports the model and runs in the user's project", () => {
  const r = daxspec('paths', '--model', './model.ts', '--out', 'test/generated', '-q');
  assert.is(r.code, 0, r.err);
  const file = readFileSync(join(project, 'test/generated/counter.racy.test.ts'), 'utf8');
  assert.match(file, /import \{ suiteTests \} from 'daxspec\/testing';\nimport \{ scenarios \} from '..\/..\/model.ts';/);
  const t = run(process.execPath, '--import', 'tsx', 'test/generated/counter.racy.test.ts');
  assert.is(t.code, 0, t.out + t.err);
  // One test per coverage path and one per counterexample (the lost update), all passing.
  const data = JSON.parse(readFileSync(join(project, 'test/generated/counter.racy.paths.json'), 'utf8')) as {
    paths: unknown[];
    regressions: { property: string }[];
  };
  assert.equal(
    data.regressions.map((x) => x.property),
    ['both-counted'],
  );
  const total = data.paths.length + data.regressions.length;
  assert.match(t.out, new RegExp(`Total:\\s+${total}\\s+Passed:\\s+${total}\\s`));
});

test('viz --model writes the site with the installed package alone (no browser, no bundler run)', () => {
  const r = daxspec('viz', '--model', './model.ts', '--out', 'site', '-q');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /wrote .*site\/index\.html: \d+ machines, 2 systems, 1 counterexample\b/);
  assert.equal(readdirSync(join(project, 'site')).sort(), ['.daxspec-manifest.json', 'app.js', 'data.js', 'index.html', 'style.css']);
});

test('the API from an ES module', () => {
  writeFileSync(
    join(project, 'use.mjs'),
    `import { check, paths, exportMachine, generateDocs } from 'daxspec';
import { scenarios } from './model.js';
const r = check(scenarios[0], { revision: 'racy' });
console.log(r.verdict, r.states, r.findings.map((f) => f.property + ':' + f.length).join(','));
console.log(paths(scenarios[0], { revision: 'atomic' }).coverage.states);
console.log(exportMachine(scenarios[0].build('racy', {}).actors[1].machine, 'mermaid').split('\\n')[0]);
console.log([...generateDocs({ scenarios }).keys()][0]);
`,
  );
  // The same model as JavaScript: esbuild strips the types (the repository has it, so it is cached).
  buildSync({ entryPoints: [join(project, 'model.ts')], outfile: join(project, 'model.js'), format: 'esm', logLevel: 'warning' });
  const r = run(process.execPath, 'use.mjs');
  assert.is(r.code, 0, r.err);
  assert.equal(r.out.trim().split('\n'), ['violated 13 both-counted:4', '4', 'stateDiagram-v2', 'index.md']);
});

test('the API from TypeScript, type-checked against the installed declarations', () => {
  writeFileSync(
    join(project, 'use.ts'),
    `import { check, defineScenario, type CheckReport, type Finding, type Scenario } from 'daxspec';
import { counterSystem, scenarios } from './model.ts';
const s: Scenario = scenarios[0];
// Typed sizes: build sees exactly the sizes declared, by name.
const sized = defineScenario({
  name: 'sized', description: 'the counter, racy from two rounds', revisions: [],
  sizes: [{ name: 'rounds', description: 'rounds', default: 1, min: 1, max: 2 }],
  build: (_revision, sizes) => counterSystem(sizes.rounds > 1 ? 'racy' : 'atomic'),
});
if (check(sized, { sizes: { rounds: 2 } }).verdict !== 'violated' || check(sized).verdict !== 'holds') throw new Error('sizes ignored');
const report: CheckReport = check(s, { revision: 'racy', maxStates: 1000 });
const first: Finding | undefined = report.findings[0];
const steps: number = first ? first.length : 0;
// Never called: what the declarations must refuse.
export function refused(): void {
  // @ts-expect-error: sizes are numbers
  check(s, { sizes: { users: 'two' } });
  // @ts-expect-error: the report is read-only
  report.verdict = 'holds';
  // @ts-expect-error: a size the scenario does not declare does not compile
  defineScenario({ name: 'x', description: '', revisions: [], sizes: [], build: (_r, sizes) => counterSystem(sizes.users > 1 ? 'racy' : undefined) });
}
console.log(report.verdict, steps, first?.describe().split('\\n')[0]);
`,
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        skipLibCheck: false,
        types: [],
      },
      files: ['use.ts', 'model.ts'],
    }),
  );
  const tsc = run(process.execPath, join(repo, 'node_modules/typescript/bin/tsc'), '-p', '.');
  assert.is(tsc.code, 0, tsc.out + tsc.err);
  const r = run(process.execPath, '--import', 'tsx', 'use.ts');
  assert.is(r.code, 0, r.err);
  assert.is(r.out.trim(), 'violated 4 both-counted: when both threads are done the counter is 2');
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
