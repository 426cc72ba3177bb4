// One worker of the figure-preset pool (preset-run.ts): loads the wasm module once and trains the jobs
// it is sent, one at a time. It trains as sweep.js's runJob does (create the experiment, train every
// step, evaluate, read the theory), but in chunks of about 50 ms with a turn of the event loop between
// them, so that a Pause is honoured within one chunk. The numbers do not depend on the chunking: every
// random number is keyed by (seed, purpose, step, prompt), not by call order.

import { loadIcl, type IclModule } from '../../wasm/icl.js';
import { hasStepsLeft, jobOutput, panelResult } from '../../wasm/sweep.js';
import { FIRST_CHUNK_STEPS, nextChunkSize, yieldToEventLoop } from './chunking.ts';
import type { FromPresetWorker, JobOutput, ToPresetWorker } from './preset-protocol.ts';

// The DOM and WebWorker libraries cannot be combined in one program (see worker.ts): this is the part
// of the dedicated worker scope this file needs, typed with the preset protocol.
interface PresetWorkerScope {
  postMessage(message: FromPresetWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToPresetWorker>) => void): void;
}
const scope = self as unknown as PresetWorkerScope;

const post = (message: FromPresetWorker) => scope.postMessage(message);

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The latest pause's generation while paused, null while running. */
let pausedGeneration: number | null = null;
let release: (() => void)[] = [];

function waitForResume(): Promise<void> {
  return new Promise((resolve) => release.push(resolve));
}

async function trainJob(icl: IclModule, index: number, config: unknown): Promise<JobOutput> {
  const experiment = icl.createExperiment(config);
  try {
    const totalSteps = experiment.totalSteps;
    let chunkSteps = FIRST_CHUNK_STEPS;
    while (hasStepsLeft(experiment)) {
      // A pause (or several) may have arrived during the last chunk: hold until resumed.
      while (pausedGeneration !== null) {
        post({ type: 'holding', index, generation: pausedGeneration, stepsDone: experiment.stepsDone });
        await waitForResume();
      }
      const started = performance.now();
      experiment.step(chunkSteps);
      chunkSteps = nextChunkSize(chunkSteps, performance.now() - started);
      post({ type: 'jobProgress', index, stepsDone: experiment.stepsDone, totalSteps });
      await yieldToEventLoop();
    }
    return jobOutput(experiment);
  } finally {
    experiment.delete();
  }
}

function handle(icl: IclModule, message: ToPresetWorker): void {
  switch (message.type) {
    case 'plan':
      try {
        const plans = message.configs.map((config) => icl.runPlan(config));
        post({ type: 'planned', totalSteps: plans.map((plan) => plan.totalSteps), costs: plans.map((plan) => plan.runMultiplyAdds) });
      } catch (error) {
        post({ type: 'failed', stage: 'plan', index: null, message: errorMessage(error) });
      }
      return;
    case 'job':
      trainJob(icl, message.index, message.config).then(
        (output) => post({ type: 'jobDone', index: message.index, output }),
        (error: unknown) => post({ type: 'failed', stage: 'job', index: message.index, message: errorMessage(error) }),
      );
      return;
    case 'pause':
      pausedGeneration = message.generation;
      return;
    case 'resume': {
      pausedGeneration = null;
      const waiting = release;
      release = [];
      waiting.forEach((resolve) => resolve());
      return;
    }
    case 'result':
      try {
        const { panel, jobs, outputs, quick, seconds } = message;
        post({ type: 'panelResult', result: panelResult(icl, panel, jobs, outputs, { quick, seconds }) });
      } catch (error) {
        post({ type: 'failed', stage: 'result', index: null, message: errorMessage(error) });
      }
      return;
  }
}

async function main(): Promise<void> {
  // The page sends nothing before `ready`, but queue anyway rather than drop a message.
  const pending: ToPresetWorker[] = [];
  let receive: (message: ToPresetWorker) => void = (message) => pending.push(message);
  scope.addEventListener('message', (event) => receive(event.data));
  let icl: IclModule;
  try {
    icl = await loadIcl();
  } catch (error) {
    post({ type: 'loadFailed', message: errorMessage(error) });
    return;
  }
  receive = (message) => handle(icl, message);
  post({ type: 'ready', buildId: icl.buildId });
  pending.splice(0).forEach(receive);
}

void main();
