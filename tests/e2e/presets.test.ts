// End-to-end: the "Figure presets" section. Quick presets run on the page's pool of workers and must give
// the command line's numbers (the same wasm binary, so equal to 1e-12 relative; in practice bit for
// bit): the command line runs in this test (`reproduce <id> --quick`) while the browser starts. Pause
// must hold the workers and Resume finish with the same numbers; Cancel must stop them and leave the
// page usable. The last test checks every request the earlier ones caused.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { PresetResult } from '../../run/preset.js';
import { requestsElsewhere } from './browser.ts';
import { expectNoErrors, OUTPUT_DIR, usePageSession } from './page-session.ts';
import { choosePreset, lastPresetResult, pressOnceJobsDone, pressOnceTraining, waitForPresetState } from './page-driver.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Along n: three ranks of attention at two n, three jobs (about a second of training). */
const LOW_RANK = 'fig3-low-rank';
/** Along a config field (data.gamma, one value in the quick run): attention and H3, two jobs. */
const DRIFT = 'drift-h3-vs-attention';
/** Two jobs of a little more work: long enough to cancel mid-run. */
const FIG2A = 'fig2a-noiseless-iid';

const run = promisify(execFile);

/** `icl-playground reproduce <id> --quick`, as a user would run it; its <id>.json. */
async function cliResult(id: string): Promise<PresetResult> {
  const out = await mkdtemp(join(tmpdir(), 'icl-e2e-cli-'));
  try {
    await run(process.execPath, ['wasm/cli.mjs', 'reproduce', id, '--quick', '--threads', '1', '--out', out], { cwd: ROOT }).catch(
      (error: { code?: unknown }) => {
        // Status 1 means a preset missed its tolerance: the numbers are written all the same.
        if (error.code !== 1) throw error;
      },
    );
    return JSON.parse(await readFile(join(out, `${id}.json`), 'utf8')) as PresetResult;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

const cli = new Map<string, Promise<PresetResult>>();

function fromCli(id: string): Promise<PresetResult> {
  const result = cli.get(id);
  if (!result) throw new Error(`no command-line run of ${id}`);
  return result;
}

/** Every empirical risk (per point and seed) and theory value equal to 1e-12 relative. */
function expectSameNumbers(browser: PresetResult | undefined, reference: PresetResult): void {
  expect(browser).toBeDefined();
  if (!browser) return;
  expect(browser.id).toBe(reference.id);
  expect(browser.quick).toBe(true);
  expect(browser.buildId).toBe(reference.buildId);
  expect(browser.curves.map((curve) => curve.label)).toEqual(reference.curves.map((curve) => curve.label));
  const relative = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));
  reference.curves.forEach((curve, c) => {
    const points = browser.curves[c]?.points ?? [];
    expect(points.map((point) => point.x)).toEqual(curve.points.map((point) => point.x));
    curve.points.forEach((point, i) => {
      const mine = points[i];
      expect(mine?.empirical).toHaveLength(point.empirical.length);
      point.empirical.forEach((value, s) => {
        expect(Number.isFinite(value)).toBe(true);
        expect(relative(mine?.empirical[s] ?? Number.NaN, value), `${curve.label}, x = ${point.x}, seed ${s}`).toBeLessThanOrEqual(1e-12);
      });
      expect(relative(mine?.theory ?? Number.NaN, point.theory)).toBeLessThanOrEqual(1e-12);
    });
  });
  expect(browser.fidelity.pass).toBe(reference.fidelity.pass);
}

/** The page's own training worker plus the preset pool's while it runs; the pool's end with the run. */
async function expectOnlyTheTrainingWorker(page: Page): Promise<void> {
  await expect.poll(() => page.workers().length, { timeout: 5_000 }).toBe(1);
}

async function progress(page: Page): Promise<{ value: number; max: number; counts: string }> {
  return {
    ...(await page
      .locator('#preset-progress')
      .evaluate((bar) => ({ value: (bar as HTMLProgressElement).value, max: (bar as HTMLProgressElement).max }))),
    counts: (await page.locator('#preset-counts').textContent()) ?? '',
  };
}

