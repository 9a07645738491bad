import type { Scenario, ScenarioSpec, Sizes } from './types.ts';

/**
 * Turns a scenario as written (ScenarioSpec: sizes typed by the names it declares) into
 * the Scenario the checker builds. The build receives every declared size, a missing one
 * at its default, and no other: a scenario that reads a size it did not declare does not
 * compile. Range checks of user input stay with the CLI's resolveSizes.
 */
export function defineScenario<R extends string, S extends string = never>(spec: ScenarioSpec<R, S>): Scenario<R> {
  return {
    name: spec.name,
    description: spec.description,
    revisions: spec.revisions,
    sizes: spec.sizes,
    ...(spec.space ? { space: spec.space } : {}),
    ...(spec.spaceRequires ? { spaceRequires: spec.spaceRequires } : {}),
    build(revision, given) {
      const sizes = Object.fromEntries(spec.sizes.map((p) => [p.name, given[p.name] ?? p.default])) as Sizes<S>;
      return spec.build(revision, sizes);
    },
  };
}
