// The chart of a figure preset's result (Observable Plot, SVG) and its legend. Per curve, in the
// curve's colour: the empirical mean (solid line with dots), the spread of the seeds (min..max, a band,
// when there are several seeds), the theory (dotted; along a config field also a ring at each scored
// point, since the line between them is only a guide) and, in grey, the asymptotic approximation where
// the data model has one (drawn, never scored).
//
// Each mark's <g> carries data-curve (the curve's index), data-series (empirical-line, empirical-dots,
// spread, theory, theory-points, asymptotic) and an aria-label naming the curve and the series, so
// tests and assistive technology can find them; the classes are preset-<series>.

import * as Plot from '@observablehq/plot';
import type { CurveResult, PanelResult, Point } from '../../wasm/sweep.js';
import { displayLabel } from './chart.ts';

const CURVE_COLORS = ['#1f5fbf', '#b3421b', '#2b8a7e', '#8a63b8', '#c08a1e', '#3d4350'];
const ASYMPTOTIC_COLOR = '#8d929c';
const HEIGHT = 400;

export function presetCurveColor(index: number): string {
  return CURVE_COLORS[index % CURVE_COLORS.length] as string;
}

type Series = 'empirical-line' | 'empirical-dots' | 'spread' | 'theory' | 'theory-points' | 'asymptotic';

interface XY {
  x: number;
  y: number;
}

const formatRisk = (risk: number) => risk.toPrecision(4);

