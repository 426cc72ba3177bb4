// A figure panel is a sweep: an axis (n, or a config field such as data.alpha, model.rank, data.gamma,
// model.lora.rank) x curves (config patches, e.g. attention and H3) x seeds. This module expands a
// panel (wasm/presets/*.json) into training jobs, runs them on the wasm module and aggregates the
// results; it runs the same in Node and in a worker.
//
// Along the n axis one job trains every n at once (an Experiment bank shares its prompts across n).
// Across curves and seeds, jobs with the same seed draw the same prompts (the random streams are keyed
// by seed, step and prompt), so the gaps between curves are free of data noise (common random numbers).

/** Deep merge for configs: objects merge key by key, everything else (arrays included) replaces. */
export function merge(base, patch) {
  if (!isObject(base) || !isObject(patch)) return structuredClone(patch);
  const out = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) out[key] = key in out ? merge(out[key], value) : structuredClone(value);
  return out;
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(object, path, value) {
  const keys = path.split('.');
  let target = object;
  for (const key of keys.slice(0, -1)) target = target[key] ??= {};
  target[keys.at(-1)] = value;
}

/** The panel as it runs: with `quick`, its quick patch applied (a reduced run for tests and previews). */
export function resolvePanel(panel, { quick = false } = {}) {
  const { quick: quickPatch, ...rest } = panel;
  return quick && quickPatch ? merge(rest, quickPatch) : rest;
}

