import type { Divergence } from './replayExpected.ts';

/**
 * Where src/kernel and the spec disagree on purpose: the implementation follows the seeds' code,
 * the spec follows DOMAIN.md. A generated test of a path that ends in one of these divergences
 * passes only while the path still diverges exactly there; any other divergence fails.
 */
export interface KnownDivergence {
  readonly revision: string;
  readonly message: RegExp;
  /** Why code and spec differ, with the source on each side. */
  readonly why: string;
}

export const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [
  {
    revision: 'v8',
    message: /: truncate is \{"asleep":false\} in the spec but \{"asleep":true\} in the implementation$/,
    why:
      'v8 code never wakes truncate: seed 004 (v8 10/18) installs generic_dax_pagefree() as "TODO: wakeup page-idle waiters", ' +
      'and put_page() calls back only for HMM pages until v10 (seed 001); the spec gives v8 the v4.18 wake-up (DOMAIN.md: "page_free wakes waiters")',
  },
];

export function knownDivergence(revision: string | null, d: Divergence): KnownDivergence | undefined {
  return KNOWN_DIVERGENCES.find((k) => k.revision === revision && k.message.test(d.message));
}
