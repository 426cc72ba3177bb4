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
 * A relative estimate of a job's work: multiply-adds per prompt of its kernels (the forms described in
 * core/include/icl/attention.hpp and h3.hpp) plus the prompt draw, times batch and steps. Pools hand out
 * the costliest jobs first (scheduleOrder), so that the last job to start is a short one and the
 * workers finish together; an H3 bank costs several attention banks. Only ratios matter: where a
 * field is absent the config default stands in, and the jobs of a panel share those fields anyway.
 */
export function jobCost(job) {
  const { config } = job;
  const d = config.d ?? 20;
  const width = d + 1;
  const lengths = Array.isArray(config.n) ? config.n : [5, 10, 20, 40];
  const model = config.model ?? {};
  const training = config.training ?? {};
  const pairs = (width * (width + 1)) / 2;
  const rank = model.rank ?? width;
  const perPrompt = lengths.reduce((sum, n) => {
    if (model.kind === 'h3') return sum + 2 * d * pairs + 2 * (n + 1) * pairs;
    return sum + 4 * n * width + Math.min(2 * d * width, 5 * width * rank);
  }, 0);
  const draw = 3 * width * (Math.max(...lengths) + 1);
  const steps = (training.steps ?? 4000) + (model.lora ? model.lora.pretrain_steps ?? 4000 : 0);
  return steps * (training.batch_size ?? 1024) * (perPrompt + draw);
}

/** Job indices, costliest first (ties in job order): the order in which a pool should start them. */
export function scheduleOrder(jobs) {
  const costs = jobs.map(jobCost);
  return jobs.map((_, index) => index).sort((a, b) => costs[b] - costs[a] || a - b);
}

/** Trains one job's experiment; returns its empirical and theoretical risk per axis point. */
export function runJob(icl, job, onProgress = () => {}) {
  const experiment = icl.createExperiment(job.config);
  try {
    const chunk = Math.max(1, Math.ceil(experiment.totalSteps / 10));
    while (experiment.stepsDone < experiment.totalSteps) {
      experiment.step(chunk);
      onProgress(experiment.stepsDone, experiment.totalSteps);
    }
    return { empirical: Array.from(experiment.evaluate()), theory: Array.from(experiment.theory()) };
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
  jobs.forEach((job, j) => {
    const { empirical, theory } = outputs[j];
    const points = curves[job.curveIndex].points;
    if (job.axisValue === null) {
      points.forEach((point, i) => {
        point.empirical.push(empirical[i]);
        point.theory = theory[i];
      });
    } else {
      const point = points[xs.indexOf(job.axisValue)];
      point.empirical.push(empirical[0]);
      point.theory = theory[0];
    }
  });
  const gaps = [];
  for (const curve of curves) {
    for (const point of curve.points) {
      point.mean = point.empirical.reduce((a, b) => a + b, 0) / point.empirical.length;
      point.min = Math.min(...point.empirical);
      point.max = Math.max(...point.empirical);
      point.gap = point.mean / point.theory - 1;
      gaps.push(Math.abs(point.gap));
    }
  }
  const tolerance = panel.tolerance;
  const fidelity = { medianGap: median(gaps), maxGap: Math.max(...gaps), tolerance };
  fidelity.pass = fidelity.maxGap <= tolerance.point && fidelity.medianGap <= tolerance.median;
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
