/**
 * The entry of one exploration worker thread (started by workerPool.ts, driven by parallelExplore.ts): it
 * rebuilds the system from its recipe and answers each request with what workerSide.ts does, one reply per
 * request, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { WorkerSide, workerSystem, type WorkerInit } from './workerSide.ts';
import type { Request } from './workerPool.ts';

const init = workerData as WorkerInit;
const port = parentPort!;
const side = new WorkerSide(workerSystem(init.recipe), init.reads);

port.on('message', (m: Request) => port.postMessage(side.handle(m)));
port.postMessage({ ready: true });
