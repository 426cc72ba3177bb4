#!/usr/bin/env node
// The command line: runs the same wasm module as the page, headless in Node.
//   icl-playground theory <config.json | ->   theory curves of the config as JSON
//   icl-playground train  <config.json | ->   train, then empirical and theoretical risk as JSON
// Results go to stdout, progress and errors to stderr; a bad config exits with status 2.
import { readFileSync } from 'node:fs';
import { ConfigError, loadIcl } from './icl.js';

const USAGE = `usage: icl-playground <command> <config.json | ->

commands:
  theory   print the theory curves of the config at each of its context lengths n
  train    train the config's models, then print their empirical test risk beside the theory

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

async function main(argv) {
  const [command, path, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
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
