// End-to-end: training you can watch, pause, step and reset, with the numbers of an uninterrupted run;
// runs that diverge or stop short say so in words, and nothing NaN reaches the page.

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { expectNoErrors, OUTPUT_DIR, usePageSession } from './page-session.ts';
import { lastResult, waitForState, waitUntilReady } from './page-driver.ts';

const RUN = '#v=1&d=4&n=3,6&seed=5&training.steps=2000&training.batch_size=256&evaluation.prompts=4000';

// Any state but none: a short run (the diverging one) can be over before the first poll.
const pages = usePageSession((page) =>
  waitForState(page, ['idle', 'starting', 'training', 'paused', 'done', 'stopped', 'diverged', 'error'], 60_000),
);
const { freshPage } = pages;

/** Clicks `id` from inside the page at the first progress of the run (a click from the test process
 *  could land after a short run has ended). */
function clickAtFirstProgress(page: Page, id: string): Promise<void> {
  return page.evaluate(
    (buttonId) =>
      new Promise<void>((resolve) => {
        const bar = document.getElementById('progress') as HTMLProgressElement;
        const check = () => {
          if (document.body.dataset.state === 'training' && bar.value > 0) {
            (document.getElementById(buttonId) as HTMLButtonElement).click();
            resolve();
          } else {
            requestAnimationFrame(check);
          }
        };
        check();
      }),
    id,
  );
}

const stepsDone = (page: Page) => page.evaluate(() => (document.getElementById('progress') as HTMLProgressElement).value);

async function waitForSteps(page: Page, steps: number): Promise<void> {
  await page.waitForFunction(
    (wanted) => (document.getElementById('progress') as HTMLProgressElement).value === wanted && document.body.dataset.state === 'paused',
    steps,
  );
}

