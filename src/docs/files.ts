import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Markdown files under `root`, as paths relative to it (forward slashes), sorted. */
function listMarkdown(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.md')) out.push(relative(root, full).split('\\').join('/'));
    }
  };
  walk(root);
  return out;
}

/**
 * Writes the pages and removes Markdown files the generator no longer makes
 * (a machine that was renamed), so the directory is exactly the generated set.
 * Returns the paths that changed.
 */
export function writePages(root: string, pages: ReadonlyMap<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, content] of pages) {
    const full = join(root, path);
    if (existsSync(full) && readFileSync(full, 'utf8') === content) continue;
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    changed.push(path);
  }
  for (const path of listMarkdown(root)) {
    if (!pages.has(path)) {
      rmSync(join(root, path));
      changed.push(path);
    }
  }
  return changed;
}

export interface Staleness {
  /** Generated pages whose committed copy differs. */
  readonly differ: readonly string[];
  /** Generated pages with no committed copy. */
  readonly missing: readonly string[];
  /** Committed pages the generator no longer makes. */
  readonly extra: readonly string[];
}

export function comparePages(root: string, pages: ReadonlyMap<string, string>): Staleness {
  const differ: string[] = [];
  const missing: string[] = [];
  for (const [path, content] of pages) {
    const full = join(root, path);
    if (!existsSync(full)) missing.push(path);
    else if (readFileSync(full, 'utf8') !== content) differ.push(path);
  }
  const extra = listMarkdown(root).filter((p) => !pages.has(p));
  return { differ, missing, extra };
}

export const isStale = (s: Staleness): boolean => s.differ.length + s.missing.length + s.extra.length > 0;
