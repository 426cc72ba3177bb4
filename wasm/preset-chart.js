// The chart of a figure preset's result (Observable Plot, SVG), drawn by the same code on the page
// (web/src/preset-chart.ts, the article's figures) and in the command line's <id>.svg (report.js, on a
// linkedom document), so all look alike. Two plots share one x axis: the risk, and under it the
// relative gap of each curve to its own theory.
//
// Risk plot, per curve in the curve's style (palette.js presetCurveStyle: a colour, a marker shape and a
// dash pattern, so that curves drawn over each other stay visible): the empirical mean (a line and a
// marker per point), the spread of the seeds (min..max, a band, when there are several seeds), the
// theory (dotted, drawn over the empirical line with a white halo so that it shows where the two
// coincide; curves whose theory is the same line have their dots interleaved, in turn; along a config
// field also a ring at each scored point, since the line between them is only a guide) and, in grey,
// the asymptotic approximation where the data model has one (drawn, never scored).
//
// Gap plot: (empirical / theory − 1) in percent per point, the band of the preset's per-point
// tolerance shaded, the seeds' spread as a bar; its data is gapPlotData's, which tests can check.
//
// While the preset trains, a point that is not final yet (a live estimate of a running job, or a mean
// over the seeds that have finished while others are pending) is a hollow marker, off the solid line. A
// value far above the theory is drawn as a triangle on the top edge (risk-axis.js).
//
// Each mark's <g> carries data-curve (the curve's index), data-series (empirical-line, empirical-dots,
// provisional-dots, outliers, spread, theory, theory-halo, theory-points, asymptotic; in the gap
// plot gap-tolerance, gap-line, gap-dots, gap-provisional, gap-spread) and an aria-label naming the
// curve and the series, so tests and assistive technology can find them; the classes are
// preset-<series>. The two plots are <g data-plot="risk"> and <g data-plot="gap"> of one <svg>.

import * as Plot from '@observablehq/plot';
import { displayLabel, RISK_AXIS_LABEL } from './labels.js';
import { ASYMPTOTIC, FRAME, NEUTRAL, TOLERANCE_BAND, presetCurveStyle } from './palette.js';
import { riskAxis } from './risk-axis.js';

const HEIGHT = 400;
const GAP_HEIGHT = 150;
const MARGIN_LEFT = 56;
const MARGIN_RIGHT = 24;
/** Dots of a theory line: one every THEORY_STEP pixels along it (per curve sharing the line). */
const THEORY_STEP = 5;
const SVG_NS = 'http://www.w3.org/2000/svg';

const formatRisk = (risk) => risk.toPrecision(4);

