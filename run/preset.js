// A preset runs along an axis (n, or a config field such as data.alpha, model.rank, data.gamma,
// model.lora.rank) x curves (config patches, e.g. attention and H3) x seeds. This module expands a
// preset (wasm/presets/*.json) into training jobs, runs them on the wasm module and aggregates the
// results; it runs the same in Node and in a worker. A preset's result can be assembled at any time
// from the jobs that have reported: finished jobs give final points, running ones live estimates
// (their latest checkpoint), and the rest leave their points pending.
//
// Along the n axis one job trains every n at once (an Experiment bank shares its prompts across n).
// Across curves and seeds, jobs with the same seed draw the same prompts (the random streams are keyed
// by seed, step and prompt), so the gaps between curves are free of data noise (common random numbers).

import { merge } from './merge.js';
import { applyRecipe, recipeNamed } from './recipes.js';
import { TrainingRun } from './training-run.js';

export { merge };

function setPath(object, path, value) {
  const keys = path.split('.');
  let target = object;
  for (const key of keys.slice(0, -1)) target = target[key] ??= {};
  target[keys.at(-1)] = value;
}

/**
 * The preset as it runs: its recipe (the preset's own, or `recipe` by name: run/recipes.js) resolved into
 * `recipe` ({ name, training, evaluation?, model? }), and with `quick` its quick patch applied (a reduced
 * run for tests and previews; it may patch the recipe too).
 */
export function resolvePreset(preset, { quick = false, recipe } = {}) {
  const { quick: quickPatch, recipe: own, ...rest } = preset;
  const name = recipe ?? (typeof own === 'object' ? own.name : own) ?? 'paper';
  const resolved = { ...structuredClone(rest), recipe: { name, ...recipeNamed(name) } };
  return quick && quickPatch ? merge(resolved, quickPatch) : resolved;
}

/**
 * The training jobs of a resolved preset: one config per curve x seed (x axis value, off the n axis), each
 * under the preset's recipe, resolved or by name (a preset without one runs its configs as they stand).
 */
export function presetJobs(preset) {
  const jobs = [];
  const alongN = preset.axis.field === 'n';
  const recipe = typeof preset.recipe === 'string' ? recipeNamed(preset.recipe) : preset.recipe;
  preset.curves.forEach((curve, curveIndex) => {
    for (const seed of preset.seeds) {
      const curveConfig = merge(preset.base, curve.patch ?? {});
      const config = merge(recipe ? applyRecipe(recipe, curveConfig) : curveConfig, { seed });
      if (alongN) {
        jobs.push({ curveIndex, seed, axisValue: null, config: merge(config, { n: preset.axis.values }) });
      } else {
        for (const value of preset.axis.values) {
          const pointConfig = structuredClone(config);
          setPath(pointConfig, preset.axis.field, value);
          jobs.push({ curveIndex, seed, axisValue: value, config: pointConfig });
        }
      }
    }
  });
  return jobs;
}

/**
 * Job indices, costliest first (ties in job order): the order in which a pool should start them, so
 * that the last job to start is a short one and the workers finish together. `costs` are the jobs'
 * runMultiplyAdds from the core's runPlan.
 */
export function scheduleOrder(costs) {
  return costs.map((_, index) => index).sort((a, b) => costs[b] - costs[a] || a - b);
}

/** A trained job's output: its risk per axis point (null where not finite) with its standard error, the
 *  theory, and the divergence message of a run that diverged (else null). */
export function jobOutput(experiment) {
  const finite = (value) => (Number.isFinite(value) ? value : null);
  const empirical = Array.from(experiment.evaluate(), finite);
  const standardError = Array.from(experiment.evaluationStandardError(), finite);
  return { empirical, standardError, theory: Array.from(experiment.theory()), divergence: experiment.divergence?.message ?? null };
}

/** Trains one job's experiment to the end (training-run.js's loop); resolves to its jobOutput. */
export async function runJob(icl, job, onProgress = () => {}) {
  const experiment = icl.createExperiment(job.config);
  try {
    await new TrainingRun(experiment).advance(() => onProgress(experiment.stepsDone, experiment.totalSteps));
    return jobOutput(experiment);
  } finally {
    experiment.delete();
  }
}

/**
 * The standard error of a final point's gap from the evaluation's sampling error alone: the seeds'
 * evaluation sets are independent, so the mean's variance is the sum of theirs over the count squared;
 * relative to the theory. Null while any value is an estimate or lacks its standard error.
 */
