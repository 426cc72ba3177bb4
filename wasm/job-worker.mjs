// One thread of wasm/job-pool.mjs: trains the jobs it is sent and posts their outputs.
import { parentPort } from 'node:worker_threads';
import { loadIcl } from './icl.js';
import { runJob } from './sweep.js';

const icl = await loadIcl();
parentPort.on('message', ({ index, job }) => {
  try {
    const output = runJob(icl, job, (stepsDone, totalSteps) => parentPort.postMessage({ type: 'progress', index, stepsDone, totalSteps }));
    parentPort.postMessage({ type: 'done', index, output });
  } catch (error) {
    parentPort.postMessage({ type: 'error', index, message: error.message ?? String(error) });
  }
});