/** A Plot render transform that tags the mark's <g> for tests and screen readers. */
function tagged(curve, series, label) {
  return function (index, scales, values, dimensions, context, next) {
    const g = next?.(index, scales, values, dimensions, context) ?? null;
    if (g) {
      if (curve !== null) g.setAttribute('data-curve', String(curve));
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

/** Whether the chart can put its x axis on a log scale: an n axis of positive values. */
export function canUseLogX(result) {
  return result.axis.field === 'n' && result.axis.values.every((x) => x > 0);
}

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
 *  of a short integer axis (n, ranks), which would otherwise get fractional ticks. On a log axis the
 *  axis values themselves while they are few, else the powers of two in range. */
function xTicks(xs, axisValues, log) {
  const values = [...new Set(xs)];
  if (values.length === 1) return values;
  if (log) {
    if (axisValues.length <= 8) return axisValues;
    const high = Math.max(...values);
    const ticks = [];
    for (let t = 1; t <= high; t *= 2) if (t >= Math.min(...values)) ticks.push(t);
    return ticks;
  }
  if (!values.every(Number.isInteger)) return undefined;
  const low = Math.min(...values);
  const high = Math.max(...values);
  return high - low <= 12 ? Array.from({ length: high - low + 1 }, (_, i) => low + i) : undefined;
}

/** The x scale both plots share. */
function xScale(result, logX) {
  const xs = result.curves.flatMap((curve) => [...finitePoints(curve).map((p) => p.x), ...linePoints(curve.theoryLine).map((p) => p.x)]);
  const log = logX && canUseLogX(result);
  const ticks = xTicks(xs.length > 0 ? xs : result.axis.values, result.axis.values, log);
  return {
    type: log ? 'log' : 'linear',
    domain: xDomain(xs.length > 0 ? xs : result.axis.values),
    labelAnchor: 'center',
    labelArrow: 'none',
    inset: 10,
    // Explicit ticks are exact values: written as such (4, not 4.0; 0.9, not 0.90).
    ...(ticks ? { ticks, tickFormat: (x) => String(x) } : {}),
  };
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

function sameLine(a, b) {
  if (!a || !b || a.x.length !== b.x.length) return false;
  return a.x.every((x, i) => x === b.x[i] && Math.abs(a.y[i] - b.y[i]) <= 1e-9 * Math.max(1, Math.abs(b.y[i])));
}

/**
 * Curves whose theory is the same line (the IID presets: attention and H3 share L*(n)): per curve, the
 * indices of the curves drawn on its line, itself included, in curve order. Their dots are interleaved,
 * so the shared line shows every curve's colour in turn instead of the last one drawn.
 */
export function sharedTheories(result) {
  return result.curves.map((curve) => result.curves.flatMap((other, j) => (sameLine(curve.theoryLine, other.theoryLine) ? [j] : [])));
}

/**
 * Pairs of curves whose final empirical means agree within the preset's per-point tolerance at every
 * point both have: [{ curves: [a, b], largest: the largest |mean_a / mean_b − 1| }]. Drawn over each
 * other, such curves look like one; the legend says that they coincide.
 */
export function coincidentCurves(result) {
  const tolerance = result.preset.tolerance.point;
  const pairs = [];
  result.curves.forEach((a, i) => {
    result.curves.forEach((b, j) => {
      if (j <= i) return;
      let largest = 0;
      let shared = 0;
      for (const p of a.points) {
        const q = b.points.find((candidate) => candidate.x === p.x);
        if (!q || !isFinal(p) || !isFinal(q) || !Number.isFinite(p.mean) || !Number.isFinite(q.mean) || p.mean === null || q.mean === null)
          continue;
        shared += 1;
        largest = Math.max(largest, Math.abs(p.mean / q.mean - 1));
      }
      if (shared > 0 && largest <= tolerance) pairs.push({ curves: [i, j], largest });
    });
  });
  return pairs;
}

/**
 * The gap plot's data: per curve and point with a value, the relative gap to the theory in percent
 * (mean / theory − 1), the seeds' lowest and highest gap, and whether the point is final; the per-point
 * tolerance in percent; and a y domain that holds the tolerance band and every gap.
 */
export function gapPlotData(result) {
  const tolerance = 100 * result.preset.tolerance.point;
  const points = [];
  result.curves.forEach((curve, c) => {
    for (const p of curve.points) {
      if (p.diverged !== undefined || p.mean === null || !Number.isFinite(p.mean) || !Number.isFinite(p.theory) || !(p.theory > 0))
        continue;
      const gap = (value) => 100 * (value / p.theory - 1);
      points.push({ curve: c, x: p.x, gap: gap(p.mean), low: gap(p.min ?? p.mean), high: gap(p.max ?? p.mean), final: isFinal(p) });
    }
  });
  const values = points.flatMap((p) => [p.low, p.high, p.gap]);
  const low = Math.min(-1.5 * tolerance, ...values);
  const high = Math.max(1.5 * tolerance, ...values);
  const pad = 0.08 * (high - low);
  return { tolerance, points, domain: [low - (low < -1.5 * tolerance ? pad : 0), high + (high > 1.5 * tolerance ? pad : 0)] };
}

function curveMarks(result, curve, c, axis, shared) {
  const style = presetCurveStyle(c);
  const color = style.color;
  const label = displayLabel(curve.label);
  const seeds = result.preset.seeds.length;
  const shown = finitePoints(curve).filter((p) => !axis.isOutlier(p.mean));
  const points = shown.filter(isFinal);
  const provisional = shown.filter((p) => !isFinal(p));
  const outliers = finitePoints(curve).filter((p) => axis.isOutlier(p.mean));
  const theoryAtPoints = curve.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.theory));
  const theoryLine = linePoints(curve.theoryLine);
  // On a line shared by k curves each draws every k-th dot, shifted by its place among them.
  const period = THEORY_STEP * shared.length;
  const phase = THEORY_STEP * shared.indexOf(c);
  const below = [];
  const above = [];
  if (seeds > 1) {
    below.push(
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
    below.push(
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
  below.push(
    Plot.line(points, {
      x: 'x',
      y: 'mean',
      stroke: color,
      strokeWidth: 2,
      ...(style.dash ? { strokeDasharray: style.dash } : {}),
      className: 'preset-empirical-line',
      render: tagged(c, 'empirical-line', `${label}: empirical risk${seeds > 1 ? ', mean over seeds' : ''}`),
    }),
  );
  const dots = { strokeDasharray: `0.1 ${period}`, strokeDashoffset: -phase, strokeLinecap: 'round' };
  above.push(
    Plot.line(theoryLine, {
      x: 'x',
      y: 'y',
      stroke: 'white',
      strokeWidth: 5.4,
      ...dots,
      className: 'preset-theory-halo',
      ariaHidden: 'true',
      render: tagged(c, 'theory-halo', `${label}: theory (halo)`),
    }),
    Plot.line(theoryLine, {
      x: 'x',
      y: 'y',
      stroke: color,
      strokeWidth: 3,
      ...dots,
      className: 'preset-theory',
      render: tagged(c, 'theory', `${label}: theory`),
    }),
  );
  if (result.axis.field !== 'n') {
    above.push(
      Plot.dot(theoryAtPoints, {
        x: 'x',
        y: 'theory',
        r: 9 + 2.5 * c,
        stroke: color,
        strokeWidth: 1.6,
        fill: 'none',
        className: 'preset-theory-points',
        render: tagged(c, 'theory-points', `${label}: theory at each scored point`),
        title: (p) => `${label}, ${axisSymbol(result)} = ${p.x}\ntheory ${formatRisk(p.theory)}`,
      }),
    );
  }
  above.push(
    Plot.dot(points, {
      x: 'x',
      y: 'mean',
      r: style.r,
      symbol: style.symbol,
      fill: color,
      stroke: 'white',
      strokeWidth: 1,
      className: 'preset-empirical-dots',
      render: tagged(c, 'empirical-dots', `${label}: empirical risk at each point`),
      title: (p) =>
        `${label}, ${axisSymbol(result)} = ${p.x}\nempirical ${formatRisk(p.mean)}` +
        (seeds > 1 ? ` (seeds ${formatRisk(p.min)} to ${formatRisk(p.max)})` : '') +
        `\ntheory ${formatRisk(p.theory)}, gap ${(100 * p.gap).toFixed(2)} %`,
    }),
  );
  if (provisional.length > 0) {
    above.push(
      Plot.dot(provisional, {
        x: 'x',
        y: 'mean',
        r: style.r,
        symbol: style.symbol,
        fill: 'white',
        stroke: color,
        strokeWidth: 1.6,
        className: 'preset-provisional-dots',
        render: tagged(c, 'provisional-dots', `${label}: not final yet (live estimates of running jobs, or seeds still to come)`),
        title: (p) =>
          `${label}, ${axisSymbol(result)} = ${p.x}\n${provisionalText(p)} ${formatRisk(p.mean)}\ntheory ${formatRisk(p.theory)}`,
      }),
    );
  }
  if (outliers.length > 0) {
    above.push(
      Plot.dot(outliers, {
        x: 'x',
        y: () => axis.top,
        symbol: 'triangle',
        r: 6,
        fill: color,
        stroke: 'white',
        className: 'preset-outliers',
        render: tagged(c, 'outliers', `${label}: values above the axis, which is fitted to the theory`),
        title: (p) =>
          `${label}, ${axisSymbol(result)} = ${p.x}\nempirical ${formatRisk(p.mean)}: above the axis\ntheory ${formatRisk(p.theory)}`,
      }),
    );
  }
  return { below, above };
}

/** A fitted risk axis: from a little below the lowest theory or empirical value to a little above the
 *  highest one that is not an outlier, so that curves a few percent apart separate. */
function fittedDomain(result, axis) {
  const values = result.curves
    .flatMap((curve) => [
      ...finitePoints(curve).flatMap((p) => [p.min ?? p.mean, p.mean, p.max ?? p.mean]),
      ...linePoints(curve.theoryLine).map((p) => p.y),
    ])
    .filter((value) => Number.isFinite(value) && !axis.isOutlier(value));
  if (values.length === 0) return [0, axis.top];
  const lowest = Math.min(...values);
  const highest = Math.max(...values);
  const pad = 0.08 * (highest - lowest || Math.abs(highest) || 1);
  return [Math.max(0, lowest - pad), highest + pad];
}

function riskPlot(result, { width, document, logX, fitY }) {
  const full = yAxis(result);
  const domain = fitY ? fittedDomain(result, full) : [0, full.top];
  // Outliers sit on the top edge of the axis as drawn.
  const axis = { ...full, top: domain[1] };
  const shared = sharedTheories(result);
  const marks = result.curves.map((curve, c) => curveMarks(result, curve, c, axis, shared[c]));
  return Plot.plot({
    ...(document ? { document } : {}),
    width,
    height: HEIGHT,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginBottom: 30,
    style: { fontSize: '13px' },
    x: { ...xScale(result, logX), label: null },
    y: { label: RISK_AXIS_LABEL, domain, grid: true, labelArrow: 'none' },
    // Every curve's band, approximation and line first, then every theory and marker: a marker or a
    // theory dot is never hidden under another curve's line.
    marks: [Plot.frame({ stroke: FRAME }), ...marks.flatMap((m) => m.below), ...marks.flatMap((m) => m.above)],
  });
}

const signed = (value) => `${value > 0 ? '+' : value < 0 ? '−' : ''}${Math.abs(value)}`;

function gapPlot(result, { width, document, logX }) {
  const data = gapPlotData(result);
  const seeds = result.preset.seeds.length;
  const scale = xScale(result, logX);
  const band = scale.domain.map((x) => ({ x, low: -data.tolerance, high: data.tolerance }));
  const marks = [
    Plot.areaY(band, {
      x: 'x',
      y1: 'low',
      y2: 'high',
      fill: TOLERANCE_BAND,
      fillOpacity: 0.09,
      className: 'preset-gap-tolerance',
      render: tagged(null, 'gap-tolerance', `tolerance band: ±${data.tolerance.toFixed(1)} % per point`),
    }),
    Plot.ruleY([0], { stroke: NEUTRAL, strokeOpacity: 0.6 }),
    Plot.frame({ stroke: FRAME }),
  ];
  result.curves.forEach((curve, c) => {
    const style = presetCurveStyle(c);
    const label = displayLabel(curve.label);
    const mine = data.points.filter((p) => p.curve === c);
    const finals = mine.filter((p) => p.final);
    const provisional = mine.filter((p) => !p.final);
    if (seeds > 1) {
      marks.push(
        Plot.ruleX(finals, {
          x: 'x',
          y1: 'low',
          y2: 'high',
          stroke: style.color,
          strokeWidth: 5,
          strokeOpacity: 0.28,
          className: 'preset-gap-spread',
          render: tagged(c, 'gap-spread', `${label}: gap of each seed (lowest to highest)`),
        }),
      );
    }
    marks.push(
      Plot.line(finals, {
        x: 'x',
        y: 'gap',
        stroke: style.color,
        strokeWidth: 1.5,
        ...(style.dash ? { strokeDasharray: style.dash } : {}),
        className: 'preset-gap-line',
        render: tagged(c, 'gap-line', `${label}: relative gap to the theory`),
      }),
      Plot.dot(finals, {
        x: 'x',
        y: 'gap',
        r: style.r * 0.85,
        symbol: style.symbol,
        fill: style.color,
        stroke: 'white',
        className: 'preset-gap-dots',
        render: tagged(c, 'gap-dots', `${label}: relative gap at each point`),
        title: (p) =>
          `${label}, ${axisSymbol(result)} = ${p.x}\ngap ${p.gap >= 0 ? '+' : '−'}${Math.abs(p.gap).toFixed(2)} % (tolerance ±${data.tolerance.toFixed(1)} %)`,
      }),
    );
    if (provisional.length > 0) {
      marks.push(
        Plot.dot(provisional, {
          x: 'x',
          y: 'gap',
          r: style.r * 0.85,
          symbol: style.symbol,
          fill: 'white',
          stroke: style.color,
          strokeWidth: 1.4,
          className: 'preset-gap-provisional',
          render: tagged(c, 'gap-provisional', `${label}: relative gap, not final yet`),
        }),
      );
    }
  });
  return Plot.plot({
    ...(document ? { document } : {}),
    width,
    height: GAP_HEIGHT,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginTop: 22,
    marginBottom: 44,
    style: { fontSize: '13px' },
    x: { ...scale, label: displayLabel(result.axis.label ?? result.axis.field) },
    y: { label: 'gap to theory (%)', domain: data.domain, ticks: 4, tickFormat: signed, labelArrow: 'none' },
    marks,
  });
}

/** Plot names its marks (aria-label) on elements without a role, where ARIA allows no name: each named
 *  part of a chart under `root` becomes a graphics object, as the SVG accessibility roles have it. */
export function roleNamedParts(root) {
  for (const named of root.querySelectorAll('[aria-label]')) {
    if (!named.hasAttribute('role') && named.localName !== 'svg') named.setAttribute('role', 'graphics-object');
  }
}

/** Moves a Plot <svg>'s content into a <g> at (0, y) of `target`: one SVG viewport for both plots,
 *  so neither nests another's (a nested <svg> takes the page's CSS sizing rules). */
function appendPlot(doc, target, plotSvg, y, name) {
  const group = doc.createElementNS(SVG_NS, 'g');
  for (const attribute of [...plotSvg.attributes]) {
    if (!['width', 'height', 'viewBox', 'xmlns', 'style'].includes(attribute.name)) group.setAttribute(attribute.name, attribute.value);
  }
  group.setAttribute('font-size', '13');
  group.setAttribute('data-plot', name);
  group.setAttribute('role', 'graphics-object');
  group.setAttribute('aria-label', name === 'risk' ? 'test risk' : 'relative gap to the theory, in percent');
  if (y) group.setAttribute('transform', `translate(0 ${y})`);
  while (plotSvg.firstChild) group.append(plotSvg.firstChild);
  roleNamedParts(group);
  target.append(group);
}

/**
 * The preset's chart as one <svg> element of `width` pixels: the risk against the axis and, under it,
 * the relative gap to the theory. `logX` puts an n axis on a log scale; `fitY` starts the risk axis
 * just below the lowest value instead of at 0. `document` is Plot's (Node: linkedom's).
 */
export function presetChart(result, { width, document, logX = false, fitY = false } = {}) {
  const doc = document ?? globalThis.document;
  const risk = riskPlot(result, { width, document, logX, fitY });
  const gap = gapPlot(result, { width, document, logX });
  const height = HEIGHT + GAP_HEIGHT;
  const svg = doc.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'graphics-document');
  svg.setAttribute('class', 'preset-chart');
  const axisLabel = displayLabel(result.axis.label ?? result.axis.field);
  svg.setAttribute(
    'aria-label',
    `${displayLabel(result.title)}: test risk against ${axisLabel}, and below it the relative gap to the theory`,
  );
  appendPlot(doc, svg, risk, 0, 'risk');
  appendPlot(doc, svg, gap, HEIGHT, 'gap');
  return svg;
}

/** A marker shape centred at (cx, cy) with the area of a circle of radius r, as SVG markup (the shapes
 *  of Observable Plot's symbols, so a legend swatch matches the chart). */
function markerMarkup(symbol, cx, cy, r, attributes) {
  const area = Math.PI * r * r;
  const at = (points) => `M${points.map(([x, y]) => `${(cx + x).toFixed(2)},${(cy + y).toFixed(2)}`).join('L')}Z`;
  switch (symbol) {
    case 'square': {
      const h = Math.sqrt(area) / 2;
      return `<path d="${at([
        [-h, -h],
        [h, -h],
        [h, h],
        [-h, h],
      ])}" ${attributes}/>`;
    }
    case 'diamond': {
      const y = Math.sqrt(area / (2 * Math.sqrt(1 / 3)));
      const x = y * Math.sqrt(1 / 3);
      return `<path d="${at([
        [0, -y],
        [x, 0],
        [0, y],
        [-x, 0],
      ])}" ${attributes}/>`;
    }
    case 'star': {
      const outer = Math.sqrt(area * 0.8908130915292852);
      const inner = (outer * Math.sin(Math.PI / 10)) / Math.sin((7 * Math.PI) / 10);
      const points = Array.from({ length: 10 }, (_, i) => {
        const angle = (i * Math.PI) / 5;
        const radius = i % 2 === 0 ? outer : inner;
        return [radius * Math.sin(angle), -radius * Math.cos(angle)];
      });
      return `<path d="${at(points)}" ${attributes}/>`;
    }
    case 'cross': {
      const q = Math.sqrt(area / 5) / 2;
      return `<path d="${at([
        [-3 * q, -q],
        [-q, -q],
        [-q, -3 * q],
        [q, -3 * q],
        [q, -q],
        [3 * q, -q],
        [3 * q, q],
        [q, q],
        [q, 3 * q],
        [-q, 3 * q],
        [-q, q],
        [-3 * q, q],
      ])}" ${attributes}/>`;
    }
    default:
      return `<circle cx="${cx}" cy="${cy}" r="${r}" ${attributes}/>`;
  }
}

const swatch = (inner) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="34" height="14" viewBox="0 0 34 14" aria-hidden="true">${inner}</svg>`;

/** A curve's swatch: its line (dash pattern) and its marker. */
export function curveSwatch(c) {
  const style = presetCurveStyle(c);
  const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
  return swatch(
    `<line x1="1" y1="7" x2="33" y2="7" stroke="${style.color}" stroke-width="2"${dash}/>` +
      markerMarkup(style.symbol, 17, 7, Math.min(style.r, 4.6), `fill="${style.color}" stroke="white"`),
  );
}

const names = (labels) => (labels.length <= 2 ? labels.join(' and ') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`);

/**
 * The legend of a preset's chart, as data both the page's HTML legend and standalone SVG files draw:
 * one entry per curve (its colour, dash pattern and marker), then what the line styles mean, and a
 * note for curves that coincide. Each entry has a key, the curve's index where it is one, its text and
 * its swatch as SVG markup (34 x 14).
 */
export function presetLegend(result) {
  const entries = result.curves.map((curve, c) => ({
    key: `curve-${c}`,
    curve: c,
    label: displayLabel(curve.label),
    swatch: curveSwatch(c),
  }));
  const shared = sharedTheories(result);
  const sharing = shared.find((group) => group.length > 1);
  entries.push({
    key: 'theory',
    label:
      (result.axis.field === 'n' ? 'dotted: theory' : 'dotted, rings: theory') +
      (sharing
        ? ` (${names(sharing.map((c) => displayLabel(result.curves[c].label)))} share one theory line: its dots alternate their colours)`
        : ''),
    swatch: swatch(
      `<line x1="3" y1="7" x2="32" y2="7" stroke="${NEUTRAL}" stroke-width="3" stroke-dasharray="0.1 5" stroke-linecap="round"/>`,
    ),
  });
  const seeds = result.preset.seeds.length;
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
  entries.push({
    key: 'gap',
    label: `lower plot: gap to the theory in %, shaded band ±${(100 * result.preset.tolerance.point).toFixed(1)} % (the per-point tolerance)`,
    swatch: swatch(
      `<rect x="2" y="3" width="30" height="8" fill="${TOLERANCE_BAND}" fill-opacity="0.12"/><line x1="2" y1="7" x2="32" y2="7" stroke="${NEUTRAL}" stroke-opacity="0.6"/>`,
    ),
  });
  for (const { curves, largest } of coincidentCurves(result)) {
    entries.push({
      key: `coincide-${curves.join('-')}`,
      label:
        `${names(curves.map((c) => displayLabel(result.curves[c].label)))} coincide within ${(100 * largest).toFixed(2)} % at every point ` +
        `(tolerance ${(100 * result.preset.tolerance.point).toFixed(0)} %): their lines and markers lie on each other`,
      swatch: swatch(
        `${markerMarkup(presetCurveStyle(curves[0]).symbol, 17, 7, 5.2, `fill="${presetCurveStyle(curves[0]).color}" stroke="white"`)}${markerMarkup(presetCurveStyle(curves[1]).symbol, 17, 7, 3.3, `fill="${presetCurveStyle(curves[1]).color}" stroke="white"`)}`,
      ),
    });
  }
  return entries;
}

const percent = (x) => `${(100 * x).toFixed(2)} %`;

/** The fidelity of a preset in one sentence, worded as the page's verdict (preset-table.ts). */
export function fidelityText(result) {
  const { medianGap, maxGap, tolerance, pass, complete, jobsDone, jobs } = result.fidelity;
  const points = result.curves.reduce((sum, curve) => sum + curve.points.length, 0);
  if (!complete) {
    const scored =
      medianGap === null
        ? 'no point is final yet'
        : `so far median |gap| ${percent(medianGap)}, largest ${percent(maxGap)} over the final points`;
    return `Fidelity: incomplete (${jobsDone} of ${jobs} jobs done) — ${scored}; tolerance ${percent(tolerance.median)} median, ${percent(tolerance.point)} per point.`;
  }
  const error = result.fidelity.standardError;
  return (
    `Fidelity: ${pass ? 'pass' : 'fail'} — median |gap| ${percent(medianGap ?? Number.NaN)} (tolerance ${percent(tolerance.median)}), ` +
    `largest |gap| ${percent(maxGap ?? Number.NaN)} (tolerance ${percent(tolerance.point)}), over ${points} points` +
    (typeof error === 'number' ? `; the evaluation's standard error of a gap is at most ${percent(error)}.` : '.')
  );
}
