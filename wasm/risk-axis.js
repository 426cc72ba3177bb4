// The top of a risk axis, shared by the page's chart (web/src/chart.ts) and the preset charts
// (preset-chart.js): fitted to the sound values, so one runaway point never flattens the rest. The
// theory always fits; an empirical value fits up to OUTLIER_FACTOR times the theory's maximum (a live
// estimate early in training sits about there); a value above is an outlier, drawn as a mark at the
// top edge with its value in its tooltip instead of stretching the axis.

export const OUTLIER_FACTOR = 3;

/** { top, isOutlier(value) } for these finite theory and empirical values. */
export function riskAxis(theoryValues, empiricalValues) {
  const theoryMax = theoryValues.reduce((max, value) => Math.max(max, value), 0);
  const cap = theoryMax > 0 ? OUTLIER_FACTOR * theoryMax : Number.POSITIVE_INFINITY;
  const isOutlier = (value) => value > cap;
  const sound = empiricalValues.filter((value) => !isOutlier(value));
  const top = Math.max(theoryMax, ...sound);
  return { top: top > 0 ? top * 1.05 : 1, isOutlier };
}
