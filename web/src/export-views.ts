// What each chart of the page exports (export.ts makes the files): its provenance, its table, its
// JSON data and its figure.
//   main chart      the run's normalised config; per trained n the empirical risk, every theory curve
//                   and the relative gap; the dense theory curves in JSON;
//   W_eff and W*    the chosen model's learned and optimal preconditioner, entry by entry;
//   sample weights  the chosen model's learned and optimal weight per lag;
//   preset chart    the preset's provenance (its id, quick flag, resolved preset and each curve's config),
//                   the table and JSON of `icl-playground reproduce`.
// The page keeps its whole state in the URL fragment, so the link of the page's own run is
// location.href at the time of the export; a preset's link is presetLink on the page's address.

import { displayLabel } from '../../wasm/labels.js';
import { presetLink } from '../../wasm/link.js';
import { fidelityText, presetLegend } from '../../wasm/preset-chart.js';
import { presetProvenance, provenance } from '../../wasm/provenance.js';
import { presetTable, type PresetResult } from '../../run/preset.js';
import { attachExportBar, legendEntries, plainText, standaloneSvg } from './export.ts';
import type { ModelReadout, TrainingResult } from './protocol.ts';

function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`missing #${id}`);
  return element;
}

/** The <svg> a chart container shows (Plot's figure or the svg itself). */
function chartSvg(container: HTMLElement): SVGSVGElement | null {
  return container.querySelector('svg');
}

const runProvenance = (result: TrainingResult) => provenance({ link: location.href, buildId: result.buildId, config: result.config });

const numberText = (value: number) => value.toLocaleString('en-US');

function runNote(result: TrainingResult): string {
  const steps =
    result.status === 'done'
      ? `${numberText(result.stepsDone)} Adam steps`
      : `stopped after ${numberText(result.stepsDone)} of ${numberText(result.totalSteps)} Adam steps`;
  return `${steps}; risk measured on ${numberText(result.config.evaluation.prompts)} evaluation prompts.`;
}

/** A dense theory curve's value at n (it holds every integer from 0), or NaN. */
function riskAt(curve: TrainingResult['theoryCurves'][number], n: number): number {
  const index = curve.n.indexOf(n);
  return index >= 0 ? (curve.risk[index] ?? Number.NaN) : Number.NaN;
}

function riskView(result: TrainingResult) {
  const chart = byId('chart', HTMLElement);
  const curves = result.theoryCurves;
  const relativeGap = result.empirical.map((value, i) => (value === null ? Number.NaN : value / (result.theory[i] ?? Number.NaN) - 1));
  return {
    fileStem: 'icl-risk-vs-n',
    provenance: runProvenance(result),
    table: {
      columns: ['n', 'empirical', ...curves.map((curve) => curve.name), 'relative_gap'],
      rows: result.nValues.map((n, i) => [
        n,
        result.empirical[i] ?? Number.NaN,
        ...curves.map((curve) => riskAt(curve, n)),
        relativeGap[i] ?? Number.NaN,
      ]),
    },
    data: {
      view: 'risk-vs-n',
      status: result.status,
      stepsDone: result.stepsDone,
      totalSteps: result.totalSteps,
      n: result.nValues,
      empirical: result.empirical,
      relativeGap,
      theoryCurves: curves,
    },
    figure: () => {
      const svg = chartSvg(chart);
      const first = curves[0];
      return {
        title: 'Test risk against context length n',
        legend: legendEntries(byId('chart-legend', HTMLElement)),
        rows: svg ? [[standaloneSvg(svg)]] : [],
        notes: [first ? `Theory: ${displayLabel(first.label)}. ${runNote(result)}` : runNote(result)],
      };
    },
  };
}

/** A d x d row-major matrix as rows. */
const matrixRows = (values: readonly number[], d: number) => Array.from({ length: d }, (_, row) => values.slice(row * d, (row + 1) * d));

