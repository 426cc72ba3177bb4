// A benchmark, not a test: the three Figure 2 panels with another training recipe (steps, batch size), all
// jobs on one pool of worker threads, printing each panel's fidelity and the wall time. For weighing a
// lighter recipe against the defaults (wasm/presets/fig2*.json: 4000 steps of batch 1024).
//   node tests/bench/fig2-recipe.mjs <steps> <batch_size> [threads]     (after npm test or npm start)
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadIcl } from '../../wasm/icl.js';
import { runJobsInPool } from '../../run/node-pool.mjs';
import { merge, panelJobs, panelResult, resolvePanel } from '../../run/sweep.js';

const [steps, batchSize, threads = availableParallelism()] = process.argv.slice(2).map(Number);
if (!Number.isInteger(steps) || !Number.isInteger(batchSize)) {
  console.error('usage: node tests/bench/fig2-recipe.mjs <steps> <batch_size> [threads]');
  process.exit(2);
}
const icl = await loadIcl();
const panels = ['fig2a-noiseless-iid', 'fig2b-noisy-labels', 'fig2c-nonisotropic-task'].map((id) => {
  const preset = JSON.parse(readFileSync(new URL(`../../wasm/presets/${id}.json`, import.meta.url), 'utf8'));
  const resolved = merge(resolvePanel(preset), { base: { training: { steps, batch_size: batchSize } } });
  return { resolved, jobs: panelJobs(resolved) };
});
const started = performance.now();
const outputs = await runJobsInPool(panels.flatMap((panel) => panel.jobs), threads);
const seconds = (performance.now() - started) / 1000;
const percent = (x) => `${(100 * x).toFixed(2)}%`;
let first = 0;
for (const { resolved, jobs } of panels) {
  const { id, fidelity } = panelResult(icl, resolved, jobs, outputs.slice(first, (first += jobs.length)), { quick: false, seconds });
  console.log(`${id.padEnd(25)} median |gap| ${percent(fidelity.medianGap)}, max ${percent(fidelity.maxGap)}: ${fidelity.pass ? 'pass' : 'FAIL'}`);
}
console.log(`${steps} steps of batch ${batchSize}: ${seconds.toFixed(1)} s on ${threads} threads`);
process.exit(0);
