// The risk-vs-n chart (Observable Plot, SVG). Each series is a mark with its own class, so tests and
// stylesheets can find it: .series-theory, .series-empirical-line, .series-empirical-dots,
// .series-train-loss.

import * as Plot from '@observablehq/plot';
import type { TheoryCurve } from './protocol.ts';

export interface ChartData {
  /** Context length of each trained model. */
  nValues: number[];
  theoryCurve: TheoryCurve | null;
  /** Per model, once evaluated. */
  empirical: number[] | null;
  /** Per model, the latest training-batch loss; only while training. */
  trainLoss: number[] | null;
  logN: boolean;
}

interface Point {
  n: number;
  risk: number;
}

const EMPIRICAL_COLOR = '#1f5fbf';
const THEORY_COLOR = '#b3421b';
const HEIGHT = 380;

/** Only finite points reach the chart: a diverged model or a loss not yet computed (NaN) is left
 *  out rather than drawn as a broken path. */
function finitePoints(n: readonly number[], risk: readonly number[] | null, logN: boolean): Point[] {
  if (!risk) return [];
  return n
    .map((value, i) => ({ n: value, risk: risk[i] ?? Number.NaN }))
    .filter((p) => Number.isFinite(p.n) && Number.isFinite(p.risk) && (!logN || p.n > 0));
}

const formatRisk = (risk: number) => risk.toPrecision(4);

/** Upper end of the risk axis: every theory and empirical point fits; training-batch losses (which
 *  can spike far above the curve early on) may stretch it to at most 1.5 times the theory maximum,
 *  beyond which they are clipped. */
function riskAxisTop(theory: Point[], empirical: Point[], trainLoss: Point[]): number {
  const maxOf = (points: Point[]) => points.reduce((max, p) => Math.max(max, p.risk), 0);
  const theoryMax = maxOf(theory);
  const trainCap = theoryMax > 0 ? 1.5 * theoryMax : Number.POSITIVE_INFINITY;
  const top = Math.max(theoryMax, maxOf(empirical), Math.min(maxOf(trainLoss), trainCap));
  return top > 0 ? top * 1.05 : 1;
}

export function renderChart(container: HTMLElement, data: ChartData): void {
  const theory = finitePoints(data.theoryCurve?.n ?? [], data.theoryCurve?.risk ?? null, data.logN);
  const empirical = finitePoints(data.nValues, data.empirical, data.logN);
  const trainLoss = finitePoints(data.nValues, data.trainLoss, data.logN);
  const allN = [...theory, ...empirical, ...trainLoss].map((p) => p.n);
  const maxN = allN.length > 0 ? Math.max(...allN) : 1;

  const chart = Plot.plot({
    width: Math.max(320, container.clientWidth),
    height: HEIGHT,
    marginLeft: 56,
    marginRight: 24,
    marginBottom: 44,
    style: { fontSize: '13px' },
    ariaLabel: 'Test risk against context length n',
    x: {
      ...(data.logN
        ? { type: 'log', domain: [1, Math.max(2, maxN)] }
        : { type: 'linear', domain: [0, Math.max(1, maxN)] }),
      label: 'context length n',
      labelAnchor: 'center',
      labelArrow: 'none',
      // Keeps the dots at the ends of the axis whole instead of cut by the frame.
      inset: 8,
    },
    y: {
      label: 'test risk E[(y − ŷ)²]',
      domain: [0, riskAxisTop(theory, empirical, trainLoss)],
      grid: true,
      labelArrow: 'none',
    },
    marks: [
      Plot.frame({ stroke: '#ccc' }),
      Plot.line(theory, {
        x: 'n',
        y: 'risk',
        stroke: THEORY_COLOR,
        strokeWidth: 2.5,
        // Near-zero dashes with round caps draw as dots.
        strokeDasharray: '0.1 5',
        strokeLinecap: 'round',
        className: 'series-theory',
        ariaDescription: 'theory L*(n), optimal preconditioned gradient descent',
      }),
      Plot.dot(trainLoss, {
        x: 'n',
        y: 'risk',
        r: 5,
        fill: EMPIRICAL_COLOR,
        fillOpacity: 0.3,
        clip: true,
        className: 'series-train-loss',
        ariaDescription: 'latest training-batch loss',
        title: (p: Point) => `n = ${p.n}\nlatest training-batch loss ${formatRisk(p.risk)}`,
      }),
      Plot.line(empirical, {
        x: 'n',
        y: 'risk',
        stroke: EMPIRICAL_COLOR,
        strokeWidth: 2,
        className: 'series-empirical-line',
        ariaDescription: 'empirical test risk of the trained models',
      }),
      Plot.dot(empirical, {
        x: 'n',
        y: 'risk',
        r: 4,
        fill: EMPIRICAL_COLOR,
        stroke: 'white',
        className: 'series-empirical-dots',
        ariaDescription: 'empirical test risk of the trained models',
        ariaLabel: (p: Point) => `n = ${p.n}: risk ${formatRisk(p.risk)}`,
        title: (p: Point) => `n = ${p.n}\nempirical test risk ${formatRisk(p.risk)}`,
      }),
    ],
  });
  container.replaceChildren(chart);
}
