// Typings of wasm/palette.js, the one palette of the page's charts, its exports and the command line's SVGs.
export const EMPIRICAL: string;
export const THEORY: string;
export const REFERENCES: readonly string[];
export const CURVES: readonly string[];
export const ASYMPTOTIC: string;
export const NEUTRAL: string;
export const NONFINITE: string;
export const FRAME: string;
export const GUIDE: string;
export const HEATMAP_SCHEME: 'RdBu';
export const TEXT: string;
export const MUTED: string;
export const FONT_FAMILY: string;
export function theoryCurveColor(index: number): string;
export function presetCurveColor(index: number): string;
export const MODELS: readonly string[];
export function modelColor(index: number): string;
export const CURVE_SYMBOLS: readonly string[];
export const CURVE_DASHES: readonly (string | null)[];
export const TOLERANCE_BAND: string;
export interface PresetCurveStyle {
  color: string;
  symbol: string;
  r: number;
  dash: string | null;
}
export function presetCurveStyle(index: number): PresetCurveStyle;
export const REFERENCE_DASHES: readonly string[];
export function theoryCurveDash(index: number): string;