function preconditionerView(result: TrainingResult, readout: ModelReadout) {
  const { d, n } = readout;
  const optimal = readout.optimal?.preconditioner.length === d * d ? readout.optimal.preconditioner : null;
  const rows: (string | number)[][] = [];
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++)
      rows.push([
        n,
        i + 1,
        j + 1,
        readout.learnedPreconditioner[i * d + j] ?? Number.NaN,
        optimal ? (optimal[i * d + j] ?? Number.NaN) : '',
      ]);
  }
  return {
    fileStem: `icl-preconditioner-n${n}`,
    provenance: runProvenance(result),
    table: { columns: ['n', 'row', 'column', 'W_eff', 'W_star'], rows },
    data: {
      view: 'preconditioner',
      n,
      d,
      W_eff: matrixRows(readout.learnedPreconditioner, d),
      W_star: optimal ? matrixRows(optimal, d) : null,
      relativeDistance: readout.relativeDistance,
      sampleWeightScale: readout.sampleWeightScale,
    },
    figure: () => {
      const view = byId('preconditioner-view', HTMLElement);
      const maps = [...view.querySelectorAll<HTMLElement>('.heatmap')].flatMap((map) => {
        const svg = map.querySelector<SVGSVGElement>('.heatmap-plot svg');
        const heading = map.querySelector('h3');
        return svg ? [{ ...standaloneSvg(svg), title: heading ? plainText(heading) : '' }] : [];
      });
      const legend = byId('heatmap-legend', HTMLElement).querySelector('svg');
      const caption = view.querySelector('figcaption');
      const distance = view.querySelector('.distance');
      return {
        title: `The learned preconditioner W_eff beside the optimal W*, context length n = ${n}`,
        rows: [maps, ...(legend ? [[standaloneSvg(legend)]] : [])],
        notes: [
          distance ? plainText(distance) : '',
          optimal ? '' : 'The optimum is not available for this configuration.',
          caption ? plainText(caption) : '',
        ].filter(Boolean),
      };
    },
  };
}

function sampleWeightsView(result: TrainingResult, readout: ModelReadout) {
  const optimal = readout.optimal?.sampleWeights ?? [];
  return {
    fileStem: `icl-sample-weights-n${readout.n}`,
    provenance: runProvenance(result),
    table: {
      columns: ['n', 'lag', 'learned_omega', 'optimal_omega'],
      rows: readout.learnedSampleWeights.map((weight, t) => [readout.n, t + 1, weight, optimal[t] ?? '']),
    },
    data: {
      view: 'sample-weights',
      n: readout.n,
      learnedSampleWeights: readout.learnedSampleWeights,
      optimalSampleWeights: readout.optimal?.sampleWeights ?? null,
      sampleWeightScale: readout.sampleWeightScale,
    },
    figure: () => {
      const view = byId('sample-weights-view', HTMLElement);
      const svg = chartSvg(byId('sample-weights-chart', HTMLElement));
      const caption = view.querySelector('figcaption');
      return {
        title: `Sample weights by lag, context length n = ${readout.n}`,
        legend: legendEntries(byId('sample-weights-legend', HTMLElement)),
        rows: svg ? [[standaloneSvg(svg)]] : [],
        notes: caption ? [plainText(caption)] : [],
      };
    },
  };
}

/**
 * The export buttons of the main chart and of the read-outs. `result` is the finished (or stopped)
 * run the chart shows, null while none is; `readout` the model chosen in the read-outs. Call refresh()
 * when either changes.
 */
export function initPageExports(sources: { result: () => TrainingResult | null; readout: () => ModelReadout | null }): { refresh(): void } {
  const withReadout = () => {
    const result = sources.result();
    const readout = sources.readout();
    return result && readout ? { result, readout } : null;
  };
  const bars = [
    attachExportBar(byId('chart-export', HTMLElement), {
      available: () => sources.result() !== null,
      build: () => riskView(sources.result() as TrainingResult),
    }),
    attachExportBar(byId('preconditioner-export', HTMLElement), {
      available: () => withReadout() !== null,
      build: () => {
        const { result, readout } = withReadout() as { result: TrainingResult; readout: ModelReadout };
        return preconditionerView(result, readout);
      },
    }),
    attachExportBar(byId('sample-weights-export', HTMLElement), {
      available: () => withReadout() !== null,
      build: () => {
        const { result, readout } = withReadout() as { result: TrainingResult; readout: ModelReadout };
        return sampleWeightsView(result, readout);
      },
    }),
  ];
  return { refresh: () => bars.forEach((bar) => bar.refresh()) };
}

/** The export buttons of the preset result on show (`shown`: null while none is); refresh() on change. */
export function initPresetExport(shown: () => PresetResult | null): { refresh(): void } {
  return attachExportBar(byId('preset-export', HTMLElement), {
    available: () => shown() !== null,
    build: () => {
      const result = shown() as PresetResult;
      const link = presetLink({
        preset: result.id,
        recipe: result.preset.recipe?.name,
        quick: result.quick,
        buildId: result.buildId,
        base: location.href.split('#')[0],
      });
      return {
        fileStem: `icl-${result.id}${result.quick ? '-quick' : ''}`,
        provenance: presetProvenance(result, { link }),
        table: presetTable(result),
        // As the command line's <id>.json: the provenance beside the whole result.
        data: { ...result },
        figure: () => {
          const svg = chartSvg(byId('preset-chart', HTMLElement));
          return {
            title: displayLabel(result.title),
            intro: result.note ? [displayLabel(result.note)] : [],
            legend: presetLegend(result),
            rows: svg ? [[standaloneSvg(svg)]] : [],
            notes: [fidelityText(result)],
          };
        },
      };
    },
  });
}
