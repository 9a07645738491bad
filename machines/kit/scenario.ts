import type { Scenario, ScenarioSpec, Sizes } from './types.ts';

/**
 * Turns a scenario as written (ScenarioSpec: sizes typed by the names it declares) into
 * the Scenario the checker builds. The build receives every declared size, a missing one
 * at its default, and no other: a scenario that reads a size it did not declare does not
 * compile. Range checks of user input stay with the CLI's resolveSizes.
 */
export function defineScenario<R extends string, S extends string = never>(spec: ScenarioSpec<R, S>): Scenario<R> {
  const full = (given: Readonly<Record<string, number>>): Sizes<S> =>
    Object.fromEntries(spec.sizes.map((p) => [p.name, given[p.name] ?? p.default])) as Sizes<S>;
  return {
    name: spec.name,
    description: spec.description,
    revisions: spec.revisions,
    sizes: spec.sizes,
    ...(spec.space ? { space: spec.space } : {}),
    ...(spec.spaceRequires ? { spaceRequires: spec.spaceRequires } : {}),
    ...(spec.inert
      ? { inert: (revision: R | undefined, given: Readonly<Record<string, number>>) => spec.inert!(revision, full(given)) }
      : {}),
    build(revision, given) {
      return spec.build(revision, full(given));
    },
  };
}
