// The training worker: owns the wasm module and one run at a time, trained in chunks of steps so that
// the page stays responsive and Pause, Step, Reset and Stop are seen between chunks.

import { loadIcl, type Config, type ConfigSchema, type Experiment, type IclModule } from '../../wasm/icl.js';
import { hasStepsLeft } from '../../wasm/sweep.js';
import { FIRST_CHUNK_STEPS, nextChunkSize, yieldToEventLoop } from './chunking.ts';
import type { DenseTheoryCurve, FromWorker, ModelReadout, ToWorker, TrainingResult } from './protocol.ts';

// The project's tsconfig uses the DOM library (the page is most of the code), and the DOM and
// WebWorker libraries cannot be combined in one program. This is the part of the dedicated worker
// scope this file needs, typed with our protocol.
interface TrainingWorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}
const scope = self as unknown as TrainingWorkerScope;

/** A Stop that arrived while a chunk ran: evaluate once the loop has ended. */
let stopAfterChunk = false;

const post = (message: FromWorker) => scope.postMessage(message);

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

const isConfigError = (error: unknown) => error instanceof Error && error.name === 'ConfigError';

/** Every theory curve of the config at every integer n in [0, maxN], for the chart's dotted lines. */
function denseTheoryCurves(icl: IclModule, config: Config, maxN: number): DenseTheoryCurve[] {
  const n = Array.from({ length: maxN + 1 }, (_, i) => i);
  return icl.theoryCurves(config, n).map((curve) => ({
    name: curve.name,
    label: curve.label,
    n,
    risk: Array.from(curve.values),
  }));
}

/** What model `index` learned beside W* and omega*, as the core normalises and compares them. */
function readModel(experiment: Experiment, index: number): ModelReadout {
  const readout = experiment.readout(index);
  const { optimal } = readout;
  return {
    n: readout.n,
    d: readout.d,
    learnedPreconditioner: Array.from(readout.learnedPreconditioner),
    learnedSampleWeights: Array.from(readout.learnedSampleWeights),
    sampleWeightScale: readout.sampleWeightScale,
    optimal: optimal && { preconditioner: Array.from(optimal.preconditioner), sampleWeights: Array.from(optimal.sampleWeights) },
    relativeDistance: readout.relativeDistance,
  };
}

/**
 * One run: an experiment and what the page needs to draw it. Training advances only while `playing`,
 * or for the steps a Step asked for; the core's numbers do not depend on how the steps are chunked,
 * so any pattern of pause, step and play gives the numbers of an uninterrupted run.
 */
interface Run {
  experiment: Experiment;
  config: Config;
  nValues: number[];
  totalSteps: number;
  theory: number[];
  theoryCurves: DenseTheoryCurve[];
  playing: boolean;
  /** Steps still to train for a Step request (0: none). */
  stepBudget: number;
  trainingMs: number;
  chunkSteps: number;
}

let run: Run | null = null;
let looping = false;

function liveState(current: Run) {
  const { experiment } = current;
  return {
    stepsDone: experiment.stepsDone,
    totalSteps: current.totalSteps,
    lastTrainLoss: Array.from(experiment.lastTrainLoss()),
    checkpoints: experiment.checkpoints(),
    divergence: experiment.divergence,
  };
}

/** Scores the models on the full evaluation set and posts the result; the run can continue after it. */
function finish(icl: IclModule, current: Run): void {
  const { experiment, nValues, totalSteps } = current;
  post({ type: 'evaluating', stepsDone: experiment.stepsDone, totalSteps });
  const evaluated = Array.from(experiment.evaluate());
  const verdicts = experiment.verdicts(evaluated);
  const readouts = nValues.map((_, index) => readModel(experiment, index));
  const divergence = experiment.divergence;
  const result: TrainingResult = {
    status: divergence ? 'diverged' : experiment.stepsDone < totalSteps ? 'stopped' : 'done',
    buildId: icl.buildId,
    config: experiment.config,
    nValues,
    stepsDone: experiment.stepsDone,
    totalSteps,
    // A diverged run has no risk to show: null, never NaN or a meaningless huge number.
    empirical: evaluated.map((value, i) => (Number.isFinite(value) && verdicts[i]?.kind !== 'diverged' ? value : null)),
    theory: current.theory,
    theoryCurves: current.theoryCurves,
    readouts,
    verdicts,
    divergence,
    checkpoints: experiment.checkpoints(),
    livePrompts: experiment.livePrompts,
    trainingSeconds: current.trainingMs / 1000,
  };
  post({ type: 'result', result });
}

