// The risk-vs-n chart (Observable Plot, SVG) and its legend. Each series is a mark with its own class,
// so tests and stylesheets can find it: .series-theory (the config's own model curve), .series-reference
// (the other theory curves), .series-empirical-line and .series-empirical-dots (a live estimate while
// training: .series-live on both). Every
// theory curve's <g> also carries data-curve (the curve's name) and aria-label (its label).
//
// Curves that coincide stay visible: the model's theory is dotted and drawn over the empirical line
// with a white halo under each dot; each reference has a dash pattern of its own (palette.js), so one
// lying on another shows both patterns; and the legend says which theory curves coincide.

import * as Plot from '@observablehq/plot';
import { displayLabel, RISK_AXIS_LABEL } from '../../wasm/labels.js';
import { EMPIRICAL, FRAME, THEORY, theoryCurveColor, theoryCurveDash } from '../../wasm/palette.js';
import { roleNamedParts } from '../../wasm/preset-chart.js';
import { riskAxis } from '../../wasm/risk-axis.js';
import type { DenseTheoryCurve } from './protocol.ts';

export interface ChartData {
  /** Context length of each trained model. */
  nValues: number[];
  /** The config's theory curves, its model's own first. */
  theoryCurves: DenseTheoryCurve[];
  /** Per model: the risk on the live evaluation set while training, on the full set once evaluated; null where none. */
  empirical: (number | null)[] | null;
  /** Whether `empirical` is the live estimate (drawn lighter, dashed). */
  live: boolean;
  logN: boolean;
  /** Start the risk axis just below the lowest curve instead of at 0, so close curves separate. */
  fitRisk: boolean;
}

interface Point {
  n: number;
  risk: number;
}

const HEIGHT = 380;

// The static legend swatches of index.html are drawn by the stylesheet; their colours come from the
// palette too (styles.css reads these properties).
document.documentElement.style.setProperty('--series-empirical', EMPIRICAL);
document.documentElement.style.setProperty('--series-theory', THEORY);

/** The colour of theory curve `index` (0 is the model's own). */
export const curveColor = theoryCurveColor;

export { displayLabel };

/** Only finite points reach the chart: a diverged model or a loss not yet computed (NaN) is left
 *  out rather than drawn as a broken path. */
function finitePoints(n: readonly number[], risk: readonly (number | null)[] | null, logN: boolean): Point[] {
  if (!risk) return [];
  return n
    .map((value, i) => ({ n: value, risk: risk[i] ?? Number.NaN }))
    .filter((p) => Number.isFinite(p.n) && Number.isFinite(p.risk) && (!logN || p.n > 0));
}

const formatRisk = (risk: number) => risk.toPrecision(4);

/** Lower end of the risk axis: 0, or with fitRisk a little below the lowest theory or empirical point
 *  (training-batch losses are noisy and left to be clipped). */
function riskAxisBottom(theory: Point[], empirical: Point[], top: number, fitRisk: boolean): number {
  if (!fitRisk) return 0;
  const lowest = [...theory, ...empirical].reduce((min, p) => Math.min(min, p.risk), Number.POSITIVE_INFINITY);
  if (!Number.isFinite(lowest) || lowest >= top) return 0;
  return Math.max(0, lowest - 0.05 * (top - lowest));
}

/** A Plot render transform that tags a theory curve's <g> with its name and label. */
function tagCurve(curve: DenseTheoryCurve): Plot.RenderFunction {
  return function (index, scales, values, dimensions, context, next) {
    const g = next?.(index, scales, values, dimensions, context) ?? null;
    if (g) {
      g.setAttribute('data-curve', curve.name);
      g.setAttribute('aria-label', displayLabel(curve.label));
    }
    return g;
  };
}

/** The reference curves (dashed, under the empirical line), or the model's own theory (dotted, over
 *  it with a white halo, so that its dots show where the trained models land on it). */
