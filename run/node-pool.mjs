// Runs presets' jobs on a pool of Node worker threads (the command line's pool), each with its own instance
// of the wasm module, so a run uses every core: run/pool.js schedules them, as on the page.
import { Worker } from 'node:worker_threads';
import { JobPool } from './pool.js';

const workerUrl = new URL('./node-job-worker.mjs', import.meta.url);

function spawnThread() {
  const worker = new Worker(workerUrl);
  return {
    post: (message) => worker.postMessage(message),
    terminate: () => void worker.terminate(),
    onMessage: (handler) => worker.on('message', handler),
    onError: (handler) => worker.on('error', (error) => handler(error?.message ?? String(error))),
  };
}

/**
 * Runs `jobs` on `threads` worker threads, costliest first; onProgress(snapshot) on every change of
 * progress (run/pool.js's PoolSnapshot), onDone(jobIndex) once a job's output is in. Resolves to the
 * outputs, in job order.
 */
export function runJobsInPool(jobs, threads, { onProgress = () => {}, onDone = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    new JobPool(jobs, {
      spawn: spawnThread,
      size: threads,
      listener: {
        update: onProgress,
        report: (index, report) => {
          if (!report.estimate) onDone(index);
        },
        done: resolve,
        failed: (message) => reject(new Error(message)),
      },
    });
  });
}
