// The training curve: each model's risk on the live evaluation set against the training step (log
// axes), one line per model, with its theory level dotted in the same colour. Low-rank attention's
// plateaus (directions learned one at a time) show here as a staircase.

import * as Plot from '@observablehq/plot';
import { FRAME, modelColor } from '../../wasm/palette.js';

export interface TrainingCurveData {
  nValues: number[];
  /** The model's own theory at each n. */
  theory: number[];
  /** Checkpoints of the live evaluation set: steps, and per checkpoint the risk of each model. */
  checkpoints: { steps: number[]; risk: number[][] };
  totalSteps: number;
  livePrompts: number;
}

const HEIGHT = 260;

interface Sample {
  model: string;
  step: number;
  risk: number;
}

export function renderTrainingCurve(container: HTMLElement, data: TrainingCurveData): void {
  const labels = data.nValues.map((n) => `n = ${n}`);
  const samples: Sample[] = [];
  data.checkpoints.steps.forEach((step, c) => {
    // Step 0 has no place on a log axis; the curve starts at the first step.
    if (step < 1) return;
    data.nValues.forEach((_, m) => {
      const risk = data.checkpoints.risk[c]?.[m];
      if (risk !== undefined && Number.isFinite(risk) && risk > 0) samples.push({ model: labels[m] as string, step, risk });
    });
  });
  const levels = data.theory
    .map((risk, m) => ({ model: labels[m] as string, risk }))
    .filter((level) => Number.isFinite(level.risk) && level.risk > 0);
  const risks = [...samples.map((s) => s.risk), ...levels.map((l) => l.risk)];
  const low = risks.length ? Math.min(...risks) : 0.1;
  const high = risks.length ? Math.max(...risks) : 1;
  const chart = Plot.plot({
    width: Math.max(300, container.clientWidth),
    height: HEIGHT,
    marginLeft: 56,
    marginRight: 24,
    marginBottom: 40,
    style: { fontSize: '12px' },
    ariaLabel: 'Risk on the live evaluation set against the training step',
    x: { type: 'log', domain: [1, Math.max(2, data.totalSteps)], label: 'training step', labelAnchor: 'center', labelArrow: 'none' },
    y: {
      type: 'log',
      domain: [low / 1.1, high * 1.1],
      label: `live test risk (${data.livePrompts.toLocaleString('en-US')} prompts)`,
      grid: true,
      labelArrow: 'none',
    },
    color: { domain: labels, range: labels.map((_, m) => modelColor(m)) },
    marks: [
      Plot.frame({ stroke: FRAME }),
      Plot.ruleY(levels, {
        y: 'risk',
        stroke: 'model',
        strokeDasharray: '0.1 5',
        strokeWidth: 2.4,
        strokeLinecap: 'round',
        className: 'series-theory-level',
      }),
      Plot.line(samples, { x: 'step', y: 'risk', z: 'model', stroke: 'model', strokeWidth: 1.8, className: 'series-training-curve' }),
    ],
  });
  container.replaceChildren(chart);
}

/** The legend of the training curve: a solid swatch per model in its colour, and the theory levels. */
export function renderTrainingLegend(legend: HTMLElement, nValues: readonly number[]): void {
  const items = nValues.map((n, m) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch-line';
    swatch.style.setProperty('--swatch-color', modelColor(m));
    item.append(swatch, `n = ${n}`);
    return item;
  });
  const theory = document.createElement('li');
  const dotted = document.createElement('span');
  dotted.className = 'swatch-dotted';
  theory.append(dotted, 'dotted: its theory');
  legend.replaceChildren(...items, theory);
}