/** Trains in chunks while the run plays or has Step budget left, posting live progress after each. */
async function loop(icl: IclModule): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    while (run && (run.playing || run.stepBudget > 0) && hasStepsLeft(run.experiment)) {
      const current = run;
      const chunk = current.stepBudget > 0 ? Math.min(current.stepBudget, current.chunkSteps) : current.chunkSteps;
      const before = current.experiment.stepsDone;
      const started = performance.now();
      current.experiment.step(chunk);
      const elapsedMs = performance.now() - started;
      current.trainingMs += elapsedMs;
      if (current.stepBudget > 0) current.stepBudget = Math.max(0, current.stepBudget - (current.experiment.stepsDone - before));
      else current.chunkSteps = nextChunkSize(current.chunkSteps, elapsedMs);
      post({ type: 'progress', ...liveState(current) });
      if (!hasStepsLeft(current.experiment)) {
        current.playing = false;
        finish(icl, current);
        return;
      }
      // Lets a Pause, Step, Reset or Stop message in before the next chunk.
      await yieldToEventLoop();
    }
    // Held by a Pause or at the end of a Step (a Stop evaluates instead, see the caller).
    if (run && !run.playing && !stopAfterChunk && hasStepsLeft(run.experiment)) post({ type: 'paused', ...liveState(run) });
  } finally {
    looping = false;
  }
}

function start(icl: IclModule, rawConfig: unknown, play: boolean): void {
  let config: Config;
  try {
    config = icl.normalizeConfig(rawConfig);
  } catch (error) {
    if (isConfigError(error)) {
      post({ type: 'configError', message: errorMessage(error) });
      return;
    }
    throw error;
  }
  run?.experiment.delete();
  run = null;
  const experiment = icl.createExperiment(config);
  const nValues = [...experiment.nValues];
  const theory = Array.from(experiment.theory());
  const theoryCurves = denseTheoryCurves(icl, config, Math.max(...nValues));
  run = {
    experiment, config, nValues, totalSteps: experiment.totalSteps, theory, theoryCurves,
    playing: play, stepBudget: 0, trainingMs: 0, chunkSteps: FIRST_CHUNK_STEPS,
  };
  post({
    type: 'started', config, nValues, totalSteps: run.totalSteps, theory, theoryCurves,
    livePrompts: experiment.livePrompts, playing: play,
  });
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
      case 'train':
        start(icl, message.config, true);
        break;
      case 'reset':
        // The same config again: the same initialisation, back at step 0, paused.
        if (run) start(icl, run.config, false);
        return;
      case 'play':
        if (run) run.playing = true;
        break;
      case 'pause':
        if (run) {
          run.playing = false;
          run.stepBudget = 0;
          if (!looping) post({ type: 'paused', ...liveState(run) });
        }
        return;
      case 'step':
        if (run) {
          run.playing = false;
          run.stepBudget = Math.max(1, Math.floor(message.steps));
        }
        break;
      case 'stop':
        // Evaluate the models as trained so far; Play continues from here.
        if (run) {
          run.playing = false;
          run.stepBudget = 0;
          if (!looping) finish(icl, run);
          else stopAfterChunk = true;
        }
        return;
      case 'validate':
        try {
          post({ type: 'validated', config: icl.normalizeConfig(message.config) });
        } catch (error) {
          if (!isConfigError(error)) throw error;
          post({ type: 'configError', message: errorMessage(error) });
        }
        return;
    }
    void loop(icl)
      .then(() => {
        if (stopAfterChunk && run) {
          stopAfterChunk = false;
          finish(icl, run);
        }
      })
      .catch((error: unknown) => post({ type: 'runtimeError', message: errorMessage(error) }));
  };
  let schema: ConfigSchema;
  try {
    schema = icl.configSchema();
  } catch (error) {
    post({ type: 'loadFailed', message: `the module could not describe its config: ${errorMessage(error)}` });
    return;
  }
  post({ type: 'ready', buildId: icl.buildId, defaults: icl.defaultConfig(), schema });
  pending.splice(0).forEach((message) => handle(message));
}

void main();
