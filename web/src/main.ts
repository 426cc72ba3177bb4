// The page: wires the form, the training worker, the progress bar, the chart and the table.
// All numerical work happens in the worker (worker.ts); this file only keeps the page in step
// with the worker's messages.

import { recipeNames } from '../../run/recipes.js';
import type { Config, ConfigSchema } from '../../wasm/icl.js';
import { buildWarning, type DecodedState, type PageStateInput } from '../../wasm/link.js';
import { displayLabel, renderChart, renderCurveLegend } from './chart.ts';
import { enterEmbedMode, hideParts } from './embed.ts';
import { buildForm, controlFor, fieldForMessage, fillForm, markInvalid, messageWithLabels, readConfig, updateVisibility } from './form.ts';
import { initPageExports } from './export-views.ts';
import { renderFormulas } from './formula.ts';
import { initPresets } from './presets.ts';
import { embedSnippet, showShare } from './share.ts';
import { linkFor, readPageLink, writePageLink, writePageLinkNow } from './state.ts';
import type { DenseTheoryCurve, FromWorker, LiveState, ToWorker, TrainingResult } from './protocol.ts';
import { renderReadout, type ReadoutElements } from './readouts.ts';
import { renderTable } from './table.ts';
import { renderTrainingCurve, renderTrainingLegend } from './training-curve.ts';
import './styles.css';

/** Exposed on document.body.dataset.state for tests and styling. Unset until the module is loaded.
 *  'starting': the config is with the worker for validation and theory; 'training' begins once the
 *  experiment exists, so an invalid config goes from 'starting' straight to 'error'. 'paused': held
 *  by Pause, Step, Reset or a hidden tab; 'stopped': evaluated before the last step (Play continues). */
type PageState = 'idle' | 'starting' | 'training' | 'paused' | 'done' | 'stopped' | 'diverged' | 'error';

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
const playButton = byId('play', HTMLButtonElement);
const stepButton = byId('step', HTMLButtonElement);
const stepSize = byId('step-size', HTMLInputElement);
const resetButton = byId('reset', HTMLButtonElement);
const empiricalLegendText = byId('legend-empirical-text', HTMLElement);
const verdictList = byId('run-verdicts', HTMLElement);
const trainingCurveSection = byId('training-curve-section', HTMLElement);
const trainingCurve = byId('training-curve', HTMLElement);
const trainingLegend = byId('training-legend', HTMLElement);
const trainingCurveNote = byId('training-curve-note', HTMLElement);
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
const copyLinkButton = byId('copy-link', HTMLButtonElement);
const embedButton = byId('embed-code', HTMLButtonElement);
const shareBox = byId('share-box', HTMLElement);
const presetCopyLinkButton = byId('preset-copy-link', HTMLButtonElement);
const presetEmbedButton = byId('preset-embed-code', HTMLButtonElement);
const presetShareBox = byId('preset-share-box', HTMLElement);
const linkWarnings = byId('link-warnings', HTMLElement);

/** What the chart and table show: the current (or last) run. */
interface RunView {
  nValues: number[];
  theory: number[];
  theoryCurves: DenseTheoryCurve[];
  /** The live estimate while training, the full evaluation once evaluated. */
  empirical: (number | null)[] | null;
  live: boolean;
  checkpoints: LiveState['checkpoints'];
  stepsDone: number;
  totalSteps: number;
  livePrompts: number;
  evaluationPrompts: number;
  verdicts: TrainingResult['verdicts'] | null;
}

/** Where the run is: what the buttons offer follows from it. */
type RunPhase = 'none' | 'starting' | 'playing' | 'paused' | 'evaluating' | 'stopped' | 'finished';

let defaults: Config | null = null;
let schema: ConfigSchema | null = null;
let buildId = '';
/** The link the page was opened with; read once, when the first worker is ready. */
let openedWith: DecodedState | null = null;
/** What to do when the worker has validated a link's config: run it, or only check it. */
let afterValidation: 'run' | 'check' | null = null;
let worker: Worker | null = null;
let phase: RunPhase = 'none';
let run: RunView | null = null;
/** The page hid itself mid-run and paused; showing it again plays on. */
let pausedByHiding = false;
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

/** Shows a validator message in the form's words (field labels, not paths) and moves focus to the
 *  field it names. */
function showFormError(message: string): void {
  const path = fieldForMessage(message);
  formError.textContent = messageWithLabels(message);
  formError.hidden = false;
  markInvalid(path);
  const control = controlFor(path);
  if (control) {
    // An invalid advanced setting is hidden inside the closed <details>: open it so the user sees it.
    const details = control.closest('details');
    if (details) details.open = true;
    if (!control.closest('[hidden]')) control.focus();
  }
}

