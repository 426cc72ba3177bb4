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

export interface GapPoint {
  curve: number;
  x: number;
  /** mean / theory − 1, in percent. */
  gap: number;
  /** The lowest and highest seed's gap, in percent. */
  low: number;
  high: number;
  final: boolean;
}

export interface GapPanelData {
  /** The per-point tolerance, in percent. */
  tolerance: number;
  points: GapPoint[];
  domain: [number, number];
}

export function panelChart(
  result: PanelResult,
  options: { width: number; document?: Document; logX?: boolean; fitY?: boolean },
): SVGSVGElement;
export function panelLegend(result: PanelResult): LegendEntry[];
export function fidelityText(result: PanelResult): string;
export function canUseLogX(result: PanelResult): boolean;
export function gapPanelData(result: PanelResult): GapPanelData;
export function sharedTheories(result: PanelResult): number[][];
export function coincidentCurves(result: PanelResult): { curves: [number, number]; largest: number }[];
export function curveSwatch(curve: number): string;
export function roleNamedParts(root: ParentNode): void;
