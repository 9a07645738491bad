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

/** Whether the trace at `file` is the `i`th (from 0) of the set --itf `path` writes: daxspec's, and written as that. */
function ofSet(file: string, path: string, i: number): boolean | undefined {
  const t = ourTrace(file);
  if (t === undefined) return undefined;
  // A trace from before the mark is taken for the set's: it was written under this name.
  return t.written === undefined || (t.written.as === basename(path) && t.written.number === i + 1);
}

/** Refuses to replace `file`, the `i`th of --itf `path`'s set, unless it is that set's own trace. */
function checkSetFile(file: string, path: string, i: number): void {
  checkOutputFile(file, () => ofSet(file, path, i) !== undefined);
  if (ofSet(file, path, i) === false) {
    const as = ourTrace(file)?.written?.as;
    throw new InputError('not-ours', { path: file, what: `is a trace written for --itf ${as}, not for --itf ${basename(path)}` });
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
  checkOutputFile(path, (p) => ourTrace(p) !== undefined);
  for (const [i, file] of numbered(path)) checkSetFile(file, path, i);
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
  files.forEach((file, i) => (i === 0 ? checkOutputFile(file, (p) => ourTrace(p) !== undefined) : checkSetFile(file, path, i)));
  findings.forEach((f, i) => {
    const itf = f.itf();
    const written: WrittenAs = { as: basename(path), number: i + 1 };
    writeAtomic(files[i], JSON.stringify({ ...itf, '#meta': { ...itf['#meta'], written } }, null, 1) + '\n');
    if (!quiet) process.stderr.write(`wrote ${files[i]} (${f.property}, ${f.length} step${f.length === 1 ? '' : 's'})\n`);
  });
  // A bounded or interrupted run may have found fewer: the earlier run's other counterexamples stay.
  const stale = whole ? [...numbered(path)].filter(([i]) => i >= findings.length).map(([, file]) => file) : [];
  if (whole && findings.length === 0 && existsSync(path)) stale.unshift(path);
  for (const file of stale) {
    // Only this set's own traces: a numbered name another --itf was given (k2.2.itf.json) is that run's, and stays.
    const t = ourTrace(file);
    if (t?.written === undefined || t.written.as !== basename(path)) continue;
    rmSync(file);
    if (!quiet) process.stderr.write(`removed ${file}, an earlier run's trace\n`);
  }
  if (findings.length === 0 && !quiet) process.stderr.write(`no counterexample to write to ${path}\n`);
}