function clearFormError(): void {
  formError.textContent = '';
  formError.hidden = true;
  markInvalid(null);
}

function setPhase(next: RunPhase): void {
  phase = next;
  const ready = defaults !== null;
  const busy = next === 'starting' || next === 'playing' || next === 'evaluating';
  const left = run !== null && run.stepsDone < run.totalSteps && next !== 'finished';
  fields.disabled = busy || !ready;
  trainButton.disabled = busy || !ready;
  stopButton.disabled = !(next === 'playing' || (next === 'paused' && (run?.stepsDone ?? 0) > 0));
  playButton.disabled = !ready || !left || next === 'starting' || next === 'evaluating';
  playButton.textContent = next === 'playing' ? 'Pause' : next === 'stopped' ? 'Continue' : 'Play';
  playButton.setAttribute('aria-pressed', String(next === 'playing'));
  stepButton.disabled = !ready || !left || next === 'playing' || next === 'starting' || next === 'evaluating';
  resetButton.disabled =
    !ready || run === null || next === 'starting' || next === 'evaluating' || (run.stepsDone === 0 && next === 'paused');
}

/** The step count of a Step: the number typed, or 10 when it is not a positive integer. */
const stepsPerStep = () => {
  const value = Number(stepSize.value.trim());
  return Number.isInteger(value) && value >= 1 ? value : 10;
};

function drawChart(): void {
  chartFrameRequested = false;
  if (!run) return;
  chartEmpty.hidden = true;
  renderChart(chartContainer, {
    nValues: run.nValues,
    theoryCurves: run.theoryCurves,
    empirical: run.empirical,
    live: run.live,
    logN: logNToggle.checked,
    fitRisk: fitRiskToggle.checked,
  });
  empiricalLegendText.textContent = run.live
    ? `live estimate: test risk on ${numberText(run.livePrompts)} fixed prompts (the final risk uses all ${numberText(run.evaluationPrompts)})`
    : 'empirical test risk of the trained models';
  if (run.checkpoints.steps.length > 1) {
    trainingCurveSection.hidden = false;
    renderTrainingCurve(trainingCurve, {
      nValues: run.nValues,
      theory: run.theory,
      checkpoints: run.checkpoints,
      totalSteps: run.totalSteps,
      livePrompts: run.livePrompts,
    });
  }
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
    nValues.map((n, i) => ({
      n,
      theory: theory[i] ?? Number.NaN,
      // The table gives the final risk only; the live estimate is on the chart.
      empirical: run?.live ? null : (empirical?.[i] ?? null),
      verdict: run?.verdicts?.[i] ?? null,
    })),
  );
}

/** Explains the table's theory column: the first theory curve, the config's own model. */
function showTableNote(curves: readonly DenseTheoryCurve[]): void {
  const first = curves[0];
  tableNote.hidden = first === undefined;
  tableNote.textContent = first ? `Theory: ${displayLabel(first.label)}. Relative gap: empirical / theory − 1.` : '';
}

let readouts: TrainingResult['readouts'] = [];

function drawReadout(): void {
  const readout = readouts[Number(readoutSelect.value)];
  if (readout) renderReadout(readoutElements, readout);
}

/** Offers every trained n in the read-out select, the largest chosen, and draws its views. */
function showReadouts(result: TrainingResult): void {
  readouts = result.readouts;
  readoutSelect.replaceChildren(...result.readouts.map((readout, index) => new Option(`n = ${readout.n}`, String(index))));
  readoutSelect.value = String(result.readouts.length - 1);
  readoutSection.hidden = result.readouts.length === 0;
  drawReadout();
}

function hideReadouts(): void {
  readouts = [];
  readoutSection.hidden = true;
}

/** One line per model that did not converge (and a summary line when all did). */
function showVerdicts(result: TrainingResult): void {
  const lines = result.verdicts.map((verdict, i) => ({ verdict, n: result.nValues[i] }));
  const failing = lines.filter(({ verdict }) => verdict.kind !== 'converged');
  const shown = failing.length > 0 ? failing : lines.slice(0, 0);
  verdictList.replaceChildren(
    ...shown.map(({ verdict, n }) => {
      const item = document.createElement('li');
      item.dataset.kind = verdict.kind;
      item.textContent = `n = ${n}: ${verdict.message}`;
      return item;
    }),
  );
  verdictList.hidden = shown.length === 0;
}

function hideVerdicts(): void {
  verdictList.replaceChildren();
  verdictList.hidden = true;
}

