import type { IclModule } from '../wasm/icl.js';
import type { FromJobWorker, ToJobWorker } from './job-protocol.js';

/** The handler of a pool's messages for one worker; `post` sends the worker's answers. */
export function serveJobs(icl: IclModule, post: (message: FromJobWorker) => void): (message: ToJobWorker) => void;
