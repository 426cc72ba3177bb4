// Provenance of exported files (wasm/provenance.js) and of the command line's `reproduce` outputs: each
// format reads back to the link, build, date, config and seed it was written with; the tables after
// the CSV comment lines are clean CSV; reproduce's files carry the resolved config of every curve.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadIcl } from '../../wasm/icl.js';
import { presetLink } from '../../wasm/link.js';
import { CURVES } from '../../wasm/palette.js';
import {
  captionLines,
  csvHeader,
  presetConfig,
  pngWithProvenance,
  provenance,
  readCsv,
  readPngProvenance,
  readSvgProvenance,
  svgMetadata,
  toCsv,
} from '../../wasm/provenance.js';
import { presetSvg } from '../../wasm/report.js';
import { describeRecipe } from '../../run/recipes.js';
import { presetJobs, presetResult, resolvePreset, runJob, type Preset, type PresetResult } from '../../run/preset.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'wasm/cli.mjs');

/** A 1 x 1 PNG (signature, IHDR, IDAT, IEND), as a canvas would give. */
const TINY_PNG = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==', 'base64'),
);

/** A record with the characters that break naive writers: separators, quotes, markup, non-ASCII. */
function awkwardRecord() {
  return provenance({
    link: 'https://example.org/icl/#v=1&b=0.1.0%2Babc&d=7&data.kind=rag&n=5,10',
    buildId: '0.1.0+abc',
    date: '2026-01-02T03:04:05.678Z',
    config: { version: 1, seed: 42, d: 7, n: [5, 10], note: 'a, "b" <c> & d\nsecond line ∑ α²', data: { kind: 'rag', alpha: 0.3 } },
  });
}

describe('provenance', () => {
  it('takes the seed from the config and writes the date in ISO form', () => {
    const record = awkwardRecord();
    expect(record.seed).toBe(42);
    expect(record.date).toBe('2026-01-02T03:04:05.678Z');
    expect(provenance({ link: '#v=1', buildId: 'b', config: {}, seed: [1, 2], date: new Date(0) })).toEqual({
      link: '#v=1',
      buildId: 'b',
      date: '1970-01-01T00:00:00.000Z',
      config: {},
      seed: [1, 2],
    });
  });

  it('CSV: comment lines round-trip the link, build, date, seed and config; the table parses with its columns', () => {
    const record = awkwardRecord();
    const table = {
      columns: ['curve', 'x', 'value'],
      rows: [
        ['plain', 1, 0.1],
        ['with, comma', 2, 1e-8],
        ['"quoted"', 3, -2.5],
        ['#starts like a comment', 4, Number.NaN],
        ['two\nlines', 5, 12345678.9],
      ],
    };
    const text = toCsv(record, table);
    const lines = text.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      `# link: ${record.link}`,
      '# build: 0.1.0+abc',
      '# date: 2026-01-02T03:04:05.678Z',
      '# seed: 42',
      `# config: ${JSON.stringify(record.config)}`,
    ]);
    expect(text.startsWith(csvHeader(record))).toBe(true);
    expect(lines[5]).toBe('curve,x,value');

    const read = readCsv(text);
    expect(read.provenance).toEqual(record);
    expect(read.columns).toEqual(table.columns);
    expect(read.rows).toEqual(table.rows.map((row) => row.map(String)));
    // Numbers are written in the shortest form that reads back to the same double.
    expect(read.rows.map((row) => Number(row[2]))).toEqual(table.rows.map((row) => row[2]));
  });

  it('SVG: the metadata element holds the provenance, escaped, and reads back', () => {
    const record = awkwardRecord();
    const metadata = svgMetadata(record);
    expect(metadata).toMatch(/^<metadata id="icl-provenance">[^<]*<\/metadata>$/);
    expect(readSvgProvenance(`<svg xmlns="http://www.w3.org/2000/svg">${metadata}</svg>`)).toEqual(record);
    expect(readSvgProvenance('<svg xmlns="http://www.w3.org/2000/svg"></svg>')).toBeNull();
  });

  it('PNG: an iTXt chunk after IHDR holds the provenance; the file stays a valid PNG', () => {
    const record = awkwardRecord();
    const png = pngWithProvenance(TINY_PNG, record);
    expect([...png.subarray(0, 8)]).toEqual([...TINY_PNG.subarray(0, 8)]);
    expect(Buffer.from(png.subarray(37, 41)).toString('latin1')).toBe('iTXt');
    expect(readPngProvenance(png)).toEqual(record);
    expect(readPngProvenance(TINY_PNG)).toBeNull();
    // Every chunk's CRC is right (what a strict decoder checks), the new one included.
    const view = new DataView(png.buffer);
    const chunks: string[] = [];
    for (let offset = 8; offset < png.length;) {
      const length = view.getUint32(offset);
      chunks.push(Buffer.from(png.subarray(offset + 4, offset + 8)).toString('latin1'));
      expect(view.getUint32(offset + 8 + length)).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)));
      offset += 12 + length;
    }
    expect(chunks).toEqual(['IHDR', 'iTXt', 'IDAT', 'IEND']);
    expect(() => pngWithProvenance(new Uint8Array(16), record)).toThrow(/not a PNG/);
  });

  it('the caption names seed, build and date, and the whole link in lines of bounded width', () => {
    const record = provenance({
      link: `https://example.org/#v=1&${'x'.repeat(150)}&b=2`,
      buildId: 'B',
      config: { seed: 3 },
      date: '2026-01-01T00:00:00.000Z',
    });
    const lines = captionLines(record, 60);
    expect(lines[0]).toBe('seed 3 · build B · 2026-01-01T00:00:00.000Z');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    expect(lines.slice(1).join('')).toBe(`link: ${record.link}`);
    expect(captionLines({ ...record, seed: [1, 2, 3] })[0]).toMatch(/^seeds 1, 2, 3 · /);
  });
});

