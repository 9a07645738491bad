/**
 * The worker threads of a parallel exploration: starting them (startWorker.ts: from the TypeScript sources in
 * development, from dist/exploreWorker.js in the built package), and one request, one reply
 * per worker at a time. Each worker rebuilds the system from its recipe (a built-in scenario's name,
 * revision and sizes): XState machines cannot cross a thread boundary, and a machine is deterministic,
 * so the rebuilt system is the same system. A user's model is bundled when it is loaded
 * (src/cli/model.ts) and its runs stay on one thread.
 */
import type { Worker } from 'node:worker_threads';
import type { ActorTableOptions } from '../compose/actorTable.ts';
import { startWorker } from './startWorker.ts';

/** How a worker rebuilds the system: a built-in scenario (src/builtinScenarios.ts) by name, at a revision and sizes. */
export interface SystemRecipe {
  readonly scenario: string;
  readonly revision: string | undefined;
  readonly sizes: Readonly<Record<string, number>>;
  readonly table?: Partial<ActorTableOptions>;
}

/** A message to a worker; its reply comes back as the resolved value. */
export interface Request {
  readonly type: string;
  readonly [field: string]: unknown;
}

/**
 * What the parallel levels need of their threads (parallelExplore.ts): one request, one reply per thread. A
 * WorkerPool is worker_threads; a test gives threads that run in its own, on a schedule of its choosing
 * (test/fixtures/scheduledThreads.ts), so that an interleaving found once can be run again.
 */
export interface Threads {
  /** Resolves once every thread has built its system. */
  readonly ready: Promise<unknown>;
  readonly size: number;
  /** Sends `msg(i)` to every thread i; resolves with their replies in thread order. */
  all<T>(msg: (i: number) => Request): Promise<T[]>;
  close(): Promise<void>;
}

/** Starts `count` threads, each given `init` (its recipe and the invariants' reads). */
export type ThreadsFactory = (count: number, init: Request) => Threads;

export const workerThreads: ThreadsFactory = (count, init) => new WorkerPool(count, init);

export class WorkerPool implements Threads {
  private readonly workers: Worker[] = [];
  private readonly waiting: { resolve: (v: unknown) => void; reject: (e: unknown) => void }[][] = [];
  private failed: unknown;
  /** Resolves once every worker has built its system. */
  readonly ready: Promise<unknown[]>;

  constructor(count: number, init: Request) {
    const ready: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const w = startWorker('exploreWorker', init);
      const queue: { resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
      // The first message a worker sends says it is ready.
      ready.push(new Promise((resolve, reject) => queue.push({ resolve, reject })));
      w.on('message', (m: unknown) => queue.shift()?.resolve(m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (queue.length) this.fail(new Error(`internal: exploration worker ${i} exited (code ${code}) with requests pending`));
      });
      this.workers.push(w);
      this.waiting.push(queue);
    }
    this.ready = Promise.all(ready);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Sends `msg(i)` to every worker i; resolves with their replies in worker order. */
  all<T>(msg: (i: number) => Request): Promise<T[]> {
    return Promise.all(this.workers.map((_, i) => this.send<T>(i, msg(i))));
  }

  send<T>(i: number, msg: Request): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.waiting[i].push({ resolve: resolve as (v: unknown) => void, reject });
      this.workers[i].postMessage(msg);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(e: unknown): void {
    this.failed ??= e;
    for (const q of this.waiting) for (const p of q.splice(0)) p.reject(e);
  }
}
