// One pool scheduler for the jobs of presets, shared by the page (Web Workers, web/src/preset-run.ts)
// and the command line (worker threads, run/node-pool.mjs); the workers run run/job-server.js. The
// first worker that is ready is asked for the plan (each job's steps and cost, from the core's
// runPlan) and, for a preset, its theory; then each idle worker is handed the next job, costliest first
// (preset.js's scheduleOrder), so that the last job to start is a short one. Every job is deterministic
// on its own, so the outputs equal a serial run's whatever the number of workers or the order they
// finish in.
//
// Pause stops handing out jobs and asks every worker to hold before its next chunk of steps; the pool
// is 'paused' once every worker with a job says it holds. Resume releases them. Cancel terminates the
// workers at once and keeps the outputs already in.
//
// A worker that trains answers after every chunk (about 50 ms). One silent for `silenceMs` has died
// without an error event, or is stuck: it is replaced, and its job starts again on the new worker (a
// job is deterministic, so nothing changes but the time). A job whose worker falls silent twice fails
// the run, with the reason. The workers belong to the pool: it creates them
// and terminates them when it ends (done, cancelled or failed), which frees their wasm memory.

import { scheduleOrder } from './preset.js';

const TERMINAL = ['done', 'cancelled', 'error'];

/** The time left is only estimated once this share of the work is done (earlier guesses swing widely). */
const MIN_FRACTION_FOR_ESTIMATE = 0.02;

/** How long a worker that owes an answer may stay silent before it is replaced. */
export const WORKER_SILENCE_MS = 20_000;

