/**
 * The built-in registry: the DAX scenarios of machines/ and the benchmark models, the kernel revisions
 * in order, and the invariant rules of machines/invariants.ts. Every command runs on it unless --model
 * names a user's module (src/cli/model.ts).
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { percpuRefScenario } from '../machines/bench/percpuRef.ts';
import { percpuRefMachineScenario } from '../machines/bench/percpuRefMachine.ts';
import { deviceInvariants, pageInvariants } from '../machines/invariants.ts';
import { REVISION_TEXT } from '../machines/eras.ts';
import { isRevision, REVISIONS } from '../machines/kit/revision.ts';
import { hasKernelFunction } from '../machines/kernelFunctions.ts';
import { scenarios as daxScenarios } from '../machines/scenarios.ts';
import type { Scenario } from '../machines/kit/types.ts';
import { registryInput, type DocsInput } from './docs/generate.ts';
import { packageFile } from './files.ts';
import { makeRegistry, type Registry, type ScenarioSource } from './scenarioRegistry.ts';

import { SCENARIOS } from './builtinScenarios.ts';

export { SCENARIOS };

export { REVISIONS };

const importPath = (from: string, file: string): string => {
  const r = relative(from, file).split('\\').join('/');
  return r.startsWith('.') ? r : `./${r}`;
};

let builtin: Registry | undefined;

/** The built-in registry (built on first use: reading package.json is not free at start-up). */
export function builtinRegistry(): Registry {
  if (builtin) return builtin;
  const sources = new Map<Scenario, ScenarioSource>();
  for (const s of daxScenarios) sources.set(s, { module: packageFile('machines/scenarios.ts'), exportName: 'scenarios' });
  sources.set(percpuRefScenario, { module: packageFile('machines/bench/percpuRef.ts'), exportName: 'percpuRefScenario' });
  sources.set(percpuRefMachineScenario, {
    module: packageFile('machines/bench/percpuRefMachine.ts'),
    exportName: 'percpuRefMachineScenario',
  });
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { description: string };
  builtin = makeRegistry({
    scenarios: SCENARIOS,
    revisions: REVISIONS.map((r) => ({ name: r, text: REVISION_TEXT[r] })),
    sources,
    summary: pkg.description,
    rules: [...deviceInvariants, ...pageInvariants],
    // The committed generated files (test/generated, docs/spec) name this repository's commands, whatever folder they
    // are run from; files a user generates elsewhere name the command a user has, with their folder.
    regenerate: (command, out) => {
      const committed = command === 'paths' ? 'test/generated' : 'docs/spec';
      // By the folder, not the spelling: ./test/generated or an absolute path is the committed folder too.
      return resolve(out) === resolve(packageFile(committed))
        ? `npx tsx src/cli.ts ${command} --out ${committed}`
        : `npx daxspec ${command} --out ${out}`;
    },
    runnerModule: (outDir) => importPath(outDir, packageFile('src/paths/suiteTests.ts')),
    kernelFunction: (revision, fn) => isRevision(revision) && hasKernelFunction(revision, fn),
  });
  return builtin;
}

export function findScenario(name: string): Scenario {
  return builtinRegistry().find(name);
}

/** Labels some scenario gives a size's values (arch: x86, nonipi), by position from the size's min, with that min. */
export function sizeLabels(name: string): { min: number; labels: readonly string[] } | undefined {
  for (const s of SCENARIOS) for (const p of s.sizes) if (p.name === name && p.labels) return { min: p.min, labels: p.labels };
  return undefined;
}

/** Every size name some scenario takes: the CLI offers each as --NAME. */
export function sizeNames(): string[] {
  return builtinRegistry().sizeNames();
}

/** The docs' input of this repository: every built-in scenario and revision, and the invariants of machines/invariants.ts. */
export function projectInput(): DocsInput {
  return registryInput(builtinRegistry(), 'docs/spec');
}
