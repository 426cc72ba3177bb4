// End-to-end: the article (tour.html). Scrolled through, every figure runs its quick preset on the
// playground's preset runner, one figure at a time, and passes its tolerance, with the numbers of
// `icl-playground reproduce <id> --quick` (checked for one preset here; presets.test.ts checks the
// runner itself); every "try this" variation changes the figure's numbers; every figure's embed link
// opens that figure alone in the playground; the read-outs draw W_eff beside W* and ω beside ω*; the
// page has no sideways scroll at 375 px, no critical or serious axe-core violation, and makes no
// request beyond 127.0.0.1.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import type { PresetResult } from '../../run/preset.js';
import { VARIATIONS } from '../../web/src/tour-variations.ts';
import { requestsElsewhere } from './browser.ts';
import { expectNoErrors, OUTPUT_DIR, usePageSession } from './page-session.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The figures in reading order, as tour.html has them. */
const FIGURES = [
  'fig2a-noiseless-iid',
  'fig2b-noisy-labels',
  'fig2c-nonisotropic-task',
  'drift-h3-vs-attention',
  'fig3-rag',
  'fig3-alignment',
  'fig3-low-rank',
  'fig3-lora',
  'label-flip',
];

const pages = usePageSession((page) => page.waitForFunction(() => document.body.dataset.tourReady === 'true', null, { timeout: 60_000 }));

const figure = (id: string) => `#figure-${id}`;

async function waitForFigure(page: Page, id: string, states = ['done', 'error', 'cancelled'], timeout = 120_000): Promise<string> {
  const handle = await page.waitForFunction(
    ([selector, wanted]) => {
      const state = (document.querySelector(selector as string) as HTMLElement | null)?.dataset.state;
      return state !== undefined && (wanted as string[]).includes(state) ? state : null;
    },
    [figure(id), states] as const,
    { timeout, polling: 100 },
  );
  return (await handle.jsonValue()) as string;
}

async function tourResult(page: Page, id: string, key: string): Promise<PresetResult | undefined> {
  return page.evaluate(([preset, run]) => window.__iclTour?.[preset as string]?.[run as string], [id, key] as const);
}

/** Every point's axis value and theory. */
const theoryNumbers = (result: PresetResult | undefined) =>
  (result?.curves ?? []).flatMap((curve) => curve.points.flatMap((point) => [point.x, point.theory]));

/** Every point's empirical means and theory, as one list of numbers. */
const numbers = (result: PresetResult | undefined) =>
  (result?.curves ?? []).flatMap((curve) => curve.points.flatMap((point) => [point.x, point.mean, point.theory]));

