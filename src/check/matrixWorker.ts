/**
 * The entry of one matrix worker thread (started by matrixThreads.ts): it checks one configuration of a
 * built-in scenario at a revision per request and posts back what the cell keeps of the run (matrix.ts
 * ConfigurationRun). The runs are independent, so a run made here is the one the one-thread matrix makes;
 * only its seconds differ.
 */
import { parentPort } from 'node:worker_threads';
import { SCENARIOS } from '../builtinScenarios.ts';
import { checkScenario } from './check.ts';
import { configurationRun } from './matrix.ts';
import type { ConfigurationRequest } from './matrixThreads.ts';

const port = parentPort!;

port.on('message', (m: ConfigurationRequest) => {
  const scenario = SCENARIOS.find((s) => s.name === m.scenario);
  if (!scenario) throw new Error(`internal: matrix worker found no built-in scenario ${m.scenario}`);
  port.postMessage({ type: 'run', run: configurationRun(checkScenario(scenario, m.revision, { ...m.sizes }, m.options)) });
});
port.postMessage({ type: 'ready' });
