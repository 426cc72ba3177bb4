// The read-out views of one trained model (Observable Plot, SVG): its effective preconditioner W_eff
// beside the optimal W* as two heatmaps on one colour scale, their relative Frobenius distance, and its
// sample weights omega by lag beside omega*. Marks carry classes for tests and stylesheets:
// .heatmap-cells (finite entries), .heatmap-nonfinite, .series-learned-weights, .series-optimal-weights.

import * as Plot from '@observablehq/plot';
import { roleNamedParts } from '../../wasm/preset-chart.js';
import { EMPIRICAL, FRAME, GUIDE, HEATMAP_SCHEME, NONFINITE, THEORY } from '../../wasm/palette.js';
import type { ModelReadout } from './protocol.ts';

export interface ReadoutElements {
  learnedHeatmap: HTMLElement;
  optimalHeatmap: HTMLElement;
  colorLegend: HTMLElement;
  distance: HTMLOutputElement;
  sampleWeights: HTMLElement;
}

const LEARNED_COLOR = EMPIRICAL;
const OPTIMAL_COLOR = THEORY;
/** Side of the square heatmap area, in pixels, before margins. */
const HEATMAP_SIDE = 216;
/** Dots mark each lag while they stay apart. */
const MAX_DOTTED_LAGS = 48;

interface Entry {
  row: number;
  column: number;
  value: number;
}

const formatEntry = (value: number) => (Number.isFinite(value) ? value.toPrecision(4) : String(value));

function matrixEntries(values: readonly number[], d: number): Entry[] {
  const entries: Entry[] = [];
  for (let row = 0; row < d; row++) {
    for (let column = 0; column < d; column++) {
      entries.push({ row: row + 1, column: column + 1, value: values[row * d + column] ?? Number.NaN });
    }
  }
  return entries;
}

/** Every index at small d; otherwise 1, the multiples of a round step (at most about seven labels) and d. */
function indexTicks(d: number): number[] {
  if (d <= 10) return Array.from({ length: d }, (_, i) => i + 1);
  const step = [2, 4, 5, 8, 10, 16, 20, 25, 32, 50].find((s) => d / s <= 6) ?? 64;
  const ticks = [1];
  for (let i = step; i < d; i += step) ticks.push(i);
  // The last label would crowd d.
  if (d - (ticks[ticks.length - 1] as number) < step / 2 && ticks.length > 1) ticks.pop();
  ticks.push(d);
  return ticks;
}

/** The symmetric colour domain [-M, M] shared by both heatmaps: M is the largest finite |entry|. */
function colorDomain(...matrices: (readonly number[])[]): [number, number] {
  let largest = 0;
  for (const matrix of matrices) for (const value of matrix) if (Number.isFinite(value)) largest = Math.max(largest, Math.abs(value));
  const bound = largest > 0 ? largest : 1;
  return [-bound, bound];
}

function colorScale(domain: [number, number]) {
  return { type: 'linear' as const, scheme: HEATMAP_SCHEME, domain };
}

function heatmap(values: readonly number[], d: number, domain: [number, number], name: string): SVGSVGElement | HTMLElement {
  const entries = matrixEntries(values, d);
  const cellSize = Math.max(3, Math.min(40, Math.floor(HEATMAP_SIDE / d)));
  const indices = Array.from({ length: d }, (_, i) => i + 1);
  const ticks = indexTicks(d);
  return Plot.plot({
    width: cellSize * d + 52,
    height: cellSize * d + 44,
    marginLeft: 44,
    marginRight: 8,
    marginTop: 36,
    marginBottom: 8,
    style: { fontSize: '11px' },
    ariaLabel: `${name}, ${d} by ${d}`,
    x: {
      type: 'band',
      domain: indices,
      axis: 'top',
      ticks,
      tickSize: 0,
      label: 'column j',
      labelAnchor: 'center',
      labelArrow: 'none',
      padding: 0,
    },
    y: { type: 'band', domain: indices, ticks, tickSize: 0, label: 'row i', labelAnchor: 'center', labelArrow: 'none', padding: 0 },
    color: colorScale(domain),
    marks: [
      Plot.cell(
        entries.filter((e) => Number.isFinite(e.value)),
        {
          x: 'column',
          y: 'row',
          fill: 'value',
          inset: d <= 16 ? 0.5 : 0,
          className: 'heatmap-cells',
          title: (e: Entry) => `${name}[${e.row}, ${e.column}] = ${formatEntry(e.value)}`,
        },
      ),
      // A diverged entry is shown, in grey, rather than dropped or drawn as NaN.
      Plot.cell(
        entries.filter((e) => !Number.isFinite(e.value)),
        {
          x: 'column',
          y: 'row',
          fill: NONFINITE,
          className: 'heatmap-nonfinite',
          title: (e: Entry) => `${name}[${e.row}, ${e.column}] is not finite`,
        },
      ),
    ],
  });
}

function placeholder(text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'readout-missing';
  p.textContent = text;
  return p;
}

