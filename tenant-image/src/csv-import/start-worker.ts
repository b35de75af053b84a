// Starts one of this folder's worker entries (import-worker, parse-worker) with resource limits.
// In dist the entries are .js. Under tsx (tests, benchmarks) they are .ts, and Node 20 does not
// pass tsx's loader hooks on to workers, so the worker registers tsx first.
import { Worker, type ResourceLimits } from 'node:worker_threads';

export type WorkerEntry = 'import-worker' | 'parse-worker';

export function startWorker(entry: WorkerEntry, workerData: unknown, resourceLimits: ResourceLimits): Worker {
  const options = { workerData, resourceLimits };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${entry}.js`, import.meta.url), options);
  const url = JSON.stringify(new URL(`./${entry}.ts`, import.meta.url).href);
  const tsxApi = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsxApi}).then((tsx) => { tsx.register(); return import(${url}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
