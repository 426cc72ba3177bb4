// The worker side of a job pool (run/job-protocol.d.ts): answers plans and theory, and trains the jobs
// it is sent one at a time with the shared chunked loop (training-run.js), holding between chunks while
// paused. The page's preset workers (web/src/preset-worker.ts) and the command line's threads
// (run/node-job-worker.mjs) are this file behind their own message port.

import { jobOutput, presetTheory } from './preset.js';
import { latestCheckpoint, TrainingRun } from './training-run.js';

const errorMessage = (error) => (error instanceof Error ? error.message : String(error));

/** Returns the handler of the pool's messages; `post` sends a FromJobWorker message to the pool. */
export function serveJobs(icl, post) {
  /** The latest pause's generation while paused, null while running. */
  let pausedGeneration = null;
  /** The job being trained: its index and run, or null. */
  let current = null;

  async function train(index, config) {
    const experiment = icl.createExperiment(config);
    const run = new TrainingRun(experiment, { playing: pausedGeneration === null });
    current = { index, run };
    let reportedStep = -1;
    try {
      const onChunk = () => {
        const checkpoint = latestCheckpoint(experiment);
        const fresh = checkpoint !== null && checkpoint.step !== reportedStep;
        if (fresh) reportedStep = checkpoint.step;
        post({
          type: 'jobProgress',
          index,
          stepsDone: experiment.stepsDone,
          totalSteps: experiment.totalSteps,
          estimate: fresh ? checkpoint : null,
        });
      };
      // Held by a pause: say so, and train on once resumed (resume calls play()).
      while ((await run.advance(onChunk)) === 'held') {
        post({ type: 'holding', index, generation: pausedGeneration ?? 0, stepsDone: experiment.stepsDone });
        await new Promise((resolve) => {
          current.release = resolve;
        });
      }
      return jobOutput(experiment);
    } finally {
      current = null;
      experiment.delete();
    }
  }

  return function handle(message) {
    switch (message.type) {
      case 'plan':
        try {
          const plans = message.configs.map((config) => icl.runPlan(config));
          post({ type: 'planned', totalSteps: plans.map((plan) => plan.totalSteps), costs: plans.map((plan) => plan.runMultiplyAdds) });
        } catch (error) {
          post({ type: 'failed', stage: 'plan', index: null, message: errorMessage(error) });
        }
        return;
      case 'theory':
        try {
          post({ type: 'theory', theory: presetTheory(icl, message.preset, message.jobs) });
        } catch (error) {
          post({ type: 'failed', stage: 'theory', index: null, message: errorMessage(error) });
        }
        return;
      case 'job':
        train(message.index, message.config).then(
          (output) => post({ type: 'jobDone', index: message.index, output }),
          (error) => post({ type: 'failed', stage: 'job', index: message.index, message: errorMessage(error) }),
        );
        return;
      case 'pause':
        pausedGeneration = message.generation;
        current?.run.pause();
        return;
      case 'resume':
        pausedGeneration = null;
        if (current) {
          current.run.play();
          current.release?.();
          current.release = undefined;
        }
        return;
    }
  };
}
