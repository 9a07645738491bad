import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bugMatrix, cellText } from '../src/check/matrix.ts';
import { findScenario, projectInput, REVISIONS } from '../src/registry.ts';
import { revisionLabel } from '../src/cli/revisionLabel.ts';
import { buildCatalog } from '../src/docs/catalog.ts';
import { comparePages, isStale, writePages } from '../src/docs/files.ts';
import { docsModel, generateDocs, type DocsInput } from '../src/docs/generate.ts';
import { formatLint, lintCatalog, STATE_CELLS } from '../src/docs/lint.ts';
import { lintReach, pageMarks } from '../src/docs/reachLint.ts';
import { machinePage } from '../src/docs/machinePage.ts';
import { Reachability } from '../src/model/reach.ts';
import { runAll } from '../src/docs/results.ts';
import { fnOf, hasKernelFunction, KERNEL_FUNCTIONS } from '../machines/kernelFunctions.ts';
import type { Revision } from '../machines/kit/revision.ts';
import { readMachine } from '../src/docs/machineModel.ts';
import { cell, code, table } from '../src/docs/markdown.ts';
import { chartOf } from '../src/model/chart.ts';
import { chartToMermaid } from '../src/model/mermaid.ts';
import { revisionChanges } from '../src/docs/revisionChanges.ts';
import { FIXTURE_REVISIONS, fixtureInvariant, fixtureScenario, lockMachine } from './fixtures/docsFixture.ts';

const input = (opts: { describe?: boolean } = {}): DocsInput => ({
  summary: 'a fixture',
  scenarios: [fixtureScenario(opts)],
  revisions: FIXTURE_REVISIONS.map((name) => ({ name, text: `revision ${name}` })),
  rules: [fixtureInvariant],
});

test('readMachine: states with their meta, transitions with guard, target, order and kernel function', () => {
  const m = readMachine(lockMachine('new'));
  assert.equal(
    m.states.map((s) => s.path),
    ['free', 'taken', 'broken'],
  );
  const free = m.states[0];
  assert.is(free.condition, 'owner == NULL');
  assert.is(free.description, 'nobody holds it');
  assert.equal(m.states[2].tags, ['violation']);
  assert.is(m.states[2].violates, 'X1');
  const unlock = m.transitions.find((t) => t.source === 'free' && t.event === 'unlock')!;
  assert.is(unlock.guard, '!held');
  assert.equal(unlock.targets, []);
  assert.is(unlock.src, 'commit def');
  const lock = m.transitions.find((t) => t.event === 'lock')!;
  assert.equal(lock.targets, ['taken']);
  assert.equal(lock.actions, ['take']);
  assert.is(lock.fn, 'mutex_lock');
});

test('markdown: a pipe in a cell, even inside code, does not split the row; emphasis characters are escaped', () => {
  const row = table(['guard', 'meaning'], [[code('a || b'), cell('*pgmap | _x_')]]).split('\n')[2];
  assert.is(row, '| `a \\|\\| b` | \\*pgmap \\| \\_x\\_ |');
  assert.is(row.split(/(?<!\\)\|/).length, 4, 'three cell boundaries: two cells');
});

test('mermaid: initial and final arrows, one edge per pair of states, violation states marked', () => {
  // The docs draw with the export's generator (one edge per pair of states); states are sN by chart index.
  const chart = chartOf(lockMachine('old'));
  const id = (key: string) => `s${chart.states.find((s) => s.key === key)!.index}`;
  const d = chartToMermaid(chart, { merge: true });
  assert.ok(d.startsWith('stateDiagram-v2\n'));
  assert.ok(d.includes(`[*] --> ${id('free')}`), d);
  assert.ok(d.includes(`${id('free')} --> ${id('taken')} : lock`), d);
  assert.ok(d.includes(`${id('free')} --> ${id('broken')} : unlock`), d);
  assert.ok(d.includes(`class ${id('broken')} violation`), d);
  const wc = chartOf(fixtureScenario().build('old', {}).actors[1].machine);
  const w = chartToMermaid(wc, { merge: true });
  assert.ok(w.includes(`s${wc.states.find((s) => s.key === 'done')!.index} --> [*]`), w);
});

