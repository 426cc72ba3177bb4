// The chart of a figure panel's result (Observable Plot, SVG), drawn by the same code on the page
// (web/src/preset-chart.ts) and in the command line's <id>.svg (report.js, on a linkedom document), so
// both look alike. Per curve, in the curve's colour: the empirical mean (solid line with dots), the
// spread of the seeds (min..max, a band, when there are several seeds), the theory (dotted; along a
// config field also a ring at each scored point, since the line between them is only a guide) and, in
// grey, the asymptotic approximation where the data model has one (drawn, never scored).
//
// While the panel trains, a point that is not final yet (a live estimate of a running job, or a mean
// over the seeds that have finished while others are pending) is a hollow dot, off the solid line. A
// value far above the theory is drawn as a triangle on the top edge (risk-axis.js).
//
// Each mark's <g> carries data-curve (the curve's index), data-series (empirical-line, empirical-dots,
// provisional-dots, outliers, spread, theory, theory-points, asymptotic) and an aria-label naming the
// curve and the series, so tests and assistive technology can find them; the classes are
// preset-<series>.

import * as Plot from '@observablehq/plot';
import { displayLabel, RISK_AXIS_LABEL } from './labels.js';
import { ASYMPTOTIC, FRAME, NEUTRAL, panelCurveColor } from './palette.js';
import { riskAxis } from './risk-axis.js';

const HEIGHT = 400;

const formatRisk = (risk) => risk.toPrecision(4);

/** A Plot render transform that tags the mark's <g> for tests and screen readers. */
function tagged(curve, series, label) {
  return function (index, scales, values, dimensions, context, next) {
    const g = next?.(index, scales, values, dimensions, context) ?? null;
    if (g) {
      g.setAttribute('data-curve', String(curve));
      g.setAttribute('data-series', series);
      g.setAttribute('aria-label', label);
    }
    return g;
  };
}

function linePoints(line) {
  if (!line) return [];
  return line.x.map((x, i) => ({ x, y: line.y[i] ?? Number.NaN })).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
}

const finitePoints = (curve) => curve.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.mean));

/** A point is final once every seed's job has finished; before that it is provisional. */
const isFinal = (p) => !p.estimate && p.pending === 0;

/** The x domain: the data's extent, widened around a single value so it sits mid-chart. */
function xDomain(xs) {
  const low = Math.min(...xs);
  const high = Math.max(...xs);
  if (!Number.isFinite(low) || !Number.isFinite(high)) return [0, 1];
  if (low === high) {
    const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
    return [low - pad, high + pad];
  }
  return [low, high];
}

/** Explicit ticks where Plot's would mislead: the one value of a single-point axis, and every integer
 *  of a short integer axis (n, ranks), which would otherwise get fractional ticks. */
function xTicks(xs) {
  const values = [...new Set(xs)];
  if (values.length === 1) return values;
  if (!values.every(Number.isInteger)) return undefined;
  const low = Math.min(...values);
  const high = Math.max(...values);
  return high - low <= 12 ? Array.from({ length: high - low + 1 }, (_, i) => low + i) : undefined;
}

/** The y axis: from 0 to just above the theory and the sound empirical values (risk-axis.js). The
 *  asymptotic approximation can run far above the rest at small n; it is clipped at 1.5 times the rest. */
function yAxis(result) {
  const theory = [];
  const empirical = [];
  for (const curve of result.curves) {
    for (const p of finitePoints(curve)) {
      empirical.push(p.max, p.mean);
      if (Number.isFinite(p.theory)) theory.push(p.theory);
    }
    for (const p of linePoints(curve.theoryLine)) theory.push(p.y);
  }
  const axis = riskAxis(theory, empirical);
  let asymptoticTop = 0;
  for (const curve of result.curves) for (const p of linePoints(curve.asymptoticLine)) asymptoticTop = Math.max(asymptoticTop, p.y);
  const rest = axis.top / 1.05;
  const top = rest > 0 ? Math.max(rest, Math.min(asymptoticTop, 1.5 * rest)) * 1.05 : asymptoticTop > 0 ? asymptoticTop * 1.05 : 1;
  return { top, isOutlier: axis.isOutlier };
}

/** What a provisional point's value is, for its tooltip. */
function provisionalText(p) {
  const estimates = p.values.filter((value) => value.estimate);
  const steps = [...new Set(estimates.map((value) => value.step))];
  const live = estimates.length > 0 ? `live estimate (step ${steps.join(', ')}) ` : '';
  const pending = p.pending > 0 ? `${p.pending} seed${p.pending === 1 ? '' : 's'} still to come; ` : '';
  return `${pending}${live}so far:`;
}

/** The axis as a symbol for tooltips: n, α, r, γ (the last part of the config field). */
const axisSymbol = (result) => displayLabel(result.axis.field.split('.').at(-1) ?? result.axis.field);

