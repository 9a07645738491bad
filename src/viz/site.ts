import { buildSync } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonForScript } from './escape.ts';
import type { SiteData } from './siteData.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The browser code, bundled from src/viz/browser/ into one classic script. A classic script (not a
 * module) because Chromium refuses module scripts from file:// URLs; bundled at site build time so the
 * browser code is the same strict TypeScript as the rest and nothing is committed twice.
 */
export function bundleApp(): string {
  const r = buildSync({
    entryPoints: [join(here, 'browser', 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    // Drops comments too: the bundled library's mention links to its issue tracker, and the site names no address.
    minifyWhitespace: true,
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
  copyFileSync(join(here, 'assets', 'index.html'), join(dir, 'index.html'));
  copyFileSync(join(here, 'assets', 'style.css'), join(dir, 'style.css'));
  writeFileSync(join(dir, 'app.js'), bundleApp());
  writeFileSync(join(dir, 'data.js'), `window.DAXSPEC_DATA = ${jsonForScript(data)};\n`);
  return files.map((f) => join(dir, f));
}
