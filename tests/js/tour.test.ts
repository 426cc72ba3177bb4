// The article's pure parts in Node: every "try this" variation is a valid preset for the core (each job's
// config normalises, the theory is computed) and changes the figure's theory or its data; the gap plot,
// shared theory lines and coincidence notes of the preset charts; display labels and their scripts; the
// queue that gives the figures their turns.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIcl } from '../../wasm/icl.js';
import { displayLabel, mathRuns } from '../../wasm/labels.js';
import { coincidentCurves, gapPlotData, presetLegend, sharedTheories } from '../../wasm/preset-chart.js';
import { presetJobs, presetTheory, resolvePreset, type Preset, type PresetResult } from '../../run/preset.js';
import { RunQueue } from '../../web/src/run-queue.ts';
import { READOUTS, VARIATIONS, variationPreset } from '../../web/src/tour-variations.ts';

const root = join(import.meta.dirname, '../..');
const presets: Preset[] = readdirSync(join(root, 'wasm/presets')).map((name) =>
  JSON.parse(readFileSync(join(root, 'wasm/presets', name), 'utf8')),
);
const presetById = (id: string) => presets.find((preset) => preset.id === id) as Preset;
const tourHtml = readFileSync(join(root, 'web/tour.html'), 'utf8');

describe('the article’s variations', () => {
  it('every preset has a figure in the article and at least two variations; ids are unique', () => {
    for (const preset of presets) {
      expect(tourHtml, preset.id).toContain(`data-preset="${preset.id}"`);
      const variations = VARIATIONS[preset.id] ?? [];
      expect(variations.length, preset.id).toBeGreaterThanOrEqual(2);
      expect(new Set(variations.map((v) => v.id)).size).toBe(variations.length);
    }
    expect(Object.keys(VARIATIONS).sort()).toEqual(presets.map((preset) => preset.id).sort());
  });

  it('each variation is a valid preset: its jobs normalise in the core and its theory differs from the preset’s or its data does', async () => {
    const icl = await loadIcl();
    for (const preset of presets) {
      const base = resolvePreset(preset, { quick: true });
      const baseJobs = presetJobs(base);
      const baseTheory = presetTheory(icl, base, baseJobs);
      for (const variation of VARIATIONS[preset.id] ?? []) {
        const varied = variationPreset(preset, variation);
        expect(varied.id).toBe(preset.id);
        const jobs = presetJobs(varied);
        for (const job of jobs) expect(() => icl.normalizeConfig(job.config), `${preset.id} / ${variation.id}`).not.toThrow();
        const theory = presetTheory(icl, varied, jobs);
        const sameTheory = JSON.stringify(theory.map((curve) => curve.points)) === JSON.stringify(baseTheory.map((curve) => curve.points));
        const sameConfigs =
          JSON.stringify(jobs.map((job) => icl.normalizeConfig(job.config))) ===
          JSON.stringify(baseJobs.map((job) => icl.normalizeConfig(job.config)));
        expect(sameTheory && sameConfigs, `${preset.id} / ${variation.id} changes nothing`).toBe(false);
        // Each fits the core's budget: a variation is a quick run.
        for (const job of jobs) expect(icl.runPlan(icl.normalizeConfig(job.config)).runMultiplyAdds).toBeLessThan(1e13);
      }
    }
  });

  it('the variations that the article says keep the theory do keep it, and the others move it', async () => {
    const icl = await loadIcl();
    const theoryOf = (preset: Preset) => presetTheory(icl, preset, presetJobs(preset)).map((curve) => curve.points);
    const quick = (id: string) => resolvePreset(presetById(id), { quick: true });
    const variation = (id: string, name: string) => (VARIATIONS[id] ?? []).find((v) => v.id === name);
    // The risk depends only on the spectrum of Σ_x^{1/2} Σ_β Σ_x^{1/2}: moving the power law to the features keeps it.
    const features = variation('fig2c-nonisotropic-task', 'features');
    expect(features).toBeDefined();
    expect(theoryOf(variationPreset(presetById('fig2c-nonisotropic-task'), features!))).toEqual(theoryOf(quick('fig2c-nonisotropic-task')));
    // So does putting the top directions last: only the eigenvalues count.
    const reversed = variation('fig3-low-rank', 'reversed');
    expect(theoryOf(variationPreset(presetById('fig3-low-rank'), reversed!))).toEqual(theoryOf(quick('fig3-low-rank')));
    // A faster drift widens the gap between H3 (WPGD*) and attention (equal weights); no drift closes it.
    const drift = presetById('drift-h3-vs-attention');
    const gapAt = (name: string) => {
      const [attention, h3] = theoryOf(variationPreset(drift, variation('drift-h3-vs-attention', name)!)) as [number[], number[]];
      return (attention[0] as number) / (h3[0] as number) - 1;
    };
    const [attention, h3] = theoryOf(quick('drift-h3-vs-attention')) as [number[], number[]];
    const baseGap = (attention[0] as number) / (h3[0] as number) - 1;
    expect(gapAt('no-drift')).toBeLessThan(0.001);
    expect(baseGap).toBeGreaterThan(0.1);
    // A faster drift: H3 still ahead, by less (the lead peaks at a moderate drift), as the article says.
    expect(gapAt('faster')).toBeGreaterThan(0.05);
    expect(gapAt('faster')).toBeLessThan(baseGap);
    // A shift of rank two: rank 1 stays above the new optimum, ranks 2 and 3 reach it.
    const lora = variationPreset(presetById('fig3-lora'), variation('fig3-lora', 'rank-two-shift')!);
    const [ranks] = theoryOf(lora) as [number[]];
    const optimum = icl.theoryCurves(icl.normalizeConfig(presetJobs(lora)[0]?.config), [10]).find((curve) => curve.name === 'pgd_optimum')
      ?.values[0];
    expect(ranks[0]).toBeGreaterThan((optimum as number) * 1.01);
    expect(ranks[1]).toBeCloseTo(optimum as number, 10);
    expect(ranks[2]).toBeCloseTo(optimum as number, 10);
  });

  it('each read-out names a preset curve and a context length of its quick run', () => {
    for (const spec of READOUTS) {
      const preset = resolvePreset(presetById(spec.preset), { quick: true });
      expect(preset.curves[spec.curve]).toBeDefined();
      const job = presetJobs(preset).find((candidate) => candidate.curveIndex === spec.curve);
      expect((job?.config as { n: number[] }).n).toContain(spec.n);
      expect(tourHtml).toContain(`data-readout="${spec.preset}"`);
    }
  });
});

