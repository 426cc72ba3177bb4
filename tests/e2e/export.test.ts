// End-to-end: the export buttons. A small config trained on the page, then each button of the main
// chart and of the read-outs clicked as a user would, the download captured, and its provenance read
// back: the same normalised config as the run's (window.__iclResult), the page's link, the build.
// The same for a quick preset (window.__iclPresetResult), whose files must hold the command
// line's table and JSON. The files and screenshots land in tests/e2e/output/ for a look.

import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import { presetLink } from '../../wasm/link.js';
import { readCsv, readPngProvenance, readSvgProvenance, type Provenance } from '../../wasm/provenance.js';
import { presetTable, type PresetResult } from '../../run/preset.js';
import type { TrainingResult } from '../../web/src/protocol.ts';
import { requestsElsewhere } from './browser.ts';
import { choosePreset, fillConfig, lastPresetResult, lastResult, waitForPresetState, waitForState, waitUntilReady } from './page-driver.ts';
import { expectNoErrors, OUTPUT_DIR, usePageSession } from './page-session.ts';

/** Seconds of training: d = 5, two context lengths. */
const SMALL_RUN = {
  d: '5',
  'data.noise_variance': '0',
  n: '5, 10',
  'training.steps': '300',
  seed: '7',
  'training.batch_size': '256',
  'evaluation.prompts': '20000',
} as const;

const FORMATS = ['csv', 'json', 'svg', 'png'] as const;
type Format = (typeof FORMATS)[number];

interface Downloaded {
  name: string;
  bytes: Buffer;
  text: string;
}

const pages = usePageSession(waitUntilReady);
const { freshPage, openedPages } = pages;

/** Clicks the `format` button of the export bar `barId` and returns the file it downloads. */
async function download(page: Page, barId: string, format: Format): Promise<Downloaded> {
  const bar = page.locator(`#${barId}`);
  const [file] = await Promise.all([
    // A failed export says why in the bar's status line; the test names it.
    page.waitForEvent('download').catch(async (error: Error) => {
      throw new Error(`no ${format} download from #${barId} (${await bar.locator('.export-status').textContent()}): ${error.message}`);
    }),
    bar.getByRole('button', { name: format.toUpperCase(), exact: true }).click(),
  ]);
  const path = await file.path();
  const bytes = await readFile(path);
  await writeFile(`${OUTPUT_DIR}${file.suggestedFilename()}`, bytes);
  return { name: file.suggestedFilename(), bytes, text: bytes.toString('utf8') };
}

/** Every button of a bar; the provenance each file carries, by format. */
async function downloadAll(page: Page, barId: string): Promise<Record<Format, Downloaded>> {
  const files = {} as Record<Format, Downloaded>;
  for (const format of FORMATS) files[format] = await download(page, barId, format);
  return files;
}

/** The bar is a labelled group of four real buttons. */
async function expectExportBar(page: Page, barId: string): Promise<void> {
  const bar = page.locator(`#${barId}`);
  expect(await bar.isVisible()).toBe(true);
  expect(await bar.getAttribute('role')).toBe('group');
  expect(
    await page
      .getByRole('group', { name: 'Download chart as' })
      .filter({ has: page.locator(`#${barId}-label`) })
      .count(),
  ).toBe(1);
  expect(await bar.getByRole('button').allTextContents()).toEqual(['CSV', 'JSON', 'SVG', 'PNG']);
}

