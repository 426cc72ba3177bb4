// The training worker: owns the wasm module and runs one experiment at a time, in chunks of steps,
// so that the page stays responsive and a Stop message is seen between chunks.

import { loadIcl, type Config, type ConfigSchema, type Experiment, type IclModule } from '../../wasm/icl.js';
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

let stopRequested = false;
let running = false;

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

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** ||a - b||_F / ||b||_F, or null when it is not a finite number. */
function relativeFrobeniusDistance(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length || a.length === 0) return null;
  let difference = 0;
  let reference = 0;
  for (let i = 0; i < a.length; i++) {
    difference += ((a[i] ?? Number.NaN) - (b[i] ?? Number.NaN)) ** 2;
    reference += (b[i] ?? Number.NaN) ** 2;
  }
  const ratio = Math.sqrt(difference) / Math.sqrt(reference);
  return reference > 0 && Number.isFinite(ratio) ? ratio : null;
}

/**
 * What model `index` learned, in the reduced form y_hat = x^T W X^T (omega ⊙ y), beside W* and omega*.
 * The form is invariant under W -> c W, omega -> omega / c; W* and omega* fix the scale by mean(omega*) = 1,
 * so the learned omega is divided by its mean and W_eff multiplied by it before they are compared.
 */
function readModel(icl: IclModule, experiment: Experiment, config: Config, index: number, n: number): ModelReadout {
  const rawWeights = Array.from(experiment.sampleWeights(index));
  const rawPreconditioner = Array.from(experiment.effectiveWeights(index));
  const scale = rawWeights.length > 0 ? mean(rawWeights) : Number.NaN;
  // A mean of (nearly) zero has no meaningful normalisation: keep the raw values and say so (NaN scale).
  const usable = Number.isFinite(scale) && Math.abs(scale) > 1e-12;
  const learnedSampleWeights = usable ? rawWeights.map((w) => w / scale) : rawWeights;
  const learnedPreconditioner = usable ? rawPreconditioner.map((w) => w * scale) : rawPreconditioner;
  let optimal: ModelReadout['optimal'] = null;
  try {
    const weights = icl.optimalWeights(config, n);
    optimal = { preconditioner: Array.from(weights.preconditioner), sampleWeights: Array.from(weights.sampleWeights) };
  } catch {
    // Leaves the optimum out of the view rather than losing the run's result.
  }
  return {
    n,
    d: config.d,
    learnedPreconditioner,
    learnedSampleWeights,
    sampleWeightScale: usable ? scale : Number.NaN,
    optimal,
    relativeDistance: optimal ? relativeFrobeniusDistance(learnedPreconditioner, optimal.preconditioner) : null,
  };
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
    const theoryCurves = denseTheoryCurves(icl, config, Math.max(...nValues));
    post({ type: 'started', config, nValues, totalSteps, theory, theoryCurves });

    let chunkSteps = FIRST_CHUNK_STEPS;
    let trainingMs = 0;
    while (experiment.stepsDone < totalSteps && !experiment.divergence && !stopRequested) {
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
    const empirical = Array.from(experiment.evaluate());
    // Read out before delete() frees the weights.
    const readouts = nValues.map((n, index) => readModel(icl, experiment, experiment.config, index, n));
    const result: TrainingResult = {
      status: stepsDone < totalSteps ? 'stopped' : 'done',
      buildId: icl.buildId,
      config: experiment.config,
      nValues,
      stepsDone,
      totalSteps,
      empirical,
      theory,
      theoryCurves,
      readouts,
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
      case 'validate':
        try {
          post({ type: 'validated', config: icl.normalizeConfig(message.config) });
        } catch (error) {
          if (!isConfigError(error)) throw error;
          post({ type: 'configError', message: errorMessage(error) });
        }
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
