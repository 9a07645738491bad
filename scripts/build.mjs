#!/usr/bin/env node
// The published package, built from the sources: `npm run build` (and `prepare`, so `npm ci` builds too).
//
// dist/cli.js, dist/index.js and dist/testing.js are ES modules bundled by esbuild with code splitting, so
// the three entries share one copy of every module (one System class, one message address table) and
// a user's model, the checker and a generated test agree on them. Dependencies stay external (installed
// beside the package; a user's model must see the same xstate as the checker), except commander.
// dist/viz/ holds the visualizer's browser bundle and assets, built here so that `daxspec viz` needs
// neither the browser sources nor a bundler at run time. dist/types/ holds the declarations (tsc),
// with relative imports rewritten from .ts to .js so that any TypeScript setup resolves them.
// Plain JavaScript (not TypeScript) so that it runs before anything is built.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  // exploreWorker and matrixWorker: the entries of `check --workers` threads, of a scenario's levels and of the matrix's
  // cells (src/check/workerPool.ts starts dist/exploreWorker.js and dist/matrixWorker.js).
  entryPoints: {
    cli: 'src/cli.ts',
    index: 'src/index.ts',
    testing: 'src/testing.ts',
    exploreWorker: 'src/check/exploreWorker.ts',
    matrixWorker: 'src/check/matrixWorker.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // commander is bundled: only the CLI uses it, and loading it as a CommonJS package costs start-up time.
  external: ['xstate', 'esbuild', '@viz-js/viz', 'uvu', 'uvu/assert'],
  // A bundled CommonJS package requires Node's built-ins: give the ES modules a require to do it with.
  banner: {
    js: "import { createRequire as __daxspecCreateRequire } from 'node:module'; const require = __daxspecCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
// The CLI entry is the bin: esbuild keeps the shebang of src/cli.ts.
chmodSync(join(dist, 'cli.js'), 0o755);

mkdirSync(join(dist, 'viz'), { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/viz/browser/main.ts'],
  outfile: 'dist/viz/app.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
});
cpSync(join(root, 'src/viz/assets'), join(dist, 'viz/assets'), { recursive: true });

// Declarations of the public entries and everything they reach.
const tsc = join(root, 'node_modules/typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
const rewrite = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) rewrite(path);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8');
      const out = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1$2.js$3');
      if (out !== text) writeFileSync(path, out);
    }
  }
};
rewrite(join(dist, 'types'));
