import { percpuRefScenario } from '../machines/bench/percpuRef.ts';
import { percpuRefMachineScenario } from '../machines/bench/percpuRefMachine.ts';
import { REVISIONS } from '../machines/kit/revision.ts';
import { scenarios as daxScenarios } from '../machines/scenarios.ts';
import { InputError } from './compose/errors.ts';
import type { Scenario } from '../machines/kit/types.ts';

/** Every system a user can check: the DAX scenarios, then the benchmark models. */
export const SCENARIOS: readonly Scenario[] = [...(daxScenarios as readonly Scenario[]), percpuRefScenario, percpuRefMachineScenario];

export { REVISIONS };

export function findScenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new InputError('unknown-scenario', { name }, `unknown scenario '${name}'`);
  return s;
}

/** Labels some scenario gives a size's values (arch: x86, nonipi), by position from the size's min, with that min. */
export function sizeLabels(name: string): { min: number; labels: readonly string[] } | undefined {
  for (const s of SCENARIOS) for (const p of s.sizes) if (p.name === name && p.labels) return { min: p.min, labels: p.labels };
  return undefined;
}

/** Every size name some scenario takes: the CLI offers each as --NAME. */
export function sizeNames(): string[] {
  return [...new Set(SCENARIOS.flatMap((s) => s.sizes.map((p) => p.name)))].sort();
}
