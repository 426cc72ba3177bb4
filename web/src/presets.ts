// The "Figure presets" section: choose a preset of the paper's figures (wasm/presets/*.json, bundled),
// run it on a pool of workers (preset-run.ts) with Pause/Resume and Cancel, and show its chart and
// fidelity table. Results are kept per preset and variant (quick or full) for the page's lifetime, so
// switching back to a preset that has run shows its result again.
//
// For tests: document.body.dataset.presetState is 'idle' | 'starting' | 'running' | 'pausing' |
// 'paused' | 'finishing' | 'done' | 'cancelled' | 'error', and window.__iclPresetResult holds the
// last finished result (preset.js's PresetResult, as the command line writes it to <id>.json).

import { recipeNames } from '../../run/recipes.js';
import { presetJobs, resolvePreset, type Preset, type PresetResult } from '../../run/preset.js';
import { displayLabel } from './chart.ts';
import { initPresetExport } from './export-views.ts';
import { setLabel } from './math-text.ts';
import { canUseLogX, renderPresetChart, renderPresetLegend } from './preset-chart.ts';
import { PresetRun, poolSize, type RunPhase, type RunSnapshot } from './preset-run.ts';
import { renderFidelityTable, renderVerdict } from './preset-table.ts';
import { ownRecipe, recipeLine } from './recipe-text.ts';

export type PresetState = 'idle' | RunPhase;

declare global {
  interface Window {
    /** The last finished preset run, for tests and for the curious in the console. */
    __iclPresetResult?: PresetResult;
  }
}

const modules = import.meta.glob<Preset>('../../wasm/presets/*.json', { eager: true, import: 'default' });

/** The figure presets in reading order: Figure 2, then Figure 3, then the rest, by id within each. */
export const PRESETS: Preset[] = Object.values(modules).sort((a, b) => {
  const rank = (preset: Preset) => (preset.id.startsWith('fig') ? 0 : 1);
  return rank(a) - rank(b) || a.id.localeCompare(b.id);
});

function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`missing #${id}`);
  return element;
}

const numberText = (value: number) => value.toLocaleString('en-US');

const secondsText = (seconds: number) => `${seconds < 10 ? seconds.toFixed(1) : seconds.toFixed(0)} s`;

