// One run of a figure preset on a pool of module Web Workers (preset-worker.ts), the page's twin of
// wasm/job-pool.mjs: the panel is expanded into jobs here (sweep.js's resolvePanel and panelJobs), each
// idle worker is handed the next job (costliest first: sweep.js's scheduleOrder), the outputs are kept
// in job order, and when all are in one worker combines them with panelResult. Every job is deterministic on its own, so the result equals a serial
// run's and the command line's, whatever the number of workers or the order jobs finish in.
//
// Pause stops handing out jobs and asks every worker to hold before its next chunk of steps (a chunk
// takes about 50 ms); the run is 'paused' once every worker with a job has said it holds. A job whose
// training has ended when the pause arrives is evaluated and delivered first. Resume releases the
// workers and hands out jobs again. Cancel terminates the workers at once. The workers belong to the
// run: they are created by it and terminated when it ends (done, cancelled or failed), which also
// frees their wasm memory.

import { panelJobs, resolvePanel, scheduleOrder, type Job, type Panel, type PanelResult } from '../../wasm/sweep.js';
import type { FromPresetWorker, JobOutput, ToPresetWorker } from './preset-protocol.ts';

export type RunPhase = 'starting' | 'running' | 'pausing' | 'paused' | 'finishing' | 'done' | 'cancelled' | 'error';

const TERMINAL: readonly RunPhase[] = ['done', 'cancelled', 'error'];

export interface RunSnapshot {
  phase: RunPhase;
  workers: number;
  jobs: number;
  jobsDone: number;
  /** Steps trained so far, summed over the jobs. */
  stepsDone: number;
  /** Steps of all jobs; null until the plan is known. */
  totalSteps: number | null;
  /** Wall time since Run, pauses excluded (frozen when the run ends). */
  activeSeconds: number;
  /** Wall time spent paused. */
  pausedSeconds: number;
}

export interface RunListener {
  /** Any change of phase or progress; may be called many times a second. */
  update(snapshot: RunSnapshot): void;
  done(result: PanelResult): void;
  failed(message: string): void;
}

/** Workers of a preset run: one per core, at most four (and at most one per job). */
export function poolSize(): number {
  return Math.min(navigator.hardwareConcurrency || 2, 4);
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** The job it trains, or null when idle. */
  job: number | null;
  /** The pause generation it last said it holds for. */
  holding: number;
}

export class PresetRun {
  readonly panel: Panel;
  readonly quick: boolean;
  readonly jobs: Job[];
  /** Job indices in the order they are handed out: costliest first, once the plan is known. */
  #order: number[] = [];
  #listener: RunListener;
  #slots: Slot[] = [];
  #outputs: (JobOutput | undefined)[];
  #stepsDone: number[];
  /** From the plan; replaced by what each job reports once it runs. */
  #totalSteps: (number | null)[];
  #planned = false;
  #planRequested = false;
  #next = 0;
  #jobsDone = 0;
  #phase: RunPhase = 'starting';
  #paused = false;
  #generation = 0;
  #startedAt = performance.now();
  #endedAt: number | null = null;
  #pausedSince: number | null = null;
  #pausedMs = 0;

  constructor(panel: Panel, quick: boolean, listener: RunListener, workers = poolSize()) {
    this.panel = resolvePanel(panel, { quick });
    this.quick = quick;
    this.jobs = panelJobs(this.panel);
    this.#listener = listener;
    this.#outputs = new Array(this.jobs.length).fill(undefined);
    this.#stepsDone = new Array(this.jobs.length).fill(0);
    this.#totalSteps = new Array(this.jobs.length).fill(null);
    // No more workers than jobs: an idle worker would only load the module.
    const count = Math.max(1, Math.min(workers, this.jobs.length));
    for (let i = 0; i < count; i++) this.#slots.push(this.#spawn());
    this.#emit();
  }

  get phase(): RunPhase {
    return this.#phase;
  }

