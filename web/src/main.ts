// The page: wires the form, the training worker, the progress bar, the chart and the table.
// All numerical work happens in the worker (worker.ts); this file only keeps the page in step
// with the worker's messages.

import type { Config } from '../../wasm/icl.js';
import { displayLabel, renderChart, renderCurveLegend } from './chart.ts';
import { inputIdForMessage, markInvalid, readConfig, showDefaults, updateVisibility } from './form.ts';
import { initPageExports } from './export-views.ts';
import { renderFormulas } from './formula.ts';
import { initPresets } from './presets.ts';
import type { DenseTheoryCurve, FromWorker, ToWorker, TrainingResult } from './protocol.ts';
import { renderReadout, type ReadoutElements } from './readouts.ts';
import { renderTable } from './table.ts';
import './styles.css';

/** Exposed on document.body.dataset.state for tests and styling. Unset until the module is loaded.
 *  'starting': the config is with the worker for validation and theory; 'training' begins once the
 *  experiment exists, so an invalid config goes from 'starting' straight to 'error'. */
type PageState = 'idle' | 'starting' | 'training' | 'done' | 'stopped' | 'error';

declare global {
  interface Window {
    /** The last finished or stopped run, for tests and for the curious in the console. */
    __iclResult?: TrainingResult;
  }
}

function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`missing #${id}`);
  return element;
}

const form = byId('config-form', HTMLFormElement);
const fields = byId('config-fields', HTMLFieldSetElement);
const trainButton = byId('train', HTMLButtonElement);
const stopButton = byId('stop', HTMLButtonElement);
const formError = byId('form-error', HTMLElement);
const progressBar = byId('progress', HTMLProgressElement);
const stepCount = byId('step-count', HTMLElement);
const statusLine = byId('status', HTMLElement);
const chartContainer = byId('chart', HTMLElement);
const chartEmpty = byId('chart-empty', HTMLElement);
const logNToggle = byId('log-n', HTMLInputElement);
const fitRiskToggle = byId('fit-risk', HTMLInputElement);
const trainLossLegend = byId('legend-train-loss', HTMLElement);
const chartLegend = byId('chart-legend', HTMLElement);
const resultsBody = byId('results-body', HTMLTableSectionElement);
const tableNote = byId('table-note', HTMLElement);
const readoutSection = byId('readouts', HTMLElement);
const readoutSelect = byId('readout-n', HTMLSelectElement);
const readoutElements: ReadoutElements = {
  learnedHeatmap: byId('heatmap-learned', HTMLElement),
  optimalHeatmap: byId('heatmap-optimal', HTMLElement),
  colorLegend: byId('heatmap-legend', HTMLElement),
  distance: byId('frobenius-distance', HTMLOutputElement),
  sampleWeights: byId('sample-weights-chart', HTMLElement),
};
const buildIdLabel = byId('build-id', HTMLElement);

/** What the chart and table show: the current (or last) run. */
interface RunView {
  nValues: number[];
  theory: number[];
  theoryCurves: DenseTheoryCurve[];
  empirical: number[] | null;
  trainLoss: number[] | null;
}

let defaults: Config | null = null;
/** The form is filled with the defaults once; a worker restart keeps what the user entered. */
let formFilled = false;
let worker: Worker | null = null;
let running = false;
let run: RunView | null = null;
/** The run the chart shows once it is finished or stopped; null while one trains. What exports save. */
let finished: TrainingResult | null = null;
let chartFrameRequested = false;

const numberText = (value: number) => value.toLocaleString('en-US');

function setState(state: PageState): void {
  document.body.dataset.state = state;
}

function setStatus(text: string): void {
  statusLine.textContent = text;
}

function showSteps(stepsDone: number, totalSteps: number): void {
  progressBar.max = totalSteps;
  progressBar.value = stepsDone;
  stepCount.textContent = `${numberText(stepsDone)} / ${numberText(totalSteps)} steps`;
}

function showFormError(message: string, inputId: string | null): void {
  formError.textContent = message;
  formError.hidden = false;
  markInvalid(inputId);
  if (inputId) {
    // An invalid advanced setting is hidden inside the closed <details>: open it so the user sees it.
    const details = document.getElementById(inputId)?.closest('details');
    if (details) details.open = true;
  }
}

function clearFormError(): void {
  formError.textContent = '';
  formError.hidden = true;
  markInvalid(null);
}

function setRunning(value: boolean): void {
  running = value;
  fields.disabled = value || defaults === null;
  trainButton.disabled = value || defaults === null;
  stopButton.disabled = !value;
}

function drawChart(): void {
  chartFrameRequested = false;
  if (!run) return;
  chartEmpty.hidden = true;
  renderChart(chartContainer, {
    nValues: run.nValues,
    theoryCurves: run.theoryCurves,
    empirical: run.empirical,
    trainLoss: run.trainLoss,
    logN: logNToggle.checked,
    fitRisk: fitRiskToggle.checked,
  });
}

/** Progress messages can outpace the display; draw at most once per frame. */
function scheduleChart(): void {
  if (chartFrameRequested) return;
  chartFrameRequested = true;
  requestAnimationFrame(drawChart);
}

function drawTable(): void {
  if (!run) return;
  const { nValues, theory, empirical } = run;
  renderTable(
    resultsBody,
    nValues.map((n, i) => ({ n, theory: theory[i] ?? Number.NaN, empirical: empirical?.[i] ?? null })),
  );
}