/** A Plot render transform that tags the mark's <g> for tests and screen readers. */
function tagged(curve: number, series: Series, label: string): Plot.RenderFunction {
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

function linePoints(line: { x: number[]; y: number[] } | undefined): XY[] {
  if (!line) return [];
  return line.x.map((x, i) => ({ x, y: line.y[i] ?? Number.NaN })).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
}

/** A point with a value (a diverged point has none and is left off the chart). */
type ValuedPoint = Point & { mean: number; min: number; max: number; gap: number };
const finitePoints = (curve: CurveResult): ValuedPoint[] =>
  curve.points.filter((p): p is ValuedPoint => Number.isFinite(p.x) && p.mean !== null && Number.isFinite(p.mean));

/** The x domain: the data's extent, widened around a single value so it sits mid-chart. */
function xDomain(xs: number[]): [number, number] {
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
function xTicks(xs: number[]): number[] | undefined {
  const values = [...new Set(xs)];
  if (values.length === 1) return values;
  if (!values.every(Number.isInteger)) return undefined;
  const low = Math.min(...values);
  const high = Math.max(...values);
  return high - low <= 12 ? Array.from({ length: high - low + 1 }, (_, i) => low + i) : undefined;
}

/** The y domain: from 0 to just above every empirical, spread and theory value. The asymptotic
 *  approximation can run far above the rest at small n; it is clipped at 1.5 times the others. */
function yTop(result: PanelResult): number {
  let top = 0;
  for (const curve of result.curves) {
    for (const p of finitePoints(curve)) top = Math.max(top, p.max, p.mean, Number.isFinite(p.theory) ? p.theory : 0);
    for (const p of linePoints(curve.theoryLine)) top = Math.max(top, p.y);
  }
  let asymptoticTop = 0;
  for (const curve of result.curves) for (const p of linePoints(curve.asymptoticLine)) asymptoticTop = Math.max(asymptoticTop, p.y);
  const withAsymptotic = top > 0 ? Math.max(top, Math.min(asymptoticTop, 1.5 * top)) : asymptoticTop;
  return withAsymptotic > 0 ? withAsymptotic * 1.05 : 1;
}

/** The axis as a symbol for tooltips: n, α, r, γ (the last part of the config field). */
const axisSymbol = (result: PanelResult) => displayLabel(result.axis.field.split('.').at(-1) ?? result.axis.field);

function curveMarks(result: PanelResult, curve: CurveResult, c: number): Plot.Markish[] {
  const color = presetCurveColor(c);
  const label = displayLabel(curve.label);
  const seeds = result.panel.seeds.length;
  const points = finitePoints(curve);
  const theoryAtPoints = points.filter((p) => Number.isFinite(p.theory));
  const marks: Plot.Markish[] = [];
  if (seeds > 1) {
    marks.push(
      Plot.areaY(points, {
        x: 'x',
        y1: 'min',
        y2: 'max',
        fill: color,
        fillOpacity: 0.16,
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
        stroke: ASYMPTOTIC_COLOR,
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
        title: (p: ValuedPoint) => `${label}, ${axisSymbol(result)} = ${p.x}\ntheory ${formatRisk(p.theory)}`,
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
      title: (p: ValuedPoint) =>
        `${label}, ${axisSymbol(result)} = ${p.x}\nempirical ${formatRisk(p.mean)}` +
        (seeds > 1 ? ` (seeds ${formatRisk(p.min)} to ${formatRisk(p.max)})` : '') +
        `\ntheory ${formatRisk(p.theory)}, gap ${(100 * p.gap).toFixed(2)} %`,
    }),
  );
  return marks;
}

export function renderPresetChart(container: HTMLElement, result: PanelResult): void {
  const xs = result.curves.flatMap((curve) => [
    ...finitePoints(curve).map((p) => p.x),
    ...linePoints(curve.theoryLine).map((p) => p.x),
  ]);
  const axisLabel = result.axis.label ?? result.axis.field;
  const chart = Plot.plot({
    width: Math.max(320, container.clientWidth),
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
      ...(xTicks(xs) ? { ticks: xTicks(xs), tickFormat: (x: number) => String(x) } : {}),
    },
    y: { label: 'test risk E[(y − ŷ)²]', domain: [0, yTop(result)], grid: true, labelArrow: 'none' },
    marks: [Plot.frame({ stroke: '#ccc' }), ...result.curves.flatMap((curve, c) => curveMarks(result, curve, c))],
  });
  container.replaceChildren(chart);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function svgElement(name: string, attributes: Record<string, string>): SVGElement {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  return element;
}

function swatch(...children: SVGElement[]): SVGElement {
  const svg = svgElement('svg', { width: '34', height: '14', 'aria-hidden': 'true' });
  svg.append(...children);
  return svg;
}

function legendItem(key: string, icon: SVGElement, text: string): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.legend = key;
  const span = document.createElement('span');
  span.textContent = text;
  item.append(icon, span);
  return item;
}

/** One entry per curve (its colour: solid line and dot), then what the line styles mean. */
export function renderPresetLegend(legend: HTMLElement, result: PanelResult): void {
  const items = result.curves.map((curve, c) => {
    const color = presetCurveColor(c);
    const icon = swatch(
      svgElement('line', { x1: '2', y1: '7', x2: '32', y2: '7', stroke: color, 'stroke-width': '2' }),
      svgElement('circle', { cx: '17', cy: '7', r: '4', fill: color, stroke: 'white' }),
    );
    const item = legendItem(`curve-${c}`, icon, displayLabel(curve.label));
    item.dataset.curve = String(c);
    return item;
  });
  const neutral = '#3d4350';
  items.push(
    legendItem(
      'theory',
      swatch(
        svgElement('line', {
          x1: '3', y1: '7', x2: '32', y2: '7', stroke: neutral, 'stroke-width': '2.6', 'stroke-dasharray': '0.1 5', 'stroke-linecap': 'round',
        }),
      ),
      result.axis.field === 'n' ? 'dotted: theory' : 'dotted, rings: theory',
    ),
  );
  const seeds = result.panel.seeds.length;
  if (seeds > 1) {
    items.push(
      legendItem(
        'spread',
        swatch(svgElement('rect', { x: '2', y: '2', width: '30', height: '10', fill: neutral, 'fill-opacity': '0.18' })),
        `band: min to max over ${seeds} seeds (line: their mean)`,
      ),
    );
  }
  const asymptoticLabels = [...new Set(result.curves.flatMap((curve) => (curve.asymptoticLine ? [curve.asymptoticLine.label] : [])))];
  if (asymptoticLabels.length > 0) {
    items.push(
      legendItem(
        'asymptotic',
        swatch(svgElement('line', { x1: '2', y1: '7', x2: '32', y2: '7', stroke: ASYMPTOTIC_COLOR, 'stroke-width': '1.5', 'stroke-dasharray': '5 4' })),
        `grey: ${asymptoticLabels.map(displayLabel).join('; ')}; drawn, excluded from the fidelity figures`,
      ),
    );
  }
  legend.replaceChildren(...items);
}