beforeAll(async () => {
  // The command line runs beside the browser's start-up; the tests await its results.
  for (const id of [LOW_RANK, DRIFT]) {
    const result = cliResult(id);
    result.catch(() => {}); // awaited (and reported) by the tests
    cli.set(id, result);
  }
});

afterAll(async () => {
  await Promise.allSettled(cli.values());
});

// Registered after the command-line runs above, so that they start before the browser does.
const pages = usePageSession((page) => waitForPresetState(page, ['idle'], 60_000));
const { freshPage, openedPages } = pages;

describe('figure presets', () => {
  test('a quick preset runs to the end: chart marks per curve, a fidelity verdict, the command line’s numbers', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    // Every preset is offered, the quick run is the default.
    expect(await page.locator('#preset-id option').count()).toBe(9);
    expect(await page.locator('#preset-quick').isChecked()).toBe(true);
    expect(await page.locator('#preset-pause').isDisabled()).toBe(true);
    expect(await page.locator('#preset-cancel').isDisabled()).toBe(true);

    await choosePreset(page, LOW_RANK);
    expect(await page.locator('#preset-title').textContent()).toContain('low-rank attention');
    // The note's formulas with their symbols and scripts: L*_r(n) with r set as a subscript.
    expect(await page.locator('#preset-note').textContent()).toContain('L*r(n)');
    expect(await page.locator('#preset-note sub').allTextContents()).toContain('r');
    expect(await page.locator('#preset-plan').textContent()).toContain('3 training jobs');
    await page.locator('#preset-run').click();
    expect(await waitForPresetState(page, ['done', 'error', 'cancelled'])).toBe('done');

    const result = await lastPresetResult(page);
    expectSameNumbers(result, await fromCli(LOW_RANK));
    const curves = result?.curves ?? [];
    expect(curves.map((curve) => curve.label)).toEqual(['rank 1', 'rank 2', 'rank 3']);

    // The chart: per curve the empirical mean (line and one marker per point: a circle, a square, a
    // diamond; the first line solid, the others dashed, so curves drawn over each other still show) and
    // the dotted theory; one seed, so no spread band; the IID data model has no asymptotic
    // approximation. Under it the gap plot: one marker per point and the tolerance band.
    const chart = page.locator('#preset-chart svg');
    await expect.poll(() => chart.count()).toBe(1);
    expect(await chart.locator('g[data-plot]').evaluateAll((plots) => plots.map((plot) => plot.getAttribute('data-plot')))).toEqual([
      'risk',
      'gap',
    ]);
    expect(await chart.locator('g[data-series="gap-tolerance"]').count()).toBe(1);
    for (const [c, curve] of curves.entries()) {
      const mark = (series: string) => chart.locator(`g[data-curve="${c}"][data-series="${series}"]`);
      expect(await mark('empirical-line').locator('path').count()).toBe(1);
      expect(await mark('empirical-line').getAttribute('aria-label')).toContain(curve.label);
      if (c === 0) expect(await mark('empirical-line').getAttribute('stroke-dasharray')).toBeNull();
      else expect(await mark('empirical-line').getAttribute('stroke-dasharray')).toBeTruthy();
      expect(
        await mark('empirical-dots')
          .locator(c === 0 ? 'circle' : 'path')
          .count(),
      ).toBe(curve.points.length);
      expect(await mark('gap-dots').locator(':scope > *').count()).toBe(curve.points.length);
      expect(await mark('theory').locator('path').count()).toBe(1);
      expect(await mark('theory').getAttribute('stroke-dasharray')).toBeTruthy();
      expect(await mark('theory').getAttribute('aria-label')).toBe(`${curve.label}: theory`);
      expect(curve.theoryLine?.x.length).toBeGreaterThan(curve.points.length);
    }
    expect(await chart.locator('g[data-series="spread"]').count()).toBe(0);
    expect(await chart.locator('g[data-series="asymptotic"]').count()).toBe(0);
    expect(await page.locator('#preset-legend li[data-curve]').allTextContents()).toEqual(['rank 1', 'rank 2', 'rank 3']);

    // The fidelity table: one row per curve and point, and the verdict against the tolerance.
    const rows = page.locator('#preset-table tbody tr');
    expect(await rows.count()).toBe(6);
    expect(await rows.first().locator('th').textContent()).toBe('rank 1');
    expect(await rows.first().locator('td').first().textContent()).toBe('4');
    const firstGap = curves[0]?.points[0]?.gap ?? Number.NaN;
    expect(await rows.first().locator('td').nth(-2).textContent()).toBe(
      `${firstGap >= 0 ? '+' : '−'}${Math.abs(100 * firstGap).toFixed(2)} %`,
    );
    // Beside it the gap's standard error from the evaluation set, which the core measures.
    const firstError = curves[0]?.points[0]?.gapStandardError ?? Number.NaN;
    expect(firstError).toBeGreaterThan(0);
    expect(await rows.first().locator('td').last().textContent()).toBe(`± ${(100 * firstError).toFixed(2)} %`);
    // The chart states the recipe the preset was trained with.
    expect(await page.locator('#preset-recipe-note').textContent()).toMatch(/^Training recipe low-rank: 1500 steps of 512 prompts; /);
    const verdict = page.locator('#preset-verdict');
    expect(await verdict.isVisible()).toBe(true);
    expect(await verdict.getAttribute('data-verdict')).toBe(result?.fidelity.pass ? 'pass' : 'fail');
    const verdictText = (await verdict.textContent()) ?? '';
    expect(verdictText).toContain(`median |gap| ${(100 * (result?.fidelity.medianGap ?? 0)).toFixed(2)} % (tolerance 2.50 %)`);
    expect(verdictText).toContain(`largest |gap| ${(100 * (result?.fidelity.maxGap ?? 0)).toFixed(2)} % (tolerance 5.00 %)`);

    // Progress complete, elapsed time shown, controls back to idle, the pool's workers gone.
    const finalProgress = await progress(page);
    expect(finalProgress.value).toBe(finalProgress.max);
    expect(finalProgress.max).toBe(3 * 1500);
    expect(finalProgress.counts).toBe('3 / 3 jobs done · 4,500 / 4,500 steps');
    expect(await page.locator('#preset-elapsed').textContent()).toMatch(/^elapsed \d+(\.\d)? s$/);
    expect(await page.locator('#preset-status').textContent()).toMatch(
      /^Done in .* s \(fig3-low-rank, recipe low-rank, quick\): fidelity (pass|fail)\.$/,
    );
    expect(await page.locator('#preset-run').isDisabled()).toBe(false);
    expect(await page.locator('#preset-pause').isDisabled()).toBe(true);
    await expectOnlyTheTrainingWorker(page);
    expect(await page.locator('#presets').innerText()).not.toContain('NaN');

    await page.locator('#presets').scrollIntoViewIfNeeded();
    await page.locator('#presets').screenshot({ path: `${OUTPUT_DIR}preset.png` });
    expectNoErrors(recorded);
  });

  test('Pause holds every worker between chunks of steps; Resume finishes with the same numbers', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await choosePreset(page, LOW_RANK);
    const pressed = pressOnceTraining(page, 'preset-pause');
    await page.locator('#preset-run').click();
    await pressed;
    expect(await waitForPresetState(page, ['paused', 'done', 'error'])).toBe('paused');
    expect(await page.locator('#preset-pause').textContent()).toBe('Resume');
    expect(await page.locator('#preset-pause').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#preset-status').textContent()).toContain('Paused');

    // Paused mid-run, and nothing moves while paused.
    const held = await progress(page);
    expect(held.value).toBeGreaterThan(0);
    expect(held.value).toBeLessThan(held.max);
    await page.waitForTimeout(600);
    expect(await progress(page)).toEqual(held);
    expect(await page.evaluate(() => document.body.dataset.presetState)).toBe('paused');
    expect(await page.locator('#preset-elapsed').textContent()).toContain('pauses excluded');

    await page.locator('#preset-pause').click();
    expect(await waitForPresetState(page, ['done', 'error', 'cancelled'])).toBe('done');
    expect(await page.locator('#preset-pause').textContent()).toBe('Pause');
    expectSameNumbers(await lastPresetResult(page), await fromCli(LOW_RANK));
    expect(await page.locator('#preset-table tbody tr').count()).toBe(6);
    await expectOnlyTheTrainingWorker(page);
    expectNoErrors(recorded);
  });

  test('Cancel mid-run stops the workers and keeps nothing; Run works again, along a config axis too', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await choosePreset(page, FIG2A);
    const pressed = pressOnceTraining(page, 'preset-cancel');
    await page.locator('#preset-run').click();
    await pressed;
    expect(await waitForPresetState(page, ['cancelled', 'done', 'error'])).toBe('cancelled');
    expect(await page.locator('#preset-status').textContent()).toMatch(
      /^Cancelled before any job finished \(0 of 2 jobs\); nothing to keep\.$/,
    );
    expect(await page.locator('#preset-run').isDisabled()).toBe(false);
    expect(await page.locator('#preset-pause').isDisabled()).toBe(true);
    expect(await page.locator('#preset-cancel').isDisabled()).toBe(true);
    expect(await page.locator('#preset-id').isDisabled()).toBe(false);
    expect(await page.locator('#preset-chart-empty').isVisible()).toBe(true);
    expect(await page.locator('#preset-table').isVisible()).toBe(false);
    expect(await lastPresetResult(page)).toBeUndefined();
    await expectOnlyTheTrainingWorker(page);
    // The cancelled run's workers are gone: nothing moves any more.
    const stopped = await progress(page);
    await page.waitForTimeout(300);
    expect(await progress(page)).toEqual(stopped);

    // Run again, another preset: along data.gamma (one value in the quick run), attention against H3.
    await choosePreset(page, DRIFT);
    await page.locator('#preset-run').click();
    expect(await waitForPresetState(page, ['done', 'error', 'cancelled'])).toBe('done');
    const result = await lastPresetResult(page);
    expectSameNumbers(result, await fromCli(DRIFT));
    expect(result?.axis.field).toBe('data.gamma');
    const chart = page.locator('#preset-chart svg');
    for (const c of [0, 1]) {
      expect(await chart.locator(`g[data-curve="${c}"][data-series="empirical-dots"] > *`).count()).toBe(1);
      // Off the n axis the theory is known at the scored points only: a ring marks each.
      expect(await chart.locator(`g[data-curve="${c}"][data-series="theory-points"] circle`).count()).toBe(1);
    }
    expect(await page.locator('#preset-table tbody tr').count()).toBe(2);
    expect(await page.locator('#preset-verdict').getAttribute('data-verdict')).toMatch(/^(pass|fail)$/);
    await page.locator('#preset-chart').screenshot({ path: `${OUTPUT_DIR}preset-drift.png` });

    // Going back to the cancelled preset shows no result; the finished one's result is kept.
    await choosePreset(page, FIG2A);
    expect(await page.locator('#preset-chart-empty').isVisible()).toBe(true);
    await choosePreset(page, DRIFT);
    expect(await page.locator('#preset-table tbody tr').count()).toBe(2);
    expectNoErrors(recorded);
  });

  test('a full preset draws its theory at once and live estimates while its jobs train', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await choosePreset(page, FIG2A, false);
    await page.locator('#preset-run').click();
    const chart = page.locator('#preset-chart svg');
    // Hollow dots (live estimates of the running jobs) appear while every job is still training.
    await chart.locator('g[data-series="provisional-dots"] > *').first().waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => document.body.dataset.presetState)).toBe('running');
    expect(await page.locator('#preset-counts').textContent()).toMatch(/^0 \/ 6 jobs done/);
    for (const c of [0, 1]) expect(await chart.locator(`g[data-curve="${c}"][data-series="theory"] path`).count()).toBe(1);
    expect(await chart.locator('g[data-series="empirical-dots"]').count()).toBe(0);
    expect(await page.locator('#preset-legend li[data-legend="provisional"]').textContent()).toContain('live estimate');
    expect(await page.locator('#preset-verdict').getAttribute('data-verdict')).toBe('incomplete');
    expect(await page.locator('#preset-verdict').textContent()).toContain('0 of 6 jobs done; no point is final yet');
    const provisionalRows = page.locator('#preset-table tbody tr[data-provisional="true"]');
    expect(await provisionalRows.count()).toBeGreaterThan(0);
    expect(await provisionalRows.locator('td', { hasText: /^\d[\d.]* \(live estimate\)$/ }).count()).toBeGreaterThan(0);
    // An estimate of the time left, once some work is done.
    await expect.poll(() => page.locator('#preset-elapsed').textContent(), { timeout: 60_000 }).toMatch(/about .* left$/);
    expect(await page.locator('#presets').innerText()).not.toContain('NaN');
    await page.locator('#presets').screenshot({ path: `${OUTPUT_DIR}preset-live.png` });
    await page.locator('#preset-cancel').click();
    expect(await waitForPresetState(page, ['cancelled'])).toBe('cancelled');
    expectNoErrors(recorded);
  });

  test('Cancel keeps the jobs that finished and says what is missing', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await choosePreset(page, LOW_RANK);
    const pressed = pressOnceJobsDone(page, 'preset-cancel', 1);
    await page.locator('#preset-run').click();
    await pressed;
    expect(await waitForPresetState(page, ['cancelled', 'done', 'error'])).toBe('cancelled');
    const status = (await page.locator('#preset-status').textContent()) ?? '';
    expect(status).toMatch(/^Cancelled with [12] of 3 jobs done: their points are kept\. Missing: rank \d at every point/);
    const finalRows = page.locator('#preset-table tbody tr:not([data-provisional="true"])');
    const missingRows = page.locator('#preset-table tbody tr[data-provisional="true"]');
    expect((await finalRows.count()) % 2).toBe(0); // each finished job gives both of its n
    expect(await finalRows.count()).toBeGreaterThanOrEqual(2);
    expect((await finalRows.count()) + (await missingRows.count())).toBe(6);
    // The missing points show no number; the kept ones are drawn.
    expect(await missingRows.first().locator('td').nth(1).textContent()).toBe('—');
    expect(await page.locator('#preset-chart svg g[data-series="empirical-dots"] > *').count()).toBe(await finalRows.count());
    expect(await page.locator('#preset-verdict').getAttribute('data-verdict')).toBe('incomplete');
    await expectOnlyTheTrainingWorker(page);
    expectNoErrors(recorded);
  });

  test('a hidden tab pauses the pool, and showing it resumes to the same numbers', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await choosePreset(page, LOW_RANK);
    const setHidden = (hidden: boolean) =>
      page.evaluate((value) => {
        Object.defineProperty(document, 'hidden', { value, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    const started = pressOnceTraining(page, 'preset-pause');
    // Press nothing: hide the tab instead, once training has begun (the helper's click is undone below).
    await page.evaluate(() => {
      const button = document.getElementById('preset-pause') as HTMLButtonElement;
      button.addEventListener('click', (event) => event.stopImmediatePropagation(), { capture: true, once: true });
    });
    await page.locator('#preset-run').click();
    await started;
    await setHidden(true);
    expect(await waitForPresetState(page, ['paused', 'done'])).toBe('paused');
    expect(await page.locator('#preset-status').textContent()).toBe('Paused while the tab is hidden; it resumes when you come back.');
    const held = await progress(page);
    await page.waitForTimeout(400);
    expect(await progress(page)).toEqual(held);
    await setHidden(false);
    expect(await waitForPresetState(page, ['done', 'error'])).toBe('done');
    expectSameNumbers(await lastPresetResult(page), await fromCli(LOW_RANK));
    expectNoErrors(recorded);
  });

  test('every request of the tests above went to 127.0.0.1', () => {
    expect(openedPages.length).toBeGreaterThan(0);
    // The pool's workers fetch the module too: the list must include the wasm binary.
    expect(pages.session.requests.some((url) => url.endsWith('.wasm'))).toBe(true);
    expect(pages.session.requests.some((url) => /preset-worker[^/]*\.js$/.test(url))).toBe(true);
    expect(requestsElsewhere(pages.session.requests, inject('baseUrl'))).toEqual([]);
  });
});
