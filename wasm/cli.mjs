#!/usr/bin/env node
// The command line: runs the same wasm module as the page, headless in Node.
//   icl-playground theory <config.json | ->   theory curves of the config as JSON
//   icl-playground train  <config.json | ->   train, then empirical and theoretical risk as JSON
//   icl-playground reproduce <preset ... | all> --out <dir> [--quick]   figure panels as CSV, JSON and SVG
// Results go to stdout, progress to stderr, and every error is one line on stderr. Exit status: 0 done;
// 1 a reproduction missed a panel's tolerance or a training run diverged; 2 bad input (usage, a config
// that cannot be read or is invalid, an --out directory that cannot be written); 3 an unexpected error.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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
       icl-playground reproduce <preset ... | all> --out <dir> [--quick] [--threads N]

commands:
  theory     print the theory curves of the config at each of its context lengths n
  train      train the config's models, then print their empirical test risk beside the theory
  reproduce  run figure panels (wasm/presets/*.json) and write per panel <id>.csv, <id>.json, <id>.svg
             and fidelity.txt into <dir>; --quick runs each panel's reduced version; the jobs of all
             the panels run on one pool of N worker threads (default: the number of cores),
             costliest first

'-' reads the config from standard input. The config format is described in README.md.`;

const EXIT_FAILED = 1;
const EXIT_BAD_INPUT = 2;
const EXIT_INTERNAL = 3;

/** Bad input that is not a config error: an unreadable config, an unwritable directory. */
class InputError extends Error {}
/** A mistake in the command line itself. */
class UsageError extends InputError {}

// The offset of the first byte of `bytes` that starts no well-formed UTF-8 character.
function firstInvalidUtf8(bytes) {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i];
    let length = 0;
    let low = 0x80;
    let high = 0xbf;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) [length, low, high] = [3, lead === 0xe0 ? 0xa0 : 0x80, lead === 0xed ? 0x9f : 0xbf];
    else if (lead >= 0xf0 && lead <= 0xf4) [length, low, high] = [4, lead === 0xf0 ? 0x90 : 0x80, lead === 0xf4 ? 0x8f : 0xbf];
    const second = bytes[i + 1];
    const rest = bytes.subarray(i + 2, i + length);
    const valid = length === 1 || (length > 1 && i + length <= bytes.length && second >= low && second <= high &&
      rest.every((byte) => byte >= 0x80 && byte <= 0xbf));
    if (!valid) return i;
    i += length;
  }
  return -1;
}

