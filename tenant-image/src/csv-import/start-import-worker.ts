// Starts the app's import worker on import-worker's entry file.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { sharedWriteWaiters } from '../db/write-turns.js';
import type { ImportWorkerData, ImportWorkerStart } from './worker-protocol.js';

/**
 * In dist this module and its sibling are .js. Under tsx (tests, benchmarks) they are .ts, and
 * Node 20 does not pass tsx's loader hooks on to workers, so the worker registers tsx first.
 */
export function startImportWorker(data: ImportWorkerData, resourceLimits: ResourceLimits): Worker {
  const workerData: ImportWorkerStart = { data, writeWaiters: sharedWriteWaiters() };
  const options = { workerData, resourceLimits };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./import-worker.js', import.meta.url), options);
  const entry = JSON.stringify(new URL('./import-worker.ts', import.meta.url).href);
  const tsxApi = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsxApi}).then((tsx) => { tsx.register(); return import(${entry}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
