// The training worker: owns the wasm module and one run at a time, trained in chunks of steps so that
// the page stays responsive and Pause, Step, Reset and Stop are seen between chunks.

import { loadIcl, type Config, type ConfigSchema, type Experiment, type IclModule } from '../../wasm/icl.js';
import { TrainingRun } from '../../run/training-run.js';
import type { DenseTheoryCurve, FromWorker, ModelReadout, ToWorker, TrainingResult } from './protocol.ts';

// The project's tsconfig uses the DOM library (the page is most of the code), and the DOM and
// WebWorker libraries cannot be combined in one program. This is the part of the dedicated worker
// scope this file needs, typed with our protocol.
interface TrainingWorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}
const scope = self as unknown as TrainingWorkerScope;

const post = (message: FromWorker) => scope.postMessage(message);

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

const isConfigError = (error: unknown) => error instanceof Error && error.name === 'ConfigError';

/** Every theory curve of the config at every integer n in [0, maxN], for the chart's dotted lines. */
function denseTheoryCurves(icl: IclModule, config: Config, maxN: number): DenseTheoryCurve[] {
  const n = Array.from({ length: maxN + 1 }, (_, i) => i);
  return icl.theoryCurves(config, n).map((curve) => ({
    name: curve.name,
    label: curve.label,
    role: curve.role,
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
 * One run: an experiment, its training loop (run/training-run.js: it trains only while playing, or for
 * the steps a Step asked for) and what the page needs to draw it. The core's numbers do not depend on
 * how the steps are chunked, so any pattern of pause, step and play gives an uninterrupted run's.
 */
interface Run {
  experiment: Experiment;
  config: Config;
  nValues: number[];
  totalSteps: number;
  theory: number[];
  theoryCurves: DenseTheoryCurve[];
  training: TrainingRun;
}

let run: Run | null = null;
/** Whether loop() is waiting for the training loop (a second call then only changes what it wants). */
let looping = false;
/** A Stop that arrived while a chunk ran: evaluate once the loop has ended. */
let stopAfterChunk = false;

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
    trainingSeconds: current.training.trainingMs / 1000,
  };
  post({ type: 'result', result });
}

/** Trains while the run plays or has Step budget left, posting live progress after each chunk; then
 *  evaluates (at the end of training, or after a Stop) or says it holds (a Pause, or a Step done). */
async function loop(icl: IclModule): Promise<void> {
  const current = run;
  if (!current || looping) return;
  looping = true;
  let outcome: 'finished' | 'held' | 'cancelled';
  try {
    outcome = await current.training.advance(() => post({ type: 'progress', ...liveState(current) }));
  } finally {
    looping = false;
  }
  // A Reset or a new Train replaced the run meanwhile: train that one, if it wants to.
  if (outcome === 'cancelled' || run !== current) {
    if (run?.training.wantsToTrain) await loop(icl);
    return;
  }
  if (stopAfterChunk || outcome === 'finished') {
    stopAfterChunk = false;
    current.training.pause();
    finish(icl, current);
    return;
  }
  post({ type: 'paused', ...liveState(current) });
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
  if (run) {
    run.training.cancel();
    run.experiment.delete();
  }
  run = null;
  const experiment = icl.createExperiment(config);
  const nValues = [...experiment.nValues];
  const theory = Array.from(experiment.theory());
  const theoryCurves = denseTheoryCurves(icl, config, Math.max(...nValues));
  run = {
    experiment,
    config,
    nValues,
    totalSteps: experiment.totalSteps,
    theory,
    theoryCurves,
    training: new TrainingRun(experiment, { playing: play }),
  };
  post({
    type: 'started',
    config,
    nValues,
    totalSteps: run.totalSteps,
    theory,
    theoryCurves,
    livePrompts: experiment.livePrompts,
    playing: play,
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
        run?.training.play();
        break;
      case 'pause':
        if (run) {
          run.training.pause();
          if (!looping) post({ type: 'paused', ...liveState(run) });
        }
        return;
      case 'step':
        run?.training.requestSteps(message.steps);
        break;
      case 'stop':
        // Evaluate the models as trained so far; Play continues from here.
        if (run) {
          run.training.pause();
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
    void loop(icl).catch((error: unknown) => post({ type: 'runtimeError', message: errorMessage(error) }));
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
