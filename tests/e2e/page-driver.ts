// What a person does on the page, as functions the tests share. Config fields are named by their
// path in the core's schema; the other ids are those of web/index.html.

import type { Page } from 'playwright-core';
import type { PresetResult } from '../../run/preset.js';
import type { ConfigFieldPath } from '../../wasm/icl.js';
import { controlId } from '../../web/src/form.ts';
import type { TrainingResult } from '../../web/src/protocol.ts';

export type PageState = 'idle' | 'starting' | 'training' | 'paused' | 'done' | 'stopped' | 'diverged' | 'error';

/** A config field's path ("data.alpha"), as the core's schema names it. */
export type FieldPath = ConfigFieldPath;

/** The selector of a field's control (the form generates one per schema field, see web/src/form.ts). */
export const control = (path: FieldPath) => `#${controlId(path)}`;

export async function waitForState(page: Page, states: PageState[], timeout = 180_000): Promise<PageState> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const state = document.body.dataset.state;
      return state !== undefined && (wanted as string[]).includes(state) ? state : null;
    },
    states,
    { timeout, polling: 100 },
  );
  return (await handle.jsonValue()) as PageState;
}

/** Waits until the module is loaded and the form holds its defaults. */
export async function waitUntilReady(page: Page): Promise<void> {
  await waitForState(page, ['idle'], 60_000);
  await page.locator('#train:not([disabled])').waitFor();
}

/** Types into text fields (by config path), opening the closed "Advanced" sections first as a user would. */
export async function fillConfig(page: Page, values: Partial<Record<FieldPath, string>>): Promise<void> {
  const closed = page.locator('#config-fields details:not([open]) > summary');
  while ((await closed.count()) > 0) await closed.first().click();
  for (const [path, value] of Object.entries(values)) await page.locator(control(path as FieldPath)).fill(value);
}

/** Picks options (by value) in the order given, as a user would: each choice can reveal the next. */
export async function choose(page: Page, choices: Partial<Record<FieldPath, string>>): Promise<void> {
  for (const [path, value] of Object.entries(choices)) await page.locator(control(path as FieldPath)).selectOption(value);
}

/** Whether each field is shown. */
export async function visibleFields(page: Page, paths: readonly FieldPath[]): Promise<Record<string, boolean>> {
  const entries = await Promise.all(paths.map(async (path) => [path, await page.locator(control(path)).isVisible()] as const));
  return Object.fromEntries(entries);
}

export async function lastResult(page: Page): Promise<TrainingResult | undefined> {
  return page.evaluate(() => window.__iclResult);
}

// The "Figure presets" section.

export type PresetState = 'idle' | 'starting' | 'running' | 'pausing' | 'paused' | 'done' | 'cancelled' | 'error';

export async function waitForPresetState(page: Page, states: PresetState[], timeout = 120_000): Promise<PresetState> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const state = document.body.dataset.presetState;
      return state !== undefined && (wanted as string[]).includes(state) ? state : null;
    },
    states,
    { timeout, polling: 50 },
  );
  return (await handle.jsonValue()) as PresetState;
}

/** Picks a preset and the quick or full variant, as a user would. */
export async function choosePreset(page: Page, id: string, quick = true): Promise<void> {
  await waitForPresetState(page, ['idle', 'done', 'cancelled', 'error']);
  await page.locator('#preset-id').selectOption(id);
  await page.locator('#preset-quick').setChecked(quick);
}

/**
 * Presses `buttonId` from inside the page as soon as the preset run has trained its first steps. A
 * quick preset trains in a second or two, too little to be sure a click from the test process lands
 * mid-run; the button's own click handler runs all the same. Start it before pressing Run, await it after.
 */
export function pressOnceTraining(page: Page, buttonId: 'preset-pause' | 'preset-cancel'): Promise<number> {
  return page.evaluate(
    (id) =>
      new Promise<number>((resolve) => {
        const bar = document.getElementById('preset-progress') as HTMLProgressElement;
        const button = document.getElementById(id) as HTMLButtonElement;
        const check = () => {
          if (document.body.dataset.presetState === 'running' && bar.hasAttribute('value') && bar.value > 0) {
            button.click();
            resolve(bar.value);
          } else {
            requestAnimationFrame(check);
          }
        };
        check();
      }),
    buttonId,
  );
}

/** Presses `buttonId` from inside the page as soon as at least `jobs` jobs of the running preset are done. */
export function pressOnceJobsDone(page: Page, buttonId: 'preset-pause' | 'preset-cancel', jobs: number): Promise<string> {
  return page.evaluate(
    ([id, wanted]) =>
      new Promise<string>((resolve) => {
        const counts = document.getElementById('preset-counts') as HTMLElement;
        const button = document.getElementById(id as string) as HTMLButtonElement;
        const check = () => {
          const done = Number.parseInt(counts.textContent ?? '', 10);
          if (document.body.dataset.presetState === 'running' && done >= (wanted as number)) {
            button.click();
            resolve(counts.textContent ?? '');
          } else {
            requestAnimationFrame(check);
          }
        };
        check();
      }),
    [buttonId, jobs] as const,
  );
}

export async function lastPresetResult(page: Page): Promise<PresetResult | undefined> {
  return page.evaluate(() => window.__iclPresetResult);
}
