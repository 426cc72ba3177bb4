// Training in chunks of steps, shared by the training worker (worker.ts) and the preset workers
// (preset-worker.ts): between chunks a worker lets its event loop run, so a Stop or Pause message is
// seen within about one chunk's time.

/** A chunk should take about this long: short enough for a prompt Stop or Pause and smooth progress,
 *  long enough that the per-chunk overhead (messages, timers) stays negligible. */
export const TARGET_CHUNK_MS = 50;
export const FIRST_CHUNK_STEPS = 5;
export const MAX_CHUNK_STEPS = 5000;

/** Lets the worker's event loop run queued tasks (a Stop or Pause message) before the next chunk. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Scales the chunk so its duration approaches TARGET_CHUNK_MS; growth is capped at 4x per chunk
 *  so one unusually fast chunk cannot make the next one take seconds. */
export function nextChunkSize(steps: number, elapsedMs: number): number {
  const scaled = elapsedMs > 0 ? (steps * TARGET_CHUNK_MS) / elapsedMs : steps * 4;
  return Math.max(1, Math.min(MAX_CHUNK_STEPS, Math.round(Math.min(scaled, steps * 4))));
}
