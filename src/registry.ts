import { percpuRefScenario } from '../machines/bench/percpuRef.ts';
import { percpuRefMachineScenario } from '../machines/bench/percpuRefMachine.ts';
import { REVISIONS } from '../machines/kit/revision.ts';
import { scenarios as daxScenarios } from '../machines/scenarios.ts';
import { ModelError } from './compose/errors.ts';
import type { Scenario } from '../machines/kit/types.ts';

/** Every system a user can check: the DAX scenarios, then the benchmark models. */
export const SCENARIOS: readonly Scenario[] = [...(daxScenarios as readonly Scenario[]), percpuRefScenario, percpuRefMachineScenario];

export { REVISIONS };

export function findScenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new ModelError(`unknown scenario '${name}' (run 'daxspec list' to see them)`);
  return s;
}

/** Every size name some scenario takes: the CLI offers each as --NAME. */
export function sizeNames(): string[] {
  return [...new Set(SCENARIOS.flatMap((s) => s.sizes.map((p) => p.name)))].sort();
}
