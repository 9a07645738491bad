/**
 * The files --itf may write (check and simulate): the path given and the numbered ones beside it for a second
 * and later counterexample, and the rule that only a trace daxspec wrote there before is ever replaced or removed.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ItfTrace } from '../check/itf.ts';
import { InputError } from '../compose/errors.ts';
import { checkOutputFile, writeAtomic } from '../outputs/generatedFolder.ts';

/** The files --itf may write: the path and the numbered ones beside it (path.2.itf.json, ...). */
export function itfFile(path: string, i: number): string {
  return i === 0 ? path : path.replace(/(\.itf)?\.json$/, '') + `.${i + 1}.itf.json`;
}

/**
 * Which --itf a trace was written for, and its number in that run's set (1 the path itself): recorded in every trace
 * --itf writes (`#meta.written`), so that a numbered name beside the path (k2.2.itf.json beside k2.itf.json) is known
 * from a trace another --itf was given by that very name.
 */
interface WrittenAs {
  readonly as: string;
  readonly number: number;
}

/** The trace at `path` if daxspec wrote it, with what it was written as (undefined: a trace from before the mark). */
function ourTrace(path: string): { written?: WrittenAs } | undefined {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as { '#meta'?: { source?: unknown; written?: WrittenAs } };
    const meta = j['#meta'];
    if (meta?.source !== 'daxspec') return undefined;
    const w = meta.written;
    return w && typeof w.as === 'string' && Number.isInteger(w.number) ? { written: w } : {};
  } catch {
    return undefined;
  }
}

/**
 * Whether the trace at `file` is the `i`th (from 0) of the set --itf `path` writes, the one rule for writing over it
 * and for removing it: daxspec's, and written as that. The path itself may also be a trace from before the mark (it
 * is the very name given); a numbered one must carry the mark, since without it nothing tells it from the first trace
 * of an --itf given that numbered name.
 */
function ofSet(file: string, path: string, i: number): boolean {
  const t = ourTrace(file);
  if (t === undefined) return false;
  if (t.written === undefined) return i === 0;
  return t.written.as === basename(path) && t.written.number === i + 1;
}

/** Refuses to write over `file`, the `i`th of --itf `path`'s set, unless it is that set's own trace. */
function checkSetFile(file: string, path: string, i: number): void {
  checkOutputFile(file, () => true);
  if (!existsSync(file) || ofSet(file, path, i)) return;
  const t = ourTrace(file);
  throw new InputError('not-ours', {
    path: file,
    what:
      t === undefined
        ? 'was not written by daxspec'
        : t.written === undefined
          ? 'is a trace from a daxspec that did not record which --itf wrote it'
          : `is a trace written for --itf ${t.written.as}, not for --itf ${basename(path)}`,
  });
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
 * Refuses, before the run, an --itf path that is not writable or is not this set's first trace, and a numbered name
 * beside it that holds a user's file: those are mistakes whatever the run finds. A numbered trace of another --itf is
 * only in the way if the run finds that many counterexamples, which writeItf checks before it writes any.
 */
export function checkItfPaths(path: string): void {
  checkSetFile(path, path, 0);
  for (const file of numbered(path).values()) if (ourTrace(file) === undefined) checkSetFile(file, path, 1);
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
  files.forEach((file, i) => checkSetFile(file, path, i));
  findings.forEach((f, i) => {
    const itf = f.itf();
    const written: WrittenAs = { as: basename(path), number: i + 1 };
    writeAtomic(files[i], JSON.stringify({ ...itf, '#meta': { ...itf['#meta'], written } }, null, 1) + '\n');
    if (!quiet) process.stderr.write(`wrote ${files[i]} (${f.property}, ${f.length} step${f.length === 1 ? '' : 's'})\n`);
  });
  // A bounded or interrupted run may have found fewer: the earlier run's other counterexamples stay.
  const stale = whole ? [...numbered(path)].filter(([i]) => i >= findings.length) : [];
  if (whole && findings.length === 0 && existsSync(path)) stale.unshift([0, path]);
  for (const [i, file] of stale) {
    // Only this set's own traces: a numbered name another --itf was given (k2.2.itf.json) is that run's, and stays.
    if (!ofSet(file, path, i)) continue;
    rmSync(file);
    if (!quiet) process.stderr.write(`removed ${file}, an earlier run's trace\n`);
  }
  if (findings.length === 0 && !quiet) process.stderr.write(`no counterexample to write to ${path}\n`);
}