function curveMarks(result, curve, c, axis) {
  const color = panelCurveColor(c);
  const label = displayLabel(curve.label);
  const seeds = result.panel.seeds.length;
  const shown = finitePoints(curve).filter((p) => !axis.isOutlier(p.mean));
  const points = shown.filter(isFinal);
  const provisional = shown.filter((p) => !isFinal(p));
  const outliers = finitePoints(curve).filter((p) => axis.isOutlier(p.mean));
  const theoryAtPoints = curve.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.theory));
  const marks = [];
  if (seeds > 1) {
    marks.push(
      Plot.areaY(points, {
        x: 'x',
        y1: 'min',
        y2: 'max',
        fill: color,
        fillOpacity: 0.16,
        clip: true,
        className: 'preset-spread',
        render: tagged(c, 'spread', `${label}: spread of the empirical risk over ${seeds} seeds (min to max)`),
      }),
    );
  }
  const asymptotic = linePoints(curve.asymptoticLine);
  if (asymptotic.length > 0) {
    marks.push(
      Plot.line(asymptotic, {
        x: 'x',
        y: 'y',
        stroke: ASYMPTOTIC,
        strokeWidth: 1.5,
        strokeDasharray: '5 4',
        clip: true,
        className: 'preset-asymptotic',
        render: tagged(c, 'asymptotic', `${label}: ${displayLabel(curve.asymptoticLine?.label ?? 'asymptotic approximation')}, not scored`),
      }),
    );
  }
  marks.push(
    Plot.line(linePoints(curve.theoryLine), {
      x: 'x',
      y: 'y',
      stroke: color,
      strokeWidth: 2.6,
      strokeDasharray: '0.1 5',
      strokeLinecap: 'round',
      className: 'preset-theory',
      render: tagged(c, 'theory', `${label}: theory`),
    }),
  );
  if (result.axis.field !== 'n') {
    marks.push(
      Plot.dot(theoryAtPoints, {
        x: 'x',
        y: 'theory',
        r: 7,
        stroke: color,
        strokeWidth: 1.6,
        fill: 'none',
        className: 'preset-theory-points',
        render: tagged(c, 'theory-points', `${label}: theory at each scored point`),
        title: (p) => `${label}, ${axisSymbol(result)} = ${p.x}\ntheory ${formatRisk(p.theory)}`,
      }),
    );
  }
  marks.push(
    Plot.line(points, {
      x: 'x',
      y: 'mean',
      stroke: color,
      strokeWidth: 2,
      className: 'preset-empirical-line',
      render: tagged(c, 'empirical-line', `${label}: empirical risk${seeds > 1 ? ', mean over seeds' : ''}`),
    }),
    Plot.dot(points, {
      x: 'x',
      y: 'mean',
      r: 4,
      fill: color,
      stroke: 'white',
      className: 'preset-empirical-dots',
      render: tagged(c, 'empirical-dots', `${label}: empirical risk at each point`),
      title: (p) =>
        `${label}, ${axisSymbol(result)} = ${p.x}\nempirical ${formatRisk(p.mean)}` +
        (seeds > 1 ? ` (seeds ${formatRisk(p.min)} to ${formatRisk(p.max)})` : '') +
        `\ntheory ${formatRisk(p.theory)}, gap ${(100 * p.gap).toFixed(2)} %`,
    }),
  );
  if (provisional.length > 0) {
    marks.push(
      Plot.dot(provisional, {
        x: 'x',
        y: 'mean',
        r: 4,
        fill: 'white',
        stroke: color,
        strokeWidth: 1.6,
        className: 'preset-provisional-dots',
        render: tagged(c, 'provisional-dots', `${label}: not final yet (live estimates of running jobs, or seeds still to come)`),
        title: (p) => `${label}, ${axisSymbol(result)} = ${p.x}\n${provisionalText(p)} ${formatRisk(p.mean)}\ntheory ${formatRisk(p.theory)}`,
      }),
    );
  }
  if (outliers.length > 0) {
    marks.push(
      Plot.dot(outliers, {
        x: 'x',
        y: () => axis.top,
        symbol: 'triangle',
        r: 6,
        fill: color,
        stroke: 'white',
        className: 'preset-outliers',
        render: tagged(c, 'outliers', `${label}: values above the axis, which is fitted to the theory`),
        title: (p) => `${label}, ${axisSymbol(result)} = ${p.x}\nempirical ${formatRisk(p.mean)}: above the axis\ntheory ${formatRisk(p.theory)}`,
      }),
    );
  }
  return marks;
}

