// Typings of wasm/panel-chart.js: the chart of a figure panel, shared by the page and the command line.
import type { PanelResult } from '../run/sweep.js';

export interface LegendEntry {
  key: string;
  /** The curve's index, for entries that stand for a curve. */
  curve?: number;
  label: string;
  /** SVG markup of the swatch, 34 x 14. */
  swatch: string;
}

export function panelChart(result: PanelResult, options: { width: number; document?: Document }): SVGSVGElement;
export function panelLegend(result: PanelResult): LegendEntry[];
export function fidelityText(result: PanelResult): string;
