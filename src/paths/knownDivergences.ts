import { existsSync, readFileSync } from 'node:fs';
import type { Divergence } from './replayExpected.ts';

/**
 * Where src/kernel and the spec disagree on purpose, pinned in data: `known-divergences.json`
 * beside the generated suites lists each divergence by suite, path name, step and exact message,
 * with the reason. The generated test of a path passes only when the path diverges exactly where
 * and as pinned; a divergence that moves, changes its message, disappears or appears unpinned fails.
 * After a pinned divergence the runner aligns the implementation with the spec and goes on, so the
 * steps after it are still compared. The file is written by hand (the generator never touches it):
 * a divergence is a finding to explain, not an output to refresh.
 */
export interface PinnedDivergence {
  /** Stem of the suite: `dma-truncate.v8`. */
  readonly suite: string;
  readonly revision: string | null;
  /** The path or counterexample name, as the suite's data file has it. */
  readonly path: string;
  readonly step: number;
  readonly message: string;
  /** Key into the file's reasons. */
  readonly reason: string;
}

export interface PinnedFile {
  readonly reasons: Readonly<Record<string, string>>;
  readonly divergences: readonly PinnedDivergence[];
}

export const PINNED_FILE = 'known-divergences.json';

/** The pinned divergences beside a suite's data file (none when the file is absent). */
export function readPinned(beside: URL | string): PinnedFile {
  const url = new URL(PINNED_FILE, beside);
  if (!existsSync(url)) return { reasons: {}, divergences: [] };
  return JSON.parse(readFileSync(url, 'utf8')) as PinnedFile;
}

export const samePlace = (p: Pick<PinnedDivergence, 'step' | 'message'>, d: Divergence): boolean =>
  p.step === d.step && p.message === d.message;

/** A divergence as a line of the pinned file, for the message of a failing test. */
export function pinLine(suite: string, revision: string | null, path: string, d: Divergence): string {
  return JSON.stringify({ suite, revision, path, step: d.step, message: d.message, reason: '?' });
}