function theoryMarks(curves: readonly { curve: DenseTheoryCurve; points: Point[] }[], which: 'references' | 'own'): Plot.Markish[] {
  const line = ({ curve, points, index }: { curve: DenseTheoryCurve; points: Point[]; index: number }) =>
    Plot.line(points, {
      x: 'n',
      y: 'risk',
      stroke: curveColor(index),
      strokeWidth: index === 0 ? 2.8 : 2,
      strokeOpacity: index === 0 ? 1 : 0.8,
      // Near-zero dashes with round caps draw as dots (the model's own theory); references dashed.
      strokeDasharray: theoryCurveDash(index),
      strokeLinecap: index === 0 ? 'round' : 'butt',
      className: index === 0 ? 'series-theory' : 'series-reference',
      ariaDescription: `${index === 0 ? 'theory of this model' : 'reference'}: ${displayLabel(curve.label)}`,
      render: tagCurve(curve),
    });
  const indexed = curves.map((entry, index) => ({ ...entry, index }));
  if (which === 'references') return indexed.slice(1).reverse().map(line);
  const own = indexed[0];
  if (!own) return [];
  return [
    Plot.line(own.points, {
      x: 'n',
      y: 'risk',
      stroke: 'white',
      strokeWidth: 5,
      strokeDasharray: theoryCurveDash(0),
      strokeLinecap: 'round',
      ariaHidden: 'true',
    }),
    line(own),
  ];
}

/** Pairs of theory curves that agree within `tolerance` (relative) at every n: drawn over each other,
 *  they look like one, so the legend says so. */
export function coincidentTheoryCurves(curves: readonly DenseTheoryCurve[], tolerance = 1e-3): [number, number][] {
  const pairs: [number, number][] = [];
  curves.forEach((a, i) => {
    curves.forEach((b, j) => {
      if (j <= i) return;
      let shared = 0;
      const close = a.n.every((n, k) => {
        const other = b.n.indexOf(n);
        const x = a.risk[k];
        const y = other >= 0 ? b.risk[other] : undefined;
        if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) return true;
        shared += 1;
        return Math.abs(x - y) <= tolerance * Math.max(Math.abs(x), Math.abs(y), 1e-12);
      });
      if (close && shared > 0) pairs.push([i, j]);
    });
  });
  return pairs;
}

