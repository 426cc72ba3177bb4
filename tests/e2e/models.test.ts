// End-to-end: the data models and architectures beyond IID attention, their theory curves on the
// chart and the read-out views of what a trained model computes. Small configs, real training in
// the real wasm module; the last test checks every request the earlier ones caused.

import type { Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import { requestsElsewhere } from './browser.ts';
import { expectNoErrors, OUTPUT_DIR, usePageSession } from './page-session.ts';
import { choose, control, fillConfig, lastResult, visibleFields, waitForState, waitUntilReady, type FieldPath } from './page-driver.ts';

/** H3 on a drifting task: its learned filter should favour recent tokens, as omega* does. */
const H3_DRIFT_RUN = {
  d: '4',
  n: '8',
  'data.gamma': '0.9',
  'data.noise_variance': '0.25',
  'training.steps': '400',
  seed: '3',
  'training.batch_size': '256',
  'evaluation.prompts': '20000',
} as const;

const RAG_RUN = {
  d: '5',
  n: '5, 10, 20',
  'data.alpha': '0.3',
  'data.noise_variance': '0',
  'training.steps': '400',
  seed: '5',
  'training.batch_size': '256',
  'evaluation.prompts': '20000',
} as const;

/** Every field whose visibility depends on the data model or the architecture. */
const KIND_SPECIFIC: readonly FieldPath[] = [
  'data.x_spectrum',
  'data.task_spectrum',
  'data.alpha',
  'data.form',
  'data.query',
  'data.gamma',
  'model.rank',
  'model.init',
  'model.lora',
  'model.lora.rank',
  'model.lora.adapt',
  'model.lora.pretrain_task_spectrum',
  'model.lora.pretrain_steps',
  'model.filter',
  'model.ssm_states',
];

/** The kind-specific controls that are shown, sorted. */
async function shownKindFields(page: Page): Promise<string[]> {
  const visible = await visibleFields(page, KIND_SPECIFIC);
  return Object.entries(visible)
    .filter(([, shown]) => shown)
    .map(([id]) => id)
    .sort();
}

/** aria-label of the theory curve `name` on the chart, with its class (theory or reference). */
async function chartCurve(page: Page, name: string): Promise<{ className: string | null; label: string | null; paths: number }> {
  const g = page.locator(`#chart svg g[data-curve="${name}"]`);
  if ((await g.count()) !== 1) return { className: null, label: null, paths: 0 };
  return { className: await g.getAttribute('class'), label: await g.getAttribute('aria-label'), paths: await g.locator('path').count() };
}

const pages = usePageSession(waitUntilReady);
const { freshPage, openedPages } = pages;

describe('data models, architectures and read-outs', () => {
  test('H3 on a drifting task: both theory curves, W heatmaps and sample weights beside the optimum', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await choose(page, { 'data.kind': 'drift', 'model.kind': 'h3', 'model.filter': 'free' });
    await fillConfig(page, H3_DRIFT_RUN);
    await page.locator('#train').click();
    expect(await waitForState(page, ['done', 'error'])).toBe('done');

    const result = await lastResult(page);
    expect(result?.status).toBe('done');
    // Only the fields that apply were sent; the validator filled in the rest.
    expect(result?.config.data).toMatchObject({ kind: 'drift', noise_variance: 0.25, gamma: 0.9 });
    expect(result?.config.model).toMatchObject({ kind: 'h3', filter: 'free' });
    expect(result?.nValues).toEqual([8]);
    expect(result?.theoryCurves.map((curve) => curve.name)).toEqual(['wpgd_optimum', 'uniform_weights']);
    const empirical = result?.empirical[0] ?? Number.NaN;
    const theory = result?.theory[0] ?? Number.NaN;
    expect(Math.abs(empirical - theory) / theory).toBeLessThan(0.15);

    // The chart: the model's own curve (WPGD*) prominent, the uniform-weights reference beside it.
    const model = await chartCurve(page, 'wpgd_optimum');
    expect(model.className).toBe('series-theory');
    expect(model.paths).toBe(1);
    expect(model.label).toContain('WPGD*');
    const reference = await chartCurve(page, 'uniform_weights');
    expect(reference.className).toBe('series-reference');
    expect(reference.paths).toBe(1);
    expect(reference.label).toContain('uniform');
    expect(await page.locator('#chart g.series-empirical-dots circle').count()).toBe(1);
    expect(await page.locator('#chart-legend li[data-curve="wpgd_optimum"]').textContent()).toContain('WPGD*');
    expect(await page.locator('#chart-legend li[data-curve="uniform_weights"]').textContent()).toContain('uniform');
    expect(await page.locator('#table-note').textContent()).toContain('WPGD*');

    // The read-outs, for the one trained n.
    expect(await page.locator('#readouts').isVisible()).toBe(true);
    expect(await page.locator('#readout-n').inputValue()).toBe('0');
    expect(await page.locator('#readout-n option').allTextContents()).toEqual(['n = 8']);
    const d = 4;
    expect(await page.locator('#heatmaps g.heatmap-cells rect').count()).toBe(2 * d * d);
    expect(await page.locator('#heatmap-legend svg').count()).toBe(1);
    const distanceText = (await page.locator('#frobenius-distance').textContent()) ?? '';
    expect(Number.isFinite(Number(distanceText))).toBe(true);
    const readout = result?.readouts[0];
    expect(readout?.relativeDistance).toBeTypeOf('number');
    expect(Number.isFinite(readout?.relativeDistance ?? Number.NaN)).toBe(true);
    expect(await page.locator('#sample-weights-chart g.series-learned-weights path').count()).toBe(1);
    expect(await page.locator('#sample-weights-chart g.series-optimal-weights path').count()).toBe(1);
    // Both weight vectors are normalised to mean 1, and both favour the recent tokens under drift.
    const learned = readout?.learnedSampleWeights ?? [];
    const optimal = readout?.optimal?.sampleWeights ?? [];
    expect(learned).toHaveLength(8);
    expect(optimal).toHaveLength(8);
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean(learned)).toBeCloseTo(1, 6);
    expect(mean(optimal)).toBeCloseTo(1, 6);
    expect(learned[0]).toBeGreaterThan(learned[7] ?? Number.POSITIVE_INFINITY);
    expect(optimal[0]).toBeGreaterThan(optimal[7] ?? Number.POSITIVE_INFINITY);

    // Fitting the risk axis to the curves separates the two theory curves; the same series are drawn.
    await page.locator('#fit-risk').check();
    expect((await chartCurve(page, 'wpgd_optimum')).paths).toBe(1);
    expect((await chartCurve(page, 'uniform_weights')).paths).toBe(1);
    expect(await page.locator('#chart g.series-empirical-dots circle').count()).toBe(1);
    for (const selector of ['#chart', '#readouts']) {
      expect(await page.locator(selector).innerHTML()).not.toContain('NaN');
    }
    await page.screenshot({ path: `${OUTPUT_DIR}h3-drift.png`, fullPage: true });
    expectNoErrors(recorded);
  });

  test('the data model and architecture choose the fields; a RAG run charts the asymptotic κ curve as an approximation', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    // The defaults: IID data, full-rank attention.
    expect(await shownKindFields(page)).toEqual(['data.task_spectrum', 'data.x_spectrum', 'model.lora', 'model.rank']);
    // Low-rank attention and LoRA have theory for IID data only, so RAG and alignment do not offer them.
    await choose(page, { 'data.kind': 'rag' });
    expect(await shownKindFields(page)).toEqual(['data.alpha', 'data.form']);
    await choose(page, { 'data.kind': 'alignment' });
    expect(await shownKindFields(page)).toEqual(['data.alpha', 'data.query']);
    const queries = await page.locator(`${control('data.query')} option`).allTextContents();
    expect(queries.join(' | ')).toMatch(/variant B.*\|.*variant A/);
    await choose(page, { 'data.kind': 'drift', 'model.kind': 'h3' });
    expect(await shownKindFields(page)).toEqual(['data.gamma', 'model.filter']);
    await choose(page, { 'model.filter': 'ssm' });
    expect(await shownKindFields(page)).toEqual(['data.gamma', 'model.filter', 'model.ssm_states']);
    // A rank below full offers the initialisation and no LoRA, and no online objective.
    await choose(page, { 'data.kind': 'iid', 'model.kind': 'attention' });
    await fillConfig(page, { 'model.rank': '3' });
    expect(await shownKindFields(page)).toEqual(['data.task_spectrum', 'data.x_spectrum', 'model.init', 'model.rank']);
    expect(await page.locator(`${control('objective')} option[value="all_positions"]`).isDisabled()).toBe(true);
    await fillConfig(page, { 'model.rank': '' });
    expect(await page.locator(`${control('objective')} option[value="all_positions"]`).isDisabled()).toBe(false);
    await page.locator(control('model.lora')).check();
    expect(await shownKindFields(page)).toEqual([
      'data.task_spectrum',
      'data.x_spectrum',
      'model.lora',
      'model.lora.adapt',
      'model.lora.pretrain_steps',
      'model.lora.pretrain_task_spectrum',
      'model.lora.rank',
      'model.rank',
    ]);
    // Noise is part of every data model.
    expect(await page.locator(control('data.noise_variance')).isVisible()).toBe(true);

    await choose(page, { 'data.kind': 'rag', 'data.form': 'normalized' });
    await fillConfig(page, RAG_RUN);
    await page.locator('#train').click();
    expect(await waitForState(page, ['done', 'error'])).toBe('done');
    const result = await lastResult(page);
    // The LoRA box is still ticked, but LoRA does not apply to RAG data, so it was not sent.
    expect(result?.config.model).toMatchObject({ kind: 'attention' });
    expect(result?.config.model).not.toHaveProperty('lora');
    expect(result?.config.data).toMatchObject({ kind: 'rag', noise_variance: 0, form: 'normalized', alpha: 0.3 });
    expect(result?.config.data).not.toHaveProperty('task_spectrum');

    const model = await chartCurve(page, 'rag_exact');
    expect(model.className).toBe('series-theory');
    const asymptotic = await chartCurve(page, 'rag_asymptotic');
    expect(asymptotic.className).toBe('series-reference');
    expect(asymptotic.paths).toBe(1);
    expect(asymptotic.label).toContain('approximation');
    expect(asymptotic.label).toContain('κ');
    const legendEntry = page.locator('#chart-legend li[data-curve="rag_asymptotic"]');
    expect(await legendEntry.isVisible()).toBe(true);
    expect(await legendEntry.textContent()).toContain('approximation');
    expect(await page.locator('#chart g.series-empirical-dots circle').count()).toBe(3);
    expect(await page.locator('#chart').innerHTML()).not.toContain('NaN');

    // The read-out select offers every trained n, the largest first chosen; another n redraws.
    expect(await page.locator('#readout-n option').allTextContents()).toEqual(['n = 5', 'n = 10', 'n = 20']);
    expect(await page.locator('#readout-n').inputValue()).toBe('2');
    expect(await page.locator('#heatmaps g.heatmap-cells rect').count()).toBe(2 * 5 * 5);
    await page.locator('#readout-n').selectOption('0');
    expect(await page.locator('#sample-weights-chart g.series-learned-weights-dots circle').count()).toBe(5);
    await page.locator('#readout-n').selectOption('2');
    expect(await page.locator('#readouts').innerHTML()).not.toContain('NaN');
    await page.screenshot({ path: `${OUTPUT_DIR}rag.png`, fullPage: true });
    expectNoErrors(recorded);
  });

  test('an out-of-range kind-specific value shows the validator message naming the field', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await choose(page, { 'data.kind': 'rag' });
    await fillConfig(page, { 'data.alpha': '1.5' });
    await page.locator('#train').click();
    expect(await waitForState(page, ['error', 'training'])).toBe('error');
    const error = page.locator('#form-error');
    expect(await error.isVisible()).toBe(true);
    expect(await error.textContent()).toMatch(/^Correlation α must be a number in \[0, 1\] \(got 1\.5\)/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-data-alpha');
    expect(await page.locator(control('data.alpha')).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(control('d')).getAttribute('aria-invalid')).toBeNull();

    // A model field too: the SSM's state count.
    await choose(page, { 'data.kind': 'drift', 'model.kind': 'h3', 'model.filter': 'ssm' });
    await fillConfig(page, { 'model.ssm_states': '99' });
    await page.evaluate(() => {
      document.body.dataset.state = 'idle';
    });
    await page.locator('#train').click();
    expect(await waitForState(page, ['error', 'training'])).toBe('error');
    expect(await error.textContent()).toMatch(/^SSM states N must be an integer in \[1, 16\]/);
    expect(await page.locator(control('model.ssm_states')).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(control('data.alpha')).getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#chart svg').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('NaN');
    expectNoErrors(recorded);
  });

  test('LoRA pretrains, then adapts, and charts its curve beside full retraining and the frozen model', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await choose(page, { 'data.kind': 'iid', 'data.task_spectrum': 'power_law', 'model.kind': 'attention' });
    await page.locator(control('model.lora')).check();
    await choose(page, { 'model.lora.adapt': 'key', 'model.lora.pretrain_task_spectrum': 'isotropic' });
    await fillConfig(page, {
      d: '4',
      n: '8',
      'training.steps': '150',
      'model.lora.rank': '1',
      'model.lora.pretrain_steps': '150',
      'training.batch_size': '256',
      'evaluation.prompts': '5000',
    });
    await page.locator('#train').click();
    expect(await waitForState(page, ['done', 'error'])).toBe('done');
    const result = await lastResult(page);
    expect(result?.config.model).toMatchObject({ kind: 'attention', lora: { rank: 1, adapt: 'key', pretrain_steps: 150 } });
    // The progress counts the pretraining steps too.
    expect(result?.totalSteps).toBe(300);
    expect(result?.theoryCurves.map((curve) => curve.name)).toEqual(['lora', 'pgd_optimum', 'frozen']);
    expect((await chartCurve(page, 'lora')).className).toBe('series-theory');
    expect((await chartCurve(page, 'frozen')).className).toBe('series-reference');
    expect(Number.isFinite(result?.empirical[0] ?? Number.NaN)).toBe(true);
    expect(await page.locator('#heatmaps g.heatmap-cells rect').count()).toBe(2 * 4 * 4);
    expect(await page.locator('#readouts').innerHTML()).not.toContain('NaN');
    expectNoErrors(recorded);
  });

  test('every request of the tests above went to 127.0.0.1', () => {
    expect(openedPages.length).toBeGreaterThan(0);
    expect(pages.session.requests.some((url) => url.endsWith('.wasm'))).toBe(true);
    expect(requestsElsewhere(pages.session.requests, inject('baseUrl'))).toEqual([]);
  });
});
