// One run of a figure preset on the page: the run layer's pool (run/pool.js) on Web Workers
// (preset-worker.ts), and the preset's result assembled on this thread from what the jobs have reported
// (preset.js's assemblePreset). The theory arrives first, then a live estimate of each job at its
// checkpoints, then each job's final output, so the chart fills in while the preset trains; every job
// is deterministic on its own, so the final result equals a serial run's and the command line's.

import { JobPool, type PoolPhase, type PoolSnapshot, type WorkerEndpoint } from '../../run/pool.js';
import type { FromJobWorker } from '../../run/job-protocol.js';
import {
  assemblePreset,
  merge,
  presetJobs,
  resolvePreset,
  type CurveTheory,
  type Job,
  type JobReport,
  type Preset,
  type PresetResult,
  type ResolvedPreset,
} from '../../run/preset.js';

export type RunPhase = PoolPhase;
export type RunSnapshot = PoolSnapshot;

export interface RunListener {
  /** A change of phase at once, and while the run is active every REDRAW_INTERVAL_MS (its progress and
   *  clock). */
  update(snapshot: RunSnapshot): void;
  /** The result so far: the theory at once, then estimates and finished jobs with the next update. */
  partial(result: PresetResult): void;
  /** Something worth saying that does not end the run (a silent worker replaced). */
  warning(message: string): void;
  /** Every job is done. */
  done(result: PresetResult): void;
  /** Cancel: the result of the jobs that had finished (estimates dropped). */
  cancelled(result: PresetResult | null): void;
  failed(message: string): void;
}

/** Workers of a preset run: one per core, at most four (and at most one per job). */
export function poolSize(): number {
  return Math.min(navigator.hardwareConcurrency || 2, 4);
}

function spawnWebWorker(): WorkerEndpoint {
  const worker = new Worker(new URL('./preset-worker.ts', import.meta.url), { type: 'module' });
  return {
    post: (message) => worker.postMessage(message),
    terminate: () => worker.terminate(),
    onMessage: (handler) => worker.addEventListener('message', (event: MessageEvent<FromJobWorker>) => handler(event.data)),
    onError: (handler) => {
      worker.addEventListener('error', (event) => handler(event.message));
      worker.addEventListener('messageerror', () => handler('a worker sent a message that could not be read'));
    },
  };
}

export interface PresetRunOptions {
  /** Workers of the pool; poolSize() by default. */
  workers?: number;
  /** A patch of the resolved preset (preset.js merge: objects merge, arrays replace), for a variation
   *  of the preset such as the article's "try this" runs; the preset's id stays. */
  patch?: Record<string, unknown>;
  /** The training recipe by name (run/recipes.js); the preset's own by default. */
  recipe?: string;
}

/**
 * How often an active run redraws its listener: progress, clock and the result so far together, in one
 * task. The pool reports every chunk of every job; each redraw is assembled and drawn on the main thread
 * (a restyle, layout and repaint of the page), and drawing every report, or every frame, takes from the
 * workers the cores they train on.
 */
export const REDRAW_INTERVAL_MS = 250;

export class PresetRun {
  readonly preset: ResolvedPreset;
  readonly quick: boolean;
  readonly jobs: Job[];
  #pool: JobPool;
  #theory: CurveTheory[] | null = null;
  #buildId = '';
  #listener: RunListener;
  #phase: RunPhase | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  /** Whether a job has reported since the listener last got the result so far. */
  #reported = false;

  constructor(preset: Preset, quick: boolean, listener: RunListener, { workers = poolSize(), patch, recipe }: PresetRunOptions = {}) {
    const resolved = resolvePreset(preset, { quick, recipe });
    this.preset = patch ? merge(resolved, patch) : resolved;
    this.quick = quick;
    this.jobs = presetJobs(this.preset);
    this.#listener = listener;
    this.#pool = new JobPool(this.jobs, {
      spawn: () => this.#watchBuild(spawnWebWorker()),
      size: workers,
      preset: this.preset,
      listener: {
        update: (snapshot) => this.#update(snapshot),
        theory: (theory) => {
          this.#theory = theory;
          listener.partial(this.#assemble(this.#pool.reports));
        },
        report: () => {
          this.#reported = true;
        },
        done: (outputs) => {
          // The pool ends the run before its phase changes: the finished progress is drawn first, so a
          // listener that stops listening on done still shows every step done.
          listener.update(this.#pool.snapshot());
          if (this.#theory) listener.done(this.#assemble(outputs));
          else listener.failed('the preset’s theory never arrived');
        },
        warning: (message) => listener.warning(message),
        failed: (message) => listener.failed(message),
      },
    });
  }

  get phase(): RunPhase {
    return this.#pool.phase;
  }

  snapshot(): RunSnapshot {
    return this.#pool.snapshot();
  }

  pause(): void {
    this.#pool.pause();
  }

  resume(): void {
    this.#pool.resume();
  }

  /** Stops the workers; the jobs that had finished are kept and handed to the listener. */
  cancel(): void {
    if (['done', 'cancelled', 'error'].includes(this.#pool.phase)) return;
    this.#pool.cancel();
    const finished = this.#pool.outputs.some((output) => output !== undefined);
    this.#listener.cancelled(this.#theory && finished ? this.#assemble(this.#pool.outputs) : null);
  }

  /** A new phase goes to the listener at once; the heartbeat runs from the first phase to the last. */
  #update(snapshot: RunSnapshot): void {
    if (snapshot.phase === this.#phase) return;
    this.#phase = snapshot.phase;
    const ended = ['done', 'cancelled', 'error'].includes(snapshot.phase);
    if (ended && this.#heartbeat !== null) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = null;
    } else if (!ended && this.#heartbeat === null) this.#heartbeat = setInterval(() => this.#redraw(), REDRAW_INTERVAL_MS);
    this.#listener.update(snapshot);
  }

  #redraw(): void {
    this.#listener.update(this.#pool.snapshot());
    if (this.#reported && this.#theory) this.#listener.partial(this.#assemble(this.#pool.reports));
    this.#reported = false;
  }

  /** Records the module's build id from the first worker that reports it. */
  #watchBuild(endpoint: WorkerEndpoint): WorkerEndpoint {
    endpoint.onMessage((message) => {
      if (message.type === 'ready') this.#buildId ||= message.buildId;
    });
    return endpoint;
  }

  #assemble(reports: readonly JobReport[]): PresetResult {
    return assemblePreset(this.preset, this.jobs, reports, this.#theory as CurveTheory[], {
      quick: this.quick,
      seconds: this.#pool.snapshot().activeSeconds,
      buildId: this.#buildId,
    });
  }
}
