// The one palette of every chart: the page's (web/src/chart.ts, readouts.ts, the preset charts of
// preset-chart.js), its exports and the command line's SVGs (report.js). A colour is written here only,
// so a chart downloaded from the page and one written by `reproduce` look alike.

/** Empirical risk of the trained models (and the learned read-outs). */
export const EMPIRICAL = '#1f5fbf';
/** The theory of the chosen model (and the optimal read-outs). */
export const THEORY = '#b3421b';
/** The other theory curves of a config: lighter, told apart by hue. */
export const REFERENCES = ['#6f7480', '#8a63b8', '#2b8a7e', '#c08a1e'];
/** The reference theory curves of a config (after the model's own, which is dotted): dash patterns of
 *  their own, so that references lying on the theory or on each other still show. */
export const REFERENCE_DASHES = ['7 4', '1.5 3.5', '10 3 2 3', '3 6'];
/** The curves of a figure preset, in order. */
export const CURVES = ['#1f5fbf', '#b3421b', '#2b8a7e', '#8a63b8', '#c08a1e', '#3d4350'];
/** The marker of each curve of a figure preset, in order (Observable Plot's symbol names): a shape as
 *  well as a colour, so curves that coincide, and readers who do not tell the hues apart, still see
 *  every curve. The triangle is left out: it marks values above the axis. */
export const CURVE_SYMBOLS = ['circle', 'square', 'diamond', 'star', 'cross'];
/** The empirical line of each curve: solid, then dash patterns, so a line drawn over another shows
 *  both where they coincide. The theory's pattern (dots) is not among them. */
export const CURVE_DASHES = [null, '6 4', '10 3 2 3', '14 4', '3 3 3 8'];
/** The band of the per-point tolerance in the gap plot. */
export const TOLERANCE_BAND = '#3d4350';
/** The models of a run (one per context length n) in the training curve, short context to long. */
export const MODELS = ['#1f5fbf', '#2b8a7e', '#8a63b8', '#c08a1e', '#b3421b', '#6f7480', '#3d9a3d', '#c0417a'];
/** The asymptotic approximation: drawn, never scored. */
export const ASYMPTOTIC = '#8d929c';
/** Legend swatches that stand for a line style rather than a curve. */
export const NEUTRAL = '#3d4350';
/** A heatmap entry that is not a finite number. */
export const NONFINITE = '#9a9a9a';
/** The chart frame, and guide lines such as the mean-1 rule of the sample weights. */
export const FRAME = '#ccc';
export const GUIDE = '#bbb';
/** The diverging scheme (Observable Plot's name) of the W_eff and W* heatmaps. */
export const HEATMAP_SCHEME = 'RdBu';
/** Text of standalone SVG files: the page's text colours and its system font stack. */
export const TEXT = '#1d1f24';
export const MUTED = '#5b6070';
export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** The colour of theory curve `index` of a config (0 is the model's own). */
export function theoryCurveColor(index) {
  return index === 0 ? THEORY : REFERENCES[(index - 1) % REFERENCES.length];
}

/** The dash pattern of theory curve `index` of a config (0, the model's own: dots). */
export function theoryCurveDash(index) {
  return index === 0 ? '0.1 5' : REFERENCE_DASHES[(index - 1) % REFERENCE_DASHES.length];
}

/** The colour of curve `index` of a figure preset. */
export function presetCurveColor(index) {
  return CURVES[index % CURVES.length];
}

/** How curve `index` of a figure preset is drawn: its colour, marker, marker radius and dash pattern
 *  (null: solid). The first curve's marker is the largest, so a later one drawn over it leaves a ring. */
export function presetCurveStyle(index) {
  return {
    color: presetCurveColor(index),
    symbol: CURVE_SYMBOLS[index % CURVE_SYMBOLS.length],
    r: index === 0 ? 5.4 : 4.6,
    dash: CURVE_DASHES[index % CURVE_DASHES.length],
  };
}

/** The colour of model `index` of a run (in the order of its context lengths). */
export function modelColor(index) {
  return MODELS[index % MODELS.length];
}
