/**
 * The files --itf may write (check and simulate): the path given and the numbered ones beside it for a second
 * and later counterexample, and the rule that only a trace daxspec wrote there before is ever replaced.
 */
import { readFileSync } from 'node:fs';
import { checkOutputFile } from '../outputs/generatedFolder.ts';

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
