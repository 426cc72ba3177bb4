// Writes a preset's results (from preset.js) as files, each carrying its provenance (provenance.js: the
// preset's link, the build, the date, the resolved config of every curve, the seeds): CSV (provenance
// comment lines, then one row per point and seed plus the seed mean), JSON (provenance beside the
// result) and an SVG chart, and formats the fidelity table. The chart is preset-chart.js on a linkedom
// document, the code the page draws its preset charts with, laid out by figure-svg.js as the page's
// SVG exports are, so the files look like the page.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { figureSvg } from './figure-svg.js';
import { displayLabel } from './labels.js';
import { presetLink } from './link.js';
import { fidelityText, presetChart, presetLegend } from './preset-chart.js';
import { presetProvenance, toCsv } from './provenance.js';
import { presetTable } from '../run/preset.js';

const CHART_WIDTH = 760;

/** The provenance of a preset's files: its link (`base`: the page's address, '' for the bare fragment). */
export function reportProvenance(result, { base = '', date } = {}) {
  const link = presetLink({ preset: result.id, recipe: result.preset.recipe?.name, quick: result.quick, buildId: result.buildId, base });
  return presetProvenance(result, { link, date });
}

export function presetCsv(result, record = reportProvenance(result)) {
  return toCsv(record, presetTable(result));
}

export function presetJson(result, record = reportProvenance(result)) {
  return `${JSON.stringify({ provenance: record, ...result }, null, 2)}\n`;
}

export function presetSvg(result, record = reportProvenance(result)) {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const chart = presetChart(result, { width: CHART_WIDTH, document });
  return figureSvg({
    title: displayLabel(result.title),
    intro: result.note ? [displayLabel(result.note)] : [],
    legend: presetLegend(result),
    rows: [[{ svg: chart.outerHTML, width: CHART_WIDTH, height: Number(chart.getAttribute('height')) }]],
    notes: [fidelityText(result)],
    provenance: record,
  });
}

const pct = (x) => `${(100 * x).toFixed(2)}%`;

/** Writes <id>.csv, <id>.json and <id>.svg into `dir`, with one provenance; returns their paths. */
export function writePreset(dir, result, { base = '', date = new Date() } = {}) {
  mkdirSync(dir, { recursive: true });
  const record = reportProvenance(result, { base, date });
  const paths = { csv: join(dir, `${result.id}.csv`), json: join(dir, `${result.id}.json`), svg: join(dir, `${result.id}.svg`) };
  writeFileSync(paths.csv, presetCsv(result, record));
  writeFileSync(paths.json, presetJson(result, record));
  writeFileSync(paths.svg, presetSvg(result, record));
  return paths;
}

/** The fidelity table: one line per preset (median and max |gap| against the tolerance). */
export function fidelityTable(results) {
  const header = ['preset', 'points', 'median |gap|', 'max |gap|', 'standard error ≤', 'tolerance (point / median)', 'result', 'recipe'];
  const rows = results.map((r) => [
    r.id,
    String(r.curves.reduce((sum, curve) => sum + curve.points.length, 0)),
    pct(r.fidelity.medianGap),
    pct(r.fidelity.maxGap),
    typeof r.fidelity.standardError === 'number' ? pct(r.fidelity.standardError) : '—',
    `${pct(r.fidelity.tolerance.point)} / ${pct(r.fidelity.tolerance.median)}`,
    r.fidelity.pass ? 'pass' : 'FAIL',
    r.preset.recipe?.name ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ')).join('\n');
}
