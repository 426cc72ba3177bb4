// One live figure of the article: a figure preset run by the playground's own preset runner
// (preset-run.ts, a pool of workers), drawn by the playground's chart (preset-chart.ts, wasm/preset-chart.js)
// with its fidelity verdict and table (preset-table.ts). Its quick run starts when the figure scrolls
// into view (tour.ts asks; the article's RunQueue runs one figure at a time); the full run and the
// "try this" variations (tour-variations.ts) run on demand. Results are kept per run for the page's
// lifetime, so going back to the preset shows its result again without training.
//
// For tests and styling, the <figure> carries data-state ('idle' | 'queued' | 'running' | 'done' |
// 'cancelled' | 'error') and data-showing (the run on show: 'quick', 'full' or 'variation:<id>');
// window.__iclTour[preset][run] holds each finished result.

import { encodeState, presetLink } from '../../wasm/link.js';
import { presetJobs, resolvePreset, type Preset, type PresetResult } from '../../run/preset.js';
import { displayLabel } from './chart.ts';
import { setLabel } from './math-text.ts';
import { canUseLogX, renderPresetChart, renderPresetLegend } from './preset-chart.ts';
import { PresetRun, type RunSnapshot } from './preset-run.ts';
import { renderFidelityTable, renderVerdict } from './preset-table.ts';
import { ownRecipe, recipeLine } from './recipe-text.ts';
import type { RunQueue } from './run-queue.ts';
import { embedSnippet, showShare } from './share.ts';
import { variationPreset, type Variation } from './tour-variations.ts';

declare global {
  interface Window {
    /** Finished results of the article's figures: preset id -> run key -> result. */
    __iclTour?: Record<string, Record<string, PresetResult>>;
    /** What each figure shows now (a partial result while it trains): preset id -> its run key and result. */
    __iclTourShown?: Record<string, { run: string; result: PresetResult }>;
  }
}

export type FigureState = 'idle' | 'queued' | 'running' | 'done' | 'cancelled' | 'error';

export interface FigureContext {
  queue: RunQueue;
  /** The build id, for links (from the first worker that reports it). */
  buildId(): Promise<string>;
  /** The playground's address (index.html), without a fragment. */
  playground: string;
}

type RunKey = 'quick' | 'full' | `variation:${string}`;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(text: string, className = 'secondary'): HTMLButtonElement {
  const node = element('button', className, text);
  node.type = 'button';
  return node;
}

const numberText = (value: number) => value.toLocaleString('en-US');