/** The training jobs of a resolved panel: one config per curve x seed (x axis value, off the n axis). */
export function panelJobs(panel) {
  const jobs = [];
  const alongN = panel.axis.field === 'n';
  panel.curves.forEach((curve, curveIndex) => {
    for (const seed of panel.seeds) {
      const config = merge(merge(panel.base, curve.patch ?? {}), { seed });
      if (alongN) {
        jobs.push({ curveIndex, seed, axisValue: null, config: merge(config, { n: panel.axis.values }) });
      } else {
        for (const value of panel.axis.values) {
          const pointConfig = structuredClone(config);
          setPath(pointConfig, panel.axis.field, value);
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

/** Whether a job's experiment has more to train: steps left and no divergence. */
export const hasStepsLeft = (experiment) => experiment.stepsDone < experiment.totalSteps && !experiment.divergence;

/** A trained job's output: its risk per axis point (null where not finite), the theory, and the
 *  divergence message of a run that diverged (else null). */
export function jobOutput(experiment) {
  const empirical = Array.from(experiment.evaluate(), (value) => (Number.isFinite(value) ? value : null));
  return { empirical, theory: Array.from(experiment.theory()), divergence: experiment.divergence?.message ?? null };
}

/** Trains one job's experiment; returns its jobOutput. */
export function runJob(icl, job, onProgress = () => {}) {
  const experiment = icl.createExperiment(job.config);
  try {
    const chunk = Math.max(1, Math.ceil(experiment.totalSteps / 10));
    while (hasStepsLeft(experiment)) {
      experiment.step(chunk);
      onProgress(experiment.stepsDone, experiment.totalSteps);
    }
    return jobOutput(experiment);
  } finally {
    experiment.delete();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Aggregates job outputs (in panelJobs order) into curves of points: per axis value the empirical risk
 * of each seed, their mean, min and max, the theory, and the relative gap mean / theory - 1; plus the
 * panel's fidelity: the median and largest |gap| against its tolerance.
 */
export function aggregate(panel, jobs, outputs) {
  const xs = panel.axis.values;
  const curves = panel.curves.map((curve) => ({
    label: curve.label,
    points: xs.map((x) => ({ x, empirical: [], theory: NaN })),
  }));
  let diverged = 0;
  jobs.forEach((job, j) => {
    const { empirical, theory, divergence = null } = outputs[j];
    const points = curves[job.curveIndex].points;
    const record = (point, value, theoryValue) => {
      point.theory = theoryValue;
      // A diverged seed has no risk to average: the point says so instead of showing a number.
      if (divergence !== null || value === null) point.diverged = divergence ?? 'the risk is not finite';
      else point.empirical.push(value);
    };
    if (divergence !== null) diverged += 1;
    if (job.axisValue === null) points.forEach((point, i) => record(point, empirical[i], theory[i]));
    else record(points[xs.indexOf(job.axisValue)], empirical[0], theory[0]);
  });
  const gaps = [];
  for (const curve of curves) {
    for (const point of curve.points) {
      if (point.diverged !== undefined) {
        point.mean = point.min = point.max = point.gap = null;
        continue;
      }
      point.mean = point.empirical.reduce((a, b) => a + b, 0) / point.empirical.length;
      point.min = Math.min(...point.empirical);
      point.max = Math.max(...point.empirical);
      point.gap = point.mean / point.theory - 1;
      gaps.push(Math.abs(point.gap));
    }
  }
  const tolerance = panel.tolerance;
  const fidelity = { medianGap: gaps.length ? median(gaps) : null, maxGap: gaps.length ? Math.max(...gaps) : null, tolerance, diverged };
  fidelity.pass = diverged === 0 && fidelity.maxGap <= tolerance.point && fidelity.medianGap <= tolerance.median;
  return { curves, fidelity };
}

/** Expands, runs and aggregates a panel. onProgress(jobIndex, jobCount, stepsDone, totalSteps). */
export function runPanel(icl, panel, { quick = false, onProgress = () => {} } = {}) {
  const resolved = resolvePanel(panel, { quick });
  const jobs = panelJobs(resolved);
  const started = performance.now();
  const outputs = jobs.map((job, j) => runJob(icl, job, (done, total) => onProgress(j, jobs.length, done, total)));
  return panelResult(icl, resolved, jobs, outputs, { quick, seconds: (performance.now() - started) / 1000 });
}

/** The result of a resolved panel from its jobs' outputs (however they were run). */
export function panelResult(icl, resolved, jobs, outputs, { quick, seconds }) {
  const aggregated = aggregate(resolved, jobs, outputs);
  addTheoryLines(icl, resolved, aggregated.curves);
  // Each curve's first job, normalised, for the provenance of exports: a config that `train` runs as it
  // stands; the curve's other jobs differ from it only in seed (and, off the n axis, in axis.field).
  aggregated.curves.forEach((curve, c) => {
    curve.config = icl.normalizeConfig(jobs.find((job) => job.curveIndex === c).config);
  });
  return {
    id: resolved.id,
    title: resolved.title,
    note: resolved.note ?? '',
    quick,
    buildId: icl.buildId,
    axis: resolved.axis,
    panel: resolved,
    seconds,
    ...aggregated,
  };
}

// The dotted lines of the chart: along n, the theory at every integer n (smooth), else at the axis
// points; and the asymptotic kappa approximation where the data model has one (drawn, never scored).
function addTheoryLines(icl, panel, curves) {
  panel.curves.forEach((curve, c) => {
    const config = merge(panel.base, curve.patch ?? {});
    const xs = panel.axis.values;
    if (panel.axis.field === 'n') {
      const dense = Array.from({ length: Math.max(...xs) - Math.min(...xs) + 1 }, (_, i) => Math.min(...xs) + i);
      const all = icl.theoryCurves(config, dense);
      curves[c].theoryLine = { x: dense, y: all[0].values };
      const asymptotic = all.find((line) => line.name.endsWith('_asymptotic'));
      if (asymptotic) curves[c].asymptoticLine = { x: dense, y: asymptotic.values, label: asymptotic.label };
    } else {
      curves[c].theoryLine = { x: xs, y: curves[c].points.map((point) => point.theory) };
    }
  });
}

/**
 * A panel's result as one table: per curve and point a row for each seed and one for the seed mean
 * (seed "mean"). The command line's <id>.csv and the page's CSV export are this table.
 */
export function panelTable(result) {
  const columns = ['panel', 'curve', 'axis', 'x', 'seed', 'empirical', 'theory', 'relative_gap'];
  const rows = [];
  const seeds = result.panel.seeds;
  for (const curve of result.curves) {
    for (const point of curve.points) {
      point.empirical.forEach((value, s) => {
        rows.push([result.id, curve.label, result.axis.field, point.x, seeds[s], value, point.theory, value / point.theory - 1]);
      });
      rows.push([result.id, curve.label, result.axis.field, point.x, 'mean', point.mean, point.theory, point.gap]);
    }
  }
  return { columns, rows };
}
