// The training worker: owns the wasm module and runs one experiment at a time, in chunks of steps,
// so that the page stays responsive and a Stop message is seen between chunks.

import { loadIcl, type Experiment, type IclModule } from '../../wasm/icl.js';
import type { FromWorker, TheoryCurve, ToWorker, TrainingResult } from './protocol.ts';

// The project's tsconfig uses the DOM library (the page is most of the code), and the DOM and
// WebWorker libraries cannot be combined in one program. This is the part of the dedicated worker
// scope this file needs, typed with our protocol.
interface TrainingWorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}
const scope = self as unknown as TrainingWorkerScope;

/** A chunk should take about this long: short enough for a prompt Stop and smooth progress,
 *  long enough that the per-chunk overhead (messages, timers) stays negligible. */
const TARGET_CHUNK_MS = 50;
const FIRST_CHUNK_STEPS = 5;
const MAX_CHUNK_STEPS = 5000;

let stopRequested = false;
let running = false;

const post = (message: FromWorker) => scope.postMessage(message);

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

const isConfigError = (error: unknown) => error instanceof Error && error.name === 'ConfigError';

/** Lets the worker's event loop run queued tasks (a Stop message) before the next chunk. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Scales the chunk so its duration approaches TARGET_CHUNK_MS; growth is capped at 4x per chunk
 *  so one unusually fast chunk cannot make the next one take seconds. */
function nextChunkSize(steps: number, elapsedMs: number): number {
  const scaled = elapsedMs > 0 ? (steps * TARGET_CHUNK_MS) / elapsedMs : steps * 4;
  return Math.max(1, Math.min(MAX_CHUNK_STEPS, Math.round(Math.min(scaled, steps * 4))));
}

function denseTheoryCurve(icl: IclModule, config: unknown, maxN: number): TheoryCurve {
  const n = Array.from({ length: maxN + 1 }, (_, i) => i);
  return { n, risk: Array.from(icl.theoryCurve(config, n)) };
}

async function train(icl: IclModule, rawConfig: unknown): Promise<void> {
  let config;
  try {
    config = icl.normalizeConfig(rawConfig);
  } catch (error) {
    if (isConfigError(error)) {
      post({ type: 'configError', message: errorMessage(error) });
      return;
    }
    throw error;
  }

  const experiment: Experiment = icl.createExperiment(config);
  try {
    const nValues = [...experiment.nValues];
    const totalSteps = experiment.totalSteps;
    const theory = Array.from(experiment.theory());
    const theoryCurve = denseTheoryCurve(icl, config, Math.max(...nValues));
    post({ type: 'started', config, nValues, totalSteps, theory, theoryCurve });

    let chunkSteps = FIRST_CHUNK_STEPS;
    let trainingMs = 0;
    while (experiment.stepsDone < totalSteps && !stopRequested) {
      const chunkStart = performance.now();
      experiment.step(chunkSteps);
      const elapsedMs = performance.now() - chunkStart;
      trainingMs += elapsedMs;
      chunkSteps = nextChunkSize(chunkSteps, elapsedMs);
      post({
        type: 'progress',
        stepsDone: experiment.stepsDone,
        totalSteps,
        lastTrainLoss: Array.from(experiment.lastTrainLoss()),
      });
      await yieldToEventLoop();
    }

    const stepsDone = experiment.stepsDone;
    post({ type: 'evaluating', stepsDone, totalSteps });
    const result: TrainingResult = {
      status: stepsDone < totalSteps ? 'stopped' : 'done',
      buildId: icl.buildId,
      config: experiment.config,
      nValues,
      stepsDone,
      totalSteps,
      empirical: Array.from(experiment.evaluate()),
      theory,
      theoryCurve,
      trainingSeconds: trainingMs / 1000,
    };
    post({ type: 'result', result });
  } finally {
    experiment.delete();
  }
}

async function main(): Promise<void> {
  let icl: IclModule;
  // Messages that arrive while the module loads are queued and handled once it is ready.
  const pending: ToWorker[] = [];
  let handle: (message: ToWorker) => void = (message) => pending.push(message);
  scope.addEventListener('message', (event) => handle(event.data));

  try {
    icl = await loadIcl();
  } catch (error) {
    post({ type: 'loadFailed', message: errorMessage(error) });
    return;
  }

  handle = (message) => {
    switch (message.type) {
      case 'stop':
        stopRequested = true;
        return;
      case 'train':
        if (running) {
          post({ type: 'runtimeError', message: 'A training run is already in progress.' });
          return;
        }
        running = true;
        stopRequested = false;
        train(icl, message.config)
          .catch((error: unknown) => post({ type: 'runtimeError', message: errorMessage(error) }))
          .finally(() => {
            running = false;
          });
        return;
    }
  };
  post({ type: 'ready', buildId: icl.buildId, defaults: icl.defaultConfig() });
  pending.splice(0).forEach((message) => handle(message));
}

void main();
