#!/usr/bin/env node
// The command line: runs the same wasm module as the page, headless in Node.
//   icl-playground theory <config.json | ->   theory curves of the config as JSON
//   icl-playground train  <config.json | ->   train, then empirical and theoretical risk as JSON
//   icl-playground reproduce <preset ... | all> --out <dir> [--quick] [--base URL]   figure panels as CSV, JSON and SVG
//   icl-playground link   <config.json | -> [--base URL]  the page's link of a config
// Wherever a config is read, a link of the page (or its fragment) may stand in its place.
// Results go to stdout, progress and errors to stderr; a bad config exits with status 2, a training run
// that diverged or a reproduction whose gap to theory exceeds a panel's tolerance with status 1.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ConfigError, loadIcl } from './icl.js';
import { buildWarning, configLink, decodeState, looksLikeLink } from './link.js';
import { panelJobs, panelResult, resolvePanel } from './sweep.js';

const presetDirectory = new URL('./presets/', import.meta.url);

function loadPresets() {
  return readdirSync(presetDirectory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(new URL(name, presetDirectory), 'utf8')));
}

const USAGE = `usage: icl-playground theory <config | ->
       icl-playground train <config | ->
       icl-playground link <config | -> [--base URL]
       icl-playground reproduce <preset ... | all> --out <dir> [--quick] [--threads N] [--base URL]

commands:
  theory     print the theory curves of the config at each of its context lengths n
  train      train the config's models, then print their empirical test risk beside the theory
  link       print the playground's link of the config (--base: the page's address, default none,
             which prints the fragment alone)
  reproduce  run figure panels (wasm/presets/*.json) and write per panel <id>.csv, <id>.json, <id>.svg
             and fidelity.txt into <dir>; --quick runs each panel's reduced version; the jobs of all
             the panels run on one pool of N worker threads (default: the number of cores),
             costliest first; a panel may be named by its link; every file carries its provenance
             (link, build, date, the config of each curve, seeds), the link being --base URL (the
             page's address; default none, so the link is the bare fragment #v=1&...) followed by the
             panel's fragment

<config> is a JSON file, '-' for standard input, or a link of the page (or its fragment, quoted for
the shell) such as 'https://host/icl/#v=1&d=7&seed=42'. The config format is described in README.md.`;

class UsageError extends Error {}

function readConfigText(path) {
  if (path === undefined) throw new UsageError('missing the config file (or - for standard input, or a link)');
  if (path !== '-' && looksLikeLink(path) && !existsSync(path)) return path;
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path === '-' ? 'standard input' : path}: ${error.message}`);
  }
}

/** A config (JSON text or a link of the page) as the config object it names; warnings of a link on stderr. */
function readConfig(icl, text) {
  if (!looksLikeLink(text)) return icl.normalizeConfig(text);
  const state = decodeState(text, icl.configSchema());
  for (const warning of [...state.warnings, buildWarning(state.buildId, icl.buildId)]) {
    if (warning) process.stderr.write(`icl-playground: ${warning}\n`);
  }
  if (state.config === null) {
    throw new UsageError(`this link is of the figure panel '${state.preset}'; run it with: icl-playground reproduce '${text.trim()}' --out <dir>`);
  }
  return icl.normalizeConfig(state.config);
}

/** A reproduce argument: a preset id, or a link of a panel (its id and quick flag). */
function panelArgument(icl, name) {
  if (!looksLikeLink(name)) return { name, quick: false };
  const state = decodeState(name, icl.configSchema());
  if (!state.preset) throw new UsageError(`the link '${name.slice(0, 80)}' names no figure panel (preset=...)`);
  return { name: state.preset, quick: state.quick };
}

function linkCommand(icl, config, base) {
  return `${configLink({ config, schema: icl.configSchema(), buildId: icl.buildId, base })}\n`;
}

function theoryReport(icl, config) {
  return { buildId: icl.buildId, config, n: config.n, theory: icl.theoryCurves(config, config.n) };
}

function train(icl, config) {
  const experiment = icl.createExperiment(config);
  try {
    const started = performance.now();
    const chunk = Math.max(1, Math.ceil(experiment.totalSteps / 20));
    while (experiment.stepsDone < experiment.totalSteps && !experiment.divergence) {
      experiment.step(chunk);
      const loss = Array.from(experiment.lastTrainLoss(), (v) => v.toPrecision(4)).join(', ');
      process.stderr.write(`step ${experiment.stepsDone}/${experiment.totalSteps}  batch loss per n: ${loss}\n`);
    }
    const divergence = experiment.divergence;
    if (divergence) process.stderr.write(`icl-playground: ${divergence.message}\n`);
    process.stderr.write('evaluating\n');
    const evaluated = Array.from(experiment.evaluate());
    const verdicts = experiment.verdicts(evaluated);
    // JSON has no NaN or Infinity: a diverged model's risk is null, and its verdict says why.
    const empirical = evaluated.map((value) => (Number.isFinite(value) ? value : null));
    const theory = icl.theoryCurves(config, config.n);
    const model = theory[0].values;
    for (const [i, verdict] of verdicts.entries()) {
      if (verdict.kind !== 'converged') process.stderr.write(`n = ${config.n[i]}: ${verdict.message}\n`);
    }
    return {
      buildId: icl.buildId,
      config,
      n: config.n,
      steps: experiment.stepsDone,
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      empirical,
      theory,
      relativeGap: empirical.map((value, i) => (value === null ? null : value / model[i] - 1)),
      verdicts,
      divergence,
      checkpoints: experiment.checkpoints(),
      livePrompts: experiment.livePrompts,
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
    else {
      const panel = panelArgument(icl, args[i]);
      names.push(panel.name);
      quick ||= panel.quick;
    }
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
  const allJobs = panels.flatMap((panel) => panel.jobs);
  const costs = allJobs.map((job) => icl.runPlan(job.config).runMultiplyAdds);
  const outputs = await runJobsInPool(allJobs, threads, { costs, onDone });
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
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'reproduce') return reproduce(await loadIcl(), argv.slice(1));
  if (!['theory', 'train', 'link'].includes(command)) throw new UsageError(`unknown command '${command}'`);
  let base = '';
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    if (command === 'link' && args[i] === '--base') base = args[++i] ?? '';
    else if (command === 'link' && args[i].startsWith('--base=')) base = args[i].slice('--base='.length);
    else positional.push(args[i]);
  }
  if (command === 'link' && args.some((arg) => arg.startsWith('--base')) && !base) {
    throw new UsageError('--base needs the address of the page, e.g. https://host/icl/');
  }
  const [path, ...rest] = positional;
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const text = readConfigText(path);
  const icl = await loadIcl();
  const config = readConfig(icl, text);
  if (command === 'link') {
    process.stdout.write(linkCommand(icl, config, base));
    return 0;
  }
  const report = command === 'theory' ? theoryReport(icl, config) : train(icl, config);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  // A run that diverged failed, whatever it printed.
  return report.divergence ? 1 : 0;
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
