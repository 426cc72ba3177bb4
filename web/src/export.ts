// Export of a chart on the page: a small group of buttons ("Download chart as" CSV, JSON, SVG, PNG)
// and the files they download, each with its provenance (wasm/provenance.js). What a chart exports
// (its table, its data, its figure) is given by export-views.ts; this file turns that into files:
//   CSV and JSON through provenance.js, as the command line writes them;
//   SVG: the chart's live <svg> elements cloned with their computed styles inlined (the page's
//        stylesheet and fonts do not travel with a file), laid out by wasm/figure-svg.js with a
//        plain-text legend and the provenance caption;
//   PNG: that SVG drawn on a canvas at twice its size, with the provenance also in an iTXt chunk.
// Downloads go through an <a download> on a Blob URL, revoked afterwards.

import { figureSvg, type Figure } from '../../wasm/figure-svg.js';
import { pngWithProvenance, toCsv, type Provenance, type Table } from '../../wasm/provenance.js';

export interface ExportView {
  /** File name without its extension. */
  fileStem: string;
  provenance: Provenance;
  table: Table;
  /** The JSON file's fields beside `provenance`. */
  data: Record<string, unknown>;
  /** Built only for SVG and PNG: it serialises the live charts. */
  figure(): Omit<Figure, 'provenance'>;
}

export interface ExportSource {
  /** Whether there is something to export; the buttons are hidden otherwise. */
  available(): boolean;
  /** The view as it is now (a fresh date and link at every click). */
  build(): ExportView;
}

const FORMATS = ['csv', 'json', 'svg', 'png'] as const;
type Format = (typeof FORMATS)[number];

/** Twice the CSS size: sharp on high-density screens and in print. */
const PNG_SCALE = 2;

// Properties that decide how SVG content looks. The first set is inherited, so an element gets a
// declaration only where it differs from its parent's; the second is not, so it is written wherever
// it is not the initial value.
const INHERITED_PROPERTIES = [
  'color',
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'paint-order',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant-numeric',
  'letter-spacing',
  'text-anchor',
  'dominant-baseline',
  'visibility',
];
const OWN_PROPERTIES: Record<string, string> = { opacity: '1', display: 'inline', 'mix-blend-mode': 'normal' };

function inlineComputedStyles(source: Element, target: Element, parent: CSSStyleDeclaration | null): void {
  const style = getComputedStyle(source);
  const declarations: string[] = [];
  for (const property of INHERITED_PROPERTIES) {
    const value = style.getPropertyValue(property);
    if (value && (!parent || parent.getPropertyValue(property) !== value)) declarations.push(`${property}: ${value}`);
  }
  for (const [property, initial] of Object.entries(OWN_PROPERTIES)) {
    const value = style.getPropertyValue(property);
    if (value && value !== initial) declarations.push(`${property}: ${value}`);
  }
  // The computed values replace the inline style, which may hold layout for the page only
  // (max-width: 100%, height: auto) that a nested SVG must not have.
  if (declarations.length > 0) target.setAttribute('style', declarations.join('; '));
  else target.removeAttribute('style');
  for (let i = 0; i < source.children.length; i++) {
    const child = target.children[i];
    if (child) inlineComputedStyles(source.children[i] as Element, child, style);
  }
}

/** A live <svg> of the page as standalone markup: a deep copy with its computed styles inlined. */
export function standaloneSvg(svg: SVGSVGElement): { svg: string; width: number; height: number } {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlineComputedStyles(svg, copy, null);
  const box = svg.getBoundingClientRect();
  // Plot gives its charts width and height attributes; a hand-made swatch may not have them.
  const width = Number(svg.getAttribute('width')) || Math.round(box.width);
  const height = Number(svg.getAttribute('height')) || Math.round(box.height);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  return { svg: new XMLSerializer().serializeToString(copy), width, height };
}

/** Subscripts and superscripts of a KaTeX formula, from its MathML, in plain text: W_eff, ω*, ‖x‖_F. */
function mathText(element: Element): string {
  const children = [...element.children];
  const part = (i: number) => (children[i] ? mathText(children[i]) : '');
  const sup = (text: string) => (text === '∗' || text === '*' ? '*' : `^${text}`);
  switch (element.localName) {
    case 'annotation':
      return '';
    case 'mo': {
      // Binary operators and relations get the spaces the typeset formula shows.
      const operator = element.textContent ?? '';
      return /^[−+=×/<>≤≥≈]$/.test(operator) ? ` ${operator} ` : operator;
    }
    case 'msub':
      return `${part(0)}_${part(1)}`;
    case 'msup':
      return `${part(0)}${sup(part(1))}`;
    case 'msubsup':
      return `${part(0)}_${part(1)}${sup(part(2))}`;
    default: {
      if (children.length > 0) return children.map(mathText).join('');
      // KaTeX marks a written-out division (a / b) as an ordinary symbol, not an operator.
      const text = element.textContent ?? '';
      return text === '/' ? ' / ' : text;
    }
  }
}