  snapshot(): RunSnapshot {
    const now = this.#endedAt ?? performance.now();
    const pausedMs = this.#pausedMs + (this.#pausedSince !== null ? now - this.#pausedSince : 0);
    const totals = this.#planned ? this.#totalSteps.reduce<number>((sum, steps) => sum + (steps ?? 0), 0) : null;
    return {
      phase: this.#phase,
      workers: this.#slots.length,
      jobs: this.jobs.length,
      jobsDone: this.#jobsDone,
      stepsDone: this.#stepsDone.reduce((sum, steps) => sum + steps, 0),
      totalSteps: totals,
      activeSeconds: (now - this.#startedAt - pausedMs) / 1000,
      pausedSeconds: pausedMs / 1000,
    };
  }

  /** Stops handing out jobs and holds every worker before its next chunk of steps. */
  pause(): void {
    if (this.#phase !== 'starting' && this.#phase !== 'running') return;
    this.#paused = true;
    this.#generation += 1;
    this.#pausedSince = performance.now();
    for (const slot of this.#slots) if (slot.ready) this.#send(slot, { type: 'pause', generation: this.#generation });
    this.#setPhase('pausing');
    this.#checkHeld();
  }

  resume(): void {
    if (this.#phase !== 'pausing' && this.#phase !== 'paused') return;
    this.#paused = false;
    if (this.#pausedSince !== null) this.#pausedMs += performance.now() - this.#pausedSince;
    this.#pausedSince = null;
    for (const slot of this.#slots) if (slot.ready) this.#send(slot, { type: 'resume' });
    this.#setPhase(this.#next > 0 ? 'running' : 'starting');
    for (const slot of this.#slots) this.#feed(slot);
  }

  /** Terminates the workers: whatever they were doing is dropped. */
  cancel(): void {
    if (this.#end()) this.#setPhase('cancelled');
  }

  #spawn(): Slot {
    const worker = new Worker(new URL('./preset-worker.ts', import.meta.url), { type: 'module' });
    const slot: Slot = { worker, ready: false, job: null, holding: 0 };
    worker.addEventListener('message', (event: MessageEvent<FromPresetWorker>) => this.#handle(slot, event.data));
    worker.addEventListener('error', (event) => this.#fail(`a preset worker failed: ${event.message || 'unknown error'}`));
    worker.addEventListener('messageerror', () => this.#fail('a preset worker sent a message that could not be read'));
    return slot;
  }

  #send(slot: Slot, message: ToPresetWorker): void {
    slot.worker.postMessage(message);
  }

  #handle(slot: Slot, message: FromPresetWorker): void {
    if (TERMINAL.includes(this.#phase)) return;
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        if (!this.#planRequested) {
          this.#planRequested = true;
          this.#send(slot, { type: 'plan', configs: this.jobs.map((job) => job.config) });
        }
        this.#feed(slot);
        return;
      case 'loadFailed':
        this.#fail(`the WebAssembly module could not be loaded: ${message.message}`);
        return;
      case 'planned':
        message.totalSteps.forEach((steps, index) => {
          this.#totalSteps[index] ??= steps;
        });
        this.#order = scheduleOrder(message.costs);
        this.#planned = true;
        for (const ready of this.#slots) this.#feed(ready);
        this.#emit();
        return;
      case 'jobProgress':
        this.#stepsDone[message.index] = message.stepsDone;
        this.#totalSteps[message.index] = message.totalSteps;
        this.#emit();
        return;
      case 'holding':
        slot.holding = message.generation;
        this.#checkHeld();
        return;
      case 'jobDone':
        this.#outputs[message.index] = message.output;
        this.#stepsDone[message.index] = this.#totalSteps[message.index] ?? this.#stepsDone[message.index] ?? 0;
        this.#jobsDone += 1;
        slot.job = null;
        if (this.#jobsDone === this.jobs.length) {
          this.#finish(slot);
        } else {
          this.#feed(slot);
          this.#checkHeld();
          this.#emit();
        }
        return;
      case 'panelResult':
        // The result is delivered before the phase says 'done', so whoever sees 'done' finds it.
        this.#end();
        this.#listener.done(message.result);
        this.#setPhase('done');
        return;
      case 'failed': {
        const where = message.stage === 'job' ? `job ${(message.index ?? 0) + 1} of ${this.jobs.length}` : message.stage;
        this.#fail(`${where} failed: ${message.message}`);
        return;
      }
    }
  }

  /** Hands the next job to an idle, ready worker unless paused. */
  #feed(slot: Slot): void {
    // Jobs start once the plan has ordered them.
    if (!this.#planned || this.#paused || !slot.ready || slot.job !== null || this.#next >= this.jobs.length) return;
    if (this.#phase !== 'starting' && this.#phase !== 'running') return;
    const index = this.#order[this.#next++];
    slot.job = index;
    this.#send(slot, { type: 'job', index, config: this.jobs[index]?.config });
    if (this.#phase === 'starting') this.#setPhase('running');
  }

  /** While pausing: paused once every worker with a job holds for the latest pause. */
  #checkHeld(): void {
    if (this.#phase !== 'pausing') return;
    if (this.#slots.every((slot) => slot.job === null || slot.holding === this.#generation)) this.#setPhase('paused');
  }

  #finish(slot: Slot): void {
    // A pause that came too late to hold anything (every job was already past its last chunk) ends here.
    if (this.#pausedSince !== null) this.#pausedMs += performance.now() - this.#pausedSince;
    this.#pausedSince = null;
    this.#paused = false;
    const seconds = this.snapshot().activeSeconds;
    this.#setPhase('finishing');
    const outputs = this.#outputs as JobOutput[];
    this.#send(slot, { type: 'result', panel: this.panel, jobs: this.jobs, outputs, quick: this.quick, seconds });
  }

  #fail(message: string): void {
    if (!this.#end()) return;
    this.#listener.failed(message);
    this.#setPhase('error');
  }

  /** Terminates the workers and freezes the clock; false if the run had already ended. */
  #end(): boolean {
    if (TERMINAL.includes(this.#phase)) return false;
    for (const slot of this.#slots) slot.worker.terminate();
    this.#endedAt = performance.now();
    return true;
  }

  #setPhase(phase: RunPhase): void {
    this.#phase = phase;
    this.#emit();
  }

  #emit(): void {
    this.#listener.update(this.snapshot());
  }
}
