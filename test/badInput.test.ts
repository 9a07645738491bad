/**
 * The bad-input catalogue: every command given what it cannot take (unknown names, sizes out of the
 * scenario's range or not numbers, malformed and hostile traces, unwritable, foreign and linked
 * outputs, options that contradict each other or do nothing where given). Each must exit 2 with
 * exactly one line on stderr naming the option or file, never a stack trace, and write nothing.
 * The command line runs in this process (test/runCli.ts): the same main() a spawned daxspec runs.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'daxspec-bad-'));
const at = (name: string): string => join(dir, name);
const put = (name: string, content: unknown): string => {
  writeFileSync(at(name), typeof content === 'string' ? content : JSON.stringify(content));
  return at(name);
};

// Outputs: a file where a folder is wanted, a user's folder, a link, a folder another generator owns.
const aFile = put('a-file', 'a user file\n');
mkdirSync(at('foreign'));
put('foreign/NOTES.md', 'notes\n');
mkdirSync(at('real'));
symlinkSync(at('real'), at('link'));
symlinkSync(aFile, at('file-link.itf.json'));
mkdirSync(at('docs-owned'));
put('docs-owned/.daxspec-manifest.json', { generator: 'daxspec docs', files: [] });
const userJson = put('user.json', '{"mine": true}\n');

// Traces: a good one, written by the tool itself, and variants of it (made before the cases run).
const good = at('good.itf.json');
let itf: any;
let report: any;
let several: any;
const variant = (name: string, change: (t: any) => void): string => {
  const t = JSON.parse(JSON.stringify(itf));
  change(t);
  return put(name, t);
};
const matrixLike = { revisions: ['v8'], cells: [], seconds: 0 };
let deep: unknown = { '#bigint': '1' };
for (let i = 0; i < 2000; i++) deep = [deep];
let before = '';

test.before(async () => {
  const made = await runCli('check', '--scenario', 'root-nondax', '--revision', 'v8', '-q', '--itf', good);
  if (made.code !== 1) throw new Error(`fixture: ${made.err}`);
  itf = JSON.parse(readFileSync(good, 'utf8'));
  report = JSON.parse((await runCli('check', '--scenario', 'root-nondax', '--revision', 'v8', '--json', '-q')).out);
  several = JSON.parse((await runCli('check', '--scenario', 'kill-dax-readers', '--json', '-q')).out);
  before = JSON.stringify(readdirSync(dir).sort());
});

const cases: [string, () => string[], RegExp][] = [
  // check: names, sizes, combinations, outputs
  ['check without a scenario', () => ['check'], /--scenario NAME or --all/],
  ['check: unknown scenario', () => ['check', '--scenario', 'nope'], /unknown scenario 'nope'/],
  [
    'check: negative size',
    () => ['check', '--scenario', 'percpu-ref', '--users', '-1'],
    /--users must be an integer from 1 to 8 for scenario percpu-ref \(got -1\)/,
  ],
  ['check: zero size', () => ['check', '--scenario', 'percpu-ref', '--users', '0'], /--users must be an integer from 1 to 8/],
  ['check: size too large', () => ['check', '--scenario', 'percpu-ref', '--users', '9'], /--users must be an integer from 1 to 8/],
  ['check: non-numeric size', () => ['check', '--scenario', 'percpu-ref', '--users', 'abc'], /--users takes a whole number \(got 'abc'\)/],
  ['check: fractional size', () => ['check', '--scenario', 'percpu-ref', '--rounds', '1.5'], /--rounds takes a whole number/],
  ['check: empty size', () => ['check', '--scenario', 'percpu-ref', '--users', ''], /--users takes a whole number/],
  ['check: huge size', () => ['check', '--scenario', 'percpu-ref', '--users', '1e400'], /--users/],
  [
    'check: a size the scenario lacks',
    () => ['check', '--scenario', 'percpu-ref', '--readers', '2'],
    /--readers: scenario percpu-ref has no such size/,
  ],
  [
    'check: revision on a revision-independent scenario',
    () => ['check', '--scenario', 'percpu-ref', '--revision', 'v8'],
    /--revision: scenario percpu-ref does not depend/,
  ],
  [
    'check: unknown revision',
    () => ['check', '--scenario', 'root-nondax', '--revision', 'v99'],
    /--revision v99: scenario root-nondax has no such revision/,
  ],
  ['check: repeated --scenario', () => ['check', '--scenario', 'percpu-ref', '--scenario', 'root-nondax'], /--scenario is given twice/],
  ['check: repeated size', () => ['check', '--scenario', 'percpu-ref', '--users', '2', '--users', '3'], /--users is given twice/],
  ['check --all with a size', () => ['check', '--all', '--users', '2'], /--users has no effect with --all/],
  ['check --all --symmetry', () => ['check', '--all', '--symmetry'], /--symmetry has no effect with --all/],
  ['check --all --fingerprint', () => ['check', '--all', '--fingerprint'], /--fingerprint has no effect with --all/],
  ['check --all --itf', () => ['check', '--all', '--itf', at('m.itf.json')], /--itf has no effect with --all/],
  ['check --all --scenario', () => ['check', '--all', '--scenario', 'percpu-ref'], /--all checks every scenario .* drop --scenario/],
  [
    'check --symmetry with nothing interchangeable',
    () => ['check', '--scenario', 'root-nondax', '--revision', 'v8', '--symmetry'],
    /--symmetry has no effect: scenario root-nondax @ v8 declares no interchangeable actors/,
  ],
  [
    'check --itf over several revisions',
    () => ['check', '--scenario', 'root-nondax', '--itf', at('x.itf.json')],
    /--itf writes the counterexamples of one revision/,
  ],
  ['check --max-states 0', () => ['check', '--scenario', 'percpu-ref', '--max-states', '0'], /--max-states must be at least 1/],
  ['check --max-depth -1', () => ['check', '--scenario', 'percpu-ref', '--max-depth', '-1'], /--max-depth must be at least 0/],
  [
    'check --max-memory without a unit',
    () => ['check', '--scenario', 'percpu-ref', '--max-memory', '12'],
    /--max-memory takes a size with a unit/,
  ],
  ['check --max-memory too small', () => ['check', '--scenario', 'percpu-ref', '--max-memory', '1K'], /--max-memory must be at least 64M/],
  [
    'check --max-memory beyond the machine',
    () => ['check', '--scenario', 'percpu-ref', '--max-memory', '900T'],
    /--max-memory 900T is more than the/,
  ],
  ['check: unknown option', () => ['check', '--bogus'], /unknown option '--bogus'/],
  ['check: option without its value', () => ['check', '--scenario'], /--scenario/],
  [
    'check --itf under a file',
    () => ['check', '--scenario', 'root-nondax', '--revision', 'v8', '--itf', join(aFile, 'cex.itf.json')],
    /cannot write .*a-file\/cex\.itf\.json: a part of the path is not a folder/,
  ],
  [
    'check --itf in a missing folder',
    () => ['check', '--scenario', 'root-nondax', '--revision', 'v8', '--itf', at('nowhere/cex.itf.json')],
    /nowhere\/cex\.itf\.json: its folder .* does not exist/,
  ],
  [
    'check --itf over a user file',
    () => ['check', '--scenario', 'root-nondax', '--revision', 'v8', '--itf', userJson],
    /user\.json was not written by daxspec/,
  ],
  [
    'check --itf through a link',
    () => ['check', '--scenario', 'root-nondax', '--revision', 'v8', '--itf', at('file-link.itf.json')],
    /file-link\.itf\.json is a symbolic link/,
  ],
  [
    'check --itf onto a folder',
    () => ['check', '--scenario', 'root-nondax', '--revision', 'v8', '--itf', at('real')],
    /real: exists and is not a file/,
  ],
  // paths
  ['paths --check --report', () => ['paths', '--check', '--report'], /--report has no effect with --check/],
  ['paths --json without --report', () => ['paths', '--json'], /--json has no effect without --report/],
  ['paths --verbose without --report', () => ['paths', '--verbose'], /--verbose has no effect without --report/],
  ['paths --report --out', () => ['paths', '--report', '--out', at('p')], /--out has no effect with --report/],
  ['paths --force --check', () => ['paths', '--force', '--check'], /--force has no effect with --check/],
  [
    'paths --to a state the actor has not',
    () => ['paths', '-s', 'kill-dax-readers', '-r', 'v5.10', '--to', 'pmem0.nostate'],
    /daxspec: --to pmem0\.nostate: pmem0 has no state 'nostate' \(its states: boot, /,
  ],
  [
    'paths --to without a scenario',
    () => ['paths', '--to', 'pmem0.up'],
    /daxspec: --to pmem0\.up names a state of one scenario's actor: give --scenario/,
  ],
  [
    'check --fairness with --no-liveness',
    () => ['check', '-s', 'percpu-ref', '--fairness', 'none', '--no-liveness'],
    /daxspec: --fairness has no effect with --no-liveness/,
  ],
  [
    'check --fairness with --symmetry',
    () => ['check', '-s', 'percpu-ref', '--fairness', 'next', '--symmetry'],
    /daxspec: --fairness has no effect with --symmetry/,
  ],
  [
    'a labelled size given a name it does not have',
    () => ['check', '-s', 'dma-truncate', '--fstype', 'btrfs'],
    /daxspec: --fstype takes a whole number or one of ext4, ext2, xfs \(got 'btrfs'\)/,
  ],
  [
    'viz --revision of a scenario with none',
    () => ['viz', '--out', at('v'), '--scenario', 'percpu-ref', '--revision', 'v5.10'],
    /daxspec: --revision: scenario percpu-ref does not depend on the kernel revision/,
  ],
  [
    'viz --docs of a folder not there',
    () => ['viz', '--out', at('v'), '--scenario', 'percpu-ref', '--docs', at('no-docs')],
    /daxspec: --docs .*no-docs: no such folder/,
  ],
  ['paths --check of a folder not there', () => ['paths', '--check', '--out', at('no-tests')], /--check: .*no-tests does not exist/],
  ['docs --check of a folder not there', () => ['docs', '--check', '--out', at('no-docs')], /--check: .*no-docs does not exist/],
  ['paths: unknown scenario', () => ['paths', '--scenario', 'nope'], /unknown scenario 'nope'/],
  ['paths: unknown revision', () => ['paths', '--revision', 'v99'], /--revision v99: no such revision/],
  ['paths --max-length 0', () => ['paths', '--max-length', '0'], /--max-length must be at least 1/],
  [
    "paths into a user's folder",
    () => ['paths', '--scenario', 'percpu-ref', '--out', at('foreign')],
    /foreign: not a folder daxspec paths wrote \(it holds NOTES\.md\)/,
  ],
  ['paths onto a file', () => ['paths', '--scenario', 'percpu-ref', '--out', aFile], /cannot write .*a-file: exists and is not a folder/],
  ['paths through a link', () => ['paths', '--scenario', 'percpu-ref', '--out', at('link')], /link is a symbolic link/],
  [
    'paths into a docs folder',
    () => ['paths', '--scenario', 'percpu-ref', '--out', at('docs-owned')],
    /docs-owned: not a folder daxspec paths wrote .*written by daxspec docs/,
  ],
  [
    'paths under a file',
    () => ['paths', '--scenario', 'percpu-ref', '--out', join(aFile, 'gen')],
    /cannot write .*a-file\/gen: a part of the path is not a folder/,
  ],
  // docs
  ['docs --check --lint', () => ['docs', '--check', '--lint'], /--check and --lint are separate runs/],
  ['docs --lint --out', () => ['docs', '--lint', '--out', at('d')], /--out has no effect with --lint/],
  ['docs --force --check', () => ['docs', '--force', '--check'], /--force has no effect with --check/],
  [
    "docs into a user's folder (NOTES.md)",
    () => ['docs', '--out', at('foreign')],
    /foreign: not a folder daxspec docs wrote \(it holds NOTES\.md\)/,
  ],
  ['docs onto a file', () => ['docs', '--out', aFile], /a-file: exists and is not a folder/],
  ['docs through a link', () => ['docs', '--out', at('link')], /link is a symbolic link/],
  ['docs: repeated --out', () => ['docs', '--out', at('d1'), '--out', at('d2')], /--out is given twice/],
  // viz
  ['viz without --out', () => ['viz'], /--out/],
  [
    'export: a revision written in the machine name',
    () => ['export', '-f', 'dot', 'kill-dax-readers@v99:pmem0'],
    /daxspec: kill-dax-readers@v99:pmem0: scenario kill-dax-readers has no revision v99/,
  ],
  [
    'export: a revision no scenario has, by machine id',
    () => ['export', '-f', 'json', '-r', 'v99', 'dax_device'],
    /daxspec: --revision v99: no such revision/,
  ],
  ['viz: unknown scenario', () => ['viz', '--out', at('v'), '--scenario', 'nope'], /unknown scenario 'nope'/],
  ['viz: unknown revision', () => ['viz', '--out', at('v'), '--revision', 'v99'], /--revision v99: no such revision/],
  [
    'viz: size out of range',
    () => ['viz', '--out', at('v'), '--users', '0'],
    /--users must be an integer from 1 to 8 for scenario percpu-ref/,
  ],
  [
    'viz: a size the scenario lacks',
    () => ['viz', '--out', at('v'), '--scenario', 'root-nondax', '--users', '2'],
    /--users has no effect: scenario root-nondax has no such size/,
  ],
  [
    "viz into a user's folder",
    () => ['viz', '--out', at('foreign'), '--scenario', 'percpu-ref'],
    /foreign: not a folder daxspec viz wrote/,
  ],
  ['viz through a link', () => ['viz', '--out', at('link'), '--scenario', 'percpu-ref'], /link is a symbolic link/],
  ['viz --max-states not a number', () => ['viz', '--out', at('v'), '--max-states', 'many'], /--max-states takes a whole number/],
  // replay: files, formats, malformed and hostile traces
  ['replay: missing file', () => ['replay', at('missing.itf.json')], /missing\.itf\.json: no such file/],
  ['replay: a folder', () => ['replay', at('real')], /real: is a folder, not a trace/],
  ['replay: not JSON', () => ['replay', put('text.itf.json', 'not json')], /text\.itf\.json: is not JSON/],
  ['replay: JSON but no trace', () => ['replay', put('empty.json', {})], /empty\.json: states: is not a list of states/],
  ['replay: no states', () => ['replay', variant('nostates.itf.json', (t) => (t.states = []))], /nostates\.itf\.json: states: is empty/],
  [
    'replay: states [null, null]',
    () => ['replay', variant('nulls.itf.json', (t) => (t.states = [null, null]))],
    /nulls\.itf\.json: step 0: states\[0\]: is not an object/,
  ],
  [
    'replay: a variable that is null',
    () => ['replay', variant('nullvar.itf.json', (t) => (t.states[1][t.vars[0]] = null))],
    /nullvar\.itf\.json: step 1: \S+: is null/,
  ],
  [
    'replay: a missing variable vars lists',
    () => ['replay', variant('missingvar.itf.json', (t) => delete t.states[1][t.vars[0]])],
    /missingvar\.itf\.json: step 1: \S+: is missing: vars lists it/,
  ],
  [
    'replay: a bad #bigint',
    () => ['replay', variant('bigint.itf.json', (t) => (t.states[0][t.vars[0]].context = { n: { '#bigint': 'lots' } }))],
    /bigint\.itf\.json: step 0: \S+\.context\.n\.#bigint: is not an integer/,
  ],
  [
    'replay: an event without a type',
    () => ['replay', variant('event.itf.json', (t) => (t.states[1]['#meta'].event = { x: 1 }))],
    /event\.itf\.json: step 1: #meta\.event: is not an event/,
  ],
  [
    'replay: an actor that is not a name',
    () => ['replay', variant('actor.itf.json', (t) => (t.states[1]['#meta'].actor = 7))],
    /actor\.itf\.json: step 1: #meta\.actor: is not an actor name/,
  ],
  [
    'replay: a loop out of range',
    () => ['replay', variant('loop.itf.json', (t) => (t.loop = 99))],
    /loop\.itf\.json: loop: is not the index of a state/,
  ],
  [
    'replay: nesting 2000 deep (hostile)',
    () => ['replay', variant('deep.itf.json', (t) => (t.states[0][t.vars[0]].context = { n: deep }))],
    /deep\.itf\.json: step 0: \S+: nests deeper than 32 levels/,
  ],
  [
    'replay: a __proto__ variable (hostile)',
    () => ['replay', put('proto.itf.json', JSON.stringify(itf).replace('"states":[{', '"states":[{"__proto__":{"polluted":true},'))],
    /proto\.itf\.json: step 0: __proto__: no actor of this system/,
  ],
  [
    'replay: a number beyond any integer',
    () => ['replay', put('inf.itf.json', JSON.stringify(itf).replace('"#meta":{"index":1', '"n":1e400,"#meta":{"index":1'))],
    /inf\.itf\.json: step 1: n: is Infinity/,
  ],
  [
    'replay: unknown scenario in the trace',
    () => ['replay', variant('scn.itf.json', (t) => (t['#meta'].daxspec.scenario = 'nope'))],
    /a trace of scenario 'nope', which the built-in scenarios do not have: give its model with --model FILE/,
  ],
  [
    'replay: sizes out of range in the trace',
    () => ['replay', variant('sizes.itf.json', (t) => (t['#meta'].daxspec.sizes = { fstype: 99 }))],
    /sizes\.itf\.json: #meta\.daxspec\.sizes\.fstype: is out of scenario root-nondax's range/,
  ],
  [
    'replay: a report whose steps are null',
    () => ['replay', put('steps.json', { ...report, findings: [{ ...report.findings[0], steps: null }] })],
    /steps\.json: findings\[0\]\.steps: is not a list of steps/,
  ],
  [
    'replay: a report step without an event',
    () => ['replay', put('step.json', { ...report, findings: [{ ...report.findings[0], steps: [{ actor: 'root' }] }] })],
    /step\.json: step 1: event: is not an event/,
  ],
  [
    'replay --finding beyond the report',
    () => ['replay', put('report.json', report), '--finding', '5'],
    /--finding 5: .*report\.json has 1 counterexample/,
  ],
  [
    'replay --finding on an ITF trace',
    () => ['replay', good, '--finding', '1'],
    /--finding picks a counterexample of a check --json report/,
  ],
  [
    'replay: several revisions, none picked',
    () => ['replay', put('several.json', several)],
    /several\.json holds reports for .*: pick one with --revision/,
  ],
  [
    'replay: several revisions, an unknown one picked',
    () => ['replay', put('several2.json', several), '--revision', 'v99'],
    /--revision v99: .*several2\.json has reports for/,
  ],
  [
    'replay --scenario contradicting the trace',
    () => ['replay', good, '--scenario', 'percpu-ref'],
    /--scenario percpu-ref contradicts .*good\.itf\.json, a trace of scenario root-nondax/,
  ],
  ['replay: the bug matrix', () => ['replay', put('matrix.json', matrixLike)], /matrix\.json: is the bug matrix of check --all --json/],
  [
    'replay: a trace that diverges',
    () => ['replay', variant('diverge.itf.json', (t) => (t.states[1][t.vars[0]].state = 'elsewhere'))],
    /diverge\.itf\.json diverges from root-nondax @ v8 at step 1 \(\S+\.state\)/,
  ],
  // export
  ['export: unknown format', () => ['export', '--format', 'png', 'percpu-ref:ref'], /--format png: Allowed choices are/],
  ['export without a machine', () => ['export', '--format', 'dot'], /missing required argument 'machine'/],
  ['export: unknown machine', () => ['export', '--format', 'dot', 'nope'], /no machine 'nope'/],
  ['export: unknown actor', () => ['export', '--format', 'dot', 'percpu-ref:nobody'], /scenario percpu-ref has no actor 'nobody'/],
  ['export: unknown scenario', () => ['export', '--format', 'dot', 'nope:x'], /unknown scenario 'nope'/],
  [
    'export: contradicting revisions',
    () => ['export', '--format', 'dot', 'kill-dax-readers@v8:pmem0.dax', '--revision', 'v9'],
    /--revision v9 contradicts kill-dax-readers@v8:pmem0\.dax/,
  ],
  [
    'export --out over a user file',
    () => ['export', '--format', 'dot', 'percpu-ref:ref', '--out', userJson],
    /user\.json was not written by daxspec/,
  ],
  [
    'export --out through a link',
    () => ['export', '--format', 'dot', 'percpu-ref:ref', '--out', at('file-link.itf.json')],
    /file-link\.itf\.json is a symbolic link/,
  ],
  // list and the command itself
  ['list --bogus', () => ['list', '--bogus'], /unknown option '--bogus'/],
  ['list with an argument', () => ['list', 'extra'], /too many arguments for 'list'/],
  ['an unknown command', () => ['frobnicate'], /unknown command 'frobnicate'/],
];

test(`the catalogue has at least 60 cases across every command (${cases.length})`, () => {
  assert.ok(cases.length >= 60);
  for (const c of ['check', 'paths', 'viz', 'docs', 'replay', 'export', 'list'])
    assert.ok(
      cases.some(([, args]) => /\[["'](\w+)["']/.exec(args.toString())?.[1] === c),
      c,
    );
});

for (const [name, argsOf, names] of cases) {
  test(name, async () => {
    const args = argsOf();
    const r = await runCli(...args);
    assert.is(r.code, 2, `${args.join(' ')}: exit ${r.code}; ${r.err}`);
    const lines = r.err.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
    assert.is(lines.length, 1, `exactly one line on stderr: ${JSON.stringify(r.err)}`);
    assert.match(lines[0], /^daxspec: /);
    assert.match(lines[0], names);
    assert.not.match(r.err, /\n\s+at |internal error|Error:/, 'no stack trace');
  });
}

test("nothing was written by any refused command, and the user's files are as they were", () => {
  const now = readdirSync(dir).filter((f) => !/\.(itf\.)?json$/.test(f) || f === 'user.json');
  assert.equal(
    now.sort(),
    JSON.parse(before)
      .filter((f: string) => !/\.(itf\.)?json$/.test(f) || f === 'user.json')
      .sort(),
  );
  assert.is(readFileSync(userJson, 'utf8'), '{"mine": true}\n');
  assert.is(readFileSync(aFile, 'utf8'), 'a user file\n');
  assert.equal(readdirSync(at('foreign')), ['NOTES.md']);
  assert.equal(readdirSync(at('real')), []);
});

test.run();
