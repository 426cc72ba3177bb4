// The command line's figure commands: `reproduce` runs figure presets (wasm/presets/*.json) on a pool of
// worker threads and writes their CSV, JSON, SVG and fidelity table; with --jobs-out it writes every job
// as a file instead, `job` runs one such file, and `reproduce --merge` assembles their results into the
// same reports (run/job-files.mjs).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { decodeState, looksLikeLink } from './link.js';
import { EXIT_FAILED, InputError, UsageError, checkWritableDirectory } from './cli-input.mjs';
import { JobFileError, readJobResults, runJobFile, writeJobFiles } from '../run/job-files.mjs';
import { recipeNames } from '../run/recipes.js';
import { presetJobs, presetResult, resolvePreset } from '../run/preset.js';

const presetDirectory = new URL('./presets/', import.meta.url);

function loadPresets() {
  return readdirSync(presetDirectory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(new URL(name, presetDirectory), 'utf8')));
}

/** A reproduce argument: a preset id, or a link of a preset (its id, recipe and quick flag). */
function presetArgument(icl, name) {
  if (!looksLikeLink(name)) return { name, quick: false, recipe: null };
  const state = decodeState(name, icl.configSchema());
  if (!state.preset) throw new UsageError(`the link '${name.slice(0, 80)}' names no figure preset (preset=...)`);
  return { name: state.preset, quick: state.quick, recipe: state.recipe };
}

/** The options of `reproduce`, and the presets it names (none with --merge). */
function reproduceOptions(icl, args) {
  const options = {
    out: undefined,
    jobsOut: undefined,
    merge: undefined,
    results: undefined,
    quick: false,
    threads: availableParallelism(),
    base: '',
    recipe: undefined,
  };
  const names = [];
  const valued = {
    '--out': 'out',
    '--jobs-out': 'jobsOut',
    '--merge': 'merge',
    '--results': 'results',
    '--threads': 'threads',
    '--base': 'base',
    '--recipe': 'recipe',
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--quick') options.quick = true;
    else if (flag in valued) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      options[valued[flag]] = flag === '--threads' ? Number(value) : value;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else {
      const preset = presetArgument(icl, arg);
      names.push(preset.name);
      options.quick ||= preset.quick;
      options.recipe ??= preset.recipe ?? undefined;
    }
  }
  if (!Number.isInteger(options.threads) || options.threads < 1 || options.threads > 64)
    throw new UsageError('--threads must be an integer in [1, 64]');
  if (options.recipe !== undefined && !recipeNames.includes(options.recipe)) {
    throw new UsageError(`unknown recipe '${options.recipe}' (known: ${recipeNames.join(', ')})`);
  }
  // The preset's fragment replaces any the address had, as on the page.
  options.base = options.base.split('#')[0];
  if (options.merge !== undefined) {
    if (names.length > 0 || options.jobsOut !== undefined)
      throw new UsageError('reproduce --merge takes no preset names and no --jobs-out (the job manifest names its presets)');
    if (!options.out) throw new UsageError('reproduce --merge needs --out <dir>');
    return { options, chosen: [] };
  }
  if (names.length === 0) throw new UsageError('reproduce takes preset names, or all');
  if (!options.out && !options.jobsOut) throw new UsageError('reproduce needs --out <dir> (or --jobs-out <dir>)');
  if (options.out && options.jobsOut) throw new UsageError('reproduce takes --out or --jobs-out, not both');
  const presets = loadPresets();
  const chosen = names.includes('all')
    ? presets
    : [...new Set(names)].map((name) => {
        const preset = presets.find((candidate) => candidate.id === name);
        if (!preset) throw new UsageError(`unknown preset '${name}' (known: ${presets.map((p) => p.id).join(', ')}, all)`);
        return preset;
      });
  return { options, chosen };
}

