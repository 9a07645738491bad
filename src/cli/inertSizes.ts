/**
 * Sizes given where they make no difference (Scenario.inert: arch without GUP-fast, FOLL_PIN before 5.6): refused
 * by check and simulate alike, before any run, with the reason in kernel terms.
 */
import { inertDepartures, sizeValue } from '../check/configSpace.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { UsageError } from './usage.ts';

/**
 * A size given away from its default where it makes no difference (Scenario.inert: arch without GUP-fast, FOLL_PIN
 * before 5.6) is refused: the run would answer for the default configuration under the name of another, and a
 * developer asking about arm64 would read HOLDS for a model that never had a GUP-fast walker. Refused when it makes
 * no difference at every revision the run checks.
 */
export function refuseInert(scenario: Scenario, revisions: readonly (string | undefined)[], sizes: Readonly<Record<string, number>>): void {
  const lists = revisions.map((r) => inertDepartures(scenario, r, sizes));
  // In the order the scenario declares its sizes, as the first one given is the one named.
  for (const p of scenario.sizes) {
    const x = lists[0]?.find((y) => y.size === p.name);
    if (!x || !lists.every((l) => l.some((y) => y.size === x.size))) continue;
    throw new UsageError(
      `--${x.size} ${sizeValue(scenario, x.size, sizes[x.size])} makes no difference in ${scenario.name}${revisions.length === 1 && revisions[0] ? ` @ ${revisions[0]}` : ''}: ${x.why}; drop it`,
    );
  }
}