/** Explains the table's theory column: the first theory curve, the config's own model. */
function showTableNote(curves: readonly DenseTheoryCurve[]): void {
  const first = curves[0];
  tableNote.hidden = first === undefined;
  tableNote.textContent = first
    ? `Theory: ${displayLabel(first.label)}. Relative gap: empirical / theory − 1.`
    : '';
}

let readouts: TrainingResult['readouts'] = [];

function drawReadout(): void {
  const readout = readouts[Number(readoutSelect.value)];
  if (readout) renderReadout(readoutElements, readout);
}

/** Offers every trained n in the read-out select, the largest chosen, and draws its views. */
function showReadouts(result: TrainingResult): void {
  readouts = result.readouts;
  readoutSelect.replaceChildren(
    ...result.readouts.map((readout, index) => new Option(`n = ${readout.n}`, String(index))),
  );
  readoutSelect.value = String(result.readouts.length - 1);
  readoutSection.hidden = result.readouts.length === 0;
  drawReadout();
}

function hideReadouts(): void {
  readouts = [];
  readoutSection.hidden = true;
}

function onResult(result: TrainingResult): void {
  if (run) {
    run.empirical = result.empirical;
    run.trainLoss = null;
  }
  trainLossLegend.hidden = true;
  showSteps(result.stepsDone, result.totalSteps);
  drawChart();
  drawTable();
  showReadouts(result);
  window.__iclResult = result;
  finished = result;
  exportBars.refresh();
  setRunning(false);
  const prompts = numberText(result.config.evaluation.prompts);
  setStatus(
    result.status === 'done'
      ? `Done: ${numberText(result.stepsDone)} steps in ${result.trainingSeconds.toFixed(1)} s; risk measured on ${prompts} evaluation prompts.`
      : `Stopped after ${numberText(result.stepsDone)} of ${numberText(result.totalSteps)} steps; the risk shown is that of the models as trained so far (${prompts} evaluation prompts).`,
  );
  setState(result.status);
}

function handleMessage(message: FromWorker): void {
  switch (message.type) {
    case 'ready': {
      defaults = message.defaults;
      buildIdLabel.textContent = message.buildId;
      if (!formFilled) showDefaults({ ...message.variants, default: message.defaults });
      formFilled = true;
      setRunning(false);
      setStatus('Ready. Choose the settings and press Train.');
      // After a worker restart the page keeps showing the error that caused it.
      if (document.body.dataset.state === undefined) setState('idle');
      return;
    }
    case 'loadFailed':
      setStatus(`The WebAssembly module could not be loaded: ${message.message}`);
      setState('error');
      return;
    case 'configError':
      setRunning(false);
      showFormError(message.message, inputIdForMessage(message.message));
      setStatus('The settings are not valid; nothing was trained.');
      setState('error');
      return;
    case 'started':
      run = {
        nValues: message.nValues,
        theory: message.theory,
        theoryCurves: message.theoryCurves,
        empirical: null,
        trainLoss: null,
      };
      finished = null;
      exportBars.refresh();
      renderCurveLegend(chartLegend, message.theoryCurves);
      showTableNote(message.theoryCurves);
      hideReadouts();
      setState('training');
      showSteps(0, message.totalSteps);
      trainLossLegend.hidden = false;
      setStatus(`Training ${message.nValues.length} models for ${numberText(message.totalSteps)} steps…`);
      drawChart();
      drawTable();
      return;
    case 'progress':
      showSteps(message.stepsDone, message.totalSteps);
      if (run) run.trainLoss = message.lastTrainLoss;
      scheduleChart();
      return;
    case 'evaluating':
      showSteps(message.stepsDone, message.totalSteps);
      stopButton.disabled = true;
      setStatus('Evaluating the trained models…');
      return;
    case 'result':
      onResult(message.result);
      return;
    case 'runtimeError':
      setStatus(`Training failed: ${message.message}`);
      setState('error');
      // The module may be left in a broken state (e.g. after running out of memory): start afresh.
      restartWorker();
      return;
  }
}

function startWorker(): void {
  const training = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  training.addEventListener('message', (event: MessageEvent<FromWorker>) => handleMessage(event.data));
  training.addEventListener('error', (event) => {
    setStatus(`The training worker failed: ${event.message || 'unknown error'}`);
    setState('error');
    restartWorker();
  });
  worker = training;
}

function restartWorker(): void {
  worker?.terminate();
  defaults = null;
  setRunning(false);
  startWorker();
}

function send(message: ToWorker): void {
  worker?.postMessage(message);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (running || !defaults) return;
  clearFormError();
  const reading = readConfig(defaults);
  if (!reading.ok) {
    showFormError(reading.message, reading.inputId);
    setStatus('The settings are not valid; nothing was trained.');
    setState('error');
    return;
  }
  setRunning(true);
  setState('starting');
  setStatus('Starting…');
  send({ type: 'train', config: reading.config });
});

stopButton.addEventListener('click', () => {
  stopButton.disabled = true;
  setStatus('Stopping after the current chunk of steps…');
  send({ type: 'stop' });
});

logNToggle.addEventListener('change', drawChart);
fitRiskToggle.addEventListener('change', drawChart);
readoutSelect.addEventListener('change', drawReadout);
// A new data model or architecture shows its own fields; the others are hidden and not sent.
fields.addEventListener('change', updateVisibility);
new ResizeObserver(scheduleChart).observe(chartContainer);

const exportBars = initPageExports({ result: () => finished, readout: () => readouts[Number(readoutSelect.value)] ?? null });
renderFormulas(document);
startWorker();
initPresets();
