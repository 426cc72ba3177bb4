#!/usr/bin/env node
// The command line: runs the same wasm module as the page, headless in Node.
//   icl-playground theory <config.json | ->   theory curves of the config as JSON
//   icl-playground train  <config.json | ->   train, then empirical and theoretical risk as JSON
//   icl-playground reproduce <preset ... | all> --out <dir> [--quick] [--recipe NAME]   figure presets as CSV, JSON and SVG
//   icl-playground link   <config.json | -> [--base URL]  the page's link of a config
//   icl-playground job    <job file> --out <dir>            one job of a run written by reproduce --jobs-out
// Wherever a config is read, a link of the page (or its fragment) may stand in its place.
// Results go to stdout, progress to stderr, and every error is one line on stderr. Exit status: 0 done;
// 1 a reproduction missed a preset's tolerance or a training run diverged; 2 bad input (usage, a config
// that cannot be read or is invalid, an --out directory that cannot be written); 3 an unexpected error.
import { ConfigError, loadIcl } from './icl.js';
import { buildWarning, configLink, decodeState, looksLikeLink } from './link.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERNAL, InputError, UsageError, oneLine, readConfigText } from './cli-input.mjs';
import { job, reproduce } from './cli-figures.mjs';
import { recipeNames } from '../run/recipes.js';
import { TrainingRun } from '../run/training-run.js';

const USAGE = `usage: icl-playground theory <config | ->
       icl-playground train <config | ->
       icl-playground link <config | -> [--base URL]
       icl-playground reproduce <preset ... | all> --out <dir> [--quick] [--recipe NAME] [--threads N] [--base URL]
       icl-playground reproduce <preset ... | all> --jobs-out <dir> [--quick] [--recipe NAME]
       icl-playground job <job file> --out <dir>
       icl-playground reproduce --merge <jobs dir> [--results <dir>] --out <dir> [--base URL]

commands:
  theory     print the theory curves of the config at each of its context lengths n
  train      train the config's models, then print their empirical test risk beside the theory
  link       print the playground's link of the config (--base: the page's address, default none,
             which prints the fragment alone)
  reproduce  run figure presets (wasm/presets/*.json) and write per preset <id>.csv, <id>.json, <id>.svg
             and fidelity.txt into <dir>; --quick runs each preset's reduced version; --recipe trains
             every preset with the named training recipe instead of its own (${recipeNames.join(', ')};
             README: "Training recipes"); the jobs of all
             the presets run on one pool of N worker threads (default: the number of cores),
             costliest first; a preset may be named by its link; every file carries its provenance
             (link, build, date, the config of each curve, seeds), the link being --base URL (the
             page's address; default none, so the link is the bare fragment #v=1&...) followed by the
             preset's fragment
             --jobs-out writes every job of the presets as a file (<preset>-<k>.job.json) and the
             manifest jobs.json into <dir> instead of running them, for a batch engine to fan out
  job        train one job file and write its <preset>-<k>.result.json into <dir>
  reproduce --merge   assemble the results (from --results, default the jobs dir) of a run written
             with --jobs-out into the same files as a reproduction run in one process

<config> is a JSON file, '-' for standard input, or a link of the page (or its fragment, quoted for
the shell) such as 'https://host/icl/#v=1&d=7&seed=42'. The config format is described in README.md.`;

/** A config (JSON text or a link of the page) as the config object it names; warnings of a link on stderr. */
function readConfig(icl, text) {
  if (!looksLikeLink(text)) return icl.normalizeConfig(text);
  const state = decodeState(text, icl.configSchema());
  for (const warning of [...state.warnings, buildWarning(state.buildId, icl.buildId)]) {
    if (warning) process.stderr.write(`icl-playground: ${warning}\n`);
  }
  if (state.config === null) {
    throw new UsageError(
      `this link is of the figure preset '${state.preset}'; run it with: icl-playground reproduce '${text.trim()}' --out <dir>`,
    );
  }
  return icl.normalizeConfig(state.config);
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

async function main(argv) {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'reproduce') return reproduce(await loadIcl(), args);
  if (command === 'job') return job(await loadIcl(), args);
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
