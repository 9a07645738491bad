/**
 * The files --itf may write (check and simulate): the path given and the numbered ones beside it for a second
 * and later counterexample, and the rule that only a trace daxspec wrote there before is ever replaced or removed.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ItfTrace } from '../check/itf.ts';
import { checkOutputFile, writeAtomic } from '../outputs/generatedFolder.ts';

/** The files --itf may write: the path and the numbered ones beside it (path.2.itf.json, ...). */
export function itfFile(path: string, i: number): string {
  return i === 0 ? path : path.replace(/(\.itf)?\.json$/, '') + `.${i + 1}.itf.json`;
}

/** A file --itf may replace is a trace daxspec wrote there before. */
function isOurTrace(path: string): boolean {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as { '#meta'?: { source?: unknown } };
    return j['#meta']?.source === 'daxspec';
  } catch {
    return false;
  }
}

/**
 * The numbered traces beside `path` that are there now (path.2.itf.json, ...), by their number less one (as
 * `itfFile` takes it): what an earlier run may have written.
 */
function numbered(path: string): Map<number, string> {
  const base = basename(path).replace(/(\.itf)?\.json$/, '');
  const dir = dirname(path);
  const found = new Map<number, string>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const m = /^\.([1-9]\d*)\.itf\.json$/.exec(name.slice(base.length));
    if (m && Number(m[1]) >= 2) found.set(Number(m[1]) - 1, join(dir, name));
  }
  return found;
}

/**
 * Refuses an --itf path that is not writable or holds something other than a daxspec trace, and so any numbered
 * trace beside it: asked before the run, so that the traces written after it cannot be refused half-way.
 */
export function checkItfPaths(path: string): void {
  checkOutputFile(path, isOurTrace);
  for (const file of numbered(path).values()) checkOutputFile(file, isOurTrace);
}

/**
 * Writes each counterexample of a run (check's or simulate's) as an ITF trace: the first at `path`, the others
 * numbered beside it, every one checked before the first is written, so that a user's file of such a name stays and
 * no half of the set is written. The traces an earlier run wrote there past this run's (daxspec's own, by their
 * mark) are removed, so the files are this run's alone.
 */
export function writeItf(
  path: string,
  findings: readonly { property: string; length: number; itf(): ItfTrace }[],
  quiet: boolean,
  /** Whether the run found all it could (not bounded, not interrupted): only such a run's set replaces an earlier run's whole. */
  whole: boolean,
): void {
  const files = findings.map((_, i) => itfFile(path, i));
  checkItfPaths(path);
  for (const file of files) checkOutputFile(file, isOurTrace);
  findings.forEach((f, i) => {
    writeAtomic(files[i], JSON.stringify(f.itf(), null, 1) + '\n');
    if (!quiet) process.stderr.write(`wrote ${files[i]} (${f.property}, ${f.length} steps)\n`);
  });
  // A bounded or interrupted run may have found fewer: the earlier run's other counterexamples stay.
  const stale = whole ? [...numbered(path)].filter(([i]) => i >= findings.length).map(([, file]) => file) : [];
  if (whole && findings.length === 0 && existsSync(path)) stale.unshift(path);
  for (const file of stale) {
    if (!isOurTrace(file)) continue;
    rmSync(file);
    if (!quiet) process.stderr.write(`removed ${file}, an earlier run's trace\n`);
  }
  if (findings.length === 0 && !quiet) process.stderr.write(`no counterexample to write to ${path}\n`);
}
