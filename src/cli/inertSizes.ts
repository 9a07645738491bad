/**
 * Sizes given where they make no difference (Scenario.inert: arch without GUP-fast, FOLL_PIN before 5.6): refused
 * by check and simulate alike, before any run, with the reason in kernel terms.
 */
import { sizeValue } from '../check/configSpace.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { UsageError } from './usage.ts';

/**
 * A size given away from its default where it makes no difference (Scenario.inert: arch without GUP-fast, FOLL_PIN
 * before 5.6) is refused: the run would answer for the default configuration under the name of another, and a
 * developer asking about arm64 would read HOLDS for a model that never had a GUP-fast walker. Refused when it makes
 * no difference at every revision the run checks.
 */
export function refuseInert(
  scenario: Scenario,
  revisions: readonly (string | undefined)[],
  given: Readonly<Record<string, number | undefined>>,
  sizes: Readonly<Record<string, number>>,
): void {
  if (!scenario.inert) return;
  const lists = revisions.map((r) => scenario.inert!(r, sizes));
  for (const p of scenario.sizes) {
    const v = given[p.name];
    if (v === undefined || v === p.default) continue;
    const why = lists.map((l) => l.find((x) => x.size === p.name)?.why);
    if (why.every((w) => w !== undefined))
      throw new UsageError(
        `--${p.name} ${sizeValue(scenario, p.name, v)} makes no difference in ${scenario.name}${revisions.length === 1 && revisions[0] ? ` @ ${revisions[0]}` : ''}: ${why[0]}; drop it`,
      );
  }
}
