// End-to-end: links and embedding. The address bar follows the form, a link restores the page and
// runs to the command line's numbers, a bad link marks its field and runs nothing, and a page on
// another origin embeds a figure preset that sizes itself and runs.

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, test } from 'vitest';
import { expectNoErrors, OUTPUT_DIR, usePageSession } from './page-session.ts';
import { control, fillConfig, lastResult, waitForState, waitUntilReady } from './page-driver.ts';
import { serveDirectory } from './static-server.ts';

const cli = fileURLToPath(new URL('../../wasm/cli.mjs', import.meta.url));

/** The page is ready for links once its form exists; an invalid link leaves it in state 'error'. */
const pages = usePageSession((page) => waitForState(page, ['idle', 'error', 'starting', 'training', 'done'], 60_000));
const { freshPage } = pages;

const fragmentOf = (url: string) => url.slice(url.indexOf('#'));

describe('links and embedding', () => {
  test('editing a field writes the link, and the link restores the form', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await waitUntilReady(page);
    await page.locator(control('data.kind')).selectOption('drift');
    await fillConfig(page, { d: '7', 'data.gamma': '0.75', seed: '42', 'training.learning_rate': '0.002' });
    await page.locator(control('model.kind')).selectOption('h3');
    await page.locator('#log-n').check();
    await expect
      .poll(() => page.url())
      .toMatch(/#v=1&b=[^&]+&d=7&data\.kind=drift&data\.gamma=0\.75&model\.kind=h3&seed=42&training\.learning_rate=0\.002&log=1$/);
    const link = page.url();
    // Nothing ran.
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('idle');

    const reopened = await freshPage(fragmentOf(link));
    const values = await reopened.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('#config-fields input, #config-fields select')).map(
        (element) => (element instanceof HTMLInputElement && element.type === 'checkbox' ? element.checked : element.value),
      ),
    );
    const original = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('#config-fields input, #config-fields select')).map(
        (element) => (element instanceof HTMLInputElement && element.type === 'checkbox' ? element.checked : element.value),
      ),
    );
    expect(values).toEqual(original);
    expect(await reopened.page.locator('#log-n').isChecked()).toBe(true);
    expect(await reopened.page.locator('#link-warnings').isVisible()).toBe(false);

    // Copy reproducible link shows the address bar's link.
    await reopened.page.locator('#copy-link').click();
    expect(await reopened.page.locator('#share-box textarea').inputValue()).toBe(link);
    expectNoErrors(recorded);
    expectNoErrors(reopened);
  });

  test('run=1 trains at once, to the numbers the command line gives for the same link', async () => {
    const fragment = '#v=1&d=3&n=2,5&seed=9&training.steps=60&training.batch_size=64&evaluation.prompts=3000&run=1';
    const recorded = await freshPage(fragment);
    const { page } = recorded;
    expect(await waitForState(page, ['done', 'error'])).toBe('done');
    const result = await lastResult(page);
    const headless = spawnSync(process.execPath, [cli, 'train', `http://127.0.0.1/${fragment}`], { encoding: 'utf8' });
    expect(headless.status).toBe(0);
    const report = JSON.parse(headless.stdout);
    expect(result?.config).toEqual(report.config);
    // Bit for bit: the same floats, not merely close ones.
    expect(result?.empirical).toEqual(report.empirical);
    expectNoErrors(recorded);
  });

  test('an invalid link marks its field with the core message, names unknown keys and runs nothing', async () => {
    const script = encodeURIComponent('<img src=x onerror="window.__pwned=1">');
    const recorded = await freshPage(`#v=1&b=0.0.0%2Bother&training.steps=0&${script}=1&data.kind=${script}&run=1`);
    const { page } = recorded;
    expect(await waitForState(page, ['error', 'training', 'done'])).toBe('error');
    expect(await page.locator('#form-error').textContent()).toMatch(
      /^Data model must be "iid" or "rag" or (?:"\w+" or )*"\w+" \(got "<img src=x/,
    );
    expect(await page.locator(control('data.kind')).getAttribute('aria-invalid')).toBe('true');
    const warnings = await page.locator('#link-warnings').innerText();
    expect(warnings).toContain('does not know, ignored: “<img src=x onerror="window.__pwned=1">”');
    expect(warnings).toMatch(/made by build 0\.0\.0\+other.*may differ/);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#link-warnings img, #form-error img, #config-fields img').count()).toBe(0);
    expect(await page.evaluate(() => window.__iclResult)).toBeUndefined();
    expect(await page.locator('#chart svg').count()).toBe(0);
    await page.screenshot({ path: `${OUTPUT_DIR}invalid-link.png` });
    expectNoErrors(recorded);
  });

  test('embed=1 shows the chart and its run control alone', async () => {
    const recorded = await freshPage(
      '#v=1&d=3&n=2,5&training.steps=40&training.batch_size=64&evaluation.prompts=2000&embed=1&hide=table&run=1',
    );
    const { page } = recorded;
    expect(await waitForState(page, ['done', 'error'])).toBe('done');
    for (const hidden of ['.intro', '#config-fields', '#presets', '.footer', '#results-table', '#copy-link']) {
      expect(await page.locator(hidden).isVisible(), hidden).toBe(false);
    }
    for (const shown of ['#chart svg', '#chart-legend', '#train', '#status', '#embed-open a']) {
      expect(await page.locator(shown).isVisible(), shown).toBe(true);
    }
    const open = await page.locator('#embed-open a').getAttribute('href');
    expect(open).toMatch(/#v=1&b=[^&]+&d=3&n=2,5&training\.steps=40/);
    expect(open).not.toMatch(/embed=|hide=|run=/);
    expectNoErrors(recorded);
  });

  test("a preset's training recipe goes into the link and comes back; an unknown one is named and not used", async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await waitUntilReady(page);
    await page.locator('#preset-id').selectOption('fig2c-nonisotropic-task');
    expect(await page.locator('#preset-recipe').inputValue()).toBe('fast');
    expect(await page.locator('#preset-recipe option').allTextContents()).toEqual(["fast (this preset's)", 'paper', 'low-rank', 'lora']);
    await page.locator('#preset-recipe').selectOption('paper');
    await page.locator('#preset-quick').uncheck();
    await expect.poll(() => page.url()).toMatch(/&preset=fig2c-nonisotropic-task&recipe=paper$/);
    expect(await page.locator('#preset-plan').textContent()).toContain('4,000 steps, batch 1,024');
    expect(await page.locator('#preset-recipe-note').textContent()).toBe(
      'Training recipe paper: 4000 steps of 1024 prompts; rate 0.003, × 0.1 at 75 %; evaluated on 100000 prompts (live 4096).',
    );
    // Another preset starts from its own recipe.
    await page.locator('#preset-id').selectOption('fig3-low-rank');
    expect(await page.locator('#preset-recipe').inputValue()).toBe('low-rank');

    const reopened = await freshPage('#v=1&preset=fig2c-nonisotropic-task&recipe=paper');
    expect(await reopened.page.locator('#preset-recipe').inputValue()).toBe('paper');
    expect(await reopened.page.locator('#link-warnings').isVisible()).toBe(false);
    const unknown = await freshPage('#v=1&preset=fig2c-nonisotropic-task&recipe=<b>slow</b>');
    expect(await unknown.page.locator('#preset-recipe').inputValue()).toBe('fast');
    expect(await unknown.page.locator('#link-warnings').textContent()).toContain(
      'a training recipe this playground does not have, so the preset’s own is chosen: “<b>slow</b>”',
    );
    expect(await unknown.page.locator('#link-warnings b').count()).toBe(0);
    for (const opened of [recorded, reopened, unknown]) expectNoErrors(opened);
  });

  test('a page on another origin embeds a figure preset that sizes itself and runs', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await waitUntilReady(page);
    await page.locator('#preset-id').selectOption('fig2a-noiseless-iid');
    await page.locator('#preset-embed-code').click();
    const snippet = await page.locator('#preset-share-box textarea').inputValue();
    expect(snippet).toMatch(/^<iframe src="[^"]*#v=1&amp;b=[^"]*&amp;preset=fig2a-noiseless-iid&amp;recipe=fast&amp;quick=1&amp;embed=1"/);

    const hostDir = await mkdtemp(join(tmpdir(), 'icl-host-'));
    await writeFile(
      join(hostDir, 'index.html'),
      `<!doctype html><meta name="viewport" content="width=device-width"><title>Course</title><h1>Week 3</h1>${snippet}`,
    );
    const host = await serveDirectory(hostDir);
    try {
      const hostPage = await pages.session.context.newPage();
      await hostPage.setViewportSize({ width: 375, height: 800 });
      await hostPage.goto(host.url);
      expect(new URL(host.url).origin).not.toBe(new URL(inject('baseUrl')).origin);
      const frame = hostPage.frameLocator('iframe');
      await frame.locator('body.embed[data-embed="preset"]').waitFor({ state: 'attached' });
      expect(await frame.locator('#preset-id').isVisible()).toBe(false);
      expect(await frame.locator('.intro').isVisible()).toBe(false);
      await frame.locator('#preset-run').click();
      const inner = hostPage.frames().find((f) => f !== hostPage.mainFrame());
      await inner?.waitForFunction(() => document.body.dataset.presetState === 'done', null, { timeout: 120_000 });
      expect(await frame.locator('#preset-chart svg').count()).toBeGreaterThan(0);
      // The iframe took the height the embedded page reported (not the snippet's 620 px).
      const reported = await inner?.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
      await expect
        .poll(() => hostPage.locator('iframe').evaluate((f) => (f as HTMLIFrameElement).getBoundingClientRect().height))
        .toBe(reported);
      const scroll = await inner?.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
      expect(scroll).toBe(true);
      await hostPage.screenshot({ path: `${OUTPUT_DIR}embedded-preset-375.png`, fullPage: true });
      await hostPage.close();
    } finally {
      await host.close();
      await rm(hostDir, { recursive: true, force: true });
    }
    expectNoErrors(recorded);
  });

  test('every request of the tests above stayed on 127.0.0.1', () => {
    expect(pages.session.requests.some((url) => url.endsWith('.wasm'))).toBe(true);
    expect(pages.session.requests.filter((url) => !/^(data|blob):/.test(url) && new URL(url).hostname !== '127.0.0.1')).toEqual([]);
  });
});
