import type { PoolSnapshot } from './pool.js';
import type { Job, JobOutput } from './preset.js';

export function runJobsInPool(
  jobs: Job[],
  threads: number,
  options?: { onProgress?: (snapshot: PoolSnapshot) => void; onDone?: (jobIndex: number) => void },
): Promise<JobOutput[]>;
