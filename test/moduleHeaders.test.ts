/**
 * Every module of the spec and the tool opens with a paragraph saying what it owns (the
 * structure issue's standard). The paragraph may come before the imports or right after them,
 * but before the first declaration; a one-line doc comment on a declaration does not count.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const IMPORTS = /^(?:\s*(?:import|export)\s[^;]*?\sfrom\s*['"][^'"]+['"];|\s*import\s*['"][^'"]+['"];)*/;

/**
 * The comment a module opens with: any comment before the imports (the file's first text), or a
 * comment of at least three lines right after them; a one-line doc there belongs to a declaration.
 */
export function headerOf(source: string): string | null {
  const body = source.replace(/^#!.*\n/, '').trimStart();
  const first = /^(?:\/\*[\s\S]*?\*\/|(?:\/\/.*\n)+)/.exec(body);
  if (first) return first[0];
  const afterImports = body.replace(IMPORTS, '').trimStart();
  const block = /^\/\*[\s\S]*?\*\//.exec(afterImports);
  return block && block[0].split('\n').length >= 3 ? block[0] : null;
}

const modules = execFileSync('git', ['ls-files', 'src', 'machines'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f.endsWith('.ts'));

test('the header check sees a header before and after the imports, and a lone one-line doc as none', () => {
  assert.ok(headerOf('/**\n * Owns x.\n */\nimport a from "a";\n'));
  assert.ok(headerOf('import a from "a";\nimport {\n  b,\n} from "b";\n\n/**\n * Owns x.\n */\nexport const x = 1;\n'));
  assert.ok(headerOf('/** One line at the top. */\nimport a from "a";\n'));
  assert.is(headerOf('import a from "a";\n/** One line. */\nexport const x = 1;\n'), null);
  assert.is(headerOf('export const x = 1;\n/**\n * Late.\n */\n'), null);
});

test('every module under src/ and machines/ opens with a header paragraph', () => {
  const missing = modules.filter((f) => headerOf(readFileSync(f, 'utf8')) === null);
  assert.equal(missing, [], `modules without a header paragraph:\n${missing.join('\n')}`);
});

test.run();