/** CRC-32 as the PNG specification defines it, written out independently of provenance.js. */
function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

const presetDir = join(root, 'wasm/presets');
const presets: Preset[] = readdirSync(presetDir).map((name) => JSON.parse(readFileSync(join(presetDir, name), 'utf8')));
const presetById = (id: string) => presets.find((p) => p.id === id) as Preset;

describe('reproduce writes provenance', { timeout: 120_000 }, () => {
  it('its CSV, JSON and SVG carry the preset link, the build, the resolved preset and every curve’s config', async () => {
    const out = mkdtempSync(join(tmpdir(), 'icl-provenance-'));
    const id = 'fig3-low-rank';
    const run = spawnSync(
      process.execPath,
      [cli, 'reproduce', id, '--quick', '--threads', '1', '--base', 'https://example.org/icl/', '--out', out],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    const icl = await loadIcl();
    const json = JSON.parse(readFileSync(join(out, `${id}.json`), 'utf8'));
    const csv = readCsv(readFileSync(join(out, `${id}.csv`), 'utf8'));
    const svg = readFileSync(join(out, `${id}.svg`), 'utf8');

    // The resolved config, rebuilt here from the preset: the quick preset and each curve's first job, normalised.
    const resolved = resolvePreset(presetById(id), { quick: true });
    const jobs = presetJobs(resolved);
    const expectedConfig = {
      id,
      quick: true,
      preset: resolved,
      curves: resolved.curves.map((curve, c) => ({
        label: curve.label,
        config: icl.normalizeConfig(jobs.find((job) => job.curveIndex === c)?.config),
      })),
    };
    // The link names the recipe, so that it reproduces the run even if the preset's own recipe changes.
    const link = `https://example.org/icl/#v=1&b=${encodeURIComponent(icl.buildId)}&preset=${id}&recipe=low-rank&quick=1`;
    expect(link).toBe(presetLink({ preset: id, recipe: 'low-rank', quick: true, buildId: icl.buildId, base: 'https://example.org/icl/' }));
    const recipe = describeRecipe('low-rank', resolved.recipe);
    expect(recipe).toMatch(/^low-rank: 1500 steps of 512 prompts; rate 0\.03, /);
    const expected = { link, buildId: icl.buildId, config: expectedConfig, seed: resolved.seeds, recipe };

    expect(json.provenance).toMatchObject(expected);
    expect(json.provenance.config).toEqual(expectedConfig);
    expect(csv.provenance).toEqual(json.provenance);
    expect(readSvgProvenance(svg)).toEqual(json.provenance);
    expect(presetConfig(json)).toEqual(expectedConfig);
    expect(new Date(json.provenance.date).toISOString()).toBe(json.provenance.date);

    // After the comment lines, a clean table: the header row, one row per point and seed plus the mean.
    expect(csv.columns).toEqual(['preset', 'curve', 'axis', 'x', 'seed', 'empirical', 'theory', 'relative_gap']);
    expect(csv.rows).toHaveLength(3 * 2 * 2);
    for (const row of csv.rows) expect(row).toHaveLength(8);
    expect(csv.rows[0]).toEqual([
      id,
      'rank 1',
      'n',
      '4',
      '1',
      String(json.curves[0].points[0].empirical[0]),
      String(json.curves[0].points[0].theory),
      expect.any(String),
    ]);

    // The SVG's visible caption: the link, the seeds, the build and the date; the chart in the curves' palette.
    expect(svg).toContain(`link: ${link.replaceAll('&', '&amp;')}`);
    expect(svg).toContain(`seed 1 · build ${icl.buildId} · ${json.provenance.date}`);
    expect(svg).toContain(`recipe ${recipe}`);
    expect(readFileSync(join(out, `${id}.csv`), 'utf8')).toContain(`\n# recipe: ${recipe}\n`);
    for (const color of CURVES.slice(0, 3)) expect(svg).toContain(`stroke="${color}"`);
    expect(svg).toContain('stroke-dasharray="0.1 5"');

    // Without --base the link is the bare fragment.
    const bare = mkdtempSync(join(tmpdir(), 'icl-provenance-bare-'));
    const second = spawnSync(process.execPath, [cli, 'reproduce', 'drift-h3-vs-attention', '--quick', '--threads', '1', '--out', bare], {
      encoding: 'utf8',
    });
    expect(second.status, second.stderr).toBe(0);
    const drift = JSON.parse(readFileSync(join(bare, 'drift-h3-vs-attention.json'), 'utf8'));
    expect(drift.provenance.link).toBe(`#v=1&b=${encodeURIComponent(icl.buildId)}&preset=drift-h3-vs-attention&recipe=fast&quick=1`);
    // Off the n axis each curve's config is its first job: the first value of the axis, the first seed.
    expect(
      drift.provenance.config.curves.map((curve: { config: { data: { gamma: number }; model: { kind: string } } }) => [
        curve.config.model.kind,
        curve.config.data.gamma,
      ]),
    ).toEqual([
      ['attention', 0.9],
      ['h3', 0.9],
    ]);
  });

  it('report.js on a preset computed here: the SVG metadata equals the provenance given', async () => {
    const icl = await loadIcl();
    const preset: Preset = {
      id: 'tiny',
      title: 'a tiny preset, alpha = 0.2',
      base: { d: 3, data: { kind: 'rag', alpha: 0.2 }, training: { steps: 20, batch_size: 32 }, evaluation: { prompts: 500 } },
      axis: { field: 'n', label: 'context length n', values: [2, 4] },
      curves: [{ label: 'attention', patch: {} }],
      seeds: [3, 4],
      tolerance: { point: 10, median: 10 },
    };
    const jobs = presetJobs(preset);
    const result: PresetResult = presetResult(icl, preset, jobs, await Promise.all(jobs.map((job) => runJob(icl, job))), {
      quick: false,
      seconds: 0,
    });
    expect(result.curves[0]?.config).toEqual(icl.normalizeConfig({ ...preset.base, n: [2, 4], seed: 3 }));
    const record = provenance({
      link: '#v=1&preset=tiny',
      buildId: icl.buildId,
      config: presetConfig(result),
      seed: preset.seeds,
      date: '2026-05-06T07:08:09.000Z',
    });
    const svg = presetSvg(result, record);
    expect(readSvgProvenance(svg)).toEqual(record);
    expect(svg).toContain('seeds 3, 4 · build');
    // Labels with their symbols, as on the page; the seed band of two seeds is drawn.
    expect(svg).toContain('a tiny preset, α = 0.2');
    expect(svg).toContain('data-series="spread"');
    expect(svg).not.toContain('NaN');
  });
});

describe('one palette', () => {
  it('colours are written only in wasm/palette.js: page charts and command-line charts import it', () => {
    const sources = [
      ...readdirSync(join(root, 'web/src'))
        .filter((name) => name.endsWith('.ts'))
        .map((name) => `web/src/${name}`),
      ...readdirSync(join(root, 'wasm'))
        .filter((name) => /\.(m?js)$/.test(name) && name !== 'palette.js')
        .map((name) => `wasm/${name}`),
    ];
    const colourLiteral = /['"`]#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})['"`]/;
    const offenders = sources.filter((path) => colourLiteral.test(readFileSync(join(root, path), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
