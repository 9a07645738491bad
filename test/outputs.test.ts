/**
 * Generated outputs never touch what they did not create: docs, paths and viz each keep a manifest
 * of their files in the output folder, replace or remove only those, never write through a link,
 * and refuse (exit 2, one line) a non-empty folder that is not theirs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from './runCli.ts';

const root = mkdtempSync(join(tmpdir(), 'daxspec-outputs-'));

/** Every file and link under `dir` (links not followed), with its bytes or target. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const st = lstatSync(full);
      const rel = relative(dir, full);
      if (st.isSymbolicLink()) out[rel] = `-> ${readlinkSync(full)}`;
      else if (st.isDirectory()) walk(full);
      else out[rel] = readFileSync(full, 'latin1');
    }
  };
  walk(dir);
  return out;
}

/** A user's folder elsewhere, with files named as the generators name theirs. */
function elsewhere(name: string): string {
  const dir = join(root, `${name}-elsewhere`);
  mkdirSync(join(dir, 'machines'), { recursive: true });
  writeFileSync(join(dir, 'index.md'), 'not yours\n');
  writeFileSync(join(dir, 'machines', 'page.md'), 'not yours either\n');
  writeFileSync(join(dir, 'percpu-ref.test.ts'), '// hand-written\n');
  writeFileSync(join(dir, 'app.js'), '// mine\n');
  return dir;
}

/** An output folder holding a user's file and a link to a folder elsewhere. */
function userFolder(name: string, manifest?: string): { dir: string; other: string } {
  const dir = join(root, name);
  const other = elsewhere(name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'NOTES.md'), 'notes\n');
  symlinkSync(other, join(dir, 'machines-link'));
  if (manifest) writeFileSync(join(dir, '.daxspec-manifest.json'), JSON.stringify({ generator: manifest, files: [] }));
  return { dir, other };
}

const cases: [string, string, string[]][] = [
  ['docs', 'daxspec docs', ['docs', '-q']],
  ['paths', 'daxspec paths', ['paths', '--scenario', 'percpu-ref', '-q']],
  ['viz', 'daxspec viz', ['viz', '--scenario', 'percpu-ref', '--users', '1', '--rounds', '1', '-q']],
];

for (const [name, generator, args] of cases) {
  test(`${name}: a folder with a user's file and a link to another folder, no manifest: refused, exit 2, one line; nothing touched`, async () => {
    const { dir, other } = userFolder(`${name}-foreign`);
    const before = [snapshot(dir), snapshot(other)];
    const r = await runCli(...args, '--out', dir);
    assert.is(r.code, 2, r.err);
    assert.is(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, new RegExp(`^daxspec: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a folder ${generator} wrote`));
    assert.equal([snapshot(dir), snapshot(other)], before);
  });

  test(`${name}: in its own folder, a user's file and a link to another folder survive byte for byte`, async () => {
    const { dir, other } = userFolder(`${name}-owned`, generator);
    const before = [readFileSync(join(dir, 'NOTES.md'), 'latin1'), snapshot(other), readlinkSync(join(dir, 'machines-link'))];
    const r = await runCli(...args, '--out', dir);
    assert.is(r.code, 0, r.err);
    const again = await runCli(...args, '--out', dir);
    assert.is(again.code, 0, again.err);
    assert.equal([readFileSync(join(dir, 'NOTES.md'), 'latin1'), snapshot(other), readlinkSync(join(dir, 'machines-link'))], before);
    const manifest = JSON.parse(readFileSync(join(dir, '.daxspec-manifest.json'), 'utf8'));
    assert.is(manifest.generator, generator);
    assert.ok(manifest.files.length > 0 && manifest.files.every((f: string) => existsSync(join(dir, f))));
    assert.not.ok(manifest.files.includes('NOTES.md'));
    // No temporary file is left behind by the atomic writes.
    assert.not.ok(Object.keys(snapshot(dir)).some((f) => f.endsWith('.tmp')));
  });
}

test("paths --force on a foreign folder: writes its files beside the user's, touches none of theirs", async () => {
  const { dir, other } = userFolder('paths-force');
  writeFileSync(join(dir, 'percpu-ref.test.ts'), '// my own test, not generated\n');
  const before = [snapshot(other), readFileSync(join(dir, 'NOTES.md'), 'latin1')];
  const r = await runCli('paths', '--scenario', 'percpu-ref', '-q', '--force', '--out', dir);
  // A user's file at a path the generator writes is refused even with --force.
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /percpu-ref\.test\.ts was not written by daxspec/);
  assert.is(readFileSync(join(dir, 'percpu-ref.test.ts'), 'utf8'), '// my own test, not generated\n');
  writeFileSync(join(dir, 'percpu-ref.test.ts'), '// Generated by daxspec paths from the machines (an old run)\n');
  const ok = await runCli('paths', '--scenario', 'percpu-ref', '-q', '--force', '--out', dir);
  assert.is(ok.code, 0, ok.err);
  assert.match(readFileSync(join(dir, 'percpu-ref.test.ts'), 'utf8'), /suiteTests/);
  assert.equal([snapshot(other), readFileSync(join(dir, 'NOTES.md'), 'latin1')], before);
});

test('a whole paths run removes only what its previous manifest lists, never a file it did not write', async () => {
  const dir = join(root, 'paths-prune');
  mkdirSync(dir);
  writeFileSync(join(dir, 'gone.test.ts'), '// Generated by daxspec paths (a scenario since removed)\n');
  writeFileSync(join(dir, 'mine.test.ts'), '// hand-written\n');
  writeFileSync(
    join(dir, '.daxspec-manifest.json'),
    JSON.stringify({ generator: 'daxspec paths', files: ['gone.test.ts', '../outside.txt'] }),
  );
  writeFileSync(join(root, 'outside.txt'), 'outside\n');
  const r = await runCli('paths', '--scenario', 'percpu-ref', '-q', '--out', dir);
  assert.is(r.code, 0, r.err);
  assert.ok(existsSync(join(dir, 'gone.test.ts')), 'a --scenario run removes nothing');
  assert.ok(existsSync(join(dir, 'mine.test.ts')));
  assert.is(readFileSync(join(root, 'outside.txt'), 'utf8'), 'outside\n', 'a manifest entry outside the folder is ignored');
});

test('an output folder that is a link, or a link inside the folder on a generated path, is refused', async () => {
  const target = join(root, 'real-site');
  mkdirSync(target);
  symlinkSync(target, join(root, 'site-link'));
  const r = await runCli('viz', '--scenario', 'percpu-ref', '--users', '1', '--rounds', '1', '-q', '--out', join(root, 'site-link'));
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /site-link is a symbolic link/);
  assert.equal(readdirSync(target), []);
  const dir = join(root, 'site-with-link');
  mkdirSync(dir);
  writeFileSync(join(dir, '.daxspec-manifest.json'), JSON.stringify({ generator: 'daxspec viz', files: ['app.js'] }));
  writeFileSync(join(target, 'mine.js'), 'mine\n');
  symlinkSync(join(target, 'mine.js'), join(dir, 'app.js'));
  const s = await runCli('viz', '--scenario', 'percpu-ref', '--users', '1', '--rounds', '1', '-q', '--out', dir);
  assert.is(s.code, 2, s.err);
  assert.match(s.err, /app\.js is a symbolic link/);
  assert.is(readFileSync(join(target, 'mine.js'), 'utf8'), 'mine\n');
});

test.run();
