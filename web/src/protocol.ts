// The messages between the page (main thread) and the training worker. Both directions are
// discriminated unions on `type`, so every `switch` over them is checked for exhaustiveness.
// Everything crosses by structured clone: plain numbers and arrays only (typed arrays from the
// wasm module are copied into ordinary arrays first, see worker.ts).

import type { Config } from '../../wasm/icl.js';

/** What the page asks of the worker. */
export type ToWorker =
  /** Train a bank of models. `config` is unvalidated input; the worker runs it through normalizeConfig. */
  | { type: 'train'; config: unknown }
  /** Stop the running training after the current chunk of steps and evaluate the models as they are. */
  | { type: 'stop' };

/** The dense theory curve L*(n) at every integer n in [0, max n]. */
export interface TheoryCurve {
  n: number[];
  risk: number[];
}

/** A finished (or stopped) run: what the chart, the table and the tests read. */
export interface TrainingResult {
  status: 'done' | 'stopped';
  buildId: string;
  /** The normalised config the run used. */
  config: Config;
  /** Context length of each trained model, in bank order. */
  nValues: number[];
  stepsDone: number;
  totalSteps: number;
  /** Per model: empirical test risk E[(y - yhat)^2] on the fixed evaluation set. */
  empirical: number[];
  /** Per model: the optimal preconditioned-GD risk L*(n). */
  theory: number[];
  theoryCurve: TheoryCurve;
  /** Wall-clock seconds spent in training steps (not evaluation); for display only. */
  trainingSeconds: number;
}

/** What the worker tells the page. */
export type FromWorker =
  /** The wasm module is loaded; the defaults seed the form. */
  | { type: 'ready'; buildId: string; defaults: Config }
  /** The module could not be loaded; nothing can run. */
  | { type: 'loadFailed'; message: string }
  /** normalizeConfig rejected the config; the message names the field and its allowed range. */
  | { type: 'configError'; message: string }
  /** The experiment exists and training begins; theory is known before any step. */
  | {
      type: 'started';
      config: Config;
      nValues: number[];
      totalSteps: number;
      theory: number[];
      theoryCurve: TheoryCurve;
    }
  /** After each chunk of steps. lastTrainLoss is per model, NaN before the first step. */
  | { type: 'progress'; stepsDone: number; totalSteps: number; lastTrainLoss: number[] }
  /** Training has ended (finished or stopped) and the evaluation set is being scored. */
  | { type: 'evaluating'; stepsDone: number; totalSteps: number }
  | { type: 'result'; result: TrainingResult }
  /** An unexpected failure during a run (not a config error). The worker should be replaced. */
  | { type: 'runtimeError'; message: string };