function resultStatus(result: TrainingResult): string {
  const prompts = numberText(result.config.evaluation.prompts);
  if (result.status === 'diverged') {
    return `Diverged: ${result.divergence?.message ?? 'the training loss is not finite'}. Nothing is drawn for the diverged models; change the setting and press Train.`;
  }
  if (result.status === 'stopped') {
    return `Stopped at step ${numberText(result.stepsDone)} of ${numberText(result.totalSteps)} and evaluated on ${prompts} prompts; Continue trains on from here.`;
  }
  const converged = result.verdicts.filter((verdict) => verdict.kind === 'converged').length;
  const models = result.verdicts.length;
  const verdict =
    converged === models
      ? `all ${models === 1 ? 'models' : `${models} models`} converged to their theory.`
      : `${models - converged} of ${models} models did not converge (see below the table).`;
  return `Done: ${numberText(result.stepsDone)} steps in ${result.trainingSeconds.toFixed(1)} s; risk measured on ${prompts} evaluation prompts; ${verdict}`;
}

function onResult(result: TrainingResult): void {
  if (run) {
    run.empirical = result.empirical;
    run.live = false;
    run.checkpoints = result.checkpoints;
    run.stepsDone = result.stepsDone;
    run.verdicts = result.verdicts;
  }
  showSteps(result.stepsDone, result.totalSteps);
  drawChart();
  drawTable();
  showVerdicts(result);
  // The weights of a diverged run are not worth reading out.
  if (result.status === 'diverged') hideReadouts();
  else showReadouts(result);
  window.__iclResult = result;
  finished = result;
  exportBars.refresh();
  setPhase(result.status === 'stopped' ? 'stopped' : 'finished');
  setStatus(resultStatus(result));
  setState(result.status);
}

function onLive(state: LiveState): void {
  if (!run) return;
  run.stepsDone = state.stepsDone;
  run.checkpoints = state.checkpoints;
  const latest = state.checkpoints.risk.at(-1);
  if (latest && state.checkpoints.steps.length > 1) {
    run.empirical = latest.map((value) => (Number.isFinite(value) ? value : null));
    run.live = true;
  }
  showSteps(state.stepsDone, state.totalSteps);
  scheduleChart();
}

/** The page's whole state, as the link carries it. */
function pageState(): PageStateInput {
  const selection = presets.selection();
  const presetChanged =
    selection.preset !== presets.defaultSelection.preset ||
    selection.quick !== presets.defaultSelection.quick ||
    selection.recipe !== presets.defaultSelection.recipe;
  return {
    buildId,
    schema: schema ?? undefined,
    config: schema ? (readConfig(schema.version) as unknown as Config) : undefined,
    preset: presetChanged ? selection.preset : null,
    recipe: presetChanged ? selection.recipe : null,
    quick: presetChanged && selection.quick,
    log: logNToggle.checked,
    fit: fitRiskToggle.checked,
    embed: openedWith?.embed ?? false,
    hide: openedWith?.hide ?? [],
  };
}

const rememberState = () => writePageLink(pageState);

function showLinkWarnings(warnings: string[]): void {
  linkWarnings.replaceChildren(
    ...warnings.map((text) => {
      const line = document.createElement('p');
      line.textContent = text;
      return line;
    }),
  );
  linkWarnings.hidden = warnings.length === 0;
}

/** Restores the state of the link the page was opened with, and starts it if the link says so. */
function openLink(link: DecodedState): void {
  const warnings = [...link.warnings];
  const otherBuild = buildWarning(link.buildId, buildId);
  if (otherBuild) warnings.push(otherBuild);
  const linkConfig = link.config ?? {};
  const namesConfig = Object.keys(linkConfig).length > 0;
  fillForm(linkConfig);
  logNToggle.checked = link.log;
  fitRiskToggle.checked = link.fit;
  const chosen = link.preset ? presets.choose(link.preset, link.quick, link.recipe) : true;
  if (chosen === false) {
    warnings.push(`The link names a figure preset this playground does not have, ignored: “${link.preset?.slice(0, 60)}”.`);
  } else if (chosen === 'unknown recipe') {
    warnings.push(
      `The link names a training recipe this playground does not have, so the preset’s own is chosen: “${link.recipe?.slice(0, 60)}” (it has ${recipeNames.join(', ')}).`,
    );
  }
  const presetOnly = link.preset !== null && !namesConfig && presets.selection().preset === link.preset;
  hideParts(link.hide);
  if (link.embed) {
    const full = { ...pageState(), embed: false, hide: [] };
    enterEmbedMode(presetOnly ? 'preset' : 'experiment', linkFor(full));
  }
  showLinkWarnings(warnings);
  const start = link.run || link.autoplay;
  if (namesConfig) {
    // The link's config goes to the core as the link has it: an invalid value is refused by name.
    afterValidation = start ? 'run' : 'check';
    send({ type: 'validate', config: link.config });
  } else if (start && presetOnly) {
    presets.run();
  } else if (start) {
    form.requestSubmit();
  }
}