function readConfigText(path) {
  if (path === undefined) throw new UsageError('missing the config file (or - for standard input)');
  const name = path === '-' ? 'standard input' : path;
  let bytes;
  try {
    bytes = readFileSync(path === '-' ? 0 : path);
  } catch (error) {
    throw new InputError(`cannot read ${name}: ${error.message}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const hex = bytes[at].toString(16).toUpperCase().padStart(2, '0');
    throw new InputError(`${name} is not UTF-8 text: byte ${at + 1} (0x${hex}) starts no valid character (a config is JSON text)`);
  }
}

// mkdir -p, one level at a time: Node 20's mkdirSync(..., { recursive: true }) loops forever where the
// kernel answers ENOENT for a parent that exists (e.g. under /proc).
function makeDirectory(dir) {
  const missing = [];
  for (let current = resolve(dir); !existsSync(current); current = dirname(current)) {
    missing.push(current);
    if (dirname(current) === current) break;
  }
  for (const path of missing.reverse()) mkdirSync(path);
}

// Creates `dir` and writes a file into it, so that a reproduction fails before its work, not after.
function checkWritableDirectory(dir) {
  const probe = join(dir, `.icl-playground-write-check-${process.pid}`);
  try {
    makeDirectory(dir);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new InputError(`cannot write to --out ${dir}: ${error.message}`);
  }
}

function theoryReport(icl, config) {
  return { buildId: icl.buildId, config, n: config.n, theory: icl.theoryCurves(config, config.n) };
}

// Trains, stopping early once a batch loss is no longer finite (the run has diverged: it cannot come
// back from Infinity or NaN). The report says so (`diverged`), and main() exits with status 1.
function train(icl, config) {
  const experiment = icl.createExperiment(config);
  try {
    const started = performance.now();
    const chunk = Math.max(1, Math.ceil(experiment.totalSteps / 20));
    let lossFinite = true;
    while (experiment.stepsDone < experiment.totalSteps && lossFinite) {
      experiment.step(chunk);
      const losses = Array.from(experiment.lastTrainLoss());
      lossFinite = losses.every(Number.isFinite);
      const loss = losses.map((v) => v.toPrecision(4)).join(', ');
      process.stderr.write(`step ${experiment.stepsDone}/${experiment.totalSteps}  batch loss per n: ${loss}\n`);
    }
    process.stderr.write('evaluating\n');
    const empirical = Array.from(experiment.evaluate());
    const theory = icl.theoryCurves(config, config.n);
    const model = theory[0].values;
    const nonFinite = empirical.findIndex((value) => !Number.isFinite(value));
    return {
      buildId: icl.buildId,
      config,
      n: config.n,
      steps: experiment.stepsDone,
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      diverged: !lossFinite || nonFinite >= 0,
      empirical,
      theory,
      relativeGap: empirical.map((value, i) => value / model[i] - 1),
    };
  } finally {
    experiment.delete();
  }
}

function divergenceMessage(report) {
  const at = report.empirical.findIndex((value) => !Number.isFinite(value));
  const what = at >= 0 ? `the empirical risk at n = ${report.n[at]} is ${report.empirical[at]}` : 'a batch loss is not finite';
  return `training diverged after ${report.steps} of ${report.config.training.steps} steps: ${what} ` +
    `(try a smaller training.learning_rate; the report on stdout has "diverged": true)`;
}

async function reproduce(icl, args) {
  // Loaded here, not at the top: the chart library and the thread pool are for this command only.
  const { fidelityTable, writePanel } = await import('./report.js');
  const { runJobsInPool } = await import('./job-pool.mjs');
  let out;
  let quick = false;
  let threads = availableParallelism();
  const names = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--quick') quick = true;
    else if (args[i] === '--out') out = args[++i];
    else if (args[i].startsWith('--out=')) out = args[i].slice('--out='.length);
    else if (args[i] === '--threads') threads = Number(args[++i]);
    else if (args[i].startsWith('-')) throw new UsageError(`unknown option '${args[i]}'`);
    else names.push(args[i]);
  }
  if (names.length === 0) throw new UsageError('reproduce takes preset names, or all');
  if (!out) throw new UsageError('reproduce needs --out <dir>');
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError('--threads must be an integer in [1, 64]');
  checkWritableDirectory(out);
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
    const paths = writePanel(out, result);
    process.stderr.write(`${panel.id}: done after ${result.seconds.toFixed(1)} s, wrote ${paths.csv}, ${paths.json}, ${paths.svg}\n`);
    results.push(result);
  }
  const table = fidelityTable(results);
  writeFileSync(`${out}/fidelity.txt`, `${table}\n`);
  process.stdout.write(`${table}\n`);
  process.stderr.write(`total ${((performance.now() - started) / 1000).toFixed(1)} s on ${threads} threads\n`);
  return results.every((result) => result.fidelity.pass) ? 0 : EXIT_FAILED;
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
  if (report.diverged) {
    process.stderr.write(`icl-playground: ${divergenceMessage(report)}\n`);
    return EXIT_FAILED;
  }
  return 0;
}

// One line, whatever the message holds.
const oneLine = (text) => String(text).replace(/\s*[\r\n]+\s*/g, ' ').trim();

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error) => {
    if (error instanceof InputError) {
      const hint = error instanceof UsageError ? ' (icl-playground --help shows the usage)' : '';
      process.stderr.write(`icl-playground: ${oneLine(error.message)}${hint}\n`);
      process.exit(EXIT_BAD_INPUT);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`icl-playground: invalid config: ${oneLine(error.message)}\n`);
      process.exit(EXIT_BAD_INPUT);
    }
    process.stderr.write(`icl-playground: unexpected error: ${oneLine(error?.message ?? error)}\n`);
    process.exit(EXIT_INTERNAL);
  },
);
