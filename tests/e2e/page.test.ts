// End-to-end: the built page in headless Chromium, training real models with the real wasm module.
// The tests in this file share one browser profile and run in order; the last one checks every
// request the earlier ones caused.

import { describe, expect, inject, test } from 'vitest';
import { requestsElsewhere } from './browser.ts';
import { expectNoErrors, OUTPUT_DIR, usePageSession } from './page-session.ts';
import { control, fillConfig, lastResult, waitForState, waitUntilReady } from './page-driver.ts';

/** A run small enough for seconds of training, big enough to land near theory: at d = 5 the
 *  optimum is c* = 1/(n + d + 1) per diagonal entry, reached within a few hundred Adam steps. */
const SMALL_RUN = {
  d: '5',
  'data.noise_variance': '0',
  n: '5, 10',
  'training.steps': '400',
  seed: '7',
  'training.batch_size': '256',
  'evaluation.prompts': '20000',
} as const;

const pages = usePageSession(waitUntilReady);
const { freshPage, openedPages } = pages;

describe('the playground page', () => {
  test('loads with its defaults, typeset formulas and no console or page error', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    expect(await page.locator(control('d')).inputValue()).toMatch(/^\d+$/);
    expect(await page.locator(control('n')).inputValue()).toMatch(/^\d+(, \d+)*$/);
    expect(await page.locator('.katex').count()).toBeGreaterThan(5);
    expect(await page.locator('#build-id').textContent()).not.toBe('…');
    expect(await page.locator('#stop').isDisabled()).toBe(true);
    expectNoErrors(recorded);
  });

  test('trains a small config to done and charts both curves close to each other', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await fillConfig(page, SMALL_RUN);
    await page.locator('#train').click();
    expect(await waitForState(page, ['done', 'error'])).toBe('done');

    const result = await lastResult(page);
    expect(result?.status).toBe('done');
    expect(result?.nValues).toEqual([5, 10]);
    expect(result?.stepsDone).toBe(400);
    for (const [i, value] of (result?.empirical ?? []).entries()) {
      const empirical = value ?? Number.NaN;
      const theory = result?.theory[i] ?? Number.NaN;
      expect(Number.isFinite(empirical)).toBe(true);
      expect(Number.isFinite(theory)).toBe(true);
      // A short run: loose here, the tight accuracy checks live in the native tests.
      expect(Math.abs(empirical - theory) / theory).toBeLessThan(0.15);
    }

    const chart = page.locator('#chart svg');
    await expect.poll(() => chart.count()).toBe(1);
    expect(await chart.locator('g.series-empirical-line path').count()).toBe(1);
    expect(await chart.locator('g.series-empirical-dots circle').count()).toBe(2);
    expect(await chart.locator('g.series-theory path').count()).toBe(1);
    expect(await chart.locator('g.series-theory').getAttribute('stroke-dasharray')).toBeTruthy();
    expect(await chart.locator('g.series-empirical-line').getAttribute('stroke-dasharray')).toBeNull();
    // The training-loss points are for the live view only.
    expect(await chart.locator('g.series-train-loss circle').count()).toBe(0);
    expect(await chart.innerHTML()).not.toContain('NaN');

    const rows = page.locator('#results-body tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator('td').first().textContent()).toBe('5');
    expect(await rows.nth(1).locator('td').first().textContent()).toBe('10');
    expect(
      await page.locator('#progress').evaluate((bar) => [(bar as HTMLProgressElement).value, (bar as HTMLProgressElement).max]),
    ).toEqual([400, 400]);

    await page.screenshot({ path: `${OUTPUT_DIR}trained.png`, fullPage: true });

    // The logarithmic n axis redraws the same series (the theory curve from n = 1).
    await page.locator('#log-n').check();
    expect(await chart.locator('g.series-theory path').count()).toBe(1);
    expect(await chart.locator('g.series-empirical-dots circle').count()).toBe(2);
    expect(await page.locator('#chart svg').innerHTML()).not.toContain('NaN');
    expectNoErrors(recorded);
  });

  test('Stop during a long run ends in state stopped with a finite partial result', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await fillConfig(page, { ...SMALL_RUN, 'training.steps': '1000000' });
    // Keyboard only: Enter in a field submits the form, like the Train button.
    await page.locator(control('training.steps')).press('Enter');
    await waitForState(page, ['training']);
    expect(await page.locator('#train').isDisabled()).toBe(true);
    // Wait for real progress, so the models are partly trained when stopped.
    await page.waitForFunction(() => (document.querySelector('progress')?.value ?? 0) >= 50);
    // While training, the live estimate of each model's risk is on the chart.
    await expect.poll(() => page.locator('#chart g.series-empirical-dots.series-live circle').count()).toBe(2);
    await page.locator('#stop').focus();
    await page.keyboard.press('Space');
    expect(await waitForState(page, ['stopped', 'done', 'error'])).toBe('stopped');

    const result = await lastResult(page);
    expect(result?.status).toBe('stopped');
    expect(result?.stepsDone).toBeGreaterThan(0);
    expect(result?.stepsDone).toBeLessThan(1_000_000);
    expect(result?.empirical).toHaveLength(2);
    for (const value of result?.empirical ?? []) expect(Number.isFinite(value)).toBe(true);
    // The read-outs show the models as trained so far, the largest n first (d = 5: 2 x 25 cells).
    expect(await page.locator('#readouts').isVisible()).toBe(true);
    expect(await page.locator('#readout-n option:checked').textContent()).toBe('n = 10');
    expect(await page.locator('#heatmaps g.heatmap-cells rect').count()).toBe(50);
    expect(await page.locator('#readouts').innerHTML()).not.toContain('NaN');
    expect(await page.locator('#train').isDisabled()).toBe(false);
    expect(await page.locator('#stop').isDisabled()).toBe(true);
    expect(await page.locator('#chart svg').innerHTML()).not.toContain('NaN');
    expectNoErrors(recorded);
  });

  test('the same config trained twice gives the same numbers', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await fillConfig(page, { ...SMALL_RUN, 'training.steps': '50' });
    const runs = [];
    for (let i = 0; i < 2; i++) {
      await page.locator('#train').click();
      expect(await waitForState(page, ['done', 'error'])).toBe('done');
      runs.push(await lastResult(page));
      // The next run must be observed from its start, not mistaken for this one.
      await page.evaluate(() => {
        delete window.__iclResult;
        document.body.dataset.state = 'idle';
      });
    }
    expect(runs[0]?.empirical).toHaveLength(2);
    expect(runs[1]?.empirical).toEqual(runs[0]?.empirical);
    expect(runs[0]?.readouts).toHaveLength(2);
    expect(runs[1]?.readouts).toEqual(runs[0]?.readouts);
    expectNoErrors(recorded);
  });

  test('an out-of-range value shows the validator message naming the field', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await fillConfig(page, { d: '0' });
    await page.locator('#train').click();
    expect(await waitForState(page, ['error', 'training'])).toBe('error');
    const error = page.locator('#form-error');
    expect(await error.isVisible()).toBe(true);
    expect(await error.textContent()).toMatch(/^Dimension d must be an integer in \[1, 64\] \(got 0\)/);
    expect(await page.locator(control('d')).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#chart svg').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('NaN');
    expectNoErrors(recorded);
  });

  test('non-numeric context lengths are rejected before training, naming the field', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await fillConfig(page, { n: '5, abc' });
    await page.locator('#train').click();
    expect(await waitForState(page, ['error', 'training'])).toBe('error');
    const message = await page.locator('#form-error').textContent();
    expect(message).toMatch(/^Context lengths n must be/);
    expect(message).toContain('abc');
    expect(await page.locator(control('n')).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('body').innerText()).not.toContain('NaN');

    // Fixing the field clears the error and trains.
    await fillConfig(page, { ...SMALL_RUN, 'training.steps': '20' });
    await page.locator('#train').click();
    expect(await waitForState(page, ['done', 'error'])).toBe('done');
    expect(await page.locator('#form-error').isVisible()).toBe(false);
    expect(await page.locator(control('n')).getAttribute('aria-invalid')).toBeNull();
    expectNoErrors(recorded);
  });

  test('runs under its Content-Security-Policy with no violation', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(policy).toMatch(/default-src 'self'/);
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    await page.evaluate(() => {
      (window as unknown as { __violations: string[] }).__violations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        (window as unknown as { __violations: string[] }).__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    await fillConfig(page, { ...SMALL_RUN, 'training.steps': '30' });
    await page.locator('#train').click();
    expect(await waitForState(page, ['done', 'error'])).toBe('done');
    // An inline script is refused: the policy is in force.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
    });
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
    const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    expect(violations).toEqual(['script-src-elem inline']);
    // The refused inline script is the only console error.
    expect(recorded.consoleErrors.length).toBeGreaterThan(0);
    expect(recorded.consoleErrors.filter((text) => !/inline script.*Content Security Policy/.test(text))).toEqual([]);
    expect(recorded.pageErrors).toEqual([]);
  });

  test('every request of the tests above went to 127.0.0.1', () => {
    expect(openedPages.length).toBeGreaterThan(0);
    // The list must include the worker's fetch of the wasm binary, or it would prove nothing.
    expect(pages.session.requests.some((url) => url.endsWith('.wasm'))).toBe(true);
    expect(requestsElsewhere(pages.session.requests, inject('baseUrl'))).toEqual([]);
  });
});
