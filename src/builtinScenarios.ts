/**
 * The built-in scenarios as one list, with nothing else: the DAX scenarios of machines/, then the
 * benchmark models. The registry (registry.ts) names them to users; an exploration worker thread
 * (check/exploreWorker.ts) rebuilds its system from this list by name, without the registry's docs.
 */
import { percpuRefScenario } from '../machines/bench/percpuRef.ts';
import { percpuRefMachineScenario } from '../machines/bench/percpuRefMachine.ts';
import { scenarios as daxScenarios } from '../machines/scenarios.ts';
import type { Scenario } from '../machines/kit/types.ts';

/** Every system a user can check: the DAX scenarios, then the benchmark models. */
export const SCENARIOS: readonly Scenario[] = [...(daxScenarios as readonly Scenario[]), percpuRefScenario, percpuRefMachineScenario];
