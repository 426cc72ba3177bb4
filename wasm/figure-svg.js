// A chart as one self-contained SVG file, the same layout for the page's exports (web/src/export.ts)
// and the command line's <id>.svg (report.js): a title, intro lines, the legend (swatches and text; a
// chart library's HTML legend cannot live in SVG), the charts in rows, notes, and the caption of its
// provenance (seed, build, date, link) under it all; the provenance JSON in <metadata>. Text is plain
// Unicode in the system font stack, so any viewer draws it without the page; the subscripts and
// superscripts of labels (Σ_β, W_k, ℝ^{D×r}, labels.js mathRuns) are set as smaller <tspan>s moved
// with dy, which every SVG renderer honours (baseline-shift is not honoured everywhere). Markup is
// built as text, so this runs in Node and in the browser alike.

import { mathRuns } from './labels.js';
import { FONT_FAMILY, MUTED, TEXT } from './palette.js';
import { captionLines, escapeXml, svgMetadata } from './provenance.js';

const PAD = 14;
const GAP = 24;
const TITLE_SIZE = 15;
const TEXT_SIZE = 12;
const CAPTION_SIZE = 11;
const SWATCH_WIDTH = 34;
const SWATCH_HEIGHT = 14;
const MIN_WIDTH = 480;

/** A generous estimate of the width of text in the system sans-serif font; layout only needs a bound. */
const textWidth = (text, size) => text.length * size * 0.56;

function wrap(text, chars) {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A label's text with its scripts as <tspan>s: lowered or raised by a third of the size, smaller. */
function scriptedText(text, size) {
  let offset = 0;
  return mathRuns(text)
    .map((run) => {
      const target = run.shift === 'sub' ? 0.3 * size : run.shift === 'super' ? -0.4 * size : 0;
      const dy = target - offset;
      offset = target;
      if (run.shift === null && dy === 0) return escapeXml(run.text);
      const font = run.shift === null ? '' : ` font-size="${(0.75 * size).toFixed(1)}"`;
      return `<tspan dy="${dy.toFixed(1)}"${font}>${escapeXml(run.text)}</tspan>`;
    })
    .join('');
}

const textLine = (x, y, text, { size = TEXT_SIZE, weight, fill = TEXT, anchor, scripts = true } = {}) =>
  `<text x="${x}" y="${y}" font-size="${size}"${weight ? ` font-weight="${weight}"` : ''} fill="${fill}"` +
  `${anchor ? ` text-anchor="${anchor}"` : ''}>${scripts ? scriptedText(text, size) : escapeXml(text)}</text>`;

/** Moves an <svg> fragment to (x, y); a nested <svg> is its own viewport, so its content stays as drawn. */
const placed = (x, y, markup) => `<g transform="translate(${x} ${y})">${markup}</g>`;

/**
 * The SVG file of a figure.
 * @param {object} figure
 * @param {string} figure.title
 * @param {string[]} [figure.intro] lines (wrapped) between the title and the legend
 * @param {{swatch: string, label: string}[]} [figure.legend] swatch: SVG markup, 34 x 14
 * @param {{svg: string, width: number, height: number, title?: string}[][]} figure.rows charts, row by row
 * @param {string[]} [figure.notes] lines (wrapped) under the charts
 * @param {object} figure.provenance from provenance.js
 */
export function figureSvg({ title, intro = [], legend = [], rows, notes = [], provenance }) {
  const rowWidth = (row) => row.reduce((sum, chart) => sum + chart.width, 0) + GAP * (row.length - 1);
  const width = Math.ceil(Math.max(MIN_WIDTH, ...rows.map(rowWidth)) + 2 * PAD);
  const inner = width - 2 * PAD;
  const chars = Math.floor(inner / (TEXT_SIZE * 0.56));
  const parts = [];
  let y = PAD;

  // Bold text runs wider: the title wraps at fewer characters than the rest.
  wrap(title, Math.floor(inner / (TITLE_SIZE * 0.62))).forEach((line, i) => {
    y += i === 0 ? TITLE_SIZE : TITLE_SIZE + 4;
    parts.push(textLine(PAD, y, line, { size: TITLE_SIZE, weight: 'bold' }));
  });
  y += 6;
  for (const line of intro.flatMap((text) => wrap(text, chars))) {
    y += TEXT_SIZE + 4;
    parts.push(textLine(PAD, y, line, { fill: MUTED }));
  }

  // Legend entries flow left to right and wrap, as the page's legends do.
  if (legend.length > 0) {
    y += 10;
    let x = PAD;
    for (const entry of legend) {
      const entryWidth = SWATCH_WIDTH + 6 + textWidth(entry.label, TEXT_SIZE);
      if (x > PAD && x + entryWidth > PAD + inner) {
        x = PAD;
        y += 20;
      }
      parts.push(placed(x, y, entry.swatch));
      parts.push(textLine(x + SWATCH_WIDTH + 6, y + SWATCH_HEIGHT - 3, entry.label));
      x += entryWidth + 20;
    }
    y += SWATCH_HEIGHT;
  }

  for (const row of rows) {
    y += 10;
    const titled = row.some((chart) => chart.title);
    if (titled) y += TEXT_SIZE + 4;
    let x = PAD;
    for (const chart of row) {
      if (chart.title) parts.push(textLine(x + chart.width / 2, y - 6, chart.title, { weight: 'bold', anchor: 'middle' }));
      parts.push(placed(x, y, chart.svg));
      x += chart.width + GAP;
    }
    y += Math.max(...row.map((chart) => chart.height));
  }

  y += 4;
  for (const line of notes.flatMap((text) => wrap(text, chars))) {
    y += TEXT_SIZE + 4;
    parts.push(textLine(PAD, y, line, { fill: MUTED }));
  }
  y += 6;
  for (const line of captionLines(provenance, Math.floor(inner / (CAPTION_SIZE * 0.6)))) {
    y += CAPTION_SIZE + 4;
    parts.push(textLine(PAD, y, line, { size: CAPTION_SIZE, fill: MUTED, scripts: false }));
  }
  const height = Math.ceil(y + PAD);

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="${escapeXml(FONT_FAMILY)}">` +
    `<title>${escapeXml(title)}</title>${svgMetadata(provenance)}` +
    `<rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>\n`
  );
}
