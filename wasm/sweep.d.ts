// Typings of wasm/sweep.js (figure panels as sweeps); kept honest by tests/js/sweep.test.ts and tsc.
import type { Config, Experiment, IclModule } from './icl.js';

/** A figure panel (wasm/presets/*.json). */
export interface Panel {
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
  /** Largest allowed |relative gap| of any point, and of the panel's median. */
  tolerance: { point: number; median: number };
  /** A patch of the whole panel for a reduced run (tests, previews). */
  quick?: Record<string, unknown>;
}

export interface Job {
  curveIndex: number;
  seed: number;
  /** The axis value of this job, or null along n (the job trains every n). */
  axisValue: number | null;
  config: Record<string, unknown>;
}

export interface Point {
  x: number;
  /** One empirical risk per seed that did not diverge. */
  empirical: number[];
  theory: number;
  /** Over the seeds; null when a seed diverged (see `diverged`). */
  mean: number | null;
  min: number | null;
  max: number | null;
  /** mean / theory - 1, or null. */
  gap: number | null;
  /** Why the point has no value: the divergence message of one of its seeds. */
  diverged?: string;
}

export interface Fidelity {
  /** Over the points that have a value; null when none has. */
  medianGap: number | null;
  maxGap: number | null;
  tolerance: { point: number; median: number };
  /** Jobs that diverged; a panel with any does not pass. */
  diverged: number;
  pass: boolean;
}

/** What a trained job gives: risk per axis point (null where not finite), theory, and why it diverged. */
export interface JobOutput {
  empirical: (number | null)[];
  theory: number[];
  divergence: string | null;
}

export interface CurveResult {
  label: string;
  points: Point[];
  theoryLine?: { x: number[]; y: number[] };
  asymptoticLine?: { x: number[]; y: number[]; label: string };
  /** The curve's first job, normalised: its other jobs differ only in seed (and, off the n axis, in axis.field). */
  config: Config;
}

export interface PanelResult {
  id: string;
  title: string;
  note: string;
  quick: boolean;
  buildId: string;
  axis: Panel['axis'];
  panel: Panel;
  seconds: number;
  curves: CurveResult[];
  fidelity: Fidelity;
}

export function merge<T>(base: T, patch: unknown): T;
export function resolvePanel(panel: Panel, options?: { quick?: boolean }): Panel;
export function panelJobs(panel: Pick<Panel, 'base' | 'axis' | 'curves' | 'seeds'>): Job[];
/** Job indices by `costs` (the core's runPlan), costliest first, ties in job order: the order a pool starts them. */
export function scheduleOrder(costs: readonly number[]): number[];
/** Whether a job's experiment has steps left and has not diverged. */
export function hasStepsLeft(experiment: Experiment): boolean;
export function jobOutput(experiment: Experiment): JobOutput;
export function runJob(icl: IclModule, job: Job, onProgress?: (stepsDone: number, totalSteps: number) => void): JobOutput;
export function aggregate(
  panel: Pick<Panel, 'axis' | 'curves' | 'tolerance'>,
  jobs: Job[],
  outputs: JobOutput[],
): { curves: Omit<CurveResult, 'config'>[]; fidelity: Fidelity };
export function panelResult(
  icl: IclModule,
  resolved: Panel,
  jobs: Job[],
  outputs: JobOutput[],
  options: { quick: boolean; seconds: number },
): PanelResult;
export function runPanel(
  icl: IclModule,
  panel: Panel,
  options?: { quick?: boolean; onProgress?: (job: number, jobs: number, stepsDone: number, totalSteps: number) => void },
): PanelResult;
/** The result as one table, per curve and point a row per seed and one for the mean (the CSV files hold it). */
export function panelTable(result: PanelResult): { columns: string[]; rows: (string | number)[][] };