function startTraining(config: unknown): void {
  pausedByHiding = false;
  setPhase('starting');
  setState('starting');
  setStatus('Starting…');
  send({ type: 'train', config });
}

function handleMessage(message: FromWorker): void {
  switch (message.type) {
    case 'ready': {
      defaults = message.defaults;
      buildId = message.buildId;
      buildIdLabel.textContent = message.buildId;
      setPhase('none');
      if (document.body.dataset.state !== 'error') setStatus('Ready. Choose the settings and press Train.');
      // After a worker restart the page keeps showing the error that caused it, and the form keeps
      // what the user entered.
      if (document.body.dataset.state === undefined) setState('idle');
      if (!schema) {
        schema = message.schema;
        buildForm(fields, schema);
        renderFormulas(fields);
        openedWith = readPageLink(schema);
        openLink(openedWith);
      }
      return;
    }
    case 'validated':
      if (afterValidation === 'run') startTraining(message.config);
      afterValidation = null;
      return;
    case 'loadFailed':
      setStatus(`The WebAssembly module could not be loaded: ${message.message}`);
      setState('error');
      return;
    case 'configError':
      afterValidation = null;
      setPhase(run ? 'finished' : 'none');
      showFormError(message.message);
      setStatus('The settings are not valid; nothing was trained.');
      setState('error');
      return;
    case 'started':
      run = {
        nValues: message.nValues,
        theory: message.theory,
        theoryCurves: message.theoryCurves,
        empirical: null,
        live: true,
        checkpoints: { steps: [], risk: [] },
        stepsDone: 0,
        totalSteps: message.totalSteps,
        livePrompts: message.livePrompts,
        evaluationPrompts: message.config.evaluation.prompts,
        verdicts: null,
      };
      finished = null;
      exportBars.refresh();
      renderCurveLegend(chartLegend, message.theoryCurves);
      renderTrainingLegend(trainingLegend, message.nValues);
      trainingCurveNote.textContent =
        `The risk of each model on the live evaluation set (${numberText(message.livePrompts)} fixed prompts) at ` +
        'checkpoints spaced on log and linear scales; dotted: its theory.' +
        (message.config.model.kind === 'attention' && message.config.model.rank !== undefined
          ? ' Low-rank attention learns the directions of the task one at a time (its factored W_q, W_k pass from saddle to saddle), so its curve is a staircase of plateaus.'
          : '');
      trainingCurveSection.hidden = true;
      showTableNote(message.theoryCurves);
      hideReadouts();
      hideVerdicts();
      showSteps(0, message.totalSteps);
      if (message.playing) {
        setPhase('playing');
        setState('training');
        setStatus(`Training ${message.nValues.length} models for ${numberText(message.totalSteps)} steps…`);
      } else {
        setPhase('paused');
        setState('paused');
        setStatus('Reset: back at step 0 with the same initialisation. Play or Step to train.');
      }
      drawChart();
      drawTable();
      return;
    case 'progress':
      onLive(message);
      return;
    case 'paused':
      onLive(message);
      setPhase('paused');
      setState('paused');
      setStatus(
        `Paused at step ${numberText(message.stepsDone)} of ${numberText(message.totalSteps)}${pausedByHiding ? ' while the tab is hidden' : ''}. ` +
          'Play continues at this step, Step trains a few more, Reset goes back to step 0.',
      );
      return;
    case 'evaluating':
      showSteps(message.stepsDone, message.totalSteps);
      setPhase('evaluating');
      setStatus('Evaluating the trained models on the full evaluation set…');
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

/** A worker that is training answers after every chunk of steps (about 50 ms); one silent this long
 *  has died without an error event, or is stuck in a step too large to finish. */
const WORKER_SILENCE_MS = 20_000;
let lastHeard = performance.now();

function watchWorker(): void {
  const waiting = phase === 'starting' || phase === 'playing' || phase === 'evaluating';
  if (waiting && performance.now() - lastHeard > WORKER_SILENCE_MS) {
    setStatus(
      `The training worker has not answered for ${WORKER_SILENCE_MS / 1000} s: it stopped, or a single step takes ` +
        'longer than that at these settings (try a smaller batch size, fewer or shorter contexts). It was replaced; nothing was kept.',
    );
    setState('error');
    restartWorker();
  }
}
window.setInterval(watchWorker, 1000);

function startWorker(): void {
  const training = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  lastHeard = performance.now();
  training.addEventListener('message', (event: MessageEvent<FromWorker>) => {
    lastHeard = performance.now();
    handleMessage(event.data);
  });
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
  run = null;
  setPhase('none');
  startWorker();
}

function send(message: ToWorker): void {
  // The silence is counted from the request: a paused worker owes no answer.
  lastHeard = performance.now();
  worker?.postMessage(message);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (trainButton.disabled || !defaults) return;
  clearFormError();
  // The address bar holds the run's link from its first step (no debounce pending).
  writePageLinkNow(pageState());
  startTraining(readConfig(defaults.version));
});

stopButton.addEventListener('click', () => {
  stopButton.disabled = true;
  setStatus('Stopping after the current chunk of steps…');
  send({ type: 'stop' });
});

function togglePlay(): void {
  if (playButton.disabled) return;
  if (phase === 'playing') {
    send({ type: 'pause' });
    return;
  }
  setPhase('playing');
  setState('training');
  setStatus('Training…');
  send({ type: 'play' });
}

function stepOnce(): void {
  if (stepButton.disabled) return;
  setPhase('playing');
  setState('training');
  send({ type: 'step', steps: stepsPerStep() });
}

function reset(): void {
  if (resetButton.disabled) return;
  pausedByHiding = false;
  setPhase('starting');
  send({ type: 'reset' });
}

playButton.addEventListener('click', togglePlay);
stepButton.addEventListener('click', stepOnce);
resetButton.addEventListener('click', reset);

// Space plays or pauses, the right arrow steps, r resets: when no text field or control has the keys.
document.addEventListener('keydown', (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
  const target = event.target as HTMLElement | null;
  if (target?.closest('input, select, textarea, button, a, summary, [contenteditable]')) return;
  if (event.key === ' ') togglePlay();
  else if (event.key === 'ArrowRight') stepOnce();
  else if (event.key === 'r' || event.key === 'R') reset();
  else return;
  event.preventDefault();
});

// A hidden tab pauses at the exact step and plays on when shown again.
document.addEventListener('visibilitychange', () => {
  if (document.hidden && phase === 'playing') {
    pausedByHiding = true;
    send({ type: 'pause' });
  } else if (!document.hidden && pausedByHiding) {
    pausedByHiding = false;
    if (phase === 'paused') togglePlay();
  }
});

for (const toggle of [logNToggle, fitRiskToggle]) {
  toggle.addEventListener('change', () => {
    drawChart();
    rememberState();
  });
}
readoutSelect.addEventListener('change', drawReadout);
// A new data model or architecture shows its own fields; the others are hidden and not sent.
for (const event of ['input', 'change']) {
  fields.addEventListener(event, () => {
    updateVisibility(true);
    rememberState();
  });
}
new ResizeObserver(scheduleChart).observe(chartContainer);

copyLinkButton.addEventListener('click', () => {
  if (!schema) return;
  writePageLinkNow(pageState());
  showShare(shareBox, 'Reproducible link: the settings, the chart options and the build', location.href);
});
embedButton.addEventListener('click', () => {
  if (!schema) return;
  const url = linkFor({ ...pageState(), preset: null, embed: true, hide: [] });
  showShare(
    shareBox,
    'Embed this experiment: paste into a web page',
    embedSnippet(url, 'In-context linear regression: trained models against theory'),
  );
});
presetCopyLinkButton.addEventListener('click', () => {
  const { preset, quick, recipe } = presets.selection();
  showShare(presetShareBox, 'Link to this figure preset', linkFor({ buildId, preset, recipe, quick }));
});
presetEmbedButton.addEventListener('click', () => {
  const { preset, quick, recipe } = presets.selection();
  showShare(
    presetShareBox,
    'Embed this figure preset: paste into a web page',
    embedSnippet(linkFor({ buildId, preset, recipe, quick, embed: true }), `Figure preset ${preset}`),
  );
});

// A link pasted into the address bar of an open page (only its fragment changes) opens like a new page.
window.addEventListener('hashchange', () => {
  if (!schema || defaults === null) return;
  clearFormError();
  openedWith = readPageLink(schema);
  openLink(openedWith);
});

const exportBars = initPageExports({ result: () => finished, readout: () => readouts[Number(readoutSelect.value)] ?? null });
renderFormulas(document);
const presets = initPresets(rememberState);
startWorker();
