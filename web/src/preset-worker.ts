// One worker of the figure-preset pool (preset-run.ts): the job server of the run layer
// (run/job-server.js) behind this worker's message port.

import { loadIcl, type IclModule } from '../../wasm/icl.js';
import type { FromJobWorker, ToJobWorker } from '../../run/job-protocol.js';
import { serveJobs } from '../../run/job-server.js';

// The DOM and WebWorker libraries cannot be combined in one program (see worker.ts): this is the part
// of the dedicated worker scope this file needs, typed with the job protocol.
interface JobWorkerScope {
  postMessage(message: FromJobWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToJobWorker>) => void): void;
}
const scope = self as unknown as JobWorkerScope;
const post = (message: FromJobWorker) => scope.postMessage(message);

async function main(): Promise<void> {
  // The pool sends nothing before `ready`, but queue anyway rather than drop a message.
  const pending: ToJobWorker[] = [];
  let receive: (message: ToJobWorker) => void = (message) => pending.push(message);
  scope.addEventListener('message', (event) => receive(event.data));
  let icl: IclModule;
  try {
    icl = await loadIcl();
  } catch (error) {
    post({ type: 'loadFailed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  receive = serveJobs(icl, post);
  post({ type: 'ready', buildId: icl.buildId });
  pending.splice(0).forEach(receive);
}

void main();
