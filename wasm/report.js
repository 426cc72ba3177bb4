// Writes a panel's results (from sweep.js) as files: CSV (one row per point and seed, plus the seed
// mean), JSON (config, build id, results) and an SVG chart (theory dotted, empirical solid, seed spread
// as a band), and formats the fidelity table. Node only: the chart is drawn with Observable Plot on a
// linkedom document, the same library the page draws with.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

const csvField = (value) => (/[",\n]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value));

export function panelCsv(result) {
  const rows = [['panel', 'curve', 'axis', 'x', 'seed', 'empirical', 'theory', 'relative_gap']];
  const seeds = result.panel.seeds;
  for (const curve of result.curves) {
    for (const point of curve.points) {
      point.empirical.forEach((value, s) => {
        rows.push([result.id, curve.label, result.axis.field, point.x, seeds[s], value, point.theory, value / point.theory - 1]);
      });
      rows.push([result.id, curve.label, result.axis.field, point.x, 'mean', point.mean, point.theory, point.gap]);
    }
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

export function panelSvg(result) {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const empirical = [];
  const theory = [];
  const asymptotic = [];
  for (const curve of result.curves) {
    for (const point of curve.points) empirical.push({ curve: curve.label, ...point });
    curve.theoryLine.x.forEach((x, i) => theory.push({ curve: curve.label, x, y: curve.theoryLine.y[i] }));
    curve.asymptoticLine?.x.forEach((x, i) => asymptotic.push({ curve: curve.label, x, y: curve.asymptoticLine.y[i] }));
  }
  const seedCount = result.panel.seeds.length;
  const notes = [
    'solid: empirical test risk (mean over seeds' + (seedCount > 1 ? `, band: min to max of ${seedCount} seeds` : '') + ')',
    'dotted: theory',
  ];
  if (asymptotic.length) notes.push('thin grey: asymptotic kappa approximation, excluded from the fidelity figures');
  const svg = Plot.plot({
    document,
    width: 760,
    height: 460,
    marginLeft: 60,
    marginRight: 24,
    style: { background: 'white', fontSize: '11px' },
    x: { label: result.axis.label ?? result.axis.field, grid: true },
    y: { label: 'test risk E[(y - y_hat)^2]', grid: true, zero: true },
    // Plot's own legend is HTML; the legend here is SVG text marks (below).
    color: { domain: result.curves.map((curve) => curve.label) },
    marks: [
      seedCount > 1 ? Plot.areaY(empirical, { x: 'x', y1: 'min', y2: 'max', fill: 'curve', fillOpacity: 0.15 }) : null,
      Plot.line(asymptotic, { x: 'x', y: 'y', z: 'curve', stroke: '#999', strokeWidth: 0.8 }),
      Plot.line(theory, { x: 'x', y: 'y', z: 'curve', stroke: 'curve', strokeDasharray: '2,3', strokeWidth: 1.5 }),
      Plot.line(empirical, { x: 'x', y: 'mean', z: 'curve', stroke: 'curve', strokeWidth: 1.8 }),
      Plot.dot(empirical, { x: 'x', y: 'mean', fill: 'curve', r: 2.5 }),
      // A legend stacked in the frame's top-right corner (curves that coincide would overlap end labels).
      ...result.curves.map((curve, i) =>
        Plot.text([curve.label], { frameAnchor: 'top-right', dx: -6, dy: 8 + 15 * i, text: (label) => `— ${label}`, fill: () => curve.label, textAnchor: 'end', fontSize: 12 }),
      ),
    ].filter(Boolean),
  });
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const caption = `${notes.join('; ')}. Fidelity: median |gap| ${pct(result.fidelity.medianGap)}, ` +
    `max ${pct(result.fidelity.maxGap)}. Build ${result.buildId}.`;
  return standaloneSvg(svg, [result.title, ...wrap(result.note, 120), ...wrap(caption, 120)].filter(Boolean));
}

function wrap(text, width) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if ((line + ' ' + word).trim().length > width) {
      lines.push(line.trim());
      line = '';
    }
    line += ` ${word}`;
  }
  if (line.trim()) lines.push(line.trim());
  return lines;
}

const escapeXml = (text) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

// The chart below a header of text lines, as one SVG file any viewer opens.
function standaloneSvg(chart, lines) {
  const width = Number(chart.getAttribute('width'));
  const height = Number(chart.getAttribute('height'));
  const header = 16 * lines.length + 8;
  const text = lines
    .map((line, i) => `<text x="8" y="${16 * (i + 1)}" font-family="system-ui, sans-serif" font-size="${i === 0 ? 14 : 11}"${i === 0 ? ' font-weight="bold"' : ''}>${escapeXml(line)}</text>`)
    .join('');
  chart.setAttribute('y', String(header));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + header}" viewBox="0 0 ${width} ${height + header}"><rect width="100%" height="100%" fill="white"/>${text}${chart.outerHTML}</svg>\n`;
}

const pct = (x) => `${(100 * x).toFixed(2)}%`;

/** Writes <id>.csv, <id>.json and <id>.svg into `dir`; returns their paths. */
export function writePanel(dir, result) {
  mkdirSync(dir, { recursive: true });
  const paths = { csv: join(dir, `${result.id}.csv`), json: join(dir, `${result.id}.json`), svg: join(dir, `${result.id}.svg`) };
  writeFileSync(paths.csv, panelCsv(result));
  writeFileSync(paths.json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(paths.svg, panelSvg(result));
  return paths;
}

/** The fidelity table: one line per panel (median and max |gap| against the tolerance). */
export function fidelityTable(results) {
  const header = ['panel', 'points', 'median |gap|', 'max |gap|', 'tolerance (point / median)', 'result'];
  const rows = results.map((r) => [
    r.id,
    String(r.curves.reduce((sum, curve) => sum + curve.points.length, 0)),
    pct(r.fidelity.medianGap),
    pct(r.fidelity.maxGap),
    `${pct(r.fidelity.tolerance.point)} / ${pct(r.fidelity.tolerance.median)}`,
    r.fidelity.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ')).join('\n');
}
