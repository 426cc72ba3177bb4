// A read-out in the article: what one trained model of a figure computes, W_eff beside W* or its sample
// weights ω beside ω*, drawn by the playground's read-out views (readouts.ts). The model is the figure's
// own quick job for that curve and seed (tour-variations.ts READOUTS), trained by the playground's
// training worker (worker.ts), so its risk is the one in the figure and its link opens the same run in
// the playground. It waits its turn in the article's RunQueue like the figures.
//
// For tests: the element carries data-state ('idle' | 'queued' | 'running' | 'done' | 'error') and,
// once done, data-distance (‖W_eff − W*‖_F / ‖W*‖_F) or data-weights-gap (the largest |ω − ω*|).

import { configLink } from '../../wasm/link.js';
import { presetJobs, resolvePreset, type Preset } from '../../run/preset.js';
import type { FromWorker, ModelReadout, ToWorker } from './protocol.ts';
import { renderFormulas } from './formula.ts';
import { renderReadout } from './readouts.ts';
import type { RunQueue } from './run-queue.ts';
import type { ReadoutSpec } from './tour-variations.ts';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A formula for renderFormulas (formula.ts). */
function texSpan(tex: string): HTMLElement {
  const span = element('span');
  span.dataset.tex = tex;
  return span;
}

export class TourReadout {
  readonly host: HTMLElement;
  #spec: ReadoutSpec;
  #config: Record<string, unknown>;
  #queue: RunQueue;
  #playground: string;
  #status: HTMLElement;
  #views: { learned: HTMLElement; optimal: HTMLElement; legend: HTMLElement; distance: HTMLOutputElement; weights: HTMLElement };
  #openLink: HTMLAnchorElement;
  #readout: ModelReadout | null = null;
  #requested = false;