function gapStandardError(point) {
  const errors = point.standardErrors;
  if (point.estimate || errors.length === 0 || errors.length !== point.values.length || errors.some((e) => e === null)) return null;
  return Math.sqrt(errors.reduce((sum, e) => sum + e * e, 0)) / errors.length / point.theory;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Aggregates what the jobs (in presetJobs order) have reported into curves of points. `reports[j]` is
 * job j's output when it has finished (jobOutput), its live estimate while it trains
 * ({ estimate: true, step, empirical }: the latest checkpoint's risk on the live evaluation set), or
 * undefined before it reports. Per axis value a point holds the value of each seed that reported, their
 * mean, min and max, the theory (`theory[c][i]` of presetTheory), the relative gap mean / theory - 1,
 * whether any value is an estimate, and how many seeds are still pending. The preset's fidelity is the
 * median and largest |gap| over the final points against its tolerance; it passes only when every job
 * has finished, none diverged and both are within tolerance.
 */
export function aggregate(preset, jobs, reports, theory) {
  const xs = preset.axis.values;
  const curves = preset.curves.map((curve, c) => ({
    label: curve.label,
    points: xs.map((x, i) => ({ x, values: [], empirical: [], standardErrors: [], theory: theory[c][i], pending: 0, estimate: false })),
  }));
  let diverged = 0;
  let finished = 0;
  jobs.forEach((job, j) => {
    const report = reports[j];
    const points = curves[job.curveIndex].points;
    const record = (point, risk, standardError) => {
      if (report === undefined) {
        point.pending += 1;
      } else if (report.divergence) {
        // A diverged seed has no risk to average: the point says so instead of showing a number.
        point.diverged = report.divergence;
      } else if (risk === null || !Number.isFinite(risk)) {
        if (!report.estimate) point.diverged = 'the risk is not finite';
        else point.pending += 1;
      } else {
        point.values.push(
          report.estimate ? { seed: job.seed, risk, estimate: true, step: report.step } : { seed: job.seed, risk, estimate: false },
        );
        if (report.estimate) point.estimate = true;
        else {
          point.empirical.push(risk);
          point.standardErrors.push(standardError);
        }
      }
    };
    if (report !== undefined && !report.estimate) {
      finished += 1;
      if (report.divergence) diverged += 1;
    }
    const errors = report?.standardError ?? [];
    if (job.axisValue === null) points.forEach((point, i) => record(point, report?.empirical[i] ?? null, errors[i] ?? null));
    else record(points[xs.indexOf(job.axisValue)], report?.empirical[0] ?? null, errors[0] ?? null);
  });
  const gaps = [];
  const gapErrors = [];
  for (const curve of curves) {
    for (const point of curve.points) {
      if (point.diverged !== undefined || point.values.length === 0) {
        point.mean = point.min = point.max = point.gap = point.gapStandardError = null;
        continue;
      }
      const risks = point.values.map((value) => value.risk);
      point.mean = risks.reduce((a, b) => a + b, 0) / risks.length;
      point.min = Math.min(...risks);
      point.max = Math.max(...risks);
      point.gap = point.mean / point.theory - 1;
      point.gapStandardError = gapStandardError(point);
      if (!point.estimate && point.pending === 0) {
        gaps.push(Math.abs(point.gap));
        if (point.gapStandardError !== null) gapErrors.push(point.gapStandardError);
      }
    }
  }
  const tolerance = preset.tolerance;
  const complete = finished === jobs.length;
  const fidelity = {
    medianGap: gaps.length ? median(gaps) : null,
    maxGap: gaps.length ? Math.max(...gaps) : null,
    standardError: gapErrors.length ? Math.max(...gapErrors) : null,
    tolerance,
    diverged,
    complete,
    jobsDone: finished,
    jobs: jobs.length,
  };
  fidelity.pass =
    complete && diverged === 0 && fidelity.maxGap !== null && fidelity.maxGap <= tolerance.point && fidelity.medianGap <= tolerance.median;
  return { curves, fidelity };
}

/** Expands, runs and aggregates a preset, one job after another. onProgress(jobIndex, jobCount, stepsDone, totalSteps). */
export async function runPreset(icl, preset, { quick = false, onProgress = () => {} } = {}) {
  const resolved = resolvePreset(preset, { quick });
  const jobs = presetJobs(resolved);
  const theory = presetTheory(icl, resolved, jobs);
  const started = performance.now();
  const outputs = [];
  for (const [j, job] of jobs.entries()) outputs.push(await runJob(icl, job, (done, total) => onProgress(j, jobs.length, done, total)));
  return assemblePreset(resolved, jobs, outputs, theory, { quick, seconds: (performance.now() - started) / 1000, buildId: icl.buildId });
}

/**
 * What a resolved preset's chart and fidelity need of the theory, computed once when it starts, before
 * any job has run: per curve its dotted line (along n at every integer n, so it is smooth; else at the
 * axis points), the asymptotic approximation where the data model has one (drawn, never scored), the
 * theory at each axis point, and the curve's first job normalised, for the provenance of exports (a
 * config that `train` runs as it stands; the curve's other jobs differ from it only in seed and, off
 * the n axis, in axis.field).
 */
export function presetTheory(icl, resolved, jobs) {
  const xs = resolved.axis.values;
  return resolved.curves.map((curve, c) => {
    const first = jobs.find((job) => job.curveIndex === c);
    const config = icl.normalizeConfig(first.config);
    if (resolved.axis.field === 'n') {
      const low = Math.min(...xs);
      const dense = Array.from({ length: Math.max(...xs) - low + 1 }, (_, i) => low + i);
      const all = icl.theoryCurves(config, dense);
      const line = all[0].values;
      const asymptotic = all.find((candidate) => candidate.role === 'approximation');
      return {
        config,
        points: xs.map((x) => line[x - low]),
        theoryLine: { x: dense, y: line },
        ...(asymptotic ? { asymptoticLine: { x: dense, y: asymptotic.values, label: asymptotic.label } } : {}),
      };
    }
    const points = xs.map((x) => {
      const pointConfig = structuredClone(first.config);
      setPath(pointConfig, resolved.axis.field, x);
      const normalized = icl.normalizeConfig(pointConfig);
      return icl.theoryCurves(normalized, normalized.n)[0].values[0];
    });
    return { config, points, theoryLine: { x: xs, y: points } };
  });
}

/**
 * The result of a resolved preset from what its jobs have reported so far (see aggregate), however they
 * were run; complete once every job has its output (fidelity.complete).
 */
export function assemblePreset(resolved, jobs, reports, theory, { quick, seconds, buildId }) {
  const aggregated = aggregate(
    resolved,
    jobs,
    reports,
    theory.map((curve) => curve.points),
  );
  aggregated.curves.forEach((curve, c) => {
    const { config, theoryLine, asymptoticLine } = theory[c];
    Object.assign(curve, { theoryLine, ...(asymptoticLine ? { asymptoticLine } : {}), config });
  });
  return {
    id: resolved.id,
    title: resolved.title,
    note: resolved.note ?? '',
    quick,
    buildId,
    axis: resolved.axis,
    preset: resolved,
    seconds,
    ...aggregated,
  };
}

/** The finished result of a resolved preset from every job's output. */
export function presetResult(icl, resolved, jobs, outputs, { quick, seconds }) {
  return assemblePreset(resolved, jobs, outputs, presetTheory(icl, resolved, jobs), { quick, seconds, buildId: icl.buildId });
}

/**
 * A preset's result as one table: per curve and point a row for each seed and one for the seed mean
 * (seed "mean"). The command line's <id>.csv and the page's CSV export are this table.
 */
export function presetTable(result) {
  const columns = ['preset', 'curve', 'axis', 'x', 'seed', 'empirical', 'theory', 'relative_gap'];
  const rows = [];
  // Final values only: a live estimate or a pending seed has no row (and its point no mean row).
  for (const curve of result.curves) {
    for (const point of curve.points) {
      const finals = point.values.filter((value) => !value.estimate);
      for (const { seed, risk } of finals) {
        rows.push([result.id, curve.label, result.axis.field, point.x, seed, risk, point.theory, risk / point.theory - 1]);
      }
      // A diverged point keeps its mean row, with empty cells for its value and gap.
      if (!point.estimate && point.pending === 0) {
        rows.push([result.id, curve.label, result.axis.field, point.x, 'mean', point.mean ?? '', point.theory, point.gap ?? '']);
      }
    }
  }
  return { columns, rows };
}