/** A finished result of two curves along n, built by hand. */
function result(means: [number[], number[]], theory: number[], { seeds = 1, spread = 0 } = {}): PresetResult {
  const xs = theory.map((_, i) => 2 ** (i + 1));
  const line = { x: xs, y: theory };
  const curves = means.map((values, c) => ({
    label: c === 0 ? 'linear attention' : 'H3',
    config: {},
    theoryLine: line,
    points: values.map((mean, i) => ({
      x: xs[i] as number,
      values: [{ seed: 1, risk: mean, estimate: false }],
      empirical: [mean],
      theory: theory[i] as number,
      mean,
      min: mean * (1 - spread),
      max: mean * (1 + spread),
      gap: mean / (theory[i] as number) - 1,
      estimate: false,
      pending: 0,
    })),
  }));
  return {
    id: 'test',
    title: 'test',
    note: '',
    quick: true,
    buildId: 'b',
    axis: { field: 'n', label: 'context length n', values: xs },
    preset: {
      id: 'test',
      title: 'test',
      base: {},
      axis: { field: 'n', values: xs },
      curves: [],
      seeds: Array.from({ length: seeds }, (_, i) => i + 1),
      tolerance: { point: 0.05, median: 0.025 },
    },
    seconds: 0,
    curves,
    fidelity: {
      medianGap: 0,
      maxGap: 0,
      tolerance: { point: 0.05, median: 0.025 },
      diverged: 0,
      complete: true,
      jobsDone: 2,
      jobs: 2,
      pass: true,
    },
  } as unknown as PresetResult;
}

