// The messages between a job pool (run/pool.js, on the page's main thread or in the command line) and
// its workers (run/job-server.js, in a Web Worker or a Node worker thread). Both directions are
// discriminated unions on `type`; everything crosses by structured clone.
//
// A run: the pool sends `plan` (and, for a figure preset, `theory`) to the first worker that is ready,
// then one `job` at a time to each idle worker, costliest first. A worker trains its job in chunks
// (run/training-run.js), posting `jobProgress` after each chunk (with the latest checkpoint's live
// risks when a new one was recorded) and `jobDone` at the end. `pause` makes a worker hold before its
// next chunk (it answers `holding`); `resume` releases it.
import type { CurveTheory, Job, JobOutput, Preset } from './preset.js';

export type ToJobWorker =
  /** The steps and cost (multiply-adds) of each config, from the core's runPlan; also validates them. */
  | { type: 'plan'; configs: unknown[] }
  /** The theory of a resolved preset (preset.js's presetTheory), drawn before any job ends. */
  | { type: 'theory'; preset: Preset; jobs: Job[] }
  /** Train job `index` (the pool keeps the job list; the worker needs only its config). */
  | { type: 'job'; index: number; config: unknown }
  /** Hold before the next chunk until `resume`. `generation` counts the pool's pauses, so an answer to
   *  an earlier pause is never mistaken for an answer to this one. */
  | { type: 'pause'; generation: number }
  | { type: 'resume' };

/** A running job's latest checkpoint: its step and the live risk of each of its models. */
export interface CheckpointEstimate {
  step: number;
  risk: number[];
}

export type FromJobWorker =
  | { type: 'ready'; buildId: string }
  | { type: 'loadFailed'; message: string }
  | { type: 'planned'; totalSteps: number[]; costs: number[] }
  | { type: 'theory'; theory: CurveTheory[] }
  /** After each chunk of job `index`; `estimate` when a new checkpoint was recorded in it. */
  | { type: 'jobProgress'; index: number; stepsDone: number; totalSteps: number; estimate: CheckpointEstimate | null }
  /** Job `index` holds between two chunks after pause number `generation`. */
  | { type: 'holding'; index: number; generation: number; stepsDone: number }
  | { type: 'jobDone'; index: number; output: JobOutput }
  /** A plan, the theory or a job failed (an invalid config, or the module failed); the run is over. */
  | { type: 'failed'; stage: 'plan' | 'theory' | 'job'; index: number | null; message: string };
