/**
 * A registry: the scenarios one run of the CLI works on, with what the commands need to know about them
 * beyond the scenarios themselves: the revisions in order and their words, where each scenario's module
 * is (so a generated test imports the factory it was generated from) and the commands that regenerate
 * generated files. The built-in DAX registry (src/registry.ts) and a user's model loaded with --model
 * (src/cli/model.ts) are both one of these, so every command takes a registry and never asks which.
 */
import { InputError, ModelError } from './compose/errors.ts';
import type { Scenario } from '../machines/kit/types.ts';

/** Where a scenario is defined: a module (absolute path) and the name of its export there. */
export interface ScenarioSource {
  readonly module: string;
  /** The export: one `Scenario`, or an array of them (the generated test then picks it by name). */
  readonly exportName: string;
}

export interface Registry {
  readonly scenarios: readonly Scenario[];
  /** Every revision some scenario has, in order (the matrix columns). */
  readonly revisions: readonly string[];
  /** What a revision is, in words, when the registry says. */
  revisionText(revision: string): string | undefined;
  /** The scenario of this name, or bad input naming the known ones. */
  find(name: string): Scenario;
  /** Every size name some scenario takes: the CLI offers each as --NAME. */
  sizeNames(): string[];
  /** A size's names for its values (`--fstype xfs`), where a scenario gives them. */
  sizeLabels(name: string): { min: number; labels: readonly string[] } | undefined;
  /** Where the scenario's factory is, for generated tests to import. */
  source(scenario: Scenario): ScenarioSource;
  /** The docs' summary line and the invariant rules declared beside the scenarios. */
  readonly summary: string;
  readonly rules: readonly { id: string; text: string; why?: unknown }[];
  /** The command that regenerates the files of a generator (`paths`, `docs`) written to `out`. */
  regenerate(command: 'paths' | 'docs', out: string): string;
  /** The module generated tests import `suiteTests` from, given the folder they are written to. */
  runnerModule(outDir: string): string;
  /** Whether a revision's kernel has a function, where the model declares its kernel's functions (`docs --lint` checks them). */
  readonly kernelFunction?: (revision: string, fn: string) => boolean;
}

export interface RegistryInit {
  readonly scenarios: readonly Scenario[];
  readonly revisions?: readonly { name: string; text?: string }[];
  readonly sources: ReadonlyMap<Scenario, ScenarioSource>;
  readonly summary: string;
  readonly rules?: readonly { id: string; text: string; why?: unknown }[];
  readonly regenerate: (command: 'paths' | 'docs', out: string) => string;
  readonly runnerModule: (outDir: string) => string;
  readonly kernelFunction?: (revision: string, fn: string) => boolean;
}

export function makeRegistry(init: RegistryInit): Registry {
  const names = new Set<string>();
  for (const s of init.scenarios) {
    if (names.has(s.name)) throw new ModelError(`two scenarios are named '${s.name}'`);
    names.add(s.name);
  }
  // Declared revisions first, in their order; then any other a scenario has, in the order first met.
  const revisions = [...(init.revisions ?? []).map((r) => r.name)];
  for (const s of init.scenarios) for (const r of s.revisions) if (!revisions.includes(r)) revisions.push(r);
  const text = new Map((init.revisions ?? []).map((r) => [r.name, r.text]));
  return {
    scenarios: init.scenarios,
    revisions,
    revisionText: (r) => text.get(r),
    find(name) {
      const s = init.scenarios.find((x) => x.name === name);
      if (!s) throw new InputError('unknown-scenario', { name }, `unknown scenario '${name}'`);
      return s;
    },
    sizeNames: () => [...new Set(init.scenarios.flatMap((s) => s.sizes.map((p) => p.name)))].sort(),
    sizeLabels(name) {
      for (const s of init.scenarios) for (const p of s.sizes) if (p.name === name && p.labels) return { min: p.min, labels: p.labels };
      return undefined;
    },
    source(s) {
      const src = init.sources.get(s);
      if (!src) throw new ModelError(`scenario ${s.name}: its module is not known, so no test can import it`);
      return src;
    },
    summary: init.summary,
    rules: init.rules ?? [],
    regenerate: init.regenerate,
    runnerModule: init.runnerModule,
    ...(init.kernelFunction ? { kernelFunction: init.kernelFunction } : {}),
  };
}