describe('preset chart helpers', () => {
  it('gapPlotData: the gap in percent per curve and point, the seeds’ range, the tolerance band inside the domain', () => {
    const data = gapPlotData(
      result(
        [
          [2.2, 1.1],
          [2.0, 0.99],
        ],
        [2, 1],
        { seeds: 3, spread: 0.01 },
      ),
    );
    expect(data.tolerance).toBe(5);
    expect(data.points).toHaveLength(4);
    const first = data.points[0];
    expect(first?.curve).toBe(0);
    expect(first?.gap).toBeCloseTo(10, 10);
    expect(first?.low).toBeCloseTo(100 * ((2.2 * 0.99) / 2 - 1), 10);
    expect(first?.high).toBeCloseTo(100 * ((2.2 * 1.01) / 2 - 1), 10);
    expect(data.points[3]?.gap).toBeCloseTo(-1, 10);
    const [low, high] = data.domain;
    expect(low).toBeLessThanOrEqual(-7.5);
    expect(high).toBeGreaterThan(first?.high as number);
  });

  it('gapPlotData skips diverged and pending points', () => {
    const preset = result(
      [
        [2, 1],
        [2, 1],
      ],
      [2, 1],
    );
    const points = preset.curves[1]?.points ?? [];
    Object.assign(points[0] as object, { diverged: 'the loss is not finite', mean: null, min: null, max: null, gap: null });
    Object.assign(points[1] as object, { values: [], empirical: [], mean: null, min: null, max: null, gap: null, pending: 1 });
    expect(gapPlotData(preset).points.map((p) => p.curve)).toEqual([0, 0]);
  });

  it('curves on the same theory line are found, and so are curves that coincide within the tolerance', () => {
    const same = result(
      [
        [2.02, 1.01],
        [2.03, 1.0],
      ],
      [2, 1],
    );
    expect(sharedTheories(same)).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(coincidentCurves(same).map((pair) => pair.curves)).toEqual([[0, 1]]);
    const legend = presetLegend(same).map((entry) => entry.key);
    expect(legend).toContain('coincide-0-1');
    expect(presetLegend(same).find((entry) => entry.key === 'theory')?.label).toContain('share one theory line');
    const apart = result(
      [
        [2.5, 1.4],
        [2.0, 1.0],
      ],
      [2, 1],
    );
    expect(coincidentCurves(apart)).toEqual([]);
    expect(presetLegend(apart).map((entry) => entry.key)).not.toContain('coincide-0-1');
  });
});

describe('display labels', () => {
  it('symbols and scripts: Σ_β, ŷ, ℝ^{D×r}, subscripts of one-letter bases only', () => {
    expect(displayLabel('Sigma_beta = diag(d (1/i) / H_d).')).toBe('Σ_β = diag(d (1/i) / H_d).');
    expect(displayLabel('E[(y - y_hat)^2]')).toBe('E[(y − ŷ)^2]');
    expect(displayLabel('W_q, W_k in R^{D x r}')).toBe('W_q, W_k ∈ ℝ^{D×r}');
    expect(mathRuns('Σ_β = I')).toEqual([
      { text: 'Σ', shift: null },
      { text: 'β', shift: 'sub' },
      { text: ' = I', shift: null },
    ]);
    expect(mathRuns('ℝ^{D×r}, L*_r(n)')).toEqual([
      { text: 'ℝ', shift: null },
      { text: 'D×r', shift: 'super' },
      { text: ', L*', shift: null },
      { text: 'r', shift: 'sub' },
      { text: '(n)', shift: null },
    ]);
    // A config path is not a formula.
    expect(mathRuns('data.noise_variance')).toEqual([{ text: 'data.noise_variance', shift: null }]);
  });
});

describe('RunQueue', () => {
  it('runs one task at a time in order, the front first, withdraws waiting ones and ignores a repeated key', () => {
    const started: string[] = [];
    const finishers = new Map<string, () => void>();
    const queue = new RunQueue(1);
    const task = (key: string) => ({ key, start: (finished: () => void) => (started.push(key), finishers.set(key, finished)) });
    queue.request(task('a'));
    queue.request(task('b'));
    queue.request(task('c'));
    queue.request(task('d'), { front: true });
    queue.request(task('a'));
    expect(started).toEqual(['a']);
    expect(queue.waiting).toEqual(['d', 'b', 'c']);
    expect(queue.withdraw('b')).toBe(true);
    expect(queue.withdraw('a')).toBe(false);
    finishers.get('a')?.();
    finishers.get('a')?.();
    expect(started).toEqual(['a', 'd']);
    expect(queue.running).toEqual(['d']);
    finishers.get('d')?.();
    expect(started).toEqual(['a', 'd', 'c']);
    finishers.get('c')?.();
    expect(queue.running).toEqual([]);
    expect(queue.waiting).toEqual([]);
  });

  it('a limit of two runs two at once', () => {
    const started: string[] = [];
    const queue = new RunQueue(2);
    for (const key of ['a', 'b', 'c']) queue.request({ key, start: () => started.push(key) });
    expect(started).toEqual(['a', 'b']);
    expect(queue.isWaiting('c')).toBe(true);
    expect(queue.isRunning('a')).toBe(true);
  });
});
