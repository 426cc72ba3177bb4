// The article (tour.html): the paper's findings, each beside live figures. Every figure is a
// TourFigure (a preset run by the playground's preset runner) and every read-out a TourReadout; they
// take turns in one RunQueue, since each preset run already uses one worker per core. A figure asks
// for its quick run when it scrolls into view and withdraws the request if it scrolls away first.

import type { Preset } from '../../run/preset.js';
import type { FromJobWorker } from '../../run/job-protocol.js';
import { renderFormulas } from './formula.ts';
import { RunQueue } from './run-queue.ts';
import { TourFigure } from './tour-figure.ts';
import { TourReadout } from './tour-readout.ts';
import { READOUTS, VARIATIONS } from './tour-variations.ts';
import './styles.css';
import './tour.css';

const modules = import.meta.glob<Preset>('../../wasm/presets/*.json', { eager: true, import: 'default' });
const presets = new Map(Object.values(modules).map((preset) => [preset.id, preset]));

/** The playground's address beside this page (a static host serves it as index.html). */
const playground = new URL('./index.html', location.href).href.split('#')[0] as string;

let buildIdPromise: Promise<string> | null = null;

/** The module's build id, for links: asked once of a job worker, which loads the module and says it. */
function buildId(): Promise<string> {
  buildIdPromise ??= new Promise<string>((resolve) => {
    const worker = new Worker(new URL('./preset-worker.ts', import.meta.url), { type: 'module' });
    const done = (id: string) => {
      worker.terminate();
      resolve(id);
    };
    worker.addEventListener('message', (event: MessageEvent<FromJobWorker>) => {
      if (event.data.type === 'ready') done(event.data.buildId);
      else if (event.data.type === 'loadFailed') done('');
    });
    worker.addEventListener('error', () => done(''));
  });
  return buildIdPromise;
}

const queueStatus = document.getElementById('tour-queue');
const queue = new RunQueue(1, () => {
  document.body.dataset.tourRunning = String(queue.running.length);
  if (queueStatus)
    queueStatus.textContent =
      queue.waiting.length > 0
        ? `${queue.waiting.length} figure${queue.waiting.length === 1 ? '' : 's'} waiting for ${queue.waiting.length === 1 ? 'its' : 'their'} turn.`
        : '';
});

renderFormulas(document);

// A display formula wider than a phone scrolls sideways inside its box; a box that scrolls must be
// reachable from the keyboard, so it takes focus while it overflows.
const formulaObserver = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    const box = target as HTMLElement;
    if (box.scrollWidth > box.clientWidth + 1) box.tabIndex = 0;
    else box.removeAttribute('tabindex');
  }
});
for (const box of document.querySelectorAll('.formula')) formulaObserver.observe(box);

interface Wanted {
  wanted(): void;
  unwanted(): void;
}
const items = new Map<Element, Wanted>();

for (const host of document.querySelectorAll<HTMLElement>('figure[data-preset]')) {
  const preset = presets.get(host.dataset.preset ?? '');
  if (!preset) continue;
  items.set(host, new TourFigure(host, preset, VARIATIONS[preset.id] ?? [], { queue, buildId, playground }));
}
for (const host of document.querySelectorAll<HTMLElement>('figure[data-readout]')) {
  const spec = READOUTS.find((candidate) => candidate.preset === host.dataset.readout);
  const preset = spec ? presets.get(spec.preset) : undefined;
  if (spec && preset) items.set(host, new TourReadout(host, preset, spec, queue, playground));
}

// In view (or about to be): run. The margin starts a figure a little before it shows.
const observer = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      const item = items.get(entry.target);
      if (!item) continue;
      if (entry.isIntersecting) item.wanted();
      else item.unwanted();
    }
  },
  { rootMargin: '150px 0px' },
);
for (const host of items.keys()) observer.observe(host);
document.body.dataset.tourReady = 'true';