test('revision diff: a field that changes is reported per field, with the revisions of each value', () => {
  const builds = new Map([
    ['old', readMachine(lockMachine('old'))],
    ['new', readMachine(lockMachine('new'))],
  ]);
  const changes = revisionChanges(builds);
  const unlock = changes.find((c) => c.label === 'free: unlock')!;
  assert.ok(unlock, 'the unlock of a free mutex differs between old and new');
  assert.is(unlock.only, undefined);
  const target = unlock.fields.find((f) => f.field === 'target')!;
  assert.equal(target.variants, [
    { revisions: ['old'], value: 'broken' },
    { revisions: ['new'], value: '(none)' },
  ]);
  assert.not.ok(
    changes.some((c) => c.label === 'free: lock'),
    'an identical transition is not a change',
  );
});

test('lint: each missing description or kernel function is named with its machine and state path; an invariant without why too', () => {
  const catalog = buildCatalog([fixtureScenario({ describe: false })], [...FIXTURE_REVISIONS]);
  const issues = lintCatalog(catalog, [{ id: 'X2', text: 't', checkedIn: [] }]);
  const text = formatLint(issues);
  assert.match(text, /^lock: machine: no description$/m);
  assert.match(text, /^lock: state free: no description$/m);
  // The undescribed unlock exists only in `old`: the lint says so.
  assert.match(text, /^lock: transition free: unlock: no description \(in old\)$/m);
  assert.match(text, /^worker: transition start: go: no kernel function \(meta\.fn\)$/m);
  assert.match(text, /^invariants: invariant X2: no why/m);
  // The fixture's states name no kernel condition, function or source: only those are left.
  assert.is(
    lintCatalog(buildCatalog([fixtureScenario()], [...FIXTURE_REVISIONS]), [{ ...fixtureInvariant, checkedIn: [] }]).filter(
      (i) => !stateCell(i),
    ).length,
    0,
  );
});

