#!/usr/bin/env node
// The command line: runs the same wasm module as the page, headless in Node.
//   icl-playground theory <config.json | ->   theory curves of the config as JSON
//   icl-playground train  <config.json | ->   train, then empirical and theoretical risk as JSON
//   icl-playground reproduce <preset ... | all> --out <dir> [--quick] [--base URL]   figure panels as CSV, JSON and SVG
// Results go to stdout, progress and errors to stderr; a bad config exits with status 2, a reproduction
// whose gap to theory exceeds a panel's tolerance with status 1.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ConfigError, loadIcl } from './icl.js';
import { panelJobs, panelResult, resolvePanel } from './sweep.js';

const presetDirectory = new URL('./presets/', import.meta.url);

function loadPresets() {
  return readdirSync(presetDirectory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(new URL(name, presetDirectory), 'utf8')));
}

const USAGE = `usage: icl-playground theory <config.json | ->
       icl-playground train <config.json | ->
       icl-playground reproduce <preset ... | all> --out <dir> [--quick] [--threads N] [--base URL]

commands:
  theory     print the theory curves of the config at each of its context lengths n
  train      train the config's models, then print their empirical test risk beside the theory
  reproduce  run figure panels (wasm/presets/*.json) and write per panel <id>.csv, <id>.json, <id>.svg
             and fidelity.txt into <dir>; --quick runs each panel's reduced version; the jobs of all
             the panels run on one pool of N worker threads (default: the number of cores),
             costliest first; every file carries its provenance (link, build, date, the config of
             each curve, seeds), the link being --base URL (the page's address; default none, so
             the link is the bare fragment #v=1&...) followed by the panel's fragment

'-' reads the config from standard input. The config format is described in README.md.`;

class UsageError extends Error {}

function readConfigText(path) {
  if (path === undefined) throw new UsageError('missing the config file (or - for standard input)');
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path === '-' ? 'standard input' : path}: ${error.message}`);
  }
}

function theoryReport(icl, config) {
  return { buildId: icl.buildId, config, n: config.n, theory: icl.theoryCurves(config, config.n) };
}

function train(icl, config) {
  const experiment = icl.createExperiment(config);
  try {
    const started = performance.now();
    const chunk = Math.max(1, Math.ceil(experiment.totalSteps / 20));
    while (experiment.stepsDone < experiment.totalSteps) {
      experiment.step(chunk);
      const loss = Array.from(experiment.lastTrainLoss(), (v) => v.toPrecision(4)).join(', ');
      process.stderr.write(`step ${experiment.stepsDone}/${experiment.totalSteps}  batch loss per n: ${loss}\n`);
    }
    process.stderr.write('evaluating\n');
    const empirical = Array.from(experiment.evaluate());
    const theory = icl.theoryCurves(config, config.n);
    const model = theory[0].values;
    return {
      buildId: icl.buildId,
      config,
      n: config.n,
      steps: experiment.stepsDone,
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      empirical,
      theory,
      relativeGap: empirical.map((value, i) => value / model[i] - 1),
    };
  } finally {
    experiment.delete();
  }
}

async function reproduce(icl, args) {
  // Loaded here, not at the top: the chart library and the thread pool are for this command only.
  const { fidelityTable, writePanel } = await import('./report.js');
  const { runJobsInPool } = await import('./job-pool.mjs');
  let out;
  let quick = false;
  let threads = availableParallelism();
  let base = '';
  const names = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--quick') quick = true;
    else if (args[i] === '--out') out = args[++i];
    else if (args[i].startsWith('--out=')) out = args[i].slice('--out='.length);
    else if (args[i] === '--threads') threads = Number(args[++i]);
    else if (args[i] === '--base') base = args[++i] ?? '';
    else if (args[i].startsWith('--base=')) base = args[i].slice('--base='.length);
    else if (args[i].startsWith('-')) throw new UsageError(`unknown option '${args[i]}'`);
    else names.push(args[i]);
  }
  if (names.length === 0) throw new UsageError('reproduce takes preset names, or all');
  if (!out) throw new UsageError('reproduce needs --out <dir>');
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError('--threads must be an integer in [1, 64]');
  // The panel's fragment replaces any the address had, as on the page.
  base = base.split('#')[0];
  const presets = loadPresets();
  const chosen = names.includes('all') ? presets : [...new Set(names)].map((name) => {
    const preset = presets.find((candidate) => candidate.id === name);
    if (!preset) throw new UsageError(`unknown preset '${name}' (known: ${presets.map((p) => p.id).join(', ')}, all)`);
    return preset;
  });
  // The jobs of every chosen panel share one pool, so that no worker idles at the end of one panel while
  // another finishes it; a panel's time runs from the start until its last job is done.
  const panels = chosen.map((preset) => {
    const resolved = resolvePanel(preset, { quick });
    const jobs = panelJobs(resolved);
    return { id: preset.id, resolved, jobs, left: jobs.length, seconds: 0 };
  });
  const owner = panels.flatMap((panel) => panel.jobs.map(() => panel));
  const started = performance.now();
  const onDone = (j) => {
    const panel = owner[j];
    panel.left -= 1;
    process.stderr.write(`${panel.id}: ${panel.jobs.length - panel.left} of ${panel.jobs.length} jobs done\n`);
    if (panel.left === 0) panel.seconds = (performance.now() - started) / 1000;
  };
  const outputs = await runJobsInPool(panels.flatMap((panel) => panel.jobs), threads, { onDone });
  const results = [];
  let first = 0;
  for (const panel of panels) {
    const panelOutputs = outputs.slice(first, first + panel.jobs.length);
    first += panel.jobs.length;
    const result = panelResult(icl, panel.resolved, panel.jobs, panelOutputs, { quick, seconds: panel.seconds });
    const paths = writePanel(out, result, { base });
    process.stderr.write(`${panel.id}: done after ${result.seconds.toFixed(1)} s, wrote ${paths.csv}, ${paths.json}, ${paths.svg}\n`);
    results.push(result);
  }
  const table = fidelityTable(results);
  writeFileSync(`${out}/fidelity.txt`, `${table}\n`);
  process.stdout.write(`${table}\n`);
  process.stderr.write(`total ${((performance.now() - started) / 1000).toFixed(1)} s on ${threads} threads\n`);
  return results.every((result) => result.fidelity.pass) ? 0 : 1;
}

async function main(argv) {
  const [command, path, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'reproduce') return reproduce(await loadIcl(), argv.slice(1));
  if (command !== 'theory' && command !== 'train') throw new UsageError(`unknown command '${command}'`);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const text = readConfigText(path);
  const icl = await loadIcl();
  const config = icl.normalizeConfig(text);
  const report = command === 'theory' ? theoryReport(icl, config) : train(icl, config);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`icl-playground: ${error.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`icl-playground: invalid config: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`icl-playground: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
