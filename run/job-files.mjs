// Runs past one machine: every job of a set of figure presets as a self-contained file, so any batch
// engine (GNU parallel over ssh, a Slurm job array, Kubernetes Jobs) can fan them out, and the results
// merged back into the same presets, charts and fidelity table as an in-process run. Node only.
//
//   <jobs dir>/jobs.json                the manifest: build, quick, the resolved presets, the job files
//   <jobs dir>/<preset>-<k>.job.json    one job: its preset, index and config (nothing else needed)
//   <results dir>/<preset>-<k>.result.json   what `icl-playground job` wrote for it
//
// A job is deterministic on its own, so merged results equal the in-process run's bit for bit when the
// same build runs every job (each result names its build; merging warns when they differ).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { presetJobs, runJob } from './preset.js';

const FORMAT_VERSION = 1;
const MANIFEST = 'icl-playground-jobs';
const JOB = 'icl-playground-job';
const RESULT = 'icl-playground-job-result';

/** A problem with the files themselves (missing, foreign, inconsistent): the caller reports it as bad input. */
export class JobFileError extends Error {}

const stem = (presetId, index) => `${presetId}-${String(index).padStart(4, '0')}`;
export const jobFileName = (presetId, index) => `${stem(presetId, index)}.job.json`;
export const resultFileName = (presetId, index) => `${stem(presetId, index)}.result.json`;

function readJson(path, what) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new JobFileError(`cannot read ${what} ${path}: ${error.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JobFileError(`${what} ${path} is not JSON: ${error.message}`);
  }
}

function expectFormat(record, format, path) {
  if (record?.format !== format || record.version !== FORMAT_VERSION) {
    throw new JobFileError(`${path} is not an ${format} file of version ${FORMAT_VERSION}`);
  }
}

/** Writes the manifest and one file per job of the resolved presets into `dir`; returns the job files' paths. */
export function writeJobFiles(dir, resolvedPresets, { quick, buildId }) {
  const files = [];
  const presets = resolvedPresets.map((preset) => {
    const jobs = presetJobs(preset);
    jobs.forEach((job, index) => {
      const name = jobFileName(preset.id, index);
      const record = { format: JOB, version: FORMAT_VERSION, buildId, preset: preset.id, quick, index, jobs: jobs.length, job };
      writeFileSync(join(dir, name), `${JSON.stringify(record, null, 2)}\n`);
      files.push(join(dir, name));
    });
    return { id: preset.id, preset, jobs: jobs.length };
  });
  const manifest = { format: MANIFEST, version: FORMAT_VERSION, buildId, quick, created: new Date().toISOString(), presets };
  writeFileSync(join(dir, 'jobs.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return files;
}

/** Trains the job of one job file and writes its result file into `outDir`; returns the result's path. */
export async function runJobFile(icl, path, outDir) {
  const record = readJson(path, 'the job file');
  expectFormat(record, JOB, path);
  const started = performance.now();
  const output = await runJob(icl, record.job);
  const result = {
    format: RESULT,
    version: FORMAT_VERSION,
    buildId: icl.buildId,
    preset: record.preset,
    index: record.index,
    seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    output,
  };
  const target = join(outDir, resultFileName(record.preset, record.index));
  writeFileSync(target, `${JSON.stringify(result)}\n`);
  return target;
}

/**
 * The presets of a jobs directory with every job's output from `resultsDir`: [{ preset, jobs, outputs,
 * seconds }] in manifest order, plus the build ids of the results that differ from the manifest's.
 * Fails, naming the files, when a result is missing or belongs to another job.
 */
export function readJobResults(jobsDir, resultsDir) {
  const manifestPath = join(jobsDir, 'jobs.json');
  const manifest = readJson(manifestPath, 'the job manifest');
  expectFormat(manifest, MANIFEST, manifestPath);
  const missing = [];
  const otherBuilds = new Set();
  const presets = manifest.presets.map(({ id, preset }) => {
    const jobs = presetJobs(preset);
    let seconds = 0;
    const outputs = jobs.map((_, index) => {
      const path = join(resultsDir, resultFileName(id, index));
      if (!existsSync(path)) {
        missing.push(basename(path));
        return undefined;
      }
      const result = readJson(path, 'the result file');
      expectFormat(result, RESULT, path);
      if (result.preset !== id || result.index !== index)
        throw new JobFileError(`${path} holds job ${result.index} of ${result.preset}, not job ${index} of ${id}`);
      if (result.buildId !== manifest.buildId) otherBuilds.add(result.buildId);
      seconds += result.seconds;
      return result.output;
    });
    return { preset, jobs, outputs, seconds };
  });
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ');
    throw new JobFileError(
      `${missing.length} of the run's results are missing from ${resultsDir}: ${shown}${missing.length > 5 ? ', …' : ''}`,
    );
  }
  return { quick: manifest.quick, buildId: manifest.buildId, presets, otherBuilds: [...otherBuilds] };
}
