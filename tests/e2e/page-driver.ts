// What a person does on the page, as functions the tests share. The ids are those of web/index.html.

import type { Page } from 'playwright-core';
import type { PanelResult } from '../../wasm/sweep.js';
import type { TrainingResult } from '../../web/src/protocol.ts';

export type PageState = 'idle' | 'starting' | 'training' | 'done' | 'stopped' | 'error';

/** Text inputs of the config form (some shown only for some data models or architectures). */
export type FieldId =
  | 'd'
  | 'noise-variance'
  | 'n-list'
  | 'steps'
  | 'seed'
  | 'batch-size'
  | 'learning-rate'
  | 'eval-prompts'
  | 'alpha'
  | 'gamma'
  | 'rank'
  | 'ssm-states'
  | 'lora-rank'
  | 'lora-pretrain-steps';

/** Selects of the config form. */
export type ChoiceId =
  | 'data-kind'
  | 'task-spectrum'
  | 'rag-form'
  | 'alignment-query'
  | 'model-kind'
  | 'rank-mode'
  | 'init'
  | 'lora-adapt'
  | 'lora-pretrain-spectrum'
  | 'h3-filter';

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

export async function fillConfig(page: Page, values: Partial<Record<FieldId, string>>): Promise<void> {
  // The advanced settings live in a <details> that is closed by default; open it as a user would.
  const advanced = page.locator('#advanced');
  if (!(await advanced.evaluate((element) => (element as HTMLDetailsElement).open))) {
    await page.locator('#advanced > summary').click();
  }
  for (const [id, value] of Object.entries(values)) await page.locator(`#${id}`).fill(value);
}

/** Picks options (by value) in the order given, as a user would: each choice can reveal the next. */
export async function choose(page: Page, choices: Partial<Record<ChoiceId, string>>): Promise<void> {
  for (const [id, value] of Object.entries(choices)) await page.locator(`#${id}`).selectOption(value);
}

/** Whether each control's field is shown. */
export async function visibleFields(page: Page, ids: readonly string[]): Promise<Record<string, boolean>> {
  const entries = await Promise.all(ids.map(async (id) => [id, await page.locator(`#${id}`).isVisible()] as const));
  return Object.fromEntries(entries);
}

export async function lastResult(page: Page): Promise<TrainingResult | undefined> {
  return page.evaluate(() => window.__iclResult);
}

// The "Figure presets" section.

export type PresetState = 'idle' | 'starting' | 'running' | 'pausing' | 'paused' | 'finishing' | 'done' | 'cancelled' | 'error';

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

/** Picks a panel and the quick or full variant, as a user would. */
export async function choosePreset(page: Page, id: string, quick = true): Promise<void> {
  await waitForPresetState(page, ['idle', 'done', 'cancelled', 'error']);
  await page.locator('#preset-id').selectOption(id);
  await page.locator('#preset-quick').setChecked(quick);
}

/**
 * Presses `buttonId` from inside the page as soon as the preset run has trained its first steps. A
 * quick panel trains in a second or two, too little to be sure a click from the test process lands
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

export async function lastPresetResult(page: Page): Promise<PanelResult | undefined> {
  return page.evaluate(() => window.__iclPresetResult);
}