/** The SVG parses as XML in the browser; the rendered caption text. */
async function svgTextIfWellFormed(page: Page, svg: string): Promise<string> {
  return page.evaluate((text) => {
    const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
    if (parsed.querySelector('parsererror')) throw new Error(`not well-formed XML: ${parsed.querySelector('parsererror')?.textContent}`);
    if (parsed.documentElement.localName !== 'svg') throw new Error('not an SVG document');
    return [...parsed.documentElement.children]
      .filter((node) => node.localName === 'text')
      .map((node) => node.textContent)
      .join('\n');
  }, svg);
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Magic bytes, width and height of a PNG file (its IHDR chunk). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual(PNG_MAGIC);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const svgSize = (svg: string) => {
  const match = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  return { width: Number(match?.[1]), height: Number(match?.[2]) };
};

/** Every format of a bar carries one provenance: `expected`, with a fresh ISO date. */
async function expectProvenance(page: Page, files: Record<Format, Downloaded>, expected: Omit<Provenance, 'date'>): Promise<void> {
  const csv = readCsv(files.csv.text).provenance;
  const json = (JSON.parse(files.json.text) as { provenance: Provenance }).provenance;
  const svg = readSvgProvenance(files.svg.text);
  const png = readPngProvenance(new Uint8Array(files.png.bytes));
  for (const [format, record] of Object.entries({ csv, json, svg, png })) {
    expect(record, format).toMatchObject(expected);
    expect(record?.config, format).toEqual(expected.config);
    expect(new Date(record?.date ?? '').toISOString(), format).toBe(record?.date);
  }
  // The SVG: well-formed, its <metadata> and a visible caption with the link, seed, build and date.
  expect(files.svg.text).toMatch(/<metadata id="icl-provenance">/);
  const caption = await svgTextIfWellFormed(page, files.svg.text);
  expect(caption.replaceAll('\n', '')).toContain(`link: ${expected.link}`);
  expect(caption).toContain(`build ${expected.buildId}`);
  expect(caption).toContain(svg?.date);
  expect(caption).toMatch(
    Array.isArray(expected.seed) ? `seed${expected.seed.length === 1 ? '' : 's'} ${expected.seed.join(', ')}` : `seed ${expected.seed}`,
  );
  // The PNG: the same picture at twice the size, of real content.
  const size = pngSize(files.png.bytes);
  const { width, height } = svgSize(files.svg.text);
  expect(size).toEqual({ width: 2 * width, height: 2 * height });
  expect(files.png.bytes.length).toBeGreaterThan(20_000);
}

/** Shows a downloaded SVG and PNG alone in a page, as a viewer would, and screenshots them. */
async function screenshotFiles(page: Page, files: Record<Format, Downloaded>, stem: string): Promise<void> {
  const viewer = await page.context().newPage();
  try {
    await viewer.setContent(
      `<body style="margin:0;background:#ddd">` +
        `<img id="svg" src="data:image/svg+xml;base64,${files.svg.bytes.toString('base64')}">` +
        `<img id="png" style="display:block" src="data:image/png;base64,${files.png.bytes.toString('base64')}"></body>`,
    );
    await viewer.waitForFunction(() => [...document.images].every((image) => image.complete && image.naturalWidth > 0));
    // The SVG was drawn with its own inlined styles and system fonts: nothing was missing.
    expect(await viewer.locator('#svg').evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBe(svgSize(files.svg.text).width);
    await viewer.locator('#svg').screenshot({ path: `${OUTPUT_DIR}${stem}-svg.png` });
    await viewer.locator('#png').screenshot({ path: `${OUTPUT_DIR}${stem}-png.png` });
  } finally {
    await viewer.close();
  }
}

describe('export', () => {
  test('the main chart exports CSV, JSON, SVG and PNG with the run’s provenance', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    // Nothing to export before a run.
    for (const bar of ['chart-export', 'preconditioner-export', 'sample-weights-export'])
      expect(await page.locator(`#${bar}`).isVisible()).toBe(false);
    await fillConfig(page, SMALL_RUN);
    await page.locator('#train').click();
    expect(await waitForState(page, ['done', 'error'])).toBe('done');
    const result = (await lastResult(page)) as TrainingResult;
    expect(result.config.seed).toBe(7);
    const expected = { link: page.url(), buildId: result.buildId, config: result.config, seed: 7 };

    await expectExportBar(page, 'chart-export');
    const chart = await downloadAll(page, 'chart-export');
    expect(FORMATS.map((format) => chart[format].name)).toEqual([
      'icl-risk-vs-n.csv',
      'icl-risk-vs-n.json',
      'icl-risk-vs-n.svg',
      'icl-risk-vs-n.png',
    ]);
    await expectProvenance(page, chart, expected);

    // The CSV's table: one row per trained n, every theory curve a column, numbers as the run has them.
    const table = readCsv(chart.csv.text);
    expect(table.columns).toEqual(['n', 'empirical', ...result.theoryCurves.map((curve) => curve.name), 'relative_gap']);
    expect(table.rows.map((row) => Number(row[0]))).toEqual(result.nValues);
    expect(table.rows.map((row) => Number(row[1]))).toEqual(result.empirical);
    expect(table.rows.map((row) => Number(row[2]))).toEqual(result.theory);
    for (const row of table.rows) expect(row).toHaveLength(table.columns.length);
    const json = JSON.parse(chart.json.text);
    expect(json.empirical).toEqual(result.empirical);
    expect(json.theoryCurves).toEqual(result.theoryCurves);

    // The exported SVG is the page's chart with its styles inlined: the marks, the plain-text legend.
    expect(chart.svg.text).toContain('series-empirical-line');
    expect(chart.svg.text).toContain('theory: ');
    expect(chart.svg.text).not.toContain('NaN');
    expect(chart.svg.text).not.toMatch(/class="katex/);
    await screenshotFiles(page, chart, 'export-chart');
    await page.locator('main .results').screenshot({ path: `${OUTPUT_DIR}export-buttons-1280.png` });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.locator('main .results').screenshot({ path: `${OUTPUT_DIR}export-buttons-375.png` });
    // At 375 px the four buttons still fit beside their label or wrap, never off screen.
    for (const button of await page.locator('#chart-export button').all()) {
      expect(await button.evaluate((element) => element.getBoundingClientRect().right)).toBeLessThanOrEqual(375);
    }

    // A new run hides the buttons until it is done: they never export a chart and a config that differ.
    await page.setViewportSize({ width: 1280, height: 900 });
    await fillConfig(page, { ...SMALL_RUN, 'training.steps': '1000000' });
    await page.locator('#train').click();
    await waitForState(page, ['training']);
    expect(await page.locator('#chart-export').isVisible()).toBe(false);
    await page.locator('#stop').click();
    expect(await waitForState(page, ['stopped', 'done', 'error'])).toBe('stopped');
    expect(await page.locator('#chart-export').isVisible()).toBe(true);
    expectNoErrors(recorded);
  });

  // A page of its own: Chromium drops downloads from a tab past about ten in quick succession.
  test('the read-outs export W_eff beside W* and the sample weights, with the run’s provenance', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await fillConfig(page, SMALL_RUN);
    await page.locator('#train').click();
    expect(await waitForState(page, ['done', 'error'])).toBe('done');
    const result = (await lastResult(page)) as TrainingResult;
    const expected = { link: page.url(), buildId: result.buildId, config: result.config, seed: 7 };

    // The read-outs: the model with the largest n is shown; its W_eff and W* entry by entry, its weights by lag.
    await expectExportBar(page, 'preconditioner-export');
    const preconditioner = await downloadAll(page, 'preconditioner-export');
    expect(preconditioner.csv.name).toBe('icl-preconditioner-n10.csv');
    await expectProvenance(page, preconditioner, expected);
    const entries = readCsv(preconditioner.csv.text);
    expect(entries.columns).toEqual(['n', 'row', 'column', 'W_eff', 'W_star']);
    expect(entries.rows).toHaveLength(25);
    expect(entries.rows.map((row) => Number(row[3]))).toEqual(result.readouts[1]?.learnedPreconditioner);
    // The heading's subscript is set as a smaller, lowered tspan (figure-svg.js).
    expect(preconditioner.svg.text).toMatch(/learned W<tspan dy="[\d.]+" font-size="[\d.]+">eff<\/tspan>/);
    expect(preconditioner.svg.text).toContain('optimal W*');

    await expectExportBar(page, 'sample-weights-export');
    const weights = await downloadAll(page, 'sample-weights-export');
    await expectProvenance(page, weights, expected);
    const lags = readCsv(weights.csv.text);
    expect(lags.columns).toEqual(['n', 'lag', 'learned_omega', 'optimal_omega']);
    expect(lags.rows.map((row) => Number(row[1]))).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(weights.svg.text).toContain('learned ω');

    await screenshotFiles(page, preconditioner, 'export-preconditioner');
    await screenshotFiles(page, weights, 'export-sample-weights');
    await page.locator('#readouts').screenshot({ path: `${OUTPUT_DIR}export-readouts-1280.png` });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.locator('#readouts').screenshot({ path: `${OUTPUT_DIR}export-readouts-375.png` });
    expectNoErrors(recorded);
  });

  test('a quick preset exports the command line’s table and JSON with the preset’s provenance', async () => {
    const recorded = await freshPage();
    const { page } = recorded;
    await choosePreset(page, 'fig3-low-rank');
    expect(await page.locator('#preset-export').isVisible()).toBe(false);
    await page.locator('#preset-run').click();
    expect(await waitForPresetState(page, ['done', 'error', 'cancelled'])).toBe('done');
    const result = (await lastPresetResult(page)) as PresetResult;
    await expectExportBar(page, 'preset-export');
    const files = await downloadAll(page, 'preset-export');
    expect(files.csv.name).toBe('icl-fig3-low-rank-quick.csv');

    const base = page.url().split('#')[0] as string;
    const config = {
      id: 'fig3-low-rank',
      quick: true,
      preset: result.preset,
      curves: result.curves.map((curve) => ({ label: curve.label, config: curve.config })),
    };
    const link = presetLink({ preset: 'fig3-low-rank', recipe: 'low-rank', quick: true, buildId: result.buildId, base });
    expect(link).toBe(`${base}#v=1&b=${encodeURIComponent(result.buildId)}&preset=fig3-low-rank&recipe=low-rank&quick=1`);
    await expectProvenance(page, files, { link, buildId: result.buildId, config, seed: result.preset.seeds });
    // The files name the recipe in words, as the chart does.
    expect(readCsv(files.csv.text).provenance.recipe).toMatch(/^low-rank: 1500 steps of 512 prompts; /);
    expect(files.svg.text).toContain('recipe low-rank: 1500 steps of 512 prompts');
    // Each curve's config is the normalised config of its first job: full, with the quick settings.
    for (const curve of result.curves) {
      expect(curve.config).toMatchObject({ version: 1, d: 6, n: [4, 10], seed: 1, training: { steps: 1500, batch_size: 512 } });
    }

    // The table and the JSON are those `icl-playground reproduce` writes.
    const table = presetTable(result);
    const csv = readCsv(files.csv.text);
    expect(csv.columns).toEqual(table.columns);
    expect(csv.rows).toEqual(table.rows.map((row) => row.map(String)));
    const { provenance, ...data } = JSON.parse(files.json.text);
    expect(provenance.config).toEqual(config);
    expect(data).toEqual(result);
    expect(files.svg.text).toContain('data-series="empirical-line"');

    await screenshotFiles(page, files, 'export-preset');
    await page.locator('#presets').screenshot({ path: `${OUTPUT_DIR}export-preset-1280.png` });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.locator('#presets').screenshot({ path: `${OUTPUT_DIR}export-preset-375.png` });
    expectNoErrors(recorded);
  });

  test('every request of the tests above went to 127.0.0.1', () => {
    expect(openedPages.length).toBeGreaterThan(0);
    expect(pages.session.requests.some((url) => url.endsWith('.wasm'))).toBe(true);
    expect(requestsElsewhere(pages.session.requests, inject('baseUrl'))).toEqual([]);
  });
});
