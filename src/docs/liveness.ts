/**
 * The liveness properties as the docs read them: every `Liveness` a scenario's system declares (the
 * device half's L-* rules and any a user's model has), one per id, with where it is checked. A liveness
 * property whose id is also an invariant's (I12's liveness half) is shown on that invariant's page.
 */
import type { Liveness, Scenario } from '../../machines/kit/types.ts';
import { ANY_REVISION } from './catalog.ts';
import { byId } from './invariants.ts';

export interface DocLiveness {
  readonly id: string;
  readonly text: string;
  readonly why?: string;
  readonly form: Liveness['form'];
  /** Scenario and revision pairs whose system checks it (for at least one actor). */
  readonly checkedIn: readonly { scenario: string; revision: string }[];
}

/** Every liveness property the scenarios declare, except those an invariant of the same id documents. */
export function collectLiveness(
  scenarios: readonly Scenario[],
  revisions: readonly string[],
  invariantIds: ReadonlySet<string>,
): DocLiveness[] {
  const map = new Map<
    string,
    { id: string; text: string; why?: string; form: Liveness['form']; checkedIn: { scenario: string; revision: string }[] }
  >();
  for (const s of scenarios) {
    const sizes = Object.fromEntries(s.sizes.map((p) => [p.name, p.default]));
    const revs = s.revisions.length ? revisions.filter((r) => s.revisions.includes(r)) : [ANY_REVISION];
    for (const rev of revs) {
      const seen = new Set<string>();
      for (const l of s.build(rev === ANY_REVISION ? undefined : rev, sizes).liveness ?? []) {
        if (invariantIds.has(l.id) || seen.has(l.id)) continue;
        seen.add(l.id);
        let e = map.get(l.id);
        if (!e) map.set(l.id, (e = { id: l.id, text: l.text, form: l.form, checkedIn: [] }));
        if (!e.why && l.why) e.why = l.why;
        e.checkedIn.push({ scenario: s.name, revision: rev });
      }
    }
  }
  return [...map.values()].sort(byId);
}

/** The temporal form in words, as the page states it. */
export const FORM_TEXT: Readonly<Record<Liveness['form'], string>> = {
  'leads-to': 'leads-to (P ~> Q): whenever its premise holds, its goal holds then or later, on every fair behaviour',
  eventually: 'eventually (<>Q): on every fair behaviour from the initial state, its goal holds at some point',
  'infinitely-often': 'infinitely often ([]<>Q): on every fair behaviour, its goal holds again and again',
};
