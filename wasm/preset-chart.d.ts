// Typings of wasm/preset-chart.js: the chart of a figure preset, shared by the page and the command line.
import type { PresetResult } from '../run/preset.js';

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

export interface GapPresetData {
  /** The per-point tolerance, in percent. */
  tolerance: number;
  points: GapPoint[];
  domain: [number, number];
}

export function presetChart(
  result: PresetResult,
  options: { width: number; document?: Document; logX?: boolean; fitY?: boolean },
): SVGSVGElement;
export function presetLegend(result: PresetResult): LegendEntry[];
export function fidelityText(result: PresetResult): string;
export function canUseLogX(result: PresetResult): boolean;
export function gapPlotData(result: PresetResult): GapPresetData;
export function sharedTheories(result: PresetResult): number[][];
export function coincidentCurves(result: PresetResult): { curves: [number, number]; largest: number }[];
export function curveSwatch(curve: number): string;
export function roleNamedParts(root: ParentNode): void;
