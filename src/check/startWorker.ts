/**
 * Starting a worker thread of the checker: from the TypeScript sources through tsx's loader in development, from
 * dist/ in the built package. Its own module, out of the declarations the package publishes (workerPool.ts is
 * in them), since its signature names node:worker_threads' Worker, which a user's TypeScript may not have types for.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker whose entry is `entry` (a module beside this one: exploreWorker, matrixWorker), from the
 * TypeScript sources in development and from dist/ in the built package.
 */
export function startWorker(entry: string, workerData: unknown): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const file = new URL(`./${entry}${fromSources ? '.ts' : '.js'}`, import.meta.url);
  return fromSources ? tsxWorker(file, workerData) : new Worker(file, { workerData });
}

/**
 * A worker running a .ts module: tsx's loader, registered inside the worker, since Node 20 does not pass
 * a parent's module hooks on to its workers (and a test runner may have loaded tsx without them).
 */
function tsxWorker(file: URL, init: unknown): Worker {
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}
