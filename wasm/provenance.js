// Provenance of every exported file, from the page and from the command line alike: the link that
// reproduces it, the build that made it, the date, the full config and the seed(s). It travels
//   CSV:  leading comment lines (# link: / # build: / # date: / # seed: / # config: <one-line JSON>)
//         before a clean table with a header row;
//   JSON: a `provenance` field beside the data;
//   SVG:  a <metadata> element holding the provenance JSON, and a visible caption;
//   PNG:  the caption in the picture, and the JSON in an iTXt chunk.
// A figure preset's provenance also names its training recipe in words (CSV: # recipe:; the caption).
// Each format can be read back (readCsv, readSvgProvenance, readPngProvenance), so tests and users
// recover the config from a file. Plain JavaScript with no Node-only import: it runs in the page too.

import { describeRecipe } from '../run/recipes.js';

/**
 * The provenance record. `seed` is the run's seed (a preset: its list of seeds); `date` a Date or an
 * ISO string, now by default; `recipe` a figure preset's training recipe in words.
 */
export function provenance({ link, buildId, config, seed = config?.seed, date = new Date(), recipe }) {
  return { link, buildId, date: new Date(date).toISOString(), config, seed, ...(recipe ? { recipe } : {}) };
}

/**
 * What fixes a figure preset's run: its id, the quick flag, the resolved preset (quick patch applied) and
 * each curve's normalised config (preset.js presetResult). Each job of the preset is its curve's config
 * with `seed` set to one of the preset's seeds and, off the n axis, `axis.field` to one of `axis.values`.
 */
export function presetConfig(result) {
  return {
    id: result.id,
    quick: result.quick,
    preset: result.preset,
    curves: result.curves.map((curve) => ({ label: curve.label, config: curve.config })),
  };
}

/** The provenance of a preset's result (preset.js PresetResult); `link` is its presetLink. */
export function presetProvenance(result, { link, date }) {
  const { recipe } = result.preset;
  return provenance({
    link,
    buildId: result.buildId,
    config: presetConfig(result),
    seed: result.preset.seeds,
    date,
    recipe: recipe ? describeRecipe(recipe.name, recipe) : undefined,
  });
}

// CSV

// Quoted when it holds a separator, a quote or a line break, and when it starts with '#', so that no
// data line reads as a comment.
const csvField = (value) => {
  const text = String(value);
  return /[",\r\n]|^#/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** The comment lines that open a CSV file, each `# key: value`, ending in a line break. */
export function csvHeader(record) {
  const lines = [
    ['link', record.link],
    ['build', record.buildId],
    ['date', record.date],
    ['seed', JSON.stringify(record.seed)],
    ...(record.recipe ? [['recipe', record.recipe]] : []),
    // JSON.stringify writes no line break (those in strings are escaped): one line.
    ['config', JSON.stringify(record.config)],
  ];
  return lines.map(([key, value]) => `# ${key}: ${value}\n`).join('');
}

/** A CSV file: the provenance comment lines, a header row, one line per row. */
export function toCsv(record, { columns, rows }) {
  const table = [columns, ...rows].map((row) => row.map(csvField).join(',')).join('\n');
  return `${csvHeader(record)}${table}\n`;
}

/** Splits CSV text (RFC 4180: quoted fields may hold commas, quotes and line breaks) into rows of strings. */
function parseCsvRows(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Reads a CSV file written by toCsv: its provenance, the header row and the rows (strings). */
export function readCsv(text) {
  const lines = text.split('\n');
  let start = 0;
  const fields = {};
  while (start < lines.length && lines[start].startsWith('#')) {
    const match = /^# ([a-z]+): (.*)$/.exec(lines[start]);
    if (match) fields[match[1]] = match[2];
    start++;
  }
  const [columns = [], ...rows] = parseCsvRows(lines.slice(start).join('\n'));
  return {
    provenance: {
      link: fields.link,
      buildId: fields.build,
      date: fields.date,
      config: fields.config === undefined ? undefined : JSON.parse(fields.config),
      seed: fields.seed === undefined ? undefined : JSON.parse(fields.seed),
      ...(fields.recipe === undefined ? {} : { recipe: fields.recipe }),
    },
    columns,
    rows,
  };
}

// SVG

export const escapeXml = (text) =>
  String(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const unescapeXml = (text) =>
  text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');

/** The <metadata> element of an exported SVG: the provenance as JSON text. */
export function svgMetadata(record) {
  return `<metadata id="icl-provenance">${escapeXml(JSON.stringify(record))}</metadata>`;
}

/** The provenance held by an SVG's <metadata id="icl-provenance">, or null. */
export function readSvgProvenance(svgText) {
  const match = /<metadata id="icl-provenance">([\s\S]*?)<\/metadata>/.exec(svgText);
  return match ? JSON.parse(unescapeXml(match[1])) : null;
}

const seedText = (seed) => (Array.isArray(seed) ? `seed${seed.length === 1 ? '' : 's'} ${seed.join(', ')}` : `seed ${seed}`);

/**
 * The visible caption of a chart: seed, build and date on one line, then the link, broken after `&`
 * (or anywhere, if a part is longer) into lines of at most `width` characters.
 */
export function captionLines(record, width = 110) {
  const lines = [`${seedText(record.seed)} · build ${record.buildId} · ${record.date}`];
  if (record.recipe) lines.push(`recipe ${record.recipe}`);
  let line = 'link: ';
  for (const part of record.link.split(/(?<=&)/)) {
    if (line.length + part.length > width && line !== 'link: ') {
      lines.push(line);
      line = '';
    }
    line += part;
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  lines.push(line);
  return lines;
}

// PNG: an iTXt chunk (UTF-8 text) after the header chunk; viewers ignore it, tools read it.

const PNG_KEYWORD = 'icl-provenance';
const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

let crcTable;
function crc32(bytes) {
  crcTable ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function isPng(bytes) {
  return PNG_SIGNATURE.every((value, i) => bytes[i] === value);
}

/** The PNG bytes with the provenance added as an iTXt chunk right after IHDR. */
export function pngWithProvenance(bytes, record) {
  if (!isPng(bytes)) throw new Error('not a PNG file');
  const encoder = new TextEncoder();
  // keyword, NUL, compression flag 0, method 0, empty language tag + NUL, empty translated keyword + NUL, text
  const data = new Uint8Array([...encoder.encode(PNG_KEYWORD), 0, 0, 0, 0, 0, ...encoder.encode(JSON.stringify(record))]);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(encoder.encode('iTXt'), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const headerEnd = 8 + 12 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(8);
  const out = new Uint8Array(bytes.length + chunk.length);
  out.set(bytes.subarray(0, headerEnd), 0);
  out.set(chunk, headerEnd);
  out.set(bytes.subarray(headerEnd), headerEnd + chunk.length);
  return out;
}

/** The provenance of a PNG written by pngWithProvenance, or null. */
export function readPngProvenance(bytes) {
  if (!isPng(bytes)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  for (let offset = 8; offset + 12 <= bytes.length;) {
    const length = view.getUint32(offset);
    const type = decoder.decode(bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'iTXt' && decoder.decode(data.subarray(0, PNG_KEYWORD.length + 1)) === `${PNG_KEYWORD}\0`) {
      // Past the keyword's NUL: two flag bytes, then the (empty) language tag and translated keyword.
      let text = PNG_KEYWORD.length + 3;
      for (let nulls = 0; nulls < 2; text++) if (data[text] === 0) nulls++;
      return JSON.parse(decoder.decode(data.subarray(text)));
    }
    offset += 12 + length;
  }
  return null;
}
