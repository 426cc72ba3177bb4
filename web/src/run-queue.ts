// The article's runs share the machine's cores: each figure's preset run already uses a pool of workers
// (one per core), so the article runs one task at a time and queues the rest. A figure scrolled into
// view asks for its quick run at the back of the queue and withdraws the request if it scrolls away
// before its turn; a click asks at the front. Pure logic (no DOM), so it is tested in Node.

export interface QueuedTask {
  /** One request per key at a time: asking again for a queued key moves it instead of adding it. */
  key: string;
  /** Starts the task; it calls `finished` once it is done, cancelled or failed. */
  start(finished: () => void): void;
}

export class RunQueue {
  readonly #limit: number;
  #waiting: QueuedTask[] = [];
  #running = new Map<string, QueuedTask>();
  #onChange: () => void;

  constructor(limit = 1, onChange: () => void = () => {}) {
    this.#limit = Math.max(1, limit);
    this.#onChange = onChange;
  }

  /** Queues `task` (at the front with `front`), unless a task of its key is running; starts what fits. */
  request(task: QueuedTask, { front = false } = {}): void {
    if (this.#running.has(task.key)) return;
    this.#waiting = this.#waiting.filter((waiting) => waiting.key !== task.key);
    if (front) this.#waiting.unshift(task);
    else this.#waiting.push(task);
    this.#pump();
  }

  /** Drops a waiting request; a running task is not touched (its owner cancels it). */
  withdraw(key: string): boolean {
    const before = this.#waiting.length;
    this.#waiting = this.#waiting.filter((waiting) => waiting.key !== key);
    const dropped = this.#waiting.length !== before;
    if (dropped) this.#onChange();
    return dropped;
  }

  isWaiting(key: string): boolean {
    return this.#waiting.some((waiting) => waiting.key === key);
  }

  isRunning(key: string): boolean {
    return this.#running.has(key);
  }

  /** Keys of the waiting requests, next first. */
  get waiting(): string[] {
    return this.#waiting.map((task) => task.key);
  }

  get running(): string[] {
    return [...this.#running.keys()];
  }

  #pump(): void {
    while (this.#running.size < this.#limit && this.#waiting.length > 0) {
      const task = this.#waiting.shift() as QueuedTask;
      this.#running.set(task.key, task);
      let done = false;
      task.start(() => {
        if (done) return;
        done = true;
        this.#running.delete(task.key);
        this.#pump();
        this.#onChange();
      });
    }
    this.#onChange();
  }
}