export function renderChart(container: HTMLElement, data: ChartData): void {
  const curves = data.theoryCurves.map((curve) => ({ curve, points: finitePoints(curve.n, curve.risk, data.logN) }));
  const theory = curves.flatMap((entry) => entry.points);
  const empirical = finitePoints(data.nValues, data.empirical, data.logN);
  const allN = [...theory, ...empirical].map((p) => p.n);
  const maxN = allN.length > 0 ? Math.max(...allN) : 1;
  const axis = riskAxis(
    theory.map((p) => p.risk),
    empirical.map((p) => p.risk),
  );
  const riskTop = axis.top;
  const outliers = empirical.filter((p) => axis.isOutlier(p.risk));
  const what = data.live ? 'live estimate of the test risk' : 'empirical test risk of the trained models';
  const live = data.live ? ' series-live' : '';

  const chart = Plot.plot({
    width: Math.max(320, container.clientWidth),
    height: HEIGHT,
    marginLeft: 56,
    marginRight: 24,
    marginBottom: 44,
    style: { fontSize: '13px' },
    ariaLabel: 'Test risk against context length n',
    x: {
      ...(data.logN ? { type: 'log', domain: [1, Math.max(2, maxN)] } : { type: 'linear', domain: [0, Math.max(1, maxN)] }),
      label: 'context length n',
      labelAnchor: 'center',
      labelArrow: 'none',
      // Keeps the dots at the ends of the axis whole instead of cut by the frame.
      inset: 8,
    },
    y: {
      label: RISK_AXIS_LABEL,
      domain: [riskAxisBottom(theory, empirical, riskTop, data.fitRisk), riskTop],
      grid: true,
      labelArrow: 'none',
    },
    marks: [
      Plot.frame({ stroke: FRAME }),
      ...theoryMarks(curves, 'references'),
      Plot.line(empirical, {
        x: 'n',
        y: 'risk',
        stroke: EMPIRICAL,
        strokeWidth: 2,
        strokeDasharray: data.live ? '6 3' : undefined,
        clip: true,
        className: `series-empirical-line${live}`,
        ariaDescription: what,
      }),
      ...theoryMarks(curves, 'own'),
      Plot.dot(empirical, {
        x: 'n',
        y: 'risk',
        r: 4,
        fill: data.live ? 'white' : EMPIRICAL,
        stroke: data.live ? EMPIRICAL : 'white',
        strokeWidth: data.live ? 1.5 : 1,
        clip: true,
        className: `series-empirical-dots${live}`,
        ariaDescription: what,
        ariaLabel: (p: Point) => `n = ${p.n}: risk ${formatRisk(p.risk)}`,
        title: (p: Point) => `n = ${p.n}\n${what} ${formatRisk(p.risk)}`,
      }),
      // Outliers: a triangle on the top edge, the value in its tooltip.
      Plot.dot(outliers, {
        x: 'n',
        y: () => riskTop,
        symbol: 'triangle',
        r: 5,
        fill: EMPIRICAL,
        stroke: 'white',
        className: `series-outliers${live}`,
        ariaDescription: `${what}, above the axis`,
        ariaLabel: (p: Point) => `n = ${p.n}: risk ${formatRisk(p.risk)}, above the axis`,
        title: (p: Point) => `n = ${p.n}\n${what} ${formatRisk(p.risk)}: above the axis, which is fitted to the theory`,
      }),
    ],
  });
  roleNamedParts(chart);
  container.replaceChildren(chart);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A dotted-line swatch in the colour and weight of theory curve `index`. */
function curveSwatch(index: number): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('width', '34');
  svg.setAttribute('height', '12');
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS(SVG_NS, 'line');
  for (const [name, value] of Object.entries({
    x1: '3',
    y1: '6',
    x2: '32',
    y2: '6',
    stroke: curveColor(index),
    'stroke-width': index === 0 ? '2.8' : '2',
    'stroke-opacity': index === 0 ? '1' : '0.8',
    'stroke-dasharray': theoryCurveDash(index),
    'stroke-linecap': index === 0 ? 'round' : 'butt',
  })) {
    line.setAttribute(name, value);
  }
  svg.append(line);
  return svg;
}

/**
 * Writes one legend entry per theory curve into `legend`, after the empirical entry (static in
 * index.html): the model's own curve first, then the references, each with its label as the module
 * words it.
 */
export function renderCurveLegend(legend: HTMLElement, curves: readonly DenseTheoryCurve[]): void {
  for (const stale of legend.querySelectorAll('li[data-curve]')) stale.remove();
  curves.forEach((curve, index) => {
    const item = document.createElement('li');
    item.dataset.curve = curve.name;
    item.className = index === 0 ? 'legend-model-curve' : 'legend-reference-curve';
    const text = document.createElement('span');
    const role = document.createElement('strong');
    role.textContent = index === 0 ? 'theory: ' : 'reference: ';
    text.append(role, displayLabel(curve.label));
    item.append(curveSwatch(index), text);
    legend.append(item);
  });
  for (const [a, b] of coincidentTheoryCurves(curves)) {
    const item = document.createElement('li');
    item.dataset.curve = `coincide-${a}-${b}`;
    item.className = 'legend-coincide';
    item.textContent = `${displayLabel(curves[a]?.label ?? '')} and ${displayLabel(curves[b]?.label ?? '')} coincide here (within 0.1 %): the ${b === 0 || a === 0 ? 'dots run along the dashes' : 'dash patterns overlap'}.`;
    legend.append(item);
  }
}
