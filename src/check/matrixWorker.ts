/**
 * The entry of one matrix worker thread (started by matrixThreads.ts): it checks one configuration of a
 * built-in scenario at a revision per request and posts back what the cell keeps of the run (matrix.ts
 * ConfigurationRun). The runs are independent, so a run made here is the one the one-thread matrix makes;
 * only its seconds differ.
 */
import { parentPort } from 'node:worker_threads';
import { SCENARIOS } from '../builtinScenarios.ts';
import { TransitionCache } from '../compose/transitionCache.ts';
import { checkScenario } from './check.ts';
import { configurationRun } from './matrix.ts';
import type { ConfigurationRequest } from './matrixThreads.ts';

const port = parentPort!;

/** What XState answered in this thread's runs of the cell it last ran a configuration of (matrix.ts keeps one per cell too). */
let cell = { scenario: '', revision: '', transitions: new TransitionCache() };

port.on('message', (m: ConfigurationRequest) => {
  const scenario = SCENARIOS.find((s) => s.name === m.scenario);
  if (!scenario) throw new Error(`internal: matrix worker found no built-in scenario ${m.scenario}`);
  if (cell.scenario !== m.scenario || cell.revision !== m.revision)
    cell = { scenario: m.scenario, revision: m.revision, transitions: new TransitionCache() };
  const options = { ...m.options, transitions: cell.transitions };
  port.postMessage({ type: 'run', run: configurationRun(checkScenario(scenario, m.revision, { ...m.sizes }, options)) });
});
port.postMessage({ type: 'ready' });
