#!/usr/bin/env node
// The command line: runs the same wasm module as the page, headless in Node.
//   icl-playground theory <config.json | ->   theory curves of the config as JSON
//   icl-playground train  <config.json | ->   train, then empirical and theoretical risk as JSON
//   icl-playground reproduce <preset ... | all> --out <dir> [--quick] [--base URL]   figure panels as CSV, JSON and SVG
//   icl-playground link   <config.json | -> [--base URL]  the page's link of a config
// Wherever a config is read, a link of the page (or its fragment) may stand in its place.
// Results go to stdout, progress to stderr, and every error is one line on stderr. Exit status: 0 done;
// 1 a reproduction missed a panel's tolerance or a training run diverged; 2 bad input (usage, a config
// that cannot be read or is invalid, an --out directory that cannot be written); 3 an unexpected error.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, loadIcl } from './icl.js';
import { buildWarning, configLink, decodeState, looksLikeLink } from './link.js';
import { panelJobs, panelResult, resolvePanel } from '../run/sweep.js';
import { TrainingRun } from '../run/training-run.js';

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
  if (path === undefined) throw new UsageError('missing the config file (or - for standard input, or a link)');
  if (path !== '-' && looksLikeLink(path) && !existsSync(path)) return path;
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

// Trains, stopping early once a batch loss is no longer finite (the run has diverged: it cannot come
// back from Infinity or NaN). The report says so (`diverged`), and main() exits with status 1.
async function train(icl, config) {
  const experiment = icl.createExperiment(config);
  try {
    const started = performance.now();
    // Progress at most once a second, and at the end.
    let reportedAt = -Infinity;
    await new TrainingRun(experiment).advance((run) => {
      if (!run.finished && performance.now() - reportedAt < 1000) return;
      reportedAt = performance.now();
      const loss = Array.from(experiment.lastTrainLoss(), (v) => v.toPrecision(4)).join(', ');
      process.stderr.write(`step ${experiment.stepsDone}/${experiment.totalSteps}  batch loss per n: ${loss}\n`);
    });
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
      diverged: divergence !== null || empirical.includes(null),
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
  const { runJobsInPool } = await import('../run/node-pool.mjs');
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
  const allJobs = panels.flatMap((panel) => panel.jobs);
  const outputs = await runJobsInPool(allJobs, threads, { onDone });
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
  return results.every((result) => result.fidelity.pass) ? 0 : EXIT_FAILED;
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
  const report = command === 'theory' ? theoryReport(icl, config) : await train(icl, config);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  // A run that diverged failed, whatever it printed (the reason is already on stderr).
  return report.diverged ? EXIT_FAILED : 0;
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
