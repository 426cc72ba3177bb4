// Typings of run/pool.js (the one pool scheduler of the page and the command line).
import type { FromJobWorker, ToJobWorker } from './job-protocol.js';
import type { CurveTheory, Job, JobOutput, JobReport, Preset } from './preset.js';

/** How long a worker that owes an answer may stay silent before it is replaced. */
export const WORKER_SILENCE_MS: number;

export type PoolPhase = 'starting' | 'running' | 'pausing' | 'paused' | 'done' | 'cancelled' | 'error';

export interface PoolSnapshot {
  phase: PoolPhase;
  workers: number;
  jobs: number;
  jobsDone: number;
  /** Steps trained so far, summed over the jobs. */
  stepsDone: number;
  /** Steps of all jobs; null until the plan is known. */
  totalSteps: number | null;
  /** The share of the work done, jobs weighted by their cost; null until the plan is known. */
  fractionDone: number | null;
  /** Wall time since the pool started, pauses excluded (frozen when it ends). */
  activeSeconds: number;
  pausedSeconds: number;
  /** At the pace so far; null until 2 % of the work is done, and once the pool has ended. */
  secondsLeft: number | null;
}

/** A worker as the pool sees it, whatever it runs in (a Web Worker, a Node worker thread). */
export interface WorkerEndpoint {
  post(message: ToJobWorker): void;
  terminate(): void;
  onMessage(handler: (message: FromJobWorker) => void): void;
  onError(handler: (message: string) => void): void;
}

export interface PoolListener {
  /** Any change of phase or progress; may be called many times a second. */
  update?(snapshot: PoolSnapshot): void;
  /** The preset's theory, once, before any job ends (only with the `preset` option). */
  theory?(theory: CurveTheory[]): void;
  /** Job `index` has a new live estimate, or its output. */
  report?(index: number, report: JobReport): void;
  /** Something the user should know that does not end the run (a silent worker replaced). */
  warning?(message: string): void;
  done(outputs: JobOutput[]): void;
  failed(message: string): void;
}

export class JobPool {
  constructor(
    jobs: Job[],
    options: { spawn: () => WorkerEndpoint; size: number; preset?: Preset | null; listener: PoolListener; silenceMs?: number },
  );
  readonly jobs: Job[];
  readonly phase: PoolPhase;
  /** Finished jobs' outputs (undefined where not finished), in job order. */
  readonly outputs: (JobOutput | undefined)[];
  /** What each job has reported: output, live estimate, or undefined. */
  readonly reports: JobReport[];
  snapshot(): PoolSnapshot;
  pause(): void;
  resume(): void;
  cancel(): void;
}
