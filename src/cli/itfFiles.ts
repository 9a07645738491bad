/**
 * The files --itf may write (check and simulate): the path given and the numbered ones beside it for a second
 * and later counterexample, and the rule that only a trace daxspec wrote there before is ever replaced.
 */
import { readFileSync } from 'node:fs';
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

/** Refuses an --itf path that is not writable or holds something other than a daxspec trace. */
export function checkItfPaths(path: string): void {
  checkOutputFile(path, isOurTrace);
}

/**
 * Writes each counterexample of a run (check's or simulate's) as an ITF trace: the first at `path`, the
 * others numbered beside it, each checked as it comes, so that a user's file of that name stays.
 */
export function writeItf(path: string, findings: readonly { property: string; length: number; itf(): ItfTrace }[], quiet: boolean): void {
  if (findings.length === 0) {
    if (!quiet) process.stderr.write(`no counterexample to write to ${path}\n`);
    return;
  }
  findings.forEach((f, i) => {
    const file = itfFile(path, i);
    if (i > 0) checkItfPaths(file);
    writeAtomic(file, JSON.stringify(f.itf(), null, 1) + '\n');
    if (!quiet) process.stderr.write(`wrote ${file} (${f.property}, ${f.length} steps)\n`);
  });
}