export class JobPool {
  /**
   * @param jobs the jobs ({ config } each; a preset's jobs from preset.js's presetJobs)
   * @param options.spawn creates a worker endpoint: { post(message), terminate(), onMessage(handler), onError(handler) }
   * @param options.size the number of workers (at most one per job)
   * @param options.preset a resolved preset whose theory the listener wants before any job ends
   * @param options.listener { update(snapshot), theory?(theory), report?(index, report), warning?(message), done(outputs), failed(message) }
   * @param options.silenceMs how long a worker that owes an answer may stay silent (WORKER_SILENCE_MS)
   */
  constructor(jobs, { spawn, size, preset = null, listener, silenceMs = WORKER_SILENCE_MS }) {
    this.jobs = jobs;
    this.preset = preset;
    this.listener = listener;
    this.phase = 'starting';
    this.outputs = new Array(jobs.length).fill(undefined);
    /** Per job: its output, its latest live estimate, or undefined (preset.js's JobReport). */
    this.reports = new Array(jobs.length).fill(undefined);
    this.stepsDone = new Array(jobs.length).fill(0);
    this.totalSteps = new Array(jobs.length).fill(null);
    this.costs = null;
    this.order = [];
    this.next = 0;
    this.jobsDone = 0;
    this.paused = false;
    this.generation = 0;
    this.startedAt = performance.now();
    this.endedAt = null;
    this.pausedSince = null;
    this.pausedMs = 0;
    this.requested = false;
    this.spawnEndpoint = spawn;
    this.silenceMs = silenceMs;
    /** Per job: how many of its workers fell silent. */
    this.silences = new Array(jobs.length).fill(0);
    const count = Math.max(1, Math.min(size, jobs.length));
    this.slots = Array.from({ length: count }, () => this.#spawn());
    this.watchdog = setInterval(() => this.#watch(), Math.min(1000, Math.max(10, silenceMs / 4)));
    this.#emit();
  }

  get planned() {
    return this.costs !== null;
  }

  snapshot() {
    const now = this.endedAt ?? performance.now();
    const pausedMs = this.pausedMs + (this.pausedSince !== null ? now - this.pausedSince : 0);
    const activeSeconds = (now - this.startedAt - pausedMs) / 1000;
    const fraction = this.#fractionDone();
    const running = !TERMINAL.includes(this.phase);
    return {
      phase: this.phase,
      workers: this.slots.length,
      jobs: this.jobs.length,
      jobsDone: this.jobsDone,
      stepsDone: this.stepsDone.reduce((sum, steps) => sum + steps, 0),
      totalSteps: this.planned ? this.totalSteps.reduce((sum, steps) => sum + (steps ?? 0), 0) : null,
      fractionDone: fraction,
      activeSeconds,
      pausedSeconds: pausedMs / 1000,
      // At the pace so far: the work left over the work done, times the time it took.
      secondsLeft:
        running && fraction !== null && fraction >= MIN_FRACTION_FOR_ESTIMATE ? (activeSeconds * (1 - fraction)) / fraction : null,
    };
  }

  /** Stops handing out jobs and holds every worker before its next chunk of steps. */
  pause() {
    if (this.phase !== 'starting' && this.phase !== 'running') return;
    this.paused = true;
    this.generation += 1;
    this.pausedSince = performance.now();
    for (const slot of this.slots) if (slot.ready) slot.endpoint.post({ type: 'pause', generation: this.generation });
    this.#setPhase('pausing');
    this.#checkHeld();
  }

  resume() {
    if (this.phase !== 'pausing' && this.phase !== 'paused') return;
    this.paused = false;
    if (this.pausedSince !== null) this.pausedMs += performance.now() - this.pausedSince;
    this.pausedSince = null;
    for (const slot of this.slots) if (slot.ready) slot.endpoint.post({ type: 'resume' });
    this.#setPhase(this.next > 0 ? 'running' : 'starting');
    for (const slot of this.slots) this.#feed(slot);
  }

  /** Terminates the workers: running jobs are dropped, finished ones kept (this.outputs). */
  cancel() {
    if (this.#end()) this.#setPhase('cancelled');
  }

  /** The share of the work done, each job weighted by its cost; null before the plan. */
  #fractionDone() {
    if (!this.planned) return null;
    let total = 0;
    let done = 0;
    this.jobs.forEach((_, j) => {
      const cost = this.costs[j];
      const steps = this.totalSteps[j];
      total += cost;
      if (this.outputs[j] !== undefined) done += cost;
      else if (steps) done += (cost * this.stepsDone[j]) / steps;
    });
    return total > 0 ? done / total : null;
  }

  #spawn() {
    const endpoint = this.spawnEndpoint();
    const slot = { endpoint, ready: false, job: null, holding: 0, lastHeard: performance.now() };
    endpoint.onMessage((message) => {
      slot.lastHeard = performance.now();
      this.#handle(slot, message);
    });
    endpoint.onError((message) => this.#fail(`a worker failed: ${message || 'unknown error'}`));
    return slot;
  }

  /** Replaces each worker that owes an answer and has been silent too long. */
  #watch() {
    if (TERMINAL.includes(this.phase)) return;
    const now = performance.now();
    this.slots.forEach((slot, s) => {
      if (TERMINAL.includes(this.phase)) return;
      // A worker holding for the latest pause owes nothing; one loading the module or training does.
      const owes = !slot.ready || (slot.job !== null && !(this.paused && slot.holding === this.generation));
      if (!owes || now - slot.lastHeard <= this.silenceMs) return;
      const job = slot.job;
      const seconds = Math.round(this.silenceMs / 1000);
      if (job !== null && ++this.silences[job] > 1) {
        this.#fail(
          `job ${job + 1} of ${this.jobs.length} stopped answering twice (${seconds} s each): a single step may take too long at its settings`,
        );
        return;
      }
      slot.endpoint.terminate();
      this.slots[s] = this.#spawn();
      if (job !== null) {
        // It starts again from step 0, next in line.
        this.order.splice(this.next, 0, job);
        this.stepsDone[job] = 0;
        this.reports[job] = undefined;
      }
      this.listener.warning?.(
        job === null
          ? `a worker did not start within ${seconds} s and was replaced`
          : `the worker of job ${job + 1} of ${this.jobs.length} stopped answering for ${seconds} s; it was replaced and the job started again`,
      );
      this.#checkHeld();
      this.#emit();
    });
  }

