// Typings of run/preset.js (a preset's jobs, theory and result); kept honest by tests/js/preset.test.ts and tsc.
import type { Config, IclModule } from '../wasm/icl.js';
import type { NamedRecipe } from './recipes.js';

/** A figure preset (wasm/presets/*.json). */
export interface Preset {
  id: string;
  title: string;
  note?: string;
  /** The config shared by every curve (README: the config format). */
  base: Record<string, unknown>;
  /** 'n' (one job trains every n), or a config field path such as 'data.alpha', 'model.rank', 'data.gamma', 'model.lora.rank'. */
  axis: { field: string; label?: string; values: number[] };
  /** Each curve patches the base config (deep merge; arrays replace). */
  curves: { label: string; patch?: Record<string, unknown> }[];
  seeds: number[];
  /** Largest allowed |relative gap| of any point, and of the preset's median. */
  tolerance: { point: number; median: number };
  /** The preset's training recipe by name (run/recipes.js; "paper" when absent), or resolved (resolvePreset). */
  recipe?: string | NamedRecipe;
  /** A patch of the whole preset for a reduced run (tests, previews). */
  quick?: Record<string, unknown>;
}

/** A preset as it runs (resolvePreset): its recipe resolved, its quick patch applied or dropped. */
export type ResolvedPreset = Preset & { recipe: NamedRecipe };

export interface Job {
  curveIndex: number;
  seed: number;
  /** The axis value of this job, or null along n (the job trains every n). */
  axisValue: number | null;
  config: Record<string, unknown>;
}

/** The risk one seed gave at a point: final, or a live estimate at a checkpoint of a running job. */
export interface SeedValue {
  seed: number;
  risk: number;
  estimate: boolean;
  /** The checkpoint's step, for an estimate. */
  step?: number;
}

export interface Point {
  x: number;
  /** Every seed that has reported a finite risk, final or estimate. */
  values: SeedValue[];
  /** The final risks (seeds whose job has finished and did not diverge). */
  empirical: number[];
  theory: number;
  /** Over `values`; null when a seed diverged (see `diverged`) or none has reported. */
  mean: number | null;
  min: number | null;
  max: number | null;
  /** mean / theory - 1, or null. */
  gap: number | null;
  /** The final values' standard errors (evaluationStandardError), in the order of `empirical`. */
  standardErrors: (number | null)[];
  /** The standard error of `gap` from the evaluation sets' sampling alone; null while estimates remain. */
  gapStandardError: number | null;
  /** Why the point has no value: the divergence message of one of its seeds. */
  diverged?: string;
  /** Whether any of `values` is a live estimate. */
  estimate: boolean;
  /** Seeds whose job has not reported yet. */
  pending: number;
}

export interface Fidelity {
  /** Over the points that have a value; null when none has. */
  medianGap: number | null;
  maxGap: number | null;
  /** The largest standard error of a final point's gap (Point.gapStandardError), or null. */
  standardError: number | null;
  tolerance: { point: number; median: number };
  /** Jobs that diverged; a preset with any does not pass. */
  diverged: number;
  /** Whether every job has finished; an incomplete preset does not pass. */
  complete: boolean;
  jobsDone: number;
  jobs: number;
  pass: boolean;
}

/** A running job's latest checkpoint: the live risk at each of its axis points. */
export interface JobEstimate {
  estimate: true;
  step: number;
  empirical: (number | null)[];
  divergence?: undefined;
}

/** What a job has reported: its output, its live estimate, or nothing yet. */
export type JobReport = JobOutput | JobEstimate | undefined;

/** Per curve, the theory a preset needs before any job runs (presetTheory). */
export interface CurveTheory {
  config: Config;
  /** The theory at each axis point. */
  points: number[];
  theoryLine: { x: number[]; y: number[] };
  asymptoticLine?: { x: number[]; y: number[]; label: string };
}

/** What a trained job gives: risk per axis point (null where not finite), theory, and why it diverged. */
export interface JobOutput {
  empirical: (number | null)[];
  /** The standard error of each risk of `empirical` (absent in outputs of older builds). */
  standardError?: (number | null)[];
  theory: number[];
  divergence: string | null;
  estimate?: undefined;
}

export interface CurveResult {
  label: string;
  points: Point[];
  theoryLine?: { x: number[]; y: number[] };
  asymptoticLine?: { x: number[]; y: number[]; label: string };
  /** The curve's first job, normalised: its other jobs differ only in seed (and, off the n axis, in axis.field). */
  config: Config;
}

export interface PresetResult {
  id: string;
  title: string;
  note: string;
  quick: boolean;
  buildId: string;
  axis: Preset['axis'];
  preset: ResolvedPreset;
  seconds: number;
  curves: CurveResult[];
  fidelity: Fidelity;
}

export function merge<T>(base: T, patch: unknown): T;
/** Throws an Error naming the known recipes when `recipe` (or the preset's own) is unknown. */
export function resolvePreset(preset: Preset, options?: { quick?: boolean; recipe?: string }): ResolvedPreset;
export function presetJobs(preset: Pick<Preset, 'base' | 'axis' | 'curves' | 'seeds' | 'recipe'>): Job[];
/** Job indices by `costs` (the core's runPlan), costliest first, ties in job order: the order a pool starts them. */
export function scheduleOrder(costs: readonly number[]): number[];
export function jobOutput(experiment: import('../wasm/icl.js').Experiment): JobOutput;
export function runJob(icl: IclModule, job: Job, onProgress?: (stepsDone: number, totalSteps: number) => void): Promise<JobOutput>;
export function aggregate(
  preset: Pick<Preset, 'axis' | 'curves' | 'tolerance'>,
  jobs: Job[],
  reports: readonly JobReport[],
  theory: readonly (readonly number[])[],
): { curves: Omit<CurveResult, 'config'>[]; fidelity: Fidelity };
export function presetTheory(icl: IclModule, resolved: Preset, jobs: Job[]): CurveTheory[];
export function assemblePreset(
  resolved: Preset,
  jobs: Job[],
  reports: readonly JobReport[],
  theory: readonly CurveTheory[],
  options: { quick: boolean; seconds: number; buildId: string },
): PresetResult;
export function presetResult(
  icl: IclModule,
  resolved: Preset,
  jobs: Job[],
  outputs: JobOutput[],
  options: { quick: boolean; seconds: number },
): PresetResult;
export function runPreset(
  icl: IclModule,
  preset: Preset,
  options?: { quick?: boolean; onProgress?: (job: number, jobs: number, stepsDone: number, totalSteps: number) => void },
): Promise<PresetResult>;
/** The result as one table: per curve and point a row per seed's final value and one for the mean (the CSV files hold it). */
export function presetTable(result: PresetResult): { columns: string[]; rows: (string | number)[][] };