/** A rough duration: "40 s", "3 min" (an estimate, so no false precision). */
function durationText(seconds: number): string {
  if (seconds < 60) return `${Math.max(5, Math.round(seconds / 5) * 5)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export class TourFigure {
  readonly host: HTMLElement;
  readonly preset: Preset;
  readonly variations: Variation[];
  #context: FigureContext;
  #results = new Map<RunKey, PresetResult>();
  #showing: RunKey = 'quick';
  #run: PresetRun | null = null;
  #runKey: RunKey | null = null;
  #finishTask: (() => void) | null = null;
  /** The queue key of this figure's request that has not started yet. */
  #waitingKey: string | null = null;
  #pausedByHiding = false;
  #shown: PresetResult | null = null;

  #status: HTMLElement;
  #progress: HTMLProgressElement;
  #legend: HTMLUListElement;
  #chart: HTMLElement;
  #empty: HTMLElement;
  #logToggle: HTMLInputElement;
  #fitToggle: HTMLInputElement;
  #verdict: HTMLElement;
  #table: HTMLTableElement;
  #tableBox: HTMLDetailsElement;
  #showingLine: HTMLElement;
  #expectLine: HTMLElement;
  #variationButtons = new Map<RunKey, HTMLButtonElement>();
  #quickButton: HTMLButtonElement;
  #fullButton: HTMLButtonElement;
  #stopButton: HTMLButtonElement;
  #shareBox: HTMLElement;
  #linkNote: HTMLElement;
  #openLink: HTMLAnchorElement;
  #command: HTMLElement;
  #recipeLine: HTMLElement;

  constructor(host: HTMLElement, preset: Preset, variations: Variation[], context: FigureContext) {
    this.host = host;
    this.preset = preset;
    this.variations = variations;
    this.#context = context;
    const id = preset.id;

    const head = element('figcaption', 'tour-figure-head');
    const title = element('h3', 'tour-figure-title');
    setLabel(title, preset.title);
    const note = element('p', 'note');
    setLabel(note, preset.note ?? '');
    head.append(title, note);

    this.#showingLine = element('p', 'tour-showing');
    this.#showingLine.setAttribute('aria-live', 'polite');
    this.#legend = element('ul', 'legend');
    this.#legend.setAttribute('aria-label', `legend of ${id}`);
    this.#chart = element('div', 'chart');
    this.#empty = element('p', 'chart-empty', 'The quick run starts when this figure comes into view.');
    const logLabel = element('label', 'log-toggle');
    this.#logToggle = element('input');
    this.#logToggle.type = 'checkbox';
    logLabel.append(this.#logToggle, ' logarithmic n axis');
    logLabel.hidden = !(preset.axis.field === 'n');
    const fitLabel = element('label', 'log-toggle');
    this.#fitToggle = element('input');
    this.#fitToggle.type = 'checkbox';
    // A figure whose curves lie a few percent apart says so in its markup (data-fit="1").
    this.#fitToggle.checked = host.dataset.fit === '1';
    fitLabel.append(this.#fitToggle, ' fit the risk axis to the curves (not from 0)');
    const toggles = element('div', 'chart-toggles');
    toggles.append(logLabel, fitLabel);
    this.#verdict = element('p', 'verdict');
    this.#verdict.hidden = true;
    this.#tableBox = element('details', 'tour-table');
    this.#tableBox.append(element('summary', undefined, 'The numbers: empirical risk, theory and gap at each point'));
    this.#table = element('table', 'results-table preset-table');
    this.#table.createTHead();
    this.#table.createTBody();
    const scroll = element('div', 'table-scroll');
    scroll.append(this.#table);
    this.#tableBox.append(scroll);
    this.#tableBox.hidden = true;

    // Run controls: the quick run again, the full run, stop; progress and status.
    const controls = element('div', 'tour-controls');
    controls.setAttribute('role', 'group');
    controls.setAttribute('aria-label', `runs of ${id}`);
    this.#quickButton = button('Run the quick version');
    const full = resolvePreset(preset, { quick: false });
    const fullJobs = presetJobs(full).length;
    this.#fullButton = button(`Full run (${fullJobs} jobs, ${full.seeds.length} seeds: a minute or more)`);
    this.#stopButton = button('Stop');
    this.#stopButton.disabled = true;
    this.#progress = element('progress');
    this.#progress.max = 1;
    this.#progress.value = 0;
    this.#progress.setAttribute('aria-label', `training progress of ${id}`);
    this.#status = element('p', 'status');
    this.#status.setAttribute('role', 'status');
    controls.append(this.#quickButton, this.#fullButton, this.#stopButton, this.#progress, this.#status);

    // Try this: the preset, then each variation; one is pressed at a time.
    const tryBox = element('div', 'tour-try');
    const tryHeading = element('p', 'tour-try-heading', 'Try this (each a quick run of a patched preset):');
    const row = element('div', 'tour-try-buttons');
    row.setAttribute('role', 'group');
    row.setAttribute('aria-label', `variations of ${id}`);
    const presetButton = button('The preset as published');
    presetButton.dataset.variation = 'preset';
    this.#variationButtons.set('quick', presetButton);
    presetButton.addEventListener('click', () => this.#choose('quick'));
    row.append(presetButton);
    for (const variation of variations) {
      const choice = button(displayLabel(variation.label));
      choice.dataset.variation = variation.id;
      const key: RunKey = `variation:${variation.id}`;
      this.#variationButtons.set(key, choice);
      choice.addEventListener('click', () => this.#choose(key));
      row.append(choice);
    }
    this.#expectLine = element('p', 'tour-expect');
    tryBox.append(tryHeading, row, this.#expectLine);

    // The figure's link and embed snippet (the preset's: a link cannot carry a variation).
    const share = element('div', 'tour-share');
    const shareButtons = element('div', 'share');
    shareButtons.setAttribute('role', 'group');
    shareButtons.setAttribute('aria-label', `share ${id}`);
    this.#openLink = element('a', 'tour-open', 'Open in the playground');
    this.#openLink.href = `${context.playground}#${encodeState({ buildId: '', preset: id, quick: true })}`;
    const copyLink = button('Copy link');
    const embed = button('Embed');
    shareButtons.append(this.#openLink, copyLink, embed);
    this.#linkNote = element('p', 'hint tour-link-note');
    this.#command = element('p', 'hint tour-command');
    this.#recipeLine = element('p', 'note tour-recipe');
    this.#shareBox = element('div', 'share-box');
    this.#shareBox.hidden = true;
    share.append(shareButtons, this.#linkNote, this.#command, this.#shareBox);

    host.replaceChildren(
      head,
      this.#showingLine,
      this.#legend,
      this.#chart,
      this.#empty,
      this.#recipeLine,
      toggles,
      this.#verdict,
      this.#tableBox,
      controls,
      tryBox,
      share,
    );
    host.dataset.preset = id;

    this.#quickButton.addEventListener('click', () => this.#start('quick', { front: true, rerun: true }));
    this.#fullButton.addEventListener('click', () => this.#start('full', { front: true, rerun: true }));
    this.#stopButton.addEventListener('click', () => this.#stop());
    this.#logToggle.addEventListener('change', () => this.#draw());
    this.#fitToggle.addEventListener('change', () => this.#draw());
    copyLink.addEventListener('click', async () =>
      showShare(this.#shareBox, `Link to ${id}${this.#showing === 'full' ? '' : ' (quick run)'}`, await this.#link()),
    );
    embed.addEventListener('click', async () => {
      const url = await this.#link({ embed: true });
      showShare(this.#shareBox, `Embed ${id}: paste into a web page`, embedSnippet(url, displayLabel(preset.title)));
    });
    new ResizeObserver(() => this.#draw()).observe(this.#chart);
    document.addEventListener('visibilitychange', () => this.#onVisibility());
    this.#setState('idle');
    this.#describe();
    void context.buildId().then(() => this.#describe());
  }

  /** The figure came into view: queue its quick run unless it has a result or a run of its own. */
  wanted(): void {
    if (this.#results.has(this.#showing) || this.#runKey !== null || this.#waitingKey !== null) return;
    this.#start(this.#showing, { front: false, rerun: false });
  }

  /** The figure left the view: a run that has not started yet waits for the next time. */
  unwanted(): void {
    if (this.#waitingKey !== null && this.#context.queue.withdraw(this.#waitingKey)) {
      this.#waitingKey = null;
      this.#setState(this.#results.has(this.#showing) ? 'done' : 'idle');
      this.#empty.textContent = 'The quick run starts when this figure comes into view.';
      this.#status.textContent = '';
    }
  }

  #taskKey(key: RunKey): string {
    return `${this.preset.id}|${key}`;
  }

  #variation(key: RunKey): Variation | null {
    return key.startsWith('variation:') ? (this.variations.find((v) => `variation:${v.id}` === key) ?? null) : null;
  }

  #setState(state: FigureState): void {
    this.host.dataset.state = state;
    this.host.dataset.showing = this.#showing;
    const busy = state === 'queued' || state === 'running';
    this.#stopButton.disabled = !busy;
    this.#quickButton.disabled = busy && this.#showing === 'quick';
    this.#fullButton.disabled = busy && this.#showing === 'full';
  }

  /** Shows the run `key`: its kept result, or runs it. */
  #choose(key: RunKey): void {
    if (this.#showing === key && (this.#runKey === key || this.#waitingKey === this.#taskKey(key))) return;
    this.#showing = key;
    this.#describe();
    const kept = this.#results.get(key);
    if (kept) {
      this.#cancelOwn();
      this.#showResult(kept);
      this.#setState('done');
      this.#status.textContent = 'Shown from the earlier run (the same numbers every time).';
      return;
    }
    this.#start(key, { front: true, rerun: true });
  }

  #start(key: RunKey, { front, rerun }: { front: boolean; rerun: boolean }): void {
    if (!rerun && this.#results.has(key)) return;
    this.#withdraw();
    // The same run again: stop the old one first, or the queue would see it still running.
    if (this.#runKey === key) this.#cancelRun();
    this.#showing = key;
    this.#describe();
    this.#showResult(this.#results.get(key) ?? null);
    this.#empty.textContent = 'Waiting for the figure being trained to finish (one runs at a time: they share your cores)…';
    this.#status.textContent = 'Queued.';
    this.#setState('queued');
    const taskKey = this.#taskKey(key);
    this.#waitingKey = taskKey;
    const previous = this.#run;
    this.#context.queue.request({ key: taskKey, start: (finished) => this.#launch(key, finished) }, { front });
    // Another run of this figure gives way; the queue then starts this one, which is at its front.
    if (previous !== null && this.#run === previous) this.#cancelRun();
  }

  #withdraw(): void {
    if (this.#waitingKey !== null) this.#context.queue.withdraw(this.#waitingKey);
    this.#waitingKey = null;
  }

  /** Stops this figure's run and request (a Stop, or a kept result chosen). */
  #cancelOwn(): void {
    this.#withdraw();
    this.#cancelRun();
  }

  #cancelRun(): void {
    if (this.#run && this.#runKey !== null) {
      const run = this.#run;
      this.#run = null;
      this.#runKey = null;
      run.cancel();
      this.#finish();
    }
  }

  #stop(): void {
    const hadResult = this.#results.has(this.#showing);
    this.#cancelOwn();
    this.#setState(hadResult ? 'done' : 'cancelled');
    this.#status.textContent = 'Stopped. Press a run or a variation to start again.';
    if (!hadResult) this.#showResult(null);
  }

  #finish(): void {
    const finished = this.#finishTask;
    this.#finishTask = null;
    finished?.();
  }

  #launch(key: RunKey, finished: () => void): void {
    this.#waitingKey = null;
    this.#finishTask = finished;
    this.#runKey = key;
    this.#showing = key;
    this.#describe();
    this.#pausedByHiding = false;
    const variation = this.#variation(key);
    const quick = key !== 'full';
    this.#empty.textContent = 'Loading the module: the theory is drawn first, then each job’s points as it trains.';
    this.#setState('running');
    // The pool reports from inside the constructor already: those reports are not this figure's yet.
    let run: PresetRun | null = null;
    const mine = () => run !== null && this.#run === run;
    run = new PresetRun(
      this.preset,
      quick,
      {
        update: (snapshot) => {
          if (mine()) this.#showProgress(snapshot);
        },
        partial: (result) => {
          if (mine()) this.#showResult(result);
        },
        done: (result) => {
          if (!mine()) return;
          this.#results.set(key, result);
          const store = (window.__iclTour ??= {});
          (store[this.preset.id] ??= {})[key] = result;
          this.#run = null;
          this.#runKey = null;
          this.#showResult(result);
          this.#status.textContent = `Done in ${(run?.snapshot().activeSeconds ?? result.seconds).toFixed(1)} s: fidelity ${result.fidelity.pass ? 'pass' : 'fail'}.`;
          this.#setState('done');
          this.#finish();
        },
        cancelled: () => {},
        warning: (message) => {
          if (mine()) this.#status.textContent = `Note: ${message}.`;
        },
        failed: (message) => {
          if (!mine()) return;
          this.#run = null;
          this.#runKey = null;
          this.#status.textContent = `The run failed: ${message}`;
          this.#setState('error');
          this.#finish();
        },
      },
      variation ? { patch: variation.patch } : {},
    );
    this.#run = run;
    // A run asked for while the tab is hidden starts held.
    if (document.hidden) {
      this.#pausedByHiding = true;
      this.#run.pause();
    }
  }

  #onVisibility(): void {
    const run = this.#run;
    if (!run) return;
    if (document.hidden && (run.phase === 'starting' || run.phase === 'running')) {
      this.#pausedByHiding = true;
      run.pause();
    } else if (!document.hidden && this.#pausedByHiding) {
      this.#pausedByHiding = false;
      run.resume();
    }
  }

  #showProgress(snapshot: RunSnapshot): void {
    if (snapshot.totalSteps === null) this.#progress.removeAttribute('value');
    else {
      this.#progress.max = Math.max(1, snapshot.totalSteps);
      this.#progress.value = snapshot.stepsDone;
    }
    if (snapshot.phase === 'paused' || snapshot.phase === 'pausing') {
      this.#status.textContent = 'Paused while the tab is hidden; it resumes when you come back.';
      return;
    }
    if (snapshot.phase !== 'running' && snapshot.phase !== 'starting') return;
    const left = snapshot.secondsLeft !== null ? ` · about ${durationText(snapshot.secondsLeft)} left` : '';
    this.#status.textContent = `Training: ${snapshot.jobsDone} / ${snapshot.jobs} jobs done · ${numberText(snapshot.stepsDone)} steps${left}`;
  }

  #showResult(result: PresetResult | null): void {
    this.#shown = result;
    const shown = (window.__iclTourShown ??= {});
    if (result) shown[this.preset.id] = { run: this.#showing, result };
    else delete shown[this.preset.id];
    this.#empty.hidden = result !== null;
    this.#legend.hidden = result === null;
    this.#verdict.hidden = result === null;
    this.#tableBox.hidden = result === null;
    if (!result) {
      this.#chart.replaceChildren();
      this.#legend.replaceChildren();
      return;
    }
    renderPresetLegend(this.#legend, result);
    this.#draw();
    renderVerdict(this.#verdict, result);
    renderFidelityTable(this.#table, result);
  }

  #draw(): void {
    const result = this.#shown;
    if (!result || this.#chart.clientWidth === 0) return;
    renderPresetChart(this.#chart, result, { logX: canUseLogX(result) && this.#logToggle.checked, fitY: this.#fitToggle.checked });
  }

  /** What is on show, what a variation changes and expects, and what the link opens. */
  #describe(): void {
    this.host.dataset.showing = this.#showing;
    for (const [key, choice] of this.#variationButtons)
      choice.setAttribute('aria-pressed', String(key === this.#showing || (key === 'quick' && this.#showing === 'full')));
    const variation = this.#variation(this.#showing);
    const id = this.preset.id;
    if (variation) {
      this.#showingLine.replaceChildren(
        element('strong', undefined, 'Variation: '),
        `${displayLabel(variation.label)} — ${displayLabel(variation.change)}. A quick run, not a preset.`,
      );
      this.#expectLine.replaceChildren(element('strong', undefined, 'What to look for: '), displayLabel(variation.expect));
      this.#linkNote.textContent = `A link cannot carry a variation: the link and the embed open the preset ${id} as published (quick run), the nearest preset to this variation.`;
    } else {
      const full = this.#showing === 'full';
      this.#showingLine.replaceChildren(
        element('strong', undefined, full ? 'The preset, full run: ' : 'The preset, quick run: '),
        full
          ? 'the paper-scale preset with its training recipe.'
          : 'reduced settings (smaller d, fewer points, one seed), the looser quick tolerance.',
      );
      this.#expectLine.textContent = '';
      this.#linkNote.textContent = 'The link and the embed open this figure in the playground, with the same numbers.';
    }
    const quick = this.#showing !== 'full';
    const shownPreset = variation ? variationPreset(this.preset, variation) : resolvePreset(this.preset, { quick });
    this.#recipeLine.textContent = recipeLine(shownPreset);
    this.#command.replaceChildren(
      'Command line: ',
      element('code', undefined, `npx icl-playground reproduce ${id}${quick ? ' --quick' : ''} --out results/`),
    );
    void this.#link().then((link) => {
      this.#openLink.href = link;
    });
  }

  async #link({ embed = false } = {}): Promise<string> {
    const buildId = await this.#context.buildId();
    const quick = this.#showing !== 'full';
    const recipe = ownRecipe(this.preset);
    if (!embed) return presetLink({ preset: this.preset.id, recipe, quick, buildId, base: this.#context.playground });
    return `${this.#context.playground}#${encodeState({ buildId, preset: this.preset.id, recipe, quick, embed: true })}`;
  }
}