/**
 * The text of a piece of the page as plain Unicode, for SVG files: KaTeX writes each formula twice
 * (MathML for assistive technology, HTML for the eye), and only its MathML keeps the structure.
 */
export function plainText(node: Node): string {
  const text = (current: Node): string => {
    if (current.nodeType === Node.TEXT_NODE) return current.textContent ?? '';
    if (!(current instanceof Element)) return '';
    if (current.classList.contains('katex')) {
      const math = current.querySelector('math');
      return math ? mathText(math) : (current.textContent ?? '');
    }
    return [...current.childNodes].map(text).join('');
  };
  return text(node).replace(/\s+/g, ' ').trim();
}

/** The visible entries of an HTML legend (<li> with an <svg> swatch and text), for a figure. */
export function legendEntries(list: HTMLElement): Figure['legend'] {
  return [...list.querySelectorAll<HTMLLIElement>(':scope > li')]
    .filter((item) => !item.hidden)
    .map((item) => {
      const swatch = item.querySelector('svg');
      return { swatch: swatch ? standaloneSvg(swatch).svg : '', label: plainText(item) };
    });
}

function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download reads the Blob after this task; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** The SVG drawn on a canvas at PNG_SCALE, as PNG bytes. */
async function rasterise(svg: string, width: number, height: number): Promise<Uint8Array> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image(width, height);
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * PNG_SCALE);
    canvas.height = Math.round(height * PNG_SCALE);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas');
    context.fillStyle = 'white';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the canvas gave no PNG');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}

const svgSize = (svg: string) => {
  const match = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  return { width: Number(match?.[1] ?? 0), height: Number(match?.[2] ?? 0) };
};

async function exportFile(view: ExportView, format: Format): Promise<void> {
  const name = `${view.fileStem}.${format}`;
  switch (format) {
    case 'csv':
      return download(new Blob([toCsv(view.provenance, view.table)], { type: 'text/csv' }), name);
    case 'json':
      return download(
        new Blob([`${JSON.stringify({ provenance: view.provenance, ...view.data }, null, 2)}\n`], { type: 'application/json' }),
        name,
      );
    case 'svg':
      return download(new Blob([figureSvg({ ...view.figure(), provenance: view.provenance })], { type: 'image/svg+xml' }), name);
    case 'png': {
      const svg = figureSvg({ ...view.figure(), provenance: view.provenance });
      const { width, height } = svgSize(svg);
      const png = pngWithProvenance(await rasterise(svg, width, height), view.provenance);
      return download(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }), name);
    }
  }
}

/**
 * Fills `container` with the export buttons of one chart; refresh() shows or hides them as
 * `source.available()` says (call it when the chart gets or loses its data).
 */
export function attachExportBar(container: HTMLElement, source: ExportSource): { refresh(): void } {
  const label = document.createElement('span');
  label.className = 'export-label';
  label.id = `${container.id}-label`;
  label.textContent = 'Download chart as';
  const status = document.createElement('span');
  status.className = 'export-status';
  status.setAttribute('role', 'status');
  const buttons = FORMATS.map((format) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'export-button';
    button.dataset.format = format;
    button.textContent = format.toUpperCase();
    button.addEventListener('click', async () => {
      if (!source.available()) return;
      button.disabled = true;
      status.textContent = '';
      try {
        await exportFile(source.build(), format);
      } catch (error) {
        status.textContent = `Could not make the ${format.toUpperCase()} file: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        button.disabled = false;
      }
    });
    return button;
  });
  // The buttons wrap as one row: on a narrow screen the label goes above them, not one button below.
  const row = document.createElement('span');
  row.className = 'export-buttons';
  row.append(...buttons);
  container.setAttribute('role', 'group');
  container.setAttribute('aria-labelledby', label.id);
  container.replaceChildren(label, row, status);
  const refresh = () => {
    container.hidden = !source.available();
  };
  refresh();
  return { refresh };
}
