// The one chunked training loop, used by the page's trainer (web/src/worker.ts), by every job of a
// figure preset (job-server.js: the page's preset workers and the command line's threads) and by the
// command line's `train`. It trains while playing, or for the steps a Step asked for, in chunks of
// about TARGET_CHUNK_MS, and lets the event loop run between chunks so that a Pause, Step or Stop
// message is seen within one chunk. The numbers never depend on the chunking: the core keys every
// random number by (seed, purpose, step, prompt), not by call order.

/** A chunk should take about this long: short enough for a prompt Pause and smooth progress, long
 *  enough that the per-chunk overhead (messages, timers) stays negligible. */
export const TARGET_CHUNK_MS = 50;
export const FIRST_CHUNK_STEPS = 5;
export const MAX_CHUNK_STEPS = 5000;

/**
 * Lets the event loop run queued tasks (a Pause or Stop message) before the next chunk. Not
 * setTimeout(0): browsers clamp nested timers to 4 ms (8 % of a chunk) and Node's to 1 ms. Node's
 * setImmediate runs after pending messages; in a browser, a message to ourselves is a task queued
 * behind them with no clamp.
 */
export const yieldToEventLoop =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : (() => {
        const channel = new MessageChannel();
        const waiting = [];
        channel.port1.onmessage = () => waiting.shift()?.();
        return () =>
          new Promise((resolve) => {
            waiting.push(resolve);
            channel.port2.postMessage(null);
          });
      })();

/** Scales the chunk so its duration approaches TARGET_CHUNK_MS; growth is capped at 4x per chunk so
 *  one unusually fast chunk cannot make the next one take seconds. */
export function nextChunkSize(steps, elapsedMs) {
  const scaled = elapsedMs > 0 ? (steps * TARGET_CHUNK_MS) / elapsedMs : steps * 4;
  return Math.max(1, Math.min(MAX_CHUNK_STEPS, Math.round(Math.min(scaled, steps * 4))));
}

/** Whether an experiment has more to train: steps left and no divergence. */
export const hasStepsLeft = (experiment) => experiment.stepsDone < experiment.totalSteps && !experiment.divergence;

/** The latest checkpoint of an experiment: its step and the live risk of each model, or null. */
export function latestCheckpoint(experiment) {
  const { steps, risk } = experiment.checkpoints();
  return steps.length === 0 ? null : { step: steps[steps.length - 1], risk: risk[risk.length - 1] };
}

export class TrainingRun {
  /** @param experiment an Experiment of wasm/icl.js (the run does not own it: the caller deletes it). */
  constructor(experiment, { playing = true } = {}) {
    this.experiment = experiment;
    this.playing = playing;
    /** Steps still to train for a Step request (0: none). */
    this.stepBudget = 0;
    /** Wall time spent inside step(), in ms. */
    this.trainingMs = 0;
    this.chunkSteps = FIRST_CHUNK_STEPS;
    this.advancing = null;
    this.cancelled = false;
  }

  get finished() {
    return !hasStepsLeft(this.experiment);
  }

  /** Whether advance() would train: playing or a Step pending, and steps left. */
  get wantsToTrain() {
    return !this.cancelled && (this.playing || this.stepBudget > 0) && !this.finished;
  }

  play() {
    this.playing = true;
  }

  /** Holds before the next chunk; a pending Step is dropped. */
  pause() {
    this.playing = false;
    this.stepBudget = 0;
  }

  /** Ends the run for good, e.g. before its experiment is deleted: a running advance() stops after its
   *  chunk, resolves to 'cancelled' and touches the experiment no more. */
  cancel() {
    this.pause();
    this.cancelled = true;
  }

  /** Trains `steps` more steps (at least 1), then holds. */
  requestSteps(steps) {
    this.playing = false;
    this.stepBudget = Math.max(1, Math.floor(steps));
  }

  /** Trains one chunk now; returns the steps it trained. */
  trainChunk() {
    const { experiment } = this;
    const chunk = this.stepBudget > 0 ? Math.min(this.stepBudget, this.chunkSteps) : this.chunkSteps;
    const before = experiment.stepsDone;
    const started = performance.now();
    experiment.step(chunk);
    const elapsedMs = performance.now() - started;
    this.trainingMs += elapsedMs;
    const trained = experiment.stepsDone - before;
    if (this.stepBudget > 0) this.stepBudget = Math.max(0, this.stepBudget - trained);
    else this.chunkSteps = nextChunkSize(this.chunkSteps, elapsedMs);
    return trained;
  }

  /**
   * Trains chunk after chunk while wantsToTrain, calling onChunk(run) after each and letting the event
   * loop run between them. Resolves to 'finished' (no steps left, or diverged), 'held' (paused, or a
   * Step done) or 'cancelled'. While one advance runs, another call returns the same promise.
   */
  advance(onChunk = () => {}) {
    this.advancing ??= this.#trainWhileWanted(onChunk).finally(() => {
      this.advancing = null;
    });
    return this.advancing;
  }

  async #trainWhileWanted(onChunk) {
    while (this.wantsToTrain) {
      this.trainChunk();
      onChunk(this);
      if (this.finished) break;
      await yieldToEventLoop();
    }
    if (this.cancelled) return 'cancelled';
    return this.finished ? 'finished' : 'held';
  }
}