test('generate: the violation appears in the matrix, on its invariant page as a numbered call sequence, only in the revision that has it', () => {
  const pages = generateDocs(input());
  assert.equal([...pages.keys()].slice(0, 1), ['index.md']);
  assert.ok(pages.has('machines/lock.md') && pages.has('machines/worker.md') && pages.has('invariants/X1.md'));
  const index = pages.get('index.md')!;
  assert.match(index, /\| `double-unlock` \| \[X1\]\(invariants\/X1\.md\) \(3\) \(\[viewer\]\([^)]*\)\) \| holds \(\d+\) ?\(?/);
  const x1 = pages.get('invariants/X1.md')!;
  assert.match(x1, /the mutex owner field is trusted by the unlock path/);
  assert.match(x1, /### double-unlock @ old: a kernel failure state\n/);
  assert.match(x1, /^Actors: `w0` \(\[worker\]\(\.\.\/machines\/worker\.md\)\), `lock0` \(\[lock\]\(\.\.\/machines\/lock\.md\)\)\.$/m);
  assert.match(x1, /^1\. `w0`: \*\*do\\_work\*\* \(`go`\) — take the lock$/m);
  assert.match(x1, /^ {3}- `w0` → `lock0`: \*\*mutex\\_lock\*\* \(`lock`\)/m);
  assert.match(x1, /^3\. `w0`: \*\*do\\_work\*\* \(`again`\)/m);
  assert.match(x1, /Result after 3 steps: BUG: bad unlock balance detected!/);
  assert.not.match(x1, /@ new/);
  const lock = pages.get('machines/lock.md')!;
  assert.match(lock, /\| violation; violates \[X1\]\(\.\.\/invariants\/X1\.md\) \|/);
  assert.match(lock, /## What differs per revision/);
  assert.match(lock, /^- `free: unlock`$/m);
  assert.match(lock, /^ {2}- target: old: `broken`; new: `\(none\)`$/m);
  assert.match(lock, /^ {2}- guard: old: `\(none\)`; new: `!held`$/m);
  assert.match(lock, /```mermaid\nstateDiagram-v2/);
});

test('generate: a liveness property has its page: statement, form, fairness assumed, verdict per revision, the lasso, the viewer', () => {
  const pages = generateDocs({ ...input(), scenarios: [fixtureScenario({ liveness: true })] });
  const page = pages.get('liveness/L-broken.md')!;
  assert.ok(page, [...pages.keys()].join(', '));
  assert.match(page, /^once the worker starts, the lock is eventually broken$/m);
  assert.match(page, /A liveness property: leads-to/);
  assert.match(page, /## Why the kernel relies on it\n\na property that fails on purpose/);
  assert.match(page, /## Fairness assumed[\s\S]*\| weak \| a running kernel code path keeps running[^|]*\| `w0` \|/);
  // In `new` the worker finishes with the lock whole: a lasso that stays put for ever; in `old` the lock breaks.
  assert.match(page, /\| `double-unlock` \| [^|]+ \| \*\*violated\*\* \(lasso \d+\+0\) \|/);
  assert.match(page, /### double-unlock @ new: a fair cycle on which it never happens/);
  assert.match(page, /a lasso of \d+ steps that then stays put for ever/);
  assert.match(page, /In the viewer: \[new\]\([^)]*#\/trace\/double-unlock@new\/L-broken/);
  assert.match(pages.get('index.md')!, /\| \[L-broken\]\(liveness\/L-broken\.md\) \| once the worker starts/);
});

test('generate: deterministic, with no dates or timings', () => {
  const a = generateDocs(input());
  const b = generateDocs(input());
  assert.equal([...a], [...b]);
  for (const [path, content] of a) {
    assert.not.match(content, /\d{4}-\d{2}-\d{2}|\d+(\.\d+)? ?(ms|s)\b|seconds/, path);
    assert.ok(content.endsWith('\n') && !content.endsWith('\n\n'), `${path} ends in exactly one newline`);
  }
});

test('check: stale, missing and no-longer-generated pages are each named; writing makes the directory exact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-docs-'));
  const pages = generateDocs(input());
  // A page of an earlier run (a machine since renamed) is the generator's: the manifest lists it.
  const earlier = new Map([...pages, ['machines/gone.md', 'a machine that was renamed\n']]);
  assert.is(writePages(dir, earlier).length, earlier.size);
  assert.not.ok(isStale(comparePages(dir, earlier)));
  writeFileSync(join(dir, 'machines/lock.md'), 'edited by hand\n');
  // A user's own file is no page of ours: never called stale, never removed.
  writeFileSync(join(dir, 'machines/NOTES.md'), 'my notes\n');
  const s = comparePages(dir, new Map([...pages].filter(([p]) => p !== 'machines/worker.md')));
  assert.equal(s.differ, ['machines/lock.md']);
  assert.equal(s.extra, ['machines/gone.md', 'machines/worker.md']);
  assert.equal(comparePages(dir, new Map([...pages, ['machines/new.md', 'x\n']])).missing, ['machines/new.md']);
  writePages(dir, pages);
  assert.not.ok(isStale(comparePages(dir, pages)));
  assert.ok(readFileSync(join(dir, 'machines/lock.md'), 'utf8').endsWith(pages.get('machines/lock.md')!));
  assert.not.ok(existsSync(join(dir, 'machines/gone.md')), "the renamed machine's page is removed");
  assert.is(readFileSync(join(dir, 'machines/NOTES.md'), 'utf8'), 'my notes\n');
});

// The machines are the spec only if they say what they are: these two fail while the machine
// authors are still filling in descriptions and reasons (see scratch/requests.md).
const stateCell = (i: { where: string; missing: string }): boolean =>
  i.where.startsWith('state ') && (Object.values(STATE_CELLS) as string[]).includes(i.missing);

test('the DAX machines: every state and transition has a description, every transition its kernel function and source', () => {
  const { catalog } = docsModel(projectInput());
  const issues = lintCatalog(catalog).filter((i) => !stateCell(i));
  assert.is(issues.length, 0, `missing descriptions (daxspec docs --lint):\n${formatLint(issues)}`);
});

// Every state of every machine names its kernel condition, function and source (issue 21): a state added
// without them fails here and in `docs --lint`.
test('the DAX machines: every state has a kernel condition, function and source', () => {
  const { catalog } = docsModel(projectInput());
  const missing = lintCatalog(catalog).filter(stateCell);
  assert.equal(missing, [], formatLint(missing));
});

test('lint: a kernel function the revision does not have is reported for that revision, unless no scenario reaches the row there', () => {
  const { catalog } = docsModel(projectInput());
  const m = catalog.machines.find((x) => x.id === 'truncate')!;
  const kernelFunction = (rev: string, fn: string): boolean => !(rev === 'v4.18' && fn === 'xfs_wait_dax_page');
  const only = { revisions: catalog.revisions, machines: [m] };
  const issues = lintCatalog(only, [], { kernelFunction }).filter((i) => i.missing.startsWith('kernel function of this revision'));
  assert.ok(issues.length > 0);
  for (const i of issues) {
    assert.match(i.missing, /"xfs_wait_dax_page" is not declared/);
    assert.equal(i.revisions, ['v4.18']);
  }
  // The same rows, marked unreached in v4.18: nothing to report.
  const model = m.builds.get('v4.18')!;
  const unreached = () => ({ states: new Set(model.states.map((s) => s.path)), transitions: new Set(model.transitions.map((t) => t.id)) });
  assert.equal(
    lintCatalog(only, [], { kernelFunction, unreached }).filter((i) => i.missing.startsWith('kernel function of this revision')),
    [],
  );
});

test("the machines' kernel functions: each is declared, in every revision where a scenario reaches a row naming it", () => {
  const input = projectInput();
  const { catalog } = docsModel(input);
  assert.ok(input.kernelFunction, 'the DAX model declares its kernel functions');
  // Without reach every row counts: a function named only on rows no scenario reaches in some revision may fail
  // there, but a name the list does not know at all fails everywhere.
  const unknown = lintCatalog(catalog, [], { kernelFunction: (_rev, fn) => Object.hasOwn(KERNEL_FUNCTIONS, fn) }).filter((i) =>
    i.missing.startsWith('kernel function of this revision'),
  );
  assert.equal(unknown, [], formatLint(unknown));
});

test('the kernel function list: every release a definition was read in lies within its span; renamed functions pick their era', () => {
  const release: Record<string, string> = { '4.17': 'v4.17', '5.10': 'v5.10', '6.15': 'v6.15' };
  const wrong: string[] = [];
  for (const [fn, span] of Object.entries(KERNEL_FUNCTIONS))
    for (const r of span.read ?? []) if (release[r] && !hasKernelFunction(release[r] as Revision, fn)) wrong.push(`${fn} read in ${r}`);
  assert.equal(wrong, []);
  assert.not.ok(hasKernelFunction('v4.16', 'dax_associate_entry'), 'added in 4.17 (d2c997c0f145)');
  assert.ok(hasKernelFunction('v8', 'fs_dax_claim_bdev') && !hasKernelFunction('v4.18', 'fs_dax_claim_bdev'), 'series only');
  assert.ok(hasKernelFunction('v9', 'dax_layout_busy_page') && !hasKernelFunction('v4.17', 'dax_layout_busy_page'));
  assert.is(fnOf('v5.10', 'gup_pte_range', 'gup_fast_pte_range'), 'gup_pte_range');
  assert.is(fnOf('v6.15', 'gup_pte_range', 'gup_fast_pte_range'), 'gup_fast_pte_range');
  assert.not.ok(hasKernelFunction('v6.15', 'struct page'));
});

test('reach lint: a state or transition a page shows as live where no scenario reaches it is reported, and so is the reverse', () => {
  const { catalog } = docsModel(input());
  const reach = new Reachability();
  runAll(input().scenarios, [...FIXTURE_REVISIONS], {}, undefined, reach);
  const pages = new Map(catalog.machines.map((m) => [m.id, machinePage(m, reach)]));
  assert.equal(lintReach(catalog, reach, pages), [], 'the generated pages agree with the reach they were made from');
  const lock = catalog.machines.find((m) => m.id === 'lock')!;
  const page = pages.get('lock')!;
  const marked = pageMarks(page, [...lock.builds.keys()]);
  assert.ok(marked.states.size + marked.transitions.size > 0, 'the fixture has something no scenario reaches');
  // A page that shows everything as live: each unreached place is reported, with its revisions.
  const live = page.replace(/\| ((old|new)(, (old|new))*) \|$/gm, '| none (reached wherever it exists) |').replace(/ \(unreached\)"/g, '"');
  const issues = lintReach(catalog, reach, new Map([['lock', live]]));
  assert.ok(issues.length > 0);
  assert.ok(
    issues.every((i) => i.machine === 'lock' && /never reached" mark/.test(i.missing) && i.revisions.length > 0),
    formatLint(issues),
  );
  // An incomplete reach cannot say what is unreachable: reported once per machine.
  const none = lintReach(catalog, new Reachability(), pages);
  assert.ok(none.some((i) => i.machine === 'lock' && /complete reach/.test(i.missing)));
});

test('lint: a kernel function that is not a function name, and an empty kernel cell of a state, are reported', () => {
  const { catalog } = docsModel(projectInput());
  const m = catalog.machines.find((x) => x.id === 'truncate')!;
  const [rev, model] = [...m.builds][0];
  const bad = {
    ...model,
    fn: 'struct page',
    states: model.states.map((s, i) => (i === 0 ? { ...s, condition: undefined, fn: 'put_page()' } : s)),
  };
  const issues = lintCatalog({ revisions: [rev], machines: [{ ...m, builds: new Map([[rev, bad]]) }] });
  const text = formatLint(issues);
  assert.match(text, /machine: no function name \(meta\.fn "struct page"/);
  assert.match(text, /no function name \(meta\.fn "put_page\(\)"/);
  assert.match(text, /no kernel condition \(meta\.condition\)/);
});

test('the invariants: each says why the kernel relies on it', () => {
  const { invariants } = docsModel(projectInput());
  const missing = invariants.filter((i) => !i.why).map((i) => i.id);
  assert.equal(missing, [], `invariants without a why: ${missing.join(', ')}`);
});

test('daxspec docs --lint: exit status says whether something is missing, and each is listed', () => {
  const bin = join(import.meta.dirname, '..', 'bin', 'daxspec.js');
  const r = spawnSync(process.execPath, [bin, 'docs', '--lint'], { encoding: 'utf8' });
  // The DAX model is complete: the lint passes (every row filled, every function of its revision, reach marked).
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.is(r.stdout.trim(), '');
  // A model that leaves things unsaid exits 1 and lists each: the fixture's undescribed build.
  const fixture = lintCatalog(buildCatalog([fixtureScenario({ describe: false })], [...FIXTURE_REVISIONS]));
  assert.ok(fixture.length > 0 && formatLint(fixture).split('\n').length === fixture.length);
});

test('daxspec docs --check: exit 1 naming each stale, missing and no-longer-generated page', () => {
  // Start from the committed pages, so only one generation runs: the check's own.
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-docs-check-'));
  cpSync(join(import.meta.dirname, '..', 'docs', 'spec'), dir, { recursive: true });
  writeFileSync(join(dir, 'index.md'), 'edited by hand\n');
  rmSync(join(dir, 'invariants', 'I1.md'));
  // A page an earlier run generated (its manifest lists it) for a machine since renamed.
  writeFileSync(join(dir, 'machines', 'renamed_away.md'), 'old\n');
  const manifest = JSON.parse(readFileSync(join(dir, '.daxspec-manifest.json'), 'utf8'));
  manifest.files.push('machines/renamed_away.md');
  writeFileSync(join(dir, '.daxspec-manifest.json'), JSON.stringify(manifest));
  const bin = join(import.meta.dirname, '..', 'bin', 'daxspec.js');
  const r = spawnSync(process.execPath, [bin, 'docs', '--check', '--out', dir], { encoding: 'utf8' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, /^stale: index\.md$/m);
  assert.match(r.stdout, /^missing: invariants\/I1\.md$/m);
  assert.match(r.stdout, /^no longer generated: machines\/renamed_away\.md$/m);
  // The folder it was given, and the command a user has: this repository's tsx command is for docs/spec alone.
  assert.ok(r.stderr.includes(`regenerate with: npx daxspec docs --out ${dir}`), r.stderr);
});

test('README: its counterexample is what daxspec check prints today (timing aside)', () => {
  // The README is written by hand; this keeps the one counterexample it shows a real one.
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const shown = /```text\n(root-nondax @ v8[\s\S]*?)```/.exec(readme);
  assert.ok(shown, 'the README shows the root-nondax @ v8 counterexample in a text block');
  const bin = join(import.meta.dirname, '..', 'bin', 'daxspec.js');
  const r = spawnSync(process.execPath, [bin, 'check', '--scenario', 'root-nondax', '--revision', 'v8', '-q'], { encoding: 'utf8' });
  assert.is(r.status, 1, r.stderr);
  // The run's time, and the liveness run's cost beside it, vary from run to run.
  const untimed = (s: string) =>
    s
      .replace(/, [\d.]+ s$/m, '')
      .replace(/; [\d.]+ s and [\d.]+ MB beside the safety run's [\d.]+ s/, '')
      .trim();
  assert.is(untimed(shown![1]), untimed(r.stdout));
});

test('README: each row of its bug matrix excerpt is what the checker finds today', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const shown = /```text\n(scenario {2,}v4\.16[\s\S]*?)```/.exec(readme);
  assert.ok(shown, 'the README shows an excerpt of the bug matrix in a text block');
  const [header, ...rows] = shown![1]
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/ {2,}/));
  assert.equal(header, ['scenario', ...REVISIONS.map(revisionLabel)]);
  assert.ok(rows.length > 0);
  for (const [name, ...cells] of rows) {
    const m = bugMatrix([findScenario(name)], REVISIONS);
    assert.equal(
      cells,
      REVISIONS.map((r) => cellText(m.cells.find((c) => c.revision === r))),
      name,
    );
  }
});

test.run();
