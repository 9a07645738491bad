import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FROM_SOURCES, packageFile } from '../files.ts';
import { jsonForScript } from './escape.ts';
import type { SiteData } from './siteData.ts';

/** index.html and style.css: beside the browser sources, or copied into dist/viz by the build. */
const ASSETS = packageFile(FROM_SOURCES ? 'src/viz/assets' : 'dist/viz/assets');

/**
 * The browser code, bundled from src/viz/browser/ into one classic script. A classic script (not a
 * module) because Chromium refuses module scripts from file:// URLs; bundled at site build time so the
 * browser code is the same strict TypeScript as the rest and nothing is committed twice. The published
 * package carries the same bundle prebuilt (scripts/build.mjs), so it needs no bundler to write a site.
 */
export function bundleApp(): string {
  if (!FROM_SOURCES) return readFileSync(packageFile('dist/viz/app.js'), 'utf8');
  // Required here, not imported above: only a run from the sources bundles, and esbuild is slow to load.
  const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const r = buildSync({
    entryPoints: [packageFile('src/viz/browser/main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

/**
 * Writes the static site: index.html, style.css, app.js and data.js. Data is a script, not a .json
 * fetched at run time, because a page opened from file:// may not fetch files beside it.
 */
export function writeSite(dir: string, data: SiteData): string[] {
  mkdirSync(dir, { recursive: true });
  const files = ['index.html', 'style.css', 'app.js', 'data.js'];
  copyFileSync(join(ASSETS, 'index.html'), join(dir, 'index.html'));
  copyFileSync(join(ASSETS, 'style.css'), join(dir, 'style.css'));
  writeFileSync(join(dir, 'app.js'), bundleApp());
  writeFileSync(join(dir, 'data.js'), `window.DAXSPEC_DATA = ${jsonForScript(data)};\n`);
  return files.map((f) => join(dir, f));
}
