// The chart of a figure preset's result and its legend, on the page. The chart itself is drawn by
// wasm/preset-chart.js, which the command line's SVGs share, so the two look alike; see there for the
// marks and their data-curve / data-series tags.

import { presetChart, presetLegend } from '../../wasm/preset-chart.js';
import type { PresetResult } from '../../run/preset.js';
import { setLabel } from './math-text.ts';

export { presetCurveColor } from '../../wasm/palette.js';
export { canUseLogX } from '../../wasm/preset-chart.js';

/** Draws the chart at the container's width; `logX` puts an n axis on a log scale, `fitY` starts the
 *  risk axis just below the curves instead of at 0. */
export function renderPresetChart(container: HTMLElement, result: PresetResult, { logX = false, fitY = false } = {}): void {
  container.replaceChildren(presetChart(result, { width: Math.max(300, container.clientWidth), logX, fitY }));
}

/** Markup of our own (palette colours only, no text from a link or a preset) as an SVG element. */
function svgFromMarkup(markup: string): Element {
  return document.importNode(new DOMParser().parseFromString(markup, 'image/svg+xml').documentElement, true);
}

/** One entry per curve (its colour, dash pattern and marker), then what the line styles mean. */
export function renderPresetLegend(legend: HTMLElement, result: PresetResult): void {
  legend.replaceChildren(
    ...presetLegend(result).map((entry) => {
      const item = document.createElement('li');
      item.dataset.legend = entry.key;
      if (entry.curve !== undefined) item.dataset.curve = String(entry.curve);
      const text = document.createElement('span');
      setLabel(text, entry.label);
      item.append(svgFromMarkup(entry.swatch), text);
      return item;
    }),
  );
}
