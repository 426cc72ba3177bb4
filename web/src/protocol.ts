// The messages between the page (main thread) and the training worker. Both directions are
// discriminated unions on `type`, so every `switch` over them is checked for exhaustiveness.
// Everything crosses by structured clone: plain numbers and arrays only (typed arrays from the
// wasm module are copied into ordinary arrays first, see worker.ts).

import type { Config, ConfigSchema, Experiment, TheoryCurve, Verdict } from '../../wasm/icl.js';

/** What the page asks of the worker. */
export type ToWorker =
  /** Start a new run of `config` (unvalidated input; the worker runs it through normalizeConfig) and play it. */
  | { type: 'train'; config: unknown }
  /** Continue training (after a pause, a step, a reset or a stop). */
  | { type: 'play' }
  /** Hold after the current chunk of steps. */
  | { type: 'pause' }
  /** Train exactly `steps` more steps, then hold. */
  | { type: 'step'; steps: number }
  /** Back to step 0 with the same initialisation (the same config), held. */
  | { type: 'reset' }
  /** Evaluate the models as trained so far on the full evaluation set; Play continues afterwards. */
  | { type: 'stop' }
  /** Validate a config (e.g. a link's) without running it: the reply is 'validated' or 'configError'. */
  | { type: 'validate'; config: unknown };

/** A run's live state, after every chunk of steps. */
export interface LiveState {
  stepsDone: number;
  totalSteps: number;
  /** Per model; NaN before the first step. */
  lastTrainLoss: number[];
  /** The checkpoints of the live evaluation set so far (Experiment.checkpoints()). */
  checkpoints: { steps: number[]; risk: number[][] };
  divergence: Experiment['divergence'];
}

/** One named theory curve of the config (icl's theoryCurves), dense: at every integer n in [0, max n]. */
export interface DenseTheoryCurve {
  /** Stable identifier, e.g. "rag_exact", "rag_asymptotic", "wpgd_optimum". */
  name: string;
  /** What the curve is, as the validator's module words it; approximations say so. */
  label: string;
  /** The model's own theory (the first), a reference, or an approximation (icl's TheoryCurve.role). */
  role: TheoryCurve['role'];
  n: number[];
  risk: number[];
}

/**
 * The reduced form one trained model implements, y_hat = x^T W X^T (omega ⊙ y), beside the optimum: the
 * core's Experiment.readout, with plain arrays (the exports write them to JSON as they are).
 */
export interface ModelReadout {
  n: number;
  d: number;
  /**
   * The learned preconditioner W_eff (d x d, row-major), multiplied by the mean of the raw learned
   * sample weights: the reduced form is unchanged by W -> c W, omega -> omega / c, so this is the W that
   * goes with `learnedSampleWeights` normalised to mean 1, the convention of W* and omega*.
   */
  learnedPreconditioner: number[];
  /** The learned weight of each context token, index 0 = lag 1 (the most recent), normalised to mean 1. */
  learnedSampleWeights: number[];
  /** The mean of the raw learned sample weights (1 for attention); the factor used above. NaN if unusable. */
  sampleWeightScale: number;
  /** W* and omega* (mean 1) of the config's theory at this n; null if the module could not give them. */
  optimal: { preconditioner: number[]; sampleWeights: number[] } | null;
  /** ||W_eff - W*||_F / ||W*||_F with W_eff as above; null when undefined (no W*, ||W*|| = 0, non-finite). */
  relativeDistance: number | null;
}

/** A finished (or stopped, or diverged) run: what the chart, the table and the tests read. */
export interface TrainingResult {
  status: 'done' | 'stopped' | 'diverged';
  buildId: string;
  /** The normalised config the run used. */
  config: Config;
  /** Context length of each trained model, in bank order. */
  nValues: number[];
  stepsDone: number;
  totalSteps: number;
  /** Per model: empirical test risk E[(y - yhat)^2] on the fixed evaluation set; null for a diverged model. */
  empirical: (number | null)[];
  /** Per model: the theory of the config's own model at its n (the first of theoryCurves). */
  theory: number[];
  /** Every theory curve of the config, the model's own first, then the references. */
  theoryCurves: DenseTheoryCurve[];
  /** Per model, in bank order: what it learned beside the optimum. */
  readouts: ModelReadout[];
  /** Per model: whether it reached its theory, in words. */
  verdicts: Verdict[];
  divergence: Experiment['divergence'];
  /** The live evaluation set's checkpoints over the whole run, and its size. */
  checkpoints: { steps: number[]; risk: number[][] };
  livePrompts: number;
  /** Wall-clock seconds spent in training steps (not evaluation); for display only. */
  trainingSeconds: number;
}

/** What the worker tells the page. */
export type FromWorker =
  /** The wasm module is loaded; the schema builds the form, the defaults fill it. */
  | { type: 'ready'; buildId: string; defaults: Config; schema: ConfigSchema }
  /** The config of a 'validate' request is valid; this is it normalised. */
  | { type: 'validated'; config: Config }
  /** The module could not be loaded; nothing can run. */
  | { type: 'loadFailed'; message: string }
  /** normalizeConfig rejected the config; the message names the field and its allowed range. */
  | { type: 'configError'; message: string }
  /** The experiment exists (at step 0); theory is known before any step. `playing`: training begins. */
  | {
      type: 'started';
      config: Config;
      nValues: number[];
      totalSteps: number;
      theory: number[];
      theoryCurves: DenseTheoryCurve[];
      livePrompts: number;
      playing: boolean;
    }
  /** After each chunk of steps. */
  | ({ type: 'progress' } & LiveState)
  /** Training holds (a pause, or the end of a step). */
  | ({ type: 'paused' } & LiveState)
  /** Training has ended (finished or stopped) and the evaluation set is being scored. */
  | { type: 'evaluating'; stepsDone: number; totalSteps: number }
  | { type: 'result'; result: TrainingResult }
  /** An unexpected failure during a run (not a config error). The worker should be replaced. */
  | { type: 'runtimeError'; message: string };