/** The panel's chart as an <svg> element of `width` pixels; `document` is Plot's (Node: linkedom's). */
export function panelChart(result, { width, document } = {}) {
  const xs = result.curves.flatMap((curve) => [
    ...finitePoints(curve).map((p) => p.x),
    ...linePoints(curve.theoryLine).map((p) => p.x),
  ]);
  const axisLabel = result.axis.label ?? result.axis.field;
  const ticks = xTicks(xs);
  const axis = yAxis(result);
  return Plot.plot({
    ...(document ? { document } : {}),
    width,
    height: HEIGHT,
    marginLeft: 56,
    marginRight: 24,
    marginBottom: 44,
    style: { fontSize: '13px' },
    ariaLabel: `${displayLabel(result.title)}: test risk against ${displayLabel(axisLabel)}`,
    x: {
      type: 'linear',
      domain: xDomain(xs),
      label: displayLabel(axisLabel),
      labelAnchor: 'center',
      labelArrow: 'none',
      inset: 10,
      // Explicit ticks are exact values: written as such (4, not 4.0; 0.9, not 0.90).
      ...(ticks ? { ticks, tickFormat: (x) => String(x) } : {}),
    },
    y: { label: RISK_AXIS_LABEL, domain: [0, axis.top], grid: true, labelArrow: 'none' },
    marks: [Plot.frame({ stroke: FRAME }), ...result.curves.flatMap((curve, c) => curveMarks(result, curve, c, axis))],
  });
}

const swatch = (inner) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="34" height="14" viewBox="0 0 34 14" aria-hidden="true">${inner}</svg>`;

/**
 * The legend of a panel's chart, as data both the page's HTML legend and standalone SVG files draw:
 * one entry per curve (its colour: solid line and dot), then what the line styles mean. Each entry has
 * a key, the curve's index where it is one, its text and its swatch as SVG markup (34 x 14).
 */
export function panelLegend(result) {
  const entries = result.curves.map((curve, c) => {
    const color = panelCurveColor(c);
    return {
      key: `curve-${c}`,
      curve: c,
      label: displayLabel(curve.label),
      swatch: swatch(
        `<line x1="2" y1="7" x2="32" y2="7" stroke="${color}" stroke-width="2"/><circle cx="17" cy="7" r="4" fill="${color}" stroke="white"/>`,
      ),
    };
  });
  entries.push({
    key: 'theory',
    label: result.axis.field === 'n' ? 'dotted: theory' : 'dotted, rings: theory',
    swatch: swatch(`<line x1="3" y1="7" x2="32" y2="7" stroke="${NEUTRAL}" stroke-width="2.6" stroke-dasharray="0.1 5" stroke-linecap="round"/>`),
  });
  const seeds = result.panel.seeds.length;
  if (seeds > 1) {
    entries.push({
      key: 'spread',
      label: `band: min to max over ${seeds} seeds (line: their mean)`,
      swatch: swatch(`<rect x="2" y="2" width="30" height="10" fill="${NEUTRAL}" fill-opacity="0.18"/>`),
    });
  }
  const all = result.curves.flatMap((curve) => finitePoints(curve));
  if (all.some((p) => !isFinal(p))) {
    entries.push({
      key: 'provisional',
      label: 'hollow: not final yet (a running job’s live estimate, or seeds still to come)',
      swatch: swatch(`<circle cx="17" cy="7" r="4" fill="white" stroke="${NEUTRAL}" stroke-width="1.6"/>`),
    });
  }
  const axis = yAxis(result);
  if (all.some((p) => axis.isOutlier(p.mean))) {
    entries.push({
      key: 'outliers',
      label: 'triangle on the top edge: a value above the axis (hover for it)',
      swatch: swatch(`<path d="M17 2 L22 11 L12 11 Z" fill="${NEUTRAL}" stroke="white"/>`),
    });
  }
  const asymptoticLabels = [...new Set(result.curves.flatMap((curve) => (curve.asymptoticLine ? [curve.asymptoticLine.label] : [])))];
  if (asymptoticLabels.length > 0) {
    entries.push({
      key: 'asymptotic',
      label: `grey: ${asymptoticLabels.map(displayLabel).join('; ')}; drawn, excluded from the fidelity figures`,
      swatch: swatch(`<line x1="2" y1="7" x2="32" y2="7" stroke="${ASYMPTOTIC}" stroke-width="1.5" stroke-dasharray="5 4"/>`),
    });
  }
  return entries;
}

const percent = (x) => `${(100 * x).toFixed(2)} %`;

/** The fidelity of a panel in one sentence, worded as the page's verdict (preset-table.ts). */
export function fidelityText(result) {
  const { medianGap, maxGap, tolerance, pass, complete, jobsDone, jobs } = result.fidelity;
  const points = result.curves.reduce((sum, curve) => sum + curve.points.length, 0);
  if (!complete) {
    const scored = medianGap === null ? 'no point is final yet' : `so far median |gap| ${percent(medianGap)}, largest ${percent(maxGap)} over the final points`;
    return `Fidelity: incomplete (${jobsDone} of ${jobs} jobs done) — ${scored}; tolerance ${percent(tolerance.median)} median, ${percent(tolerance.point)} per point.`;
  }
  return (
    `Fidelity: ${pass ? 'pass' : 'fail'} — median |gap| ${percent(medianGap ?? Number.NaN)} (tolerance ${percent(tolerance.median)}), ` +
    `largest |gap| ${percent(maxGap ?? Number.NaN)} (tolerance ${percent(tolerance.point)}), over ${points} points.`
  );
}