/** A rough duration: "40 s", "3 min", "1 h 20 min" (an estimate, so no false precision). */
function durationText(seconds: number): string {
  if (seconds < 60) return `${Math.max(5, Math.round(seconds / 5) * 5)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** What a cancelled run lacks, e.g. "H3: seeds 2, 3 (all n)". */
function missingText(result: PresetResult): string {
  const parts = result.curves.map((curve) => {
    const missing = curve.points.filter((point) => point.pending > 0 || point.estimate);
    if (missing.length === 0) return null;
    const where =
      missing.length === curve.points.length
        ? 'every point'
        : `${displayLabel(result.axis.label ?? result.axis.field)} = ${missing.map((point) => point.x).join(', ')}`;
    return `${displayLabel(curve.label)} at ${where}`;
  });
  return parts.filter((part) => part !== null).join('; ');
}

/** What a run of the preset involves, from its JSON alone (no module needed). */
function planText(preset: Preset, quick: boolean, recipe: string): string {
  const resolved = resolvePreset(preset, { quick, recipe });
  const jobs = presetJobs(resolved).length;
  const curves = resolved.curves.length;
  const seeds = resolved.seeds.length;
  const factors = [`${curves} curve${curves === 1 ? '' : 's'}`, `${seeds} seed${seeds === 1 ? '' : 's'}`];
  if (resolved.axis.field !== 'n')
    factors.push(`${resolved.axis.values.length} values of ${displayLabel(resolved.axis.label ?? resolved.axis.field)}`);
  const base = resolved.base as { d?: number };
  const { training } = resolved.recipe;
  const details = [
    // No-break spaces keep each "symbol = value" on one line.
    base.d !== undefined ? `d\u00a0=\u00a0${base.d}` : null,
    resolved.axis.field === 'n' ? `n\u00a0∈\u00a0{${resolved.axis.values.join(', ')}}` : null,
    training.steps !== undefined ? `${numberText(training.steps)} steps` : null,
    training.batch_size !== undefined ? `batch ${numberText(training.batch_size)}` : null,
  ].filter((part) => part !== null);
  return `${jobs} training job${jobs === 1 ? '' : 's'} (${factors.join(' × ')}); ${details.join(', ')}.`;
}

/** What the page's link state needs of the presets section. */
export interface PresetSelection {
  preset: string;
  quick: boolean;
  /** The training recipe's name: the preset's own unless another is chosen. */
  recipe: string;
}

export interface PresetsController {
  /** The chosen preset, whether its quick run is chosen, and its recipe. */
  selection(): PresetSelection;
  /** The default selection (what a link without preset= means). */
  readonly defaultSelection: PresetSelection;
  /**
   * Chooses a preset (with its own recipe when `recipe` is null); false (and nothing changes) when no
   * preset has that id. An unknown recipe name leaves the preset's own chosen and returns 'unknown recipe'.
   */
  choose(preset: string, quick: boolean, recipe?: string | null): boolean | 'unknown recipe';
  /** Presses Run. */
  run(): void;
}

export function initPresets(onSelectionChange: () => void = () => {}): PresetsController {
  const form = byId('preset-form', HTMLFormElement);
  const fields = byId('preset-fields', HTMLFieldSetElement);
  const select = byId('preset-id', HTMLSelectElement);
  const quickBox = byId('preset-quick', HTMLInputElement);
  const recipeSelect = byId('preset-recipe', HTMLSelectElement);
  const recipeNote = byId('preset-recipe-note', HTMLElement);
  const plan = byId('preset-plan', HTMLElement);
  const runButton = byId('preset-run', HTMLButtonElement);
  const pauseButton = byId('preset-pause', HTMLButtonElement);
  const cancelButton = byId('preset-cancel', HTMLButtonElement);
  const progressBar = byId('preset-progress', HTMLProgressElement);
  const counts = byId('preset-counts', HTMLElement);
  const elapsed = byId('preset-elapsed', HTMLElement);
  const status = byId('preset-status', HTMLElement);
  const warning = byId('preset-warning', HTMLElement);
  const title = byId('preset-title', HTMLElement);
  const note = byId('preset-note', HTMLElement);
  const legend = byId('preset-legend', HTMLElement);
  const chart = byId('preset-chart', HTMLElement);
  const chartEmpty = byId('preset-chart-empty', HTMLElement);
  const logToggle = byId('preset-log-n', HTMLInputElement);
  const verdict = byId('preset-verdict', HTMLElement);
  const table = byId('preset-table', HTMLTableElement);

  const results = new Map<string, PresetResult>();
  let run: PresetRun | null = null;
  let shown: PresetResult | null = null;
  /** Whether the run is paused because the tab was hidden (see the visibilitychange listener). */
  let pausedByHiding = false;
  const presetExport = initPresetExport(() => shown);

  const key = (id: string, quick: boolean, recipe: string) => `${id}|${quick ? 'quick' : 'full'}|${recipe}`;
  const selected = () => PRESETS.find((preset) => preset.id === select.value) ?? (PRESETS[0] as Preset);
  const chosenRecipe = () => recipeSelect.value || ownRecipe(selected());

  /** The recipe choices for the chosen preset, its own first and marked, and `recipe` chosen. */
  function fillRecipes(recipe: string): void {
    const own = ownRecipe(selected());
    const names = [own, ...recipeNames.filter((name) => name !== own)];
    recipeSelect.replaceChildren(...names.map((name) => new Option(name === own ? `${name} (this preset's)` : name, name)));
    recipeSelect.value = recipe;
  }

  const setState = (state: PresetState) => {
    document.body.dataset.presetState = state;
  };

  select.replaceChildren(
    ...PRESETS.map((preset) => {
      const option = new Option(preset.id, preset.id);
      option.title = displayLabel(preset.title);
      return option;
    }),
  );

  function drawChart(result: PresetResult): void {
    const logAxis = canUseLogX(result);
    (logToggle.closest('label') as HTMLElement).hidden = !logAxis;
    renderPresetChart(chart, result, { logX: logAxis && logToggle.checked });
  }

  function showResult(result: PresetResult | null): void {
    shown = result;
    presetExport.refresh();
    chartEmpty.hidden = result !== null;
    legend.hidden = result === null;
    verdict.hidden = result === null;
    table.hidden = result === null;
    if (!result) {
      chart.replaceChildren();
      legend.replaceChildren();
      return;
    }
    renderPresetLegend(legend, result);
    drawChart(result);
    renderVerdict(verdict, result);
    renderFidelityTable(table, result);
  }

  /** The chosen preset's title, note and plan, and its last result if it has one. */
  function showSelection(): void {
    const preset = selected();
    setLabel(title, preset.title);
    setLabel(note, preset.note ?? '');
    const recipe = chosenRecipe();
    plan.textContent = planText(preset, quickBox.checked, recipe);
    recipeNote.textContent = recipeLine(resolvePreset(preset, { quick: quickBox.checked, recipe }));
    const result = results.get(key(preset.id, quickBox.checked, recipe)) ?? null;
    chartEmpty.textContent = quickBox.checked
      ? 'Press Run to train this preset (a quick run takes seconds).'
      : 'Press Run to train this preset at its full settings (half a minute to a few minutes).';
    showResult(result);
  }

  function setControls(phase: PresetState): void {
    const active = phase === 'starting' || phase === 'running' || phase === 'pausing' || phase === 'paused';
    fields.disabled = active;
    runButton.disabled = active;
    cancelButton.disabled = !active;
    pauseButton.disabled = !(phase === 'starting' || phase === 'running' || phase === 'pausing' || phase === 'paused');
    const holding = phase === 'pausing' || phase === 'paused';
    pauseButton.textContent = holding ? 'Resume' : 'Pause';
    pauseButton.setAttribute('aria-pressed', String(holding));
  }

  function showProgress(snapshot: RunSnapshot): void {
    if (snapshot.totalSteps === null) {
      progressBar.removeAttribute('value');
    } else {
      progressBar.max = Math.max(1, snapshot.totalSteps);
      progressBar.value = snapshot.stepsDone;
    }
    const steps =
      snapshot.totalSteps === null
        ? `${numberText(snapshot.stepsDone)} steps`
        : `${numberText(snapshot.stepsDone)} / ${numberText(snapshot.totalSteps)} steps`;
    counts.textContent = `${snapshot.jobsDone} / ${snapshot.jobs} jobs done · ${steps}`;
    const paused = snapshot.pausedSeconds >= 0.05 ? ` (pauses excluded: ${secondsText(snapshot.pausedSeconds)})` : '';
    const left = snapshot.secondsLeft !== null && snapshot.phase === 'running' ? ` · about ${durationText(snapshot.secondsLeft)} left` : '';
    elapsed.textContent = `elapsed ${secondsText(snapshot.activeSeconds)}${paused}${left}`;
  }

  const statusText: Record<RunPhase, (s: RunSnapshot) => string> = {
    starting: (s) => `Loading the WebAssembly module in ${s.workers} worker${s.workers === 1 ? '' : 's'}…`,
    running: (s) => `Training ${s.jobs} job${s.jobs === 1 ? '' : 's'} on ${s.workers} worker${s.workers === 1 ? '' : 's'}…`,
    pausing: () => 'Pausing: each running job stops after its current chunk of steps…',
    paused: () =>
      pausedByHiding
        ? 'Paused while the tab is hidden; it resumes when you come back.'
        : 'Paused. Resume continues where every job stopped.',
    done: () => 'Done.',
    cancelled: (s) => `Cancelled after ${s.jobsDone} of ${s.jobs} jobs.`,
    error: () => 'The run failed.',
  };

  /** A phase change (at once: tests and screen readers follow them), or the progress and clock (a few
   *  times a second). */
  function onUpdate(snapshot: RunSnapshot): void {
    const previous = document.body.dataset.presetState;
    if (previous !== snapshot.phase) {
      setState(snapshot.phase);
      setControls(snapshot.phase);
      // 'done', 'cancelled' and 'error' keep the text their callbacks write.
      if (!['done', 'cancelled', 'error'].includes(snapshot.phase)) status.textContent = statusText[snapshot.phase](snapshot);
    }
    showProgress(snapshot);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (run && !['done', 'cancelled', 'error'].includes(run.phase)) return;
    const preset = selected();
    const quick = quickBox.checked;
    const recipe = chosenRecipe();
    showResult(null);
    chartEmpty.textContent = 'Loading the module: the theory is drawn first, then each job’s points as it trains.';
    status.textContent = '';
    warning.hidden = true;
    pausedByHiding = false;
    const belongsHere = () => selected().id === preset.id && quickBox.checked === quick && chosenRecipe() === recipe;
    run = new PresetRun(
      preset,
      quick,
      {
        update: onUpdate,
        partial(result) {
          if (belongsHere()) showResult(result);
        },
        done(result) {
          results.set(key(preset.id, quick, recipe), result);
          window.__iclPresetResult = result;
          // The user may have picked another preset meanwhile; show the result only where it belongs.
          if (belongsHere()) showResult(result);
          // The status outlives a change of preset or recipe, so it names what it is about.
          status.textContent = `Done in ${secondsText(run?.snapshot().activeSeconds ?? result.seconds)} (${preset.id}, recipe ${recipe}${quick ? ', quick' : ''}): fidelity ${result.fidelity.pass ? 'pass' : 'fail'}.`;
        },
        cancelled(result) {
          const snapshot = run?.snapshot();
          const counted = snapshot ? `${snapshot.jobsDone} of ${snapshot.jobs} jobs` : 'some jobs';
          if (result) {
            results.set(key(preset.id, quick, recipe), result);
            if (belongsHere()) showResult(result);
            status.textContent = `Cancelled with ${counted} done: their points are kept. Missing: ${missingText(result)}.`;
          } else {
            if (belongsHere()) showResult(null);
            status.textContent = `Cancelled before any job finished (${counted}); nothing to keep.`;
          }
        },
        warning(message) {
          warning.textContent = `Note: ${message}.`;
          warning.hidden = false;
        },
        failed(message) {
          status.textContent = `The run failed: ${message}`;
        },
      },
      { recipe },
    );
  });

  pauseButton.addEventListener('click', () => {
    if (!run) return;
    pausedByHiding = false;
    if (run.phase === 'pausing' || run.phase === 'paused') run.resume();
    else run.pause();
  });

  cancelButton.addEventListener('click', () => run?.cancel());

  // A hidden tab pauses the pool (the machine is the user's), and showing it again resumes a run that
  // the hiding paused, not one the user paused.
  document.addEventListener('visibilitychange', () => {
    if (!run) return;
    if (document.hidden && (run.phase === 'starting' || run.phase === 'running')) {
      pausedByHiding = true;
      run.pause();
    } else if (!document.hidden && pausedByHiding) {
      pausedByHiding = false;
      run.resume();
    }
  });

  select.addEventListener('change', () => fillRecipes(ownRecipe(selected())));
  for (const control of [select, quickBox, recipeSelect]) {
    control.addEventListener('change', () => {
      showSelection();
      onSelectionChange();
    });
  }
  logToggle.addEventListener('change', () => {
    if (shown) drawChart(shown);
  });
  new ResizeObserver(() => {
    if (shown) drawChart(shown);
  }).observe(chart);

  const size = poolSize();
  status.textContent = `Choose a preset and press Run; its jobs run in parallel on up to ${size} worker${size === 1 ? '' : 's'}.`;
  fillRecipes(ownRecipe(selected()));
  const defaultSelection = { preset: selected().id, quick: quickBox.checked, recipe: chosenRecipe() };
  showSelection();
  setControls('idle');
  setState('idle');
  return {
    selection: () => ({ preset: selected().id, quick: quickBox.checked, recipe: chosenRecipe() }),
    defaultSelection,
    choose(preset, quick, recipe = null) {
      if (!PRESETS.some((candidate) => candidate.id === preset)) return false;
      select.value = preset;
      quickBox.checked = quick;
      const known = recipe === null || recipeNames.includes(recipe);
      fillRecipes(known && recipe !== null ? recipe : ownRecipe(selected()));
      showSelection();
      return known ? true : 'unknown recipe';
    },
    run: () => form.requestSubmit(),
  };
}
