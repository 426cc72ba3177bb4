// The run layer's pool scheduler (run/pool.js) against scripted workers: the order jobs start in, what
// it reports while they run, pausing, cancelling, and replacing a worker that falls silent. The real
// workers (job-server.js on the wasm module) are covered by the preset and end-to-end tests.
import { describe, expect, it, vi } from 'vitest';
import type { FromJobWorker, ToJobWorker } from '../../run/job-protocol.js';
import { JobPool, type PoolListener, type PoolSnapshot, type WorkerEndpoint } from '../../run/pool.js';
import type { Job, JobOutput, JobReport } from '../../run/preset.js';

/** A scripted worker: records what it is sent; the test answers for it. */
class FakeWorker implements WorkerEndpoint {
  sent: ToJobWorker[] = [];
  terminated = false;
  #handlers: ((message: FromJobWorker) => void)[] = [];
  post(message: ToJobWorker): void {
    this.sent.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  onMessage(handler: (message: FromJobWorker) => void): void {
    this.#handlers.push(handler);
  }
  onError(): void {}
  answer(message: FromJobWorker): void {
    for (const handler of this.#handlers) handler(message);
  }
  jobs(): number[] {
    return this.sent.flatMap((message) => (message.type === 'job' ? [message.index] : []));
  }
}

const jobs: Job[] = [0, 1, 2].map((i) => ({ curveIndex: 0, seed: i + 1, axisValue: null, config: { d: 2, seed: i + 1 } }));
const output = (risk: number): JobOutput => ({ empirical: [risk], theory: [1], divergence: null });

function start(options: { size?: number; silenceMs?: number } = {}) {
  const workers: FakeWorker[] = [];
  const reports: [number, JobReport][] = [];
  const snapshots: PoolSnapshot[] = [];
  const done: JobOutput[][] = [];
  const failures: string[] = [];
  const warnings: string[] = [];
  const listener: PoolListener = {
    update: (snapshot) => snapshots.push(snapshot),
    report: (index, report) => reports.push([index, report]),
    warning: (message) => warnings.push(message),
    done: (outputs) => done.push(outputs),
    failed: (message) => failures.push(message),
  };
  const pool = new JobPool(jobs, {
    spawn: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    size: options.size ?? 2,
    listener,
    silenceMs: options.silenceMs ?? 60_000,
  });
  return { pool, workers, reports, snapshots, done, failures, warnings };
}

/** Both workers ready, the first asked for the plan, which makes job 1 the costliest. */
function planned(run: ReturnType<typeof start>) {
  for (const worker of run.workers) worker.answer({ type: 'ready', buildId: 'test' });
  expect(run.workers[0]?.sent[0]?.type).toBe('plan');
  run.workers[0]?.answer({ type: 'planned', totalSteps: [100, 100, 100], costs: [1, 3, 2] });
}

describe('the job pool', () => {
  it('starts the costliest jobs first and hands out the rest as workers free up', () => {
    const run = start();
    planned(run);
    expect(run.workers.map((worker) => worker.jobs())).toEqual([[1], [2]]);
    expect(run.pool.phase).toBe('running');
    run.workers[1]?.answer({ type: 'jobDone', index: 2, output: output(2) });
    expect(run.workers[1]?.jobs()).toEqual([2, 0]);
    run.workers[0]?.answer({ type: 'jobDone', index: 1, output: output(1) });
    run.workers[1]?.answer({ type: 'jobDone', index: 0, output: output(0) });
    expect(run.done).toEqual([[output(0), output(1), output(2)]]);
    expect(run.pool.phase).toBe('done');
    expect(run.workers.every((worker) => worker.terminated)).toBe(true);
  });

  it('reports live estimates and the share of the work done, weighted by cost', () => {
    const run = start();
    planned(run);
    run.workers[0]?.answer({ type: 'jobProgress', index: 1, stepsDone: 50, totalSteps: 100, estimate: { step: 40, risk: [7] } });
    expect(run.reports.at(-1)).toEqual([1, { estimate: true, step: 40, empirical: [7] }]);
    // Half of job 1 (cost 3 of 6) is done: a quarter of the work.
    expect(run.pool.snapshot().fractionDone).toBeCloseTo(0.25, 12);
    run.workers[0]?.answer({ type: 'jobProgress', index: 1, stepsDone: 60, totalSteps: 100, estimate: null });
    expect(run.reports).toHaveLength(1);
    run.workers[1]?.answer({ type: 'jobDone', index: 2, output: output(2) });
    expect(run.pool.snapshot().fractionDone).toBeCloseTo((0.6 * 3 + 2) / 6, 12);
    expect(run.pool.reports[2]).toEqual(output(2));
  });

  it('holds every worker on pause, hands out nothing while paused, and resumes', () => {
    const run = start();
    planned(run);
    run.pool.pause();
    expect(run.pool.phase).toBe('pausing');
    expect(run.workers.map((worker) => worker.sent.at(-1))).toEqual([
      { type: 'pause', generation: 1 },
      { type: 'pause', generation: 1 },
    ]);
    run.workers[0]?.answer({ type: 'holding', index: 1, generation: 1, stepsDone: 10 });
    expect(run.pool.phase).toBe('pausing');
    // A job that ends while pausing is kept, and its worker gets no new job.
    run.workers[1]?.answer({ type: 'jobDone', index: 2, output: output(2) });
    expect(run.pool.phase).toBe('paused');
    expect(run.workers[1]?.jobs()).toEqual([2]);
    run.pool.resume();
    expect(run.pool.phase).toBe('running');
    expect(run.workers[0]?.sent.at(-1)).toEqual({ type: 'resume' });
    expect(run.workers[1]?.jobs()).toEqual([2, 0]);
  });

  it('keeps the finished outputs when cancelled and ignores the workers afterwards', () => {
    const run = start();
    planned(run);
    run.workers[1]?.answer({ type: 'jobDone', index: 2, output: output(2) });
    run.pool.cancel();
    expect(run.pool.phase).toBe('cancelled');
    expect(run.pool.outputs).toEqual([undefined, undefined, output(2)]);
    expect(run.workers.every((worker) => worker.terminated)).toBe(true);
    run.workers[0]?.answer({ type: 'jobDone', index: 1, output: output(1) });
    expect(run.pool.outputs[1]).toBeUndefined();
    expect(run.done).toEqual([]);
  });

  it('replaces a worker that falls silent and starts its job again; a second silence fails the run', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    try {
      const run = start({ silenceMs: 1000 });
      planned(run);
      run.workers[1]?.answer({ type: 'jobProgress', index: 2, stepsDone: 10, totalSteps: 100, estimate: null });
      vi.advanceTimersByTime(800);
      run.workers[1]?.answer({ type: 'jobProgress', index: 2, stepsDone: 20, totalSteps: 100, estimate: null });
      vi.advanceTimersByTime(800);
      // Worker 0 (job 1) has said nothing for 1.6 s: replaced; worker 1 answered 0.8 s ago: kept.
      expect(run.workers).toHaveLength(3);
      expect(run.workers[0]?.terminated).toBe(true);
      expect(run.workers[1]?.terminated).toBe(false);
      expect(run.warnings).toEqual(['the worker of job 2 of 3 stopped answering for 1 s; it was replaced and the job started again']);
      run.workers[2]?.answer({ type: 'ready', buildId: 'test' });
      expect(run.workers[2]?.jobs()).toEqual([1]);
      // The same job falls silent again: the run fails and says why.
      vi.advanceTimersByTime(2000);
      expect(run.failures).toEqual(['job 2 of 3 stopped answering twice (1 s each): a single step may take too long at its settings']);
      expect(run.pool.phase).toBe('error');
    } finally {
      vi.useRealTimers();
    }
  });
});
