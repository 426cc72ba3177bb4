// What a person does on the page, as functions the tests share. The ids are those of web/index.html.

import type { Page } from 'playwright-core';
import type { TrainingResult } from '../../web/src/protocol.ts';

export type PageState = 'idle' | 'training' | 'done' | 'stopped' | 'error';

/** Input ids of the config form. */
export type FieldId = 'd' | 'noise-variance' | 'n-list' | 'steps' | 'seed' | 'batch-size' | 'learning-rate' | 'eval-prompts';

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

export async function lastResult(page: Page): Promise<TrainingResult | undefined> {
  return page.evaluate(() => window.__iclResult);
}