describe('live training', () => {
  test('pause, step, play and reset give the numbers of an uninterrupted run', async () => {
    const reference = await freshPage(`${RUN}&run=1`);
    expect(await waitForState(reference.page, ['done', 'error'])).toBe('done');
    const uninterrupted = await lastResult(reference.page);
    expect(uninterrupted?.checkpoints.steps.at(-1)).toBe(2000);

    const recorded = await freshPage(RUN);
    const { page } = recorded;
    await waitUntilReady(page);
    const paused = clickAtFirstProgress(page, 'play');
    await page.locator('#train').click();
    await paused;
    expect(await waitForState(page, ['paused', 'done'])).toBe('paused');
    expect(await page.locator('#play').textContent()).toBe('Play');
    const at = await stepsDone(page);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(2000);
    // Step trains exactly the chosen number of steps, by button and by the → key.
    await page.locator('#step-size').fill('7');
    await page.locator('#step').click();
    await waitForSteps(page, at + 7);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowRight');
    await waitForSteps(page, at + 14);
    // The chart shows the live estimate meanwhile, with its size in the legend.
    expect(await page.locator('#legend-empirical-text').textContent()).toMatch(/live estimate: test risk on 4,000 fixed prompts/);
    expect(await page.locator('#training-curve svg').count()).toBe(1);
    // Space plays on to the end.
    await page.keyboard.press(' ');
    expect(await waitForState(page, ['done', 'error'])).toBe('done');
    const interrupted = await lastResult(page);
    expect(interrupted?.empirical).toEqual(uninterrupted?.empirical);
    expect(interrupted?.checkpoints).toEqual(uninterrupted?.checkpoints);
    expect(interrupted?.verdicts).toEqual(uninterrupted?.verdicts);

    // r resets to step 0 with the same initialisation; Play then gives the same numbers again.
    await page.keyboard.press('r');
    await waitForSteps(page, 0);
    expect(await page.locator('#status').textContent()).toMatch(/back at step 0 with the same initialisation/);
    await page.evaluate(() => delete window.__iclResult);
    await page.locator('#play').click();
    expect(await waitForState(page, ['done', 'error'])).toBe('done');
    expect((await lastResult(page))?.empirical).toEqual(uninterrupted?.empirical);
    expectNoErrors(reference);
    expectNoErrors(recorded);
  });

  test('a hidden tab pauses at the exact step and plays on when shown again', async () => {
    const recorded = await freshPage(RUN.replace('training.steps=2000', 'training.steps=200000'));
    const { page } = recorded;
    await waitUntilReady(page);
    await page.locator('#train').click();
    await page.waitForFunction(() => (document.getElementById('progress') as HTMLProgressElement).value > 0);
    const setHidden = (hidden: boolean) =>
      page.evaluate((value) => {
        Object.defineProperty(document, 'hidden', { value, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    expect(await waitForState(page, ['paused'])).toBe('paused');
    const held = await stepsDone(page);
    await page.waitForTimeout(300);
    expect(await stepsDone(page)).toBe(held);
    expect(await page.locator('#status').textContent()).toMatch(/while the tab is hidden/);
    await setHidden(false);
    await page.waitForFunction((from) => (document.getElementById('progress') as HTMLProgressElement).value > from, held);
    await page.locator('#stop').click();
    expect(await waitForState(page, ['stopped', 'error'])).toBe('stopped');
    expect(await page.locator('#play').textContent()).toBe('Continue');
    expectNoErrors(recorded);
  });

  test('a run that diverges says so in words and draws no number for it', async () => {
    const recorded = await freshPage(
      '#v=1&d=10&n=10,40&training.steps=500&training.batch_size=64&training.learning_rate=1&evaluation.prompts=1000&run=1',
    );
    const { page } = recorded;
    expect(await waitForState(page, ['diverged', 'done', 'error'])).toBe('diverged');
    expect(await page.locator('#status').textContent()).toMatch(
      /^Diverged: diverged at step \d+ .*the learning rate is likely too high \(training\.learning_rate = 1\)/,
    );
    const result = await lastResult(page);
    expect(result?.divergence?.step).toBeLessThan(500);
    expect(await page.locator('#results-body').innerText()).toContain('diverged');
    expect(result?.empirical).toEqual([null, null]);
    expect(await page.locator('#readouts').isVisible()).toBe(false);
    expect(await page.locator('body').innerText()).not.toMatch(/NaN|Infinity/);
    expect(await page.locator('#chart svg').innerHTML()).not.toContain('NaN');
    await page.screenshot({ path: `${OUTPUT_DIR}diverged.png`, fullPage: true });
    expectNoErrors(recorded);
  });

  test('a worker that stops answering is reported and replaced, and the page trains again', async () => {
    const recorded = await freshPage(`${RUN.replace('training.steps=2000', 'training.steps=1000000')}&run=1`);
    const { page } = recorded;
    await page.waitForFunction(() => (document.getElementById('progress') as HTMLProgressElement).value > 0);
    // Freeze the training worker's thread, as a crash without an error event or a stuck step would.
    const trainingWorker = page.workers().find((worker) => /worker/.test(worker.url()) && !/preset/.test(worker.url()));
    expect(trainingWorker).toBeDefined();
    void trainingWorker
      ?.evaluate(() => {
        for (;;) {
          // never returns
        }
      })
      .catch(() => {});
    expect(await waitForState(page, ['error', 'done'], 90_000)).toBe('error');
    expect(await page.locator('#status').textContent()).toMatch(/has not answered for 20 s.*It was replaced/);
    // The replacement worker is ready, and a link pasted into the address bar runs on it.
    await page.locator('#train:not([disabled])').waitFor();
    await page.goto(`${page.url().split('#')[0]}${RUN.replace('training.steps=2000', 'training.steps=50')}&run=1`);
    expect(await waitForState(page, ['done'])).toBe('done');
    expect((await lastResult(page))?.stepsDone).toBe(50);
    expect(recorded.pageErrors).toEqual([]);
  });

  test('an under-trained run is reported as not converged, with the advice to train longer', async () => {
    const recorded = await freshPage('#v=1&d=8&n=20&training.steps=100&training.batch_size=256&evaluation.prompts=20000&run=1');
    const { page } = recorded;
    expect(await waitForState(page, ['done', 'error'])).toBe('done');
    expect(await page.locator('#status').textContent()).toMatch(/1 of 1 models did not converge/);
    expect(await page.locator('#run-verdicts').innerText()).toMatch(/n = 20: not converged: .*try more steps/);
    expect(await page.locator('#results-body tr[data-verdict="still_falling"]').count()).toBe(1);
    expectNoErrors(recorded);
  });
});