  constructor(host: HTMLElement, preset: Preset, spec: ReadoutSpec, queue: RunQueue, playground: string) {
    this.host = host;
    this.#spec = spec;
    this.#queue = queue;
    this.#playground = playground;
    const resolved = resolvePreset(preset, { quick: true });
    const job = presetJobs(resolved).find((candidate) => candidate.curveIndex === spec.curve && candidate.seed === resolved.seeds[0]);
    if (!job) throw new Error(`${preset.id} has no curve ${spec.curve}`);
    this.#config = job.config;
    const curveLabel = resolved.curves[spec.curve]?.label ?? '';

    const learned = element('div', 'heatmap-plot');
    const optimal = element('div', 'heatmap-plot');
    const legend = element('div', 'color-legend');
    const distance = element('output');
    const weights = element('div', 'sample-weights-chart');
    this.#views = { learned, optimal, legend, distance, weights };
    const body = element('div', 'tour-readout-body');
    if (spec.view === 'preconditioner') {
      const maps = element('div', 'heatmaps');
      for (const [title, tex, plot] of [
        ['learned ', 'W_{\\mathrm{eff}}', learned],
        ['optimal ', 'W^*', optimal],
      ] as const) {
        const box = element('div', 'heatmap');
        const heading = element('h4', undefined, title);
        heading.append(texSpan(tex));
        box.append(heading, plot);
        maps.append(box);
      }
      const line = element('p', 'distance', 'relative distance ');
      line.append(texSpan('\\lVert W_{\\mathrm{eff}} - W^* \\rVert_F \\,/\\, \\lVert W^* \\rVert_F'), ' = ', distance);
      body.append(maps, legend, line);
    } else {
      body.append(
        weights,
        element(
          'p',
          'note',
          'Solid blue line and dots: the weights H3 learned; dotted orange line and rings: the optimal ω*. Lag 1 is the token just before the query.',
        ),
      );
    }
    this.#status = element('p', 'status', 'Trained when it comes into view.');
    this.#status.setAttribute('role', 'status');
    this.#openLink = element('a', 'tour-open', 'Open this model in the playground');
    this.#openLink.hidden = true;
    const caption = element(
      'figcaption',
      'note',
      `The ${curveLabel} model with context length n = ${spec.n} of the quick run above (seed ${job.seed}), trained again here by the playground’s training worker: the same config, so the same numbers.`,
    );
    const heading = element(
      'h3',
      'tour-figure-title',
      spec.view === 'preconditioner'
        ? `What the trained ${curveLabel} model computes: its preconditioner`
        : `What the trained ${curveLabel} model computes: its sample weights`,
    );
    host.replaceChildren(heading, body, this.#status, this.#openLink, caption);
    renderFormulas(host);
    host.dataset.state = 'idle';
    new ResizeObserver(() => this.#draw()).observe(host);
  }

  wanted(): void {
    if (this.#requested) return;
    this.#requested = true;
    this.host.dataset.state = 'queued';
    this.#status.textContent = 'Waiting for the figure being trained to finish…';
    this.#queue.request({ key: `readout|${this.#spec.preset}`, start: (finished) => this.#train(finished) });
  }

  unwanted(): void {
    if (this.#queue.withdraw(`readout|${this.#spec.preset}`)) {
      this.#requested = false;
      this.host.dataset.state = 'idle';
      this.#status.textContent = 'Trained when it comes into view.';
    }
  }

  #train(finished: () => void): void {
    this.host.dataset.state = 'running';
    this.#status.textContent = 'Training the model…';
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    const send = (message: ToWorker) => worker.postMessage(message);
    // The link of the run, once the worker has normalised the config (schema and build come with 'ready').
    let schema: Extract<FromWorker, { type: 'ready' }>['schema'] | null = null;
    let buildId = '';
    const end = (state: 'done' | 'error', text: string) => {
      worker.terminate();
      this.host.dataset.state = state;
      this.#status.textContent = text;
      finished();
    };
    worker.addEventListener('error', (event) => end('error', `The training worker failed: ${event.message || 'unknown error'}`));
    worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.type === 'ready') {
        schema = message.schema;
        buildId = message.buildId;
        send({ type: 'train', config: this.#config });
      } else if (message.type === 'started' && schema) {
        this.#openLink.href = configLink({ config: message.config, schema, buildId, base: this.#playground });
      } else if (message.type === 'progress') {
        this.#status.textContent = `Training the model: step ${message.stepsDone.toLocaleString('en-US')} of ${message.totalSteps.toLocaleString('en-US')}…`;
      } else if (message.type === 'result') {
        const index = message.result.nValues.indexOf(this.#spec.n);
        const readout = message.result.readouts[index];
        if (!readout) {
          end('error', `No model with n = ${this.#spec.n} in the run.`);
          return;
        }
        this.#readout = readout;
        this.#draw();
        this.#openLink.hidden = false;
        const risk = message.result.empirical[index];
        const theory = message.result.theory[index];
        const riskText =
          risk !== null && risk !== undefined && theory !== undefined
            ? ` Its test risk is ${risk.toPrecision(4)} against ${theory.toPrecision(4)} in theory.`
            : '';
        end('done', `Trained: ${message.result.stepsDone.toLocaleString('en-US')} steps.${riskText}`);
      } else if (message.type === 'configError' || message.type === 'loadFailed' || message.type === 'runtimeError') {
        end('error', `The model could not be trained: ${message.message}`);
      }
    });
  }

  #draw(): void {
    const readout = this.#readout;
    if (!readout) return;
    renderReadout(
      {
        learnedHeatmap: this.#views.learned,
        optimalHeatmap: this.#views.optimal,
        colorLegend: this.#views.legend,
        distance: this.#views.distance,
        sampleWeights: this.#views.weights,
      },
      readout,
    );
    if (this.#spec.view === 'preconditioner') this.host.dataset.distance = String(readout.relativeDistance ?? '');
    else {
      const optimal = readout.optimal?.sampleWeights ?? [];
      const gap = readout.learnedSampleWeights.reduce(
        (largest, weight, i) => Math.max(largest, Math.abs(weight - (optimal[i] ?? Number.NaN))),
        0,
      );
      this.host.dataset.weightsGap = String(gap);
    }
  }
}