interface WeightPoint {
  lag: number;
  weight: number;
}

function weightPoints(weights: readonly number[]): WeightPoint[] {
  return weights.map((weight, t) => ({ lag: t + 1, weight })).filter((p) => Number.isFinite(p.weight));
}

function sampleWeightsChart(readout: ModelReadout, width: number): SVGSVGElement | HTMLElement {
  const learned = weightPoints(readout.learnedSampleWeights);
  const optimal = weightPoints(readout.optimal?.sampleWeights ?? []);
  const all = [...learned, ...optimal].map((p) => p.weight);
  const top = all.length > 0 ? Math.max(...all) : 1;
  const bottom = all.length > 0 ? Math.min(...all) : 0;
  const n = readout.n;
  const dotted = n <= MAX_DOTTED_LAGS;
  const scaleNote = Number.isFinite(readout.sampleWeightScale) ? '' : ' (raw: their mean is zero or not finite)';
  return Plot.plot({
    width,
    height: 250,
    marginLeft: 48,
    marginRight: 16,
    marginBottom: 40,
    style: { fontSize: '12px' },
    ariaLabel: `Sample weights by lag, n = ${n}`,
    x: {
      type: 'linear',
      domain: n > 1 ? [1, n] : [0.5, 1.5],
      label: 'lag',
      labelAnchor: 'center',
      labelArrow: 'none',
      inset: 8,
      // Lags are whole numbers.
      ticks: Math.min(n, 10),
      tickFormat: (lag: number) => (Number.isInteger(lag) ? String(lag) : ''),
    },
    y: {
      label: `weight, normalised to mean 1${scaleNote}`,
      domain: [Math.min(0, bottom * 1.1), top > 0 ? top * 1.1 : 1],
      grid: true,
      labelArrow: 'none',
    },
    marks: [
      Plot.frame({ stroke: FRAME }),
      Plot.ruleY([1], { stroke: GUIDE, strokeDasharray: '3 3' }),
      Plot.line(optimal, {
        x: 'lag',
        y: 'weight',
        stroke: OPTIMAL_COLOR,
        strokeWidth: 2.5,
        strokeDasharray: '0.1 5',
        strokeLinecap: 'round',
        className: 'series-optimal-weights',
        ariaDescription: 'optimal sample weights ω*',
      }),
      dotted
        ? Plot.dot(optimal, {
            x: 'lag',
            y: 'weight',
            r: 3.5,
            stroke: OPTIMAL_COLOR,
            fill: 'white',
            className: 'series-optimal-weights-dots',
            title: (p: WeightPoint) => `lag ${p.lag}: optimal ω* = ${p.weight.toPrecision(4)}`,
          })
        : null,
      Plot.line(learned, {
        x: 'lag',
        y: 'weight',
        stroke: LEARNED_COLOR,
        strokeWidth: 2,
        className: 'series-learned-weights',
        ariaDescription: 'learned sample weights ω',
      }),
      dotted
        ? Plot.dot(learned, {
            x: 'lag',
            y: 'weight',
            r: 3,
            fill: LEARNED_COLOR,
            className: 'series-learned-weights-dots',
            title: (p: WeightPoint) => `lag ${p.lag}: learned ω = ${p.weight.toPrecision(4)}`,
          })
        : null,
    ],
  });
}

export function formatDistance(distance: number | null): string {
  return distance !== null && Number.isFinite(distance) ? distance.toPrecision(3) : '—';
}

export function renderReadout(elements: ReadoutElements, readout: ModelReadout): void {
  const { d } = readout;
  const optimal = readout.optimal;
  const domain = colorDomain(readout.learnedPreconditioner, optimal?.preconditioner ?? []);
  elements.learnedHeatmap.replaceChildren(heatmap(readout.learnedPreconditioner, d, domain, 'W_eff'));
  elements.optimalHeatmap.replaceChildren(
    optimal && optimal.preconditioner.length === d * d
      ? heatmap(optimal.preconditioner, d, domain, 'W*')
      : placeholder('The optimum is not available for this configuration.'),
  );
  const legend = Plot.legend({
    color: { ...colorScale(domain), label: 'entry value (shared by both maps)' },
    // Margins keep the end tick labels ("-0.006") whole.
    width: 300,
    marginLeft: 18,
    marginRight: 18,
    ticks: 5,
    tickFormat: (value: number) => Number(value.toPrecision(2)).toString(),
    className: 'heatmap-color-legend',
  });
  elements.colorLegend.replaceChildren(legend);
  elements.distance.value = formatDistance(readout.relativeDistance);
  elements.distance.dataset.value = String(readout.relativeDistance ?? '');
  const width = Math.max(300, Math.min(560, elements.sampleWeights.clientWidth || 480));
  elements.sampleWeights.replaceChildren(sampleWeightsChart(readout, width));
  for (const view of [elements.learnedHeatmap, elements.optimalHeatmap, elements.colorLegend, elements.sampleWeights]) roleNamedParts(view);
}
