// One thread of run/node-pool.mjs: the job server (job-server.js) behind a Node message port.
import { parentPort } from 'node:worker_threads';
import { loadIcl } from '../wasm/icl.js';
import { serveJobs } from './job-server.js';

const post = (message) => parentPort.postMessage(message);
let icl;
try {
  icl = await loadIcl();
} catch (error) {
  post({ type: 'loadFailed', message: error?.message ?? String(error) });
}
if (icl) {
  parentPort.on('message', serveJobs(icl, post));
  post({ type: 'ready', buildId: icl.buildId });
}
