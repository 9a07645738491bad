/**
 * The bug matrix on several threads. Its configurations are independent runs, so each worker thread
 * (matrixWorker.ts) takes the next configuration not yet taken, checks it and posts back what the cell keeps
 * of it; configurations, not whole cells, so that the threads stay busy to the end (pmem-remove-pinned's cells
 * have 48 configurations each, most cells one). A cell is merged once all its configurations are back, and
 * cells are reported (`onCell`) and returned in the matrix's own order, so the matrix is the one-thread
 * matrix's but for its seconds (and, under a memory budget, for a run its thread's share of the budget bounds).
 * Workers rebuild built-in scenarios by name: a user's model stays on one thread (matrix.ts bugMatrixAsync).
 */
import type { Worker } from 'node:worker_threads';
import type { Scenario } from '../../machines/kit/types.ts';
import { cellConfigurations, type Configuration } from './configSpace.ts';
import { mergeCell, type ConfigurationRun, type Matrix, type MatrixCell, type MatrixOptions } from './matrix.ts';
import { startWorker } from './startWorker.ts';

/** The options a worker checks with: the plain ones, as no function crosses a thread. */
export type RunOptions = Pick<MatrixOptions, 'maxStates' | 'maxDepth' | 'fairness' | 'maxMemory'>;

/** What a worker is asked: one configuration of a cell. */
export interface ConfigurationRequest {
  readonly scenario: string;
  readonly revision: string;
  readonly sizes: Readonly<Record<string, number>>;
  readonly options: RunOptions;
}

/** What a worker posts: that it is ready, or a run. */
type WorkerMessage = { readonly type: 'ready' } | { readonly type: 'run'; readonly run: ConfigurationRun };

/** How often `options.shouldStop` is asked while the workers run, in ms. */
const STOP_POLL_MS = 50;

/**
 * The least share of a memory budget a thread is given: each worker's budget counts its own V8 heap (10-16 MB
 * when it starts), so a thinner share would stop its runs at their first states (`--max-memory 128M --workers 8`
 * left every cell bounded at one state). With a budget, the matrix uses no more threads than it has such shares.
 */
export const MIN_THREAD_BUDGET = 64 << 20;

/** The threads a matrix of `jobs` configurations runs on, asked for `threads`, under budget `maxMemory`. */
export function matrixThreadCount(threads: number, jobs: number, maxMemory: number | undefined): number {
  const byBudget = maxMemory === undefined ? threads : Math.floor(maxMemory / MIN_THREAD_BUDGET);
  return Math.max(1, Math.min(threads, jobs, byBudget));
}

/**
 * The matrix of `scenarios` (built-in ones) over `revisions` on `threads` worker threads. With a memory budget,
 * each thread's runs get an equal share of it, and there are no more threads than shares of MIN_THREAD_BUDGET.
 * `options.shouldStop` ends the run: the workers are stopped and the cells finished so far are kept, in the
 * matrix's order (the cells still running are left out).
 */
export function bugMatrixThreads(
  scenarios: readonly Scenario[],
  revisions: readonly string[],
  options: MatrixOptions,
  threads: number,
  onCell?: (c: MatrixCell) => void,
): Promise<Matrix> {
  const started = performance.now();
  const quick = options.quick ?? false;
  const cellsToDo = scenarios.flatMap((scenario) =>
    revisions
      .filter((r) => scenario.revisions.includes(r))
      .map((revision) => ({ scenario, revision, configs: cellConfigurations(scenario, revision, quick) })),
  );
  const jobs = cellsToDo.flatMap((cell, c) => cell.configs.map((config, i) => ({ cell: c, index: i, config })));
  const count = matrixThreadCount(threads, jobs.length, options.maxMemory);
  const runOptions: RunOptions = {
    maxStates: options.maxStates,
    maxDepth: options.maxDepth,
    fairness: options.fairness,
    maxMemory: options.maxMemory === undefined ? undefined : Math.floor(options.maxMemory / count),
  };
  const runs: ConfigurationRun[][] = cellsToDo.map(() => []);
  const left = cellsToDo.map((c) => c.configs.length);
  const cells: (MatrixCell | undefined)[] = new Array(cellsToDo.length);
  let next = 0;
  let reported = 0;
  let cellsDone = 0;
  const workers: Worker[] = [];
  return new Promise<Matrix>((resolve, reject) => {
    let over = false;
    const stopAll = (): void => {
      over = true;
      clearInterval(poll);
      for (const w of workers) void w.terminate();
    };
    /**
     * Reports the finished cells not reported yet, in order: up to the first still running, or, once the run is over,
     * past it too (a stopped run keeps the cells finished after one still running), so that the progress lines name
     * every cell of the matrix returned.
     */
    const report = (pastRunning: boolean): void => {
      for (; reported < cells.length && (pastRunning || cells[reported] !== undefined); reported++)
        if (cells[reported] !== undefined) onCell?.(cells[reported]!);
    };
    const end = (interrupted?: string): void => {
      if (over) return;
      stopAll();
      const done = cells.filter((c): c is MatrixCell => c !== undefined);
      try {
        report(true);
      } catch (e) {
        return reject(e instanceof Error ? e : new Error(String(e)));
      }
      const seconds = (performance.now() - started) / 1000;
      resolve({ revisions, cells: done, quick, seconds, ...(interrupted !== undefined ? { interrupted } : {}) });
    };
    const fail = (e: unknown): void => {
      if (over) return;
      stopAll();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const finish = (c: number): void => {
      const { scenario, revision, configs } = cellsToDo[c];
      cells[c] = mergeCell(
        scenario.name,
        revision,
        configs.map((config: Configuration, i) => ({ config, run: runs[c][i] })),
      );
      cellsDone++;
      // A cell finished early waits for those before it.
      report(false);
      if (cellsDone === cellsToDo.length) end();
    };
    const poll = setInterval(() => {
      try {
        const why = options.shouldStop?.();
        if (why !== undefined) end(why);
      } catch (e) {
        fail(e);
      }
    }, STOP_POLL_MS);
    if (jobs.length === 0) return end();
    for (let w = 0; w < count; w++) {
      const worker = startWorker('matrixWorker', undefined);
      workers.push(worker);
      let job = -1;
      const take = (): void => {
        if (next >= jobs.length) return;
        job = next++;
        const { scenario, revision } = cellsToDo[jobs[job].cell];
        const request: ConfigurationRequest = { scenario: scenario.name, revision, sizes: jobs[job].config.sizes, options: runOptions };
        worker.postMessage(request);
      };
      const receive = (m: WorkerMessage): void => {
        if (m.type === 'ready') return take();
        const { cell: c, index, config } = jobs[job];
        const { scenario, revision, configs } = cellsToDo[c];
        runs[c][index] = m.run;
        options.onConfiguration?.(scenario.name, revision, config, index, configs.length, m.run);
        take();
        if (--left[c] === 0) finish(c);
      };
      worker.on('message', (m: WorkerMessage) => {
        if (over) return;
        // A callback that throws fails the run, as it would on one thread, instead of escaping the listener.
        try {
          receive(m);
        } catch (e) {
          fail(e);
        }
      });
      worker.on('messageerror', fail);
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!over) fail(new Error(`internal: matrix worker ${w} exited (code ${code}) before the matrix was done`));
      });
    }
  });
}