/** Writes each preset's CSV, JSON and SVG and the fidelity table; the exit status (1 if a preset fails). */
async function writeReports(results, out, base) {
  // Loaded here, not at the top: the chart library is for the reports only.
  const { fidelityTable, writePreset } = await import('./report.js');
  for (const result of results) {
    const paths = writePreset(out, result, { base });
    process.stderr.write(`${result.id}: ${result.seconds.toFixed(1)} s, wrote ${paths.csv}, ${paths.json}, ${paths.svg}\n`);
  }
  const table = fidelityTable(results);
  writeFileSync(`${out}/fidelity.txt`, `${table}\n`);
  process.stdout.write(`${table}\n`);
  return results.every((result) => result.fidelity.pass) ? 0 : EXIT_FAILED;
}

export async function reproduce(icl, args) {
  const { options, chosen } = reproduceOptions(icl, args);
  const { out, quick, threads, base, recipe } = options;
  if (options.merge !== undefined) return merge(icl, options);
  if (options.jobsOut !== undefined) {
    checkWritableDirectory(options.jobsOut, '--jobs-out');
    const files = writeJobFiles(
      options.jobsOut,
      chosen.map((preset) => resolvePreset(preset, { quick, recipe })),
      { quick, buildId: icl.buildId },
    );
    process.stderr.write(`wrote ${files.length} job files and jobs.json into ${options.jobsOut}\n`);
    return 0;
  }
  checkWritableDirectory(out);
  const { runJobsInPool } = await import('../run/node-pool.mjs');
  // The jobs of every chosen preset share one pool, so that no worker idles at the end of one preset while
  // another finishes it; a preset's time runs from the start until its last job is done.
  const presets = chosen.map((preset) => {
    const resolved = resolvePreset(preset, { quick, recipe });
    const jobs = presetJobs(resolved);
    return { id: preset.id, resolved, jobs, left: jobs.length, seconds: 0 };
  });
  const owner = presets.flatMap((preset) => preset.jobs.map(() => preset));
  const started = performance.now();
  const onDone = (j) => {
    const preset = owner[j];
    preset.left -= 1;
    process.stderr.write(`${preset.id}: ${preset.jobs.length - preset.left} of ${preset.jobs.length} jobs done\n`);
    if (preset.left === 0) preset.seconds = (performance.now() - started) / 1000;
  };
  const outputs = await runJobsInPool(
    presets.flatMap((preset) => preset.jobs),
    threads,
    { onDone },
  );
  let first = 0;
  const results = presets.map((preset) => {
    const presetOutputs = outputs.slice(first, (first += preset.jobs.length));
    return presetResult(icl, preset.resolved, preset.jobs, presetOutputs, { quick, seconds: preset.seconds });
  });
  const status = await writeReports(results, out, base);
  process.stderr.write(`total ${((performance.now() - started) / 1000).toFixed(1)} s on ${threads} threads\n`);
  return status;
}

/** `reproduce --merge`: the reports of a run written as job files. A preset's time is the sum of its jobs'. */
async function merge(icl, { merge: jobsDir, results: resultsDir, out, base }) {
  checkWritableDirectory(out);
  let merged;
  try {
    merged = readJobResults(jobsDir, resultsDir ?? jobsDir);
  } catch (error) {
    if (error instanceof JobFileError) throw new InputError(error.message);
    throw error;
  }
  for (const build of merged.otherBuilds) {
    process.stderr.write(
      `icl-playground: some results were made by build ${build}, not ${merged.buildId} which wrote the jobs; their numbers may differ\n`,
    );
  }
  const results = merged.presets.map(({ preset, jobs, outputs, seconds }) =>
    presetResult(icl, preset, jobs, outputs, { quick: merged.quick, seconds }),
  );
  return writeReports(results, out, base);
}

/** `job <file> --out <dir>`: trains one job file and writes its result file. */
export async function job(icl, args) {
  let out;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') out = args[++i];
    else if (args[i].startsWith('--out=')) out = args[i].slice('--out='.length);
    else if (args[i].startsWith('-')) throw new UsageError(`unknown option '${args[i]}'`);
    else files.push(args[i]);
  }
  if (files.length !== 1) throw new UsageError('job takes one job file');
  if (!out) throw new UsageError('job needs --out <dir>');
  checkWritableDirectory(out);
  try {
    const path = await runJobFile(icl, files[0], out);
    process.stderr.write(`wrote ${path}\n`);
    return 0;
  } catch (error) {
    if (error instanceof JobFileError) throw new InputError(error.message);
    throw error;
  }
}
