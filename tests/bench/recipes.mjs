// A benchmark, not a test: the recipe search. For each recipe, every chosen figure preset at full size
// (all its points and seeds) runs on one pool of worker threads; it prints each preset's median and
// largest gap against its tolerance, and the recipe's wall time and CPU time, the CPU time also as a ratio
// to the first recipe's (the machine's load moves wall time; CPU time moves less).
//   node tests/bench/recipes.mjs [--recipes own,paper,...] [--presets fig2,...|all] [--threads k] [--list]
// "own" is each preset's own recipe (wasm/presets/*.json), the other names are run/recipes.js's or the
// candidates below; --presets takes preset ids, "fig2" (its three presets) or "all" (the default).
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadIcl } from '../../wasm/icl.js';
import { runJobsInPool } from '../../run/node-pool.mjs';
import { merge } from '../../run/merge.js';
import { describeRecipe, recipeNamed, recipes } from '../../run/recipes.js';
import { presetJobs, presetResult, resolvePreset } from '../../run/preset.js';

// Candidates of the search beside the named recipes: each a named recipe with a patch.
const candidates = {
  'fast-800': ['fast', { training: { steps: 800 } }],
  'fast-1000': ['fast', { training: { steps: 1000, average_from: 0.5 } }],
  'fast-1000-eval60k': ['fast', { training: { steps: 1000, average_from: 0.5 }, evaluation: { prompts: 60000, live_prompts: 512 } }],
  'fast-b128': ['fast', { training: { batch_size: 128, steps: 2000 } }],
  'fast-no-average': ['fast', { training: { average: 'none' } }],
  'fast-gaussian': ['fast', { architecture: { attention: { model: { init: 'gaussian', init_std: 0.1 } } } }],
  'h3-800-a30': ['fast', { architecture: { h3: { training: { steps: 800, average_from: 0.3 } } } }],
  'h3-800-a20-f10': ['fast', { architecture: { h3: { training: { steps: 800, average_from: 0.2, lr_decay_factor: 0.1 } } } }],
  'h3-800-a30-f30': ['fast', { architecture: { h3: { training: { steps: 800, average_from: 0.3, lr_decay_factor: 0.3 } } } }],
  'h3-800-a30-lr25': ['fast', { architecture: { h3: { training: { steps: 800, average_from: 0.3, learning_rate: 0.025 } } } }],
  'fast-h3-900': ['fast', { architecture: { h3: { training: { steps: 900 } } }, evaluation: { prompts: 40000, live_prompts: 512 } }],
  'fast-h3-1000': ['fast', { architecture: { h3: { training: { steps: 1000 } } }, evaluation: { prompts: 50000, live_prompts: 512 } }],
  'fast-ema': ['fast', { training: { average: 'ema', ema_decay: 0.99, average_from: 0.5 } }],
  'fast-ramp': ['fast', { training: { batch_ramp: 0.3, batch_size_start: 64, steps: 1000 } }],
  'paper-average': ['paper', { training: { average: 'tail', average_from: 0.75 } }],
};

const presetDirectory = new URL('../../wasm/presets/', import.meta.url);
const presets = readdirSync(presetDirectory)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => JSON.parse(readFileSync(new URL(name, presetDirectory), 'utf8')));

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

function recipeOf(name) {
  if (Object.hasOwn(candidates, name)) {
    const [base, patch] = candidates[name];
    return merge(recipeNamed(base), patch);
  }
  return recipeNamed(name);
}

if (process.argv.includes('--list')) {
  for (const name of Object.keys(recipes)) console.log(describeRecipe(name, recipes[name]));
  for (const name of Object.keys(candidates)) console.log(`${describeRecipe(name, recipeOf(name))} (candidate)`);
  process.exit(0);
}

const recipeList = option('recipes', 'own,paper').split(',');
const presetOption = option('presets', 'all');
const threads = Number(option('threads', availableParallelism()));
const chosen =
  presetOption === 'all'
    ? presets
    : presetOption
        .split(',')
        .flatMap((id) => (id === 'fig2' ? presets.filter((p) => p.id.startsWith('fig2')) : presets.filter((p) => p.id === id)));
if (chosen.length === 0) {
  console.error(`no preset matches --presets ${presetOption} (known: ${presets.map((p) => p.id).join(', ')}, fig2, all)`);
  process.exit(2);
}

const icl = await loadIcl();
const percent = (x) => (x === null ? '—' : `${(100 * x).toFixed(2)} %`);
const rows = [];
for (const name of recipeList) {
  const runs = chosen.map((preset) => {
    const resolved = resolvePreset(preset);
    if (name !== 'own') resolved.recipe = { name, ...recipeOf(name) };
    return { resolved, jobs: presetJobs(resolved) };
  });
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const outputs = await runJobsInPool(
    runs.flatMap((run) => run.jobs),
    threads,
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  let first = 0;
  let passed = 0;
  for (const { resolved, jobs } of runs) {
    const { id, fidelity, curves } = presetResult(icl, resolved, jobs, outputs.slice(first, (first += jobs.length)), {
      quick: false,
      seconds,
    });
    const error = Math.max(...curves.flatMap((curve) => curve.points.map((point) => point.gapStandardError ?? 0)));
    if (fidelity.pass) passed += 1;
    for (const curve of curves) {
      const gaps = curve.points.map((point) => Math.abs(point.gap ?? Number.NaN)).sort((a, b) => a - b);
      const mid = gaps.length >> 1;
      const curveMedian = gaps.length % 2 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
      console.log(
        `${''.padEnd(16)}   ${curve.label.padEnd(23)} median ${percent(curveMedian).padStart(8)}, max ${percent(gaps.at(-1)).padStart(8)}`,
      );
    }
    console.log(
      `${name.padEnd(16)} ${id.padEnd(25)} median ${percent(fidelity.medianGap).padStart(8)}, max ${percent(fidelity.maxGap).padStart(8)}` +
        ` (largest standard error ${percent(error)}; tolerance ${percent(fidelity.tolerance.median)} / ${percent(fidelity.tolerance.point)}):` +
        ` ${fidelity.pass ? 'pass' : 'FAIL'}   [${describeRecipe(resolved.recipe.name, resolved.recipe)}]`,
    );
  }
  rows.push({ name, seconds, cpuSeconds, passed });
  console.log(
    `${name}: ${passed} of ${runs.length} presets pass; ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU on ${threads} threads\n`,
  );
}
const baseline = rows[0];
for (const row of rows) {
  console.log(
    `${row.name.padEnd(16)} ${row.passed}/${chosen.length} pass  wall ${row.seconds.toFixed(1).padStart(7)} s  CPU ${row.cpuSeconds.toFixed(1).padStart(7)} s` +
      `  ratios to ${baseline.name}: wall ${(row.seconds / baseline.seconds).toFixed(3)}, CPU ${(row.cpuSeconds / baseline.cpuSeconds).toFixed(3)}`,
  );
}
process.exit(0);