/** `icl-playground reproduce <id> --quick`, as a reader would run it; its <id>.json. */
async function cliResult(id: string): Promise<PresetResult> {
  const out = await mkdtemp(join(tmpdir(), 'icl-e2e-tour-cli-'));
  try {
    await promisify(execFile)(process.execPath, ['wasm/cli.mjs', 'reproduce', id, '--quick', '--threads', '1', '--out', out], {
      cwd: ROOT,
    });
    return JSON.parse(await readFile(join(out, `${id}.json`), 'utf8')) as PresetResult;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** axe-core's critical and serious violations on the page as it stands (the script is served from the
 *  page's origin, since its Content-Security-Policy allows no inline script). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.route('**/__axe.js', (route) => route.fulfill({ body: AXE_SOURCE, contentType: 'text/javascript' }));
  await page.addScriptTag({ url: '/__axe.js' });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const report = await axe.run(document);
    return report.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.slice(0, 3).map((node) => node.target.join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

describe('the article', () => {
  test('scrolled through, each figure runs its quick preset and passes; read-outs match the optimum; every variation changes the numbers', async () => {
    const reference = cliResult('drift-h3-vs-attention');
    reference.catch(() => {});
    const recorded = await pages.freshPage('tour.html');
    const { page } = recorded;
    // Nothing runs before its figure is in view.
    expect(await page.locator(figure('fig3-lora')).getAttribute('data-state')).toBe('idle');
    expect(await page.locator('figure[data-preset]').count()).toBe(FIGURES.length);
    for (const id of FIGURES) {
      await page.locator(figure(id)).scrollIntoViewIfNeeded();
      expect(await waitForFigure(page, id), id).toBe('done');
      // One run at a time: the article's queue never runs two.
      expect(Number(await page.evaluate(() => document.body.dataset.tourRunning))).toBeLessThanOrEqual(1);
      const result = await tourResult(page, id, 'quick');
      expect(result?.fidelity.pass, `${id}: ${JSON.stringify(result?.fidelity)}`).toBe(true);
      expect(await page.locator(`${figure(id)} .verdict`).getAttribute('data-verdict')).toBe('pass');
      // A finished run's bar is full.
      const bar = await page.locator(`${figure(id)} progress`).evaluate((element: HTMLProgressElement) => [element.value, element.max]);
      expect(bar[0], id).toBe(bar[1]);
      // The chart: a marker per curve and point, the theory, the gap plot with its tolerance band.
      const chart = page.locator(`${figure(id)} .chart svg.preset-chart`);
      for (const [c, curve] of (result?.curves ?? []).entries()) {
        expect(await chart.locator(`g[data-curve="${c}"][data-series="empirical-dots"] > *`).count()).toBe(curve.points.length);
        expect(await chart.locator(`g[data-curve="${c}"][data-series="gap-dots"] > *`).count()).toBe(curve.points.length);
      }
      expect(await chart.locator('g[data-series="gap-tolerance"]').count()).toBe(1);
      // The command line for the same preset, beside the figure.
      expect(await page.locator(`${figure(id)} .tour-command`).textContent()).toContain(`reproduce ${id} --quick`);
    }
    // Figure 2(a)'s two curves coincide, and the legend says so.
    expect(await page.locator(`${figure('fig2a-noiseless-iid')} .legend li[data-legend="coincide-0-1"]`).count()).toBe(1);

    // The numbers are the command line's (the same wasm binary: equal to 1e-12 relative).
    const cli = await reference;
    const mine = await tourResult(page, 'drift-h3-vs-attention', 'quick');
    const relative = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));
    cli.curves.forEach((curve, c) =>
      curve.points.forEach((point, i) => {
        expect(relative(mine?.curves[c]?.points[i]?.mean ?? Number.NaN, point.mean as number)).toBeLessThanOrEqual(1e-12);
        expect(relative(mine?.curves[c]?.points[i]?.theory ?? Number.NaN, point.theory)).toBeLessThanOrEqual(1e-12);
      }),
    );

    // The read-outs: H3's learned preconditioner close to W*, its sample weights close to ω*.
    for (const id of ['fig2a-noiseless-iid', 'drift-h3-vs-attention']) {
      const readout = page.locator(`#readout-${id}`);
      await readout.scrollIntoViewIfNeeded();
      await page.waitForFunction(
        (selector) => ['done', 'error'].includes((document.querySelector(selector) as HTMLElement).dataset.state ?? ''),
        `#readout-${id}`,
        { timeout: 60_000 },
      );
      expect(await readout.getAttribute('data-state')).toBe('done');
    }
    expect(Number(await page.locator('#readout-fig2a-noiseless-iid').getAttribute('data-distance'))).toBeLessThan(0.1);
    expect(await page.locator('#readout-fig2a-noiseless-iid .heatmap-plot svg').count()).toBe(2);
    expect(Number(await page.locator('#readout-drift-h3-vs-attention').getAttribute('data-weights-gap'))).toBeLessThan(0.5);
    expect(await page.locator('#readout-drift-h3-vs-attention .sample-weights-chart svg').count()).toBe(1);
    expect(await page.locator('#readout-drift-h3-vs-attention .tour-open').getAttribute('href')).toContain('data.kind=drift');

    await page.locator(figure('fig2a-noiseless-iid')).screenshot({ path: `${OUTPUT_DIR}tour-fig2a-1280.png` });
    expect(await seriousViolations(page)).toEqual([]);

    // Each "try this" variation changes the figure's numbers and says what it changed; going back to
    // the preset shows its kept result at once. (In the same page, so the presets do not train twice.)
    for (const id of FIGURES) {
      const host = page.locator(figure(id));
      await host.scrollIntoViewIfNeeded();
      expect(await waitForFigure(page, id)).toBe('done');
      const base = numbers(await tourResult(page, id, 'quick'));
      const baseTheory = theoryNumbers(await tourResult(page, id, 'quick'));
      for (const variation of VARIATIONS[id] ?? []) {
        await host.locator(`.tour-try button[data-variation="${variation.id}"]`).click();
        expect(await host.getAttribute('data-showing')).toBe(`variation:${variation.id}`);
        // The theory is drawn before any job ends: where it moves, that is the figure changing, and the
        // next variation may cancel this run. Where the variation keeps the theory (other data, the same
        // spectrum), the trained numbers must differ: those runs go to the end.
        const theory = await page.waitForFunction(
          ([preset, run]) => {
            const shown = window.__iclTourShown?.[preset as string];
            return shown?.run === run
              ? shown.result.curves.flatMap((curve) => curve.points.flatMap((point) => [point.x, point.theory]))
              : null;
          },
          [id, `variation:${variation.id}`] as const,
          { timeout: 60_000, polling: 50 },
        );
        const varied = (await theory.jsonValue()) as number[];
        expect(varied.length).toBeGreaterThan(0);
        if (JSON.stringify(varied) === JSON.stringify(baseTheory)) {
          expect(await waitForFigure(page, id), `${id} / ${variation.id}`).toBe('done');
          expect(numbers(await tourResult(page, id, `variation:${variation.id}`)), `${id} / ${variation.id}`).not.toEqual(base);
        }
        expect(await host.locator('.tour-showing').textContent()).toContain('Variation:');
        expect(await host.locator(`.tour-try button[data-variation="${variation.id}"]`).getAttribute('aria-pressed')).toBe('true');
        // A link cannot carry the variation: the figure says its link opens the preset.
        expect(await host.locator('.tour-link-note').textContent()).toContain(`open the preset ${id}`);
      }
      // Stop the last one if it still trains (the figures take turns: the next would wait for it).
      // (Pressed from inside the page: the run may end between a check from here and a click.)
      await host.evaluate((element) => {
        if (element.dataset.state !== 'running') return;
        const stop = [...element.querySelectorAll<HTMLButtonElement>('.tour-controls button')].find(
          (candidate) => candidate.textContent === 'Stop',
        );
        stop?.click();
      });
      expect(await host.getAttribute('data-state')).toMatch(/^(done|cancelled)$/);
      // Back to the preset: its kept result, at once, the same numbers.
      await host.locator('.tour-try button[data-variation="preset"]').click();
      expect(await host.getAttribute('data-state')).toBe('done');
      expect(await host.getAttribute('data-showing')).toBe('quick');
      expect(numbers(await tourResult(page, id, 'quick'))).toEqual(base);
    }
    await page.locator(figure('drift-h3-vs-attention')).screenshot({ path: `${OUTPUT_DIR}tour-drift-variation-1280.png` });
    expectNoErrors(recorded);
  });

  test('each figure’s embed link opens that figure alone in the playground', async () => {
    const recorded = await pages.freshPage('tour.html');
    const { page } = recorded;
    const urls: string[] = [];
    for (const id of FIGURES) {
      const host = page.locator(figure(id));
      await host.locator('.tour-share button', { hasText: 'Embed' }).click();
      const snippet = (await host.locator('.share-box textarea').inputValue()) ?? '';
      const src = /<iframe src="([^"]+)"/.exec(snippet)?.[1]?.replaceAll('&amp;', '&');
      expect(src, id).toBeDefined();
      expect(src).toContain(`preset=${id}`);
      expect(src).toContain('quick=1');
      expect(src).toContain('embed=1');
      expect(new URL(src as string).pathname).toBe('/index.html');
      urls.push(src as string);
    }
    for (const [i, url] of urls.entries()) {
      const embedded = await pages.session.context.newPage();
      await embedded.goto(url);
      await embedded.waitForFunction(() => document.body.dataset.embed === 'preset', null, { timeout: 60_000 });
      expect(await embedded.locator('#preset-id').inputValue()).toBe(FIGURES[i]);
      expect(await embedded.locator('main.layout').isVisible()).toBe(false);
      expect(await embedded.locator('#preset-chart-empty').isVisible()).toBe(true);
      expect(await embedded.locator('#preset-run').isVisible()).toBe(true);
      await embedded.close();
    }
    expectNoErrors(recorded);
  });

  test('at 375 px: no sideways scroll, figures fit, no critical or serious axe violation; the playground links back', async () => {
    const recorded = await pages.freshPage('tour.html');
    const { page } = recorded;
    await page.setViewportSize({ width: 375, height: 800 });
    await page.locator(figure('fig2a-noiseless-iid')).scrollIntoViewIfNeeded();
    expect(await waitForFigure(page, 'fig2a-noiseless-iid')).toBe('done');
    // The chart was drawn for the narrow column (the preset chart follows its container's width).
    const width = await page.locator(`${figure('fig2a-noiseless-iid')} .chart svg`).evaluate((svg) => svg.getBoundingClientRect().width);
    expect(width).toBeLessThanOrEqual(375);
    await page.locator(figure('fig2a-noiseless-iid')).screenshot({ path: `${OUTPUT_DIR}tour-fig2a-375.png` });
    const overflow = await page.evaluate(() => {
      const root = document.scrollingElement as Element;
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
    });
    expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth);
    expect(await seriousViolations(page)).toEqual([]);
    // The playground links to the article, and the article back to it.
    expect(await page.locator('.tour-top a').getAttribute('href')).toBe('./index.html');
    const playground = await pages.session.context.newPage();
    await playground.goto(`${inject('baseUrl')}index.html`);
    expect(await playground.locator('a.article-link').getAttribute('href')).toBe('./tour.html');
    await playground.close();
    expectNoErrors(recorded);
  });

  test('every request of the tests above went to 127.0.0.1', () => {
    expect(pages.openedPages.length).toBeGreaterThan(0);
    expect(pages.session.requests.some((url) => url.endsWith('.wasm'))).toBe(true);
    expect(pages.session.requests.some((url) => /tour[^/]*\.js$/.test(url))).toBe(true);
    expect(requestsElsewhere(pages.session.requests, inject('baseUrl'))).toEqual([]);
  });
});
