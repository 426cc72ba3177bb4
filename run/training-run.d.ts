// Typings of run/training-run.js (the one chunked training loop).
import type { Experiment } from '../wasm/icl.js';

export const TARGET_CHUNK_MS: number;
export const FIRST_CHUNK_STEPS: number;
export const MAX_CHUNK_STEPS: number;
export function yieldToEventLoop(): Promise<void>;
/** The next chunk's size from the last one's, aiming at TARGET_CHUNK_MS (growth at most 4x). */
export function nextChunkSize(steps: number, elapsedMs: number): number;
/** Whether the experiment has steps left and has not diverged. */
export function hasStepsLeft(experiment: Experiment): boolean;
/** The latest checkpoint: its step and the live risk of each model, or null before the first. */
export function latestCheckpoint(experiment: Experiment): { step: number; risk: number[] } | null;

export class TrainingRun {
  constructor(experiment: Experiment, options?: { playing?: boolean });
  readonly experiment: Experiment;
  playing: boolean;
  stepBudget: number;
  trainingMs: number;
  chunkSteps: number;
  readonly finished: boolean;
  readonly wantsToTrain: boolean;
  play(): void;
  pause(): void;
  requestSteps(steps: number): void;
  /** Ends the run for good (before its experiment is deleted): advance() resolves to 'cancelled'. */
  cancel(): void;
  readonly cancelled: boolean;
  trainChunk(): number;
  /** Trains while wanted; 'finished' (no steps left or diverged), 'held' (paused, or a Step done) or 'cancelled'. */
  advance(onChunk?: (run: TrainingRun) => void): Promise<'finished' | 'held' | 'cancelled'>;
}
