// The messages between the page (main thread, preset-run.ts) and the workers of the figure-preset
// pool (preset-worker.ts). Both directions are discriminated unions on `type`. Everything crosses by
// structured clone: plain objects, numbers and arrays.
//
// A run: the page sends `plan` to the first worker that is ready (the step count of every job, so one
// progress bar covers the whole panel), then one `job` at a time to each idle worker, in job order.
// Each worker trains its job in chunks of steps, posting `jobProgress` after each chunk and `jobDone`
// at the end. `pause` makes a worker hold before its next chunk (it answers `holding`); `resume`
// releases it. When every job is done, the page sends `result` (the outputs in job order) to one
// worker, which combines them with sweep.js's panelResult (it needs the module for the theory lines).

import type { Job, JobOutput, Panel, PanelResult } from '../../wasm/sweep.js';

/** What runJob returns for one job (sweep.js's jobOutput). */
export type { JobOutput } from '../../wasm/sweep.js';

/** What the page asks of a preset worker. */
export type ToPresetWorker =
  /** The number of training steps of each config (LoRA's pretraining included); also validates them. */
  | { type: 'plan'; configs: unknown[] }
  /** Train job `index` of the panel (the page keeps the job list; the worker needs only its config). */
  | { type: 'job'; index: number; config: unknown }
  /** Hold before the next chunk of steps until `resume`. `generation` counts the page's pauses, so an
   *  answer to an earlier pause is never mistaken for an answer to this one. */
  | { type: 'pause'; generation: number }
  | { type: 'resume' }
  /** Combine the outputs (in job order) into the panel's result, with theory lines and fidelity. */
  | { type: 'result'; panel: Panel; jobs: Job[]; outputs: JobOutput[]; quick: boolean; seconds: number };

/** What a preset worker tells the page. */
export type FromPresetWorker =
  /** The wasm module is loaded; the worker takes messages. */
  | { type: 'ready'; buildId: string }
  | { type: 'loadFailed'; message: string }
  /** Per config of `plan`, in order: the steps a job trains (Experiment.totalSteps). */
  | { type: 'planned'; totalSteps: number[]; costs: number[] }
  /** After each chunk of steps of job `index`. */
  | { type: 'jobProgress'; index: number; stepsDone: number; totalSteps: number }
  /** Job `index` is held between two chunks after pause number `generation`. */
  | { type: 'holding'; index: number; generation: number; stepsDone: number }
  | { type: 'jobDone'; index: number; output: JobOutput }
  | { type: 'panelResult'; result: PanelResult }
  /** A plan, a job or the result failed (an invalid config, or the module failed); the run is over. */
  | { type: 'failed'; stage: 'plan' | 'job' | 'result'; index: number | null; message: string };
