import type { InertSize, Scenario } from '../../machines/kit/types.ts';
import { resolveSizes } from './check.ts';

/**
 * The configurations a scenario's matrix cell covers: every combination of the values its
 * declared space (Scenario.space) lists, each size not named at its default. They come smallest
 * first: a configuration's rank is how far it departs from the defaults (the sum, over its sizes,
 * of the value's position in the declared list, whose first value is the default), so the
 * smallest configuration that shows a finding is the first one that does.
 */
export interface Configuration {
  readonly sizes: Readonly<Record<string, number>>;
  /** Departure from the defaults (0: the defaults). */
  readonly rank: number;
  /** The sizes that differ from their defaults, as `name=value` (value by its label where the size has labels). */
  readonly departures: readonly string[];
}

/** A size's value as users write it: its label (arch=nonipi) where it has one. */
export function sizeValue(scenario: Scenario, name: string, value: number): string {
  const p = scenario.sizes.find((s) => s.name === name);
  return p?.labels?.[value - p.min] ?? String(value);
}

/**
 * A cell's configurations: the scenario's, less those where a size departs from its default where it makes no
 * difference at this revision (Scenario.inert): each is the same system as a configuration already in the list (the
 * one with that size at its default), explored again for nothing.
 */
export function cellConfigurations(scenario: Scenario, revision: string, quick = false): Configuration[] {
  return configurations(scenario, quick).filter((c) => inertDepartures(scenario, revision, c.sizes).length === 0);
}

/** The sizes of `sizes` that depart from their defaults where, at `revision`, they make no difference (Scenario.inert). */
export function inertDepartures(scenario: Scenario, revision: string | undefined, sizes: Readonly<Record<string, number>>): InertSize[] {
  if (!scenario.inert) return [];
  const defaults = resolveSizes(scenario, {});
  return scenario.inert(revision, sizes).filter((x) => sizes[x.size] !== defaults[x.size]);
}

export function configurations(scenario: Scenario, quick = false): Configuration[] {
  const defaults = resolveSizes(scenario, {});
  const space = quick ? {} : (scenario.space ?? {});
  const dims = Object.entries(space)
    .filter((e): e is [string, readonly number[]] => e[1] !== undefined && e[1].length > 0)
    .map(([name, values]) => {
      // The default comes first, whatever order the declaration has: rank 0 is the defaults.
      const d = defaults[name];
      return { name, values: [d, ...values.filter((v) => v !== d)] };
    });
  let out: { picks: number[] }[] = [{ picks: [] }];
  for (const d of dims) out = out.flatMap((c) => d.values.map((_, i) => ({ picks: [...c.picks, i] })));
  const configs = out.map(({ picks }) => {
    const sizes: Record<string, number> = { ...defaults };
    const departures: string[] = [];
    dims.forEach((d, i) => {
      sizes[d.name] = d.values[picks[i]];
      if (picks[i] > 0) departures.push(`${d.name}=${sizeValue(scenario, d.name, d.values[picks[i]])}`);
    });
    // Range-checked like a user's sizes: a space that names a size or value the scenario lacks is refused.
    return { sizes: resolveSizes(scenario, sizes), rank: picks.reduce((a, b) => a + b, 0), departures, picks };
  });
  const requires = Object.entries(scenario.spaceRequires ?? {}) as [string, Readonly<Record<string, number>>][];
  const relevant = (sizes: Readonly<Record<string, number>>): boolean =>
    requires.every(([name, when]) => sizes[name] === defaults[name] || Object.entries(when).every(([k, v]) => sizes[k] === v));
  configs.splice(0, configs.length, ...configs.filter((c) => relevant(c.sizes)));
  configs.sort((a, b) => a.rank - b.rank || compare(a.picks, b.picks));
  return configs.map(({ sizes, rank, departures }) => ({ sizes, rank, departures }));
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
