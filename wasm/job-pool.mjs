// Runs sweep jobs on a pool of Node worker threads, each with its own instance of the wasm module, so a
// panel uses every core. Results come back in job order, so they aggregate exactly as a serial run does
// (every job is deterministic on its own); they start costliest first (sweep.js's scheduleOrder). Node
// only; the page has its own pool of Web Workers.
import { Worker } from 'node:worker_threads';
import { scheduleOrder } from './sweep.js';

const workerUrl = new URL('./job-worker.mjs', import.meta.url);

/**
 * Runs `jobs` on `threads` workers, costliest first by `costs` (the core's runPlan of each job's config,
 * in job order; without it, in job order); onProgress(jobIndex, stepsDone, totalSteps) after each chunk of steps,
 * onDone(jobIndex) once a job's output is in. Resolves to the outputs, in job order.
 */
export function runJobsInPool(jobs, threads, { costs, onProgress = () => {}, onDone = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const outputs = new Array(jobs.length);
    const order = scheduleOrder(costs ?? jobs.map(() => 0));
    let next = 0;
    let finished = 0;
    let failed = false;
    const workers = [];
    const stopAll = () => workers.forEach((worker) => worker.terminate());
    const feed = (worker) => {
      if (next < jobs.length) {
        const index = order[next++];
        worker.postMessage({ index, job: jobs[index] });
      }
    };
    const count = Math.max(1, Math.min(threads, jobs.length));
    for (let w = 0; w < count; w++) {
      const worker = new Worker(workerUrl);
      workers.push(worker);
      worker.on('message', (message) => {
        if (message.type === 'progress') {
          onProgress(message.index, message.stepsDone, message.totalSteps);
        } else if (message.type === 'done') {
          outputs[message.index] = message.output;
          onDone(message.index);
          if (++finished === jobs.length) {
            stopAll();
            resolve(outputs);
          } else {
            feed(worker);
          }
        } else if (message.type === 'error' && !failed) {
          failed = true;
          stopAll();
          reject(new Error(message.message));
        }
      });
      worker.on('error', (error) => {
        if (!failed) {
          failed = true;
          stopAll();
          reject(error);
        }
      });
      feed(worker);
    }
  });
}
