import type { Scenario } from '../../machines/kit/types.ts';
import { ANY_REVISION } from './catalog.ts';

/**
 * An invariant as the docs read it. `why` (the reason the kernel relies on the
 * property) is optional here because the invariant objects may not carry it yet;
 * the lint reports each one that does not.
 */
export interface DocInvariant {
  readonly id: string;
  readonly text: string;
  readonly why?: string;
  /** Scenario and revision pairs whose system checks it: `scenario@rev` or `scenario` for revision-independent ones. */
  readonly checkedIn: readonly { scenario: string; revision: string }[];
}

interface InvariantLike {
  readonly id: string;
  readonly text: string;
  readonly why?: unknown;
}

/** Natural order: I2 before I10. */
export const byId = (a: { id: string }, b: { id: string }): number => a.id.localeCompare(b.id, 'en', { numeric: true });

/**
 * Every invariant: the declared rules (so an invariant no scenario uses yet is
 * still documented) and those the scenarios' systems check, with where each is checked.
 */
export function collectInvariants(
  rules: readonly InvariantLike[],
  scenarios: readonly Scenario[],
  revisions: readonly string[],
): DocInvariant[] {
  const map = new Map<string, { id: string; text: string; why?: string; checkedIn: { scenario: string; revision: string }[] }>();
  const note = (inv: InvariantLike): { checkedIn: { scenario: string; revision: string }[] } => {
    let e = map.get(inv.id);
    if (!e) map.set(inv.id, (e = { id: inv.id, text: inv.text, checkedIn: [] }));
    if (!e.why && typeof inv.why === 'string' && inv.why) e.why = inv.why;
    return e;
  };
  for (const r of rules) note(r);
  for (const s of scenarios) {
    const sizes = Object.fromEntries(s.sizes.map((p) => [p.name, p.default]));
    const revs = s.revisions.length ? revisions.filter((r) => s.revisions.includes(r)) : [ANY_REVISION];
    for (const rev of revs) {
      for (const inv of s.build(rev === ANY_REVISION ? undefined : rev, sizes).invariants ?? []) {
        note(inv as InvariantLike).checkedIn.push({ scenario: s.name, revision: rev });
      }
    }
  }
  return [...map.values()].sort(byId);
}