  #handle(slot, message) {
    if (TERMINAL.includes(this.phase) || !this.slots.includes(slot)) return;
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        if (!this.requested) {
          this.requested = true;
          slot.endpoint.post({ type: 'plan', configs: this.jobs.map((job) => job.config) });
          if (this.preset) slot.endpoint.post({ type: 'theory', preset: this.preset, jobs: this.jobs });
        }
        // A pause that came while this worker loaded applies to it too.
        if (this.paused) slot.endpoint.post({ type: 'pause', generation: this.generation });
        this.#feed(slot);
        return;
      case 'loadFailed':
        this.#fail(`the WebAssembly module could not be loaded: ${message.message}`);
        return;
      case 'planned':
        message.totalSteps.forEach((steps, index) => {
          this.totalSteps[index] ??= steps;
        });
        this.costs = message.costs;
        this.order = scheduleOrder(message.costs);
        for (const ready of this.slots) this.#feed(ready);
        this.#emit();
        return;
      case 'theory':
        this.listener.theory?.(message.theory);
        return;
      case 'jobProgress':
        this.stepsDone[message.index] = message.stepsDone;
        this.totalSteps[message.index] = message.totalSteps;
        if (message.estimate !== null) {
          this.reports[message.index] = { estimate: true, step: message.estimate.step, empirical: message.estimate.risk };
          this.listener.report?.(message.index, this.reports[message.index]);
        }
        this.#emit();
        return;
      case 'holding':
        slot.holding = message.generation;
        this.#checkHeld();
        return;
      case 'jobDone':
        this.outputs[message.index] = message.output;
        this.reports[message.index] = message.output;
        this.stepsDone[message.index] = this.totalSteps[message.index] ?? this.stepsDone[message.index];
        this.jobsDone += 1;
        slot.job = null;
        this.listener.report?.(message.index, message.output);
        if (this.jobsDone === this.jobs.length) {
          this.#end();
          this.listener.done(this.outputs);
          this.#setPhase('done');
        } else {
          this.#feed(slot);
          this.#checkHeld();
          this.#emit();
        }
        return;
      case 'failed': {
        const where = message.stage === 'job' ? `job ${(message.index ?? 0) + 1} of ${this.jobs.length}` : message.stage;
        this.#fail(`${where} failed: ${message.message}`);
        return;
      }
    }
  }

  /** Hands the next job to an idle, ready worker unless paused; jobs start once the plan has ordered them. */
  #feed(slot) {
    if (!this.planned || this.paused || !slot.ready || slot.job !== null || this.next >= this.jobs.length) return;
    if (this.phase !== 'starting' && this.phase !== 'running') return;
    const index = this.order[this.next++];
    slot.job = index;
    slot.endpoint.post({ type: 'job', index, config: this.jobs[index].config });
    if (this.phase === 'starting') this.#setPhase('running');
  }

  /** While pausing: paused once every worker with a job holds for the latest pause. */
  #checkHeld() {
    if (this.phase !== 'pausing') return;
    if (this.slots.every((slot) => slot.job === null || slot.holding === this.generation)) this.#setPhase('paused');
  }

  #fail(message) {
    if (!this.#end()) return;
    this.listener.failed(message);
    this.#setPhase('error');
  }

  /** Terminates the workers and freezes the clock; false if the pool had already ended. */
  #end() {
    if (TERMINAL.includes(this.phase)) return false;
    for (const slot of this.slots) slot.endpoint.terminate();
    clearInterval(this.watchdog);
    if (this.pausedSince !== null) this.pausedMs += performance.now() - this.pausedSince;
    this.pausedSince = null;
    this.endedAt = performance.now();
    return true;
  }

  #setPhase(phase) {
    this.phase = phase;
    this.#emit();
  }

  #emit() {
    this.listener.update?.(this.snapshot());
  }
}
