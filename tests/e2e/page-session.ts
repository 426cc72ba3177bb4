// The frame every end-to-end test file shares: one Chromium per file, launched before its tests; pages
// opened on the test server and closed after each test (their workers hold wasm memory); the browser
// closed at the end. The pages' requests stay recorded in session.requests for the same-origin checks.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { launchBrowser, openPage, type BrowserSession, type RecordedPage } from './browser.ts';

/** Where tests put their screenshots. */
export const OUTPUT_DIR = fileURLToPath(new URL('./output/', import.meta.url));

export interface PageSession {
  /** The browser; valid once the file's tests run. */
  readonly session: BrowserSession;
  /** Every page opened so far. */
  readonly openedPages: readonly RecordedPage[];
  /** Opens a recorded page on the test server (at `suffix`, e.g. a fragment) and waits until `ready(page)` resolves. */
  freshPage(suffix?: string): Promise<RecordedPage>;
}

/** Registers the hooks of a test file (call it at the top level); `ready` says when a new page is usable. */
export function usePageSession(ready: (page: Page) => Promise<unknown>): PageSession {
  let session: BrowserSession | undefined;
  const openedPages: RecordedPage[] = [];
  beforeAll(async () => {
    session = await launchBrowser();
    await mkdir(OUTPUT_DIR, { recursive: true });
  });
  afterEach(async () => {
    for (const { page } of openedPages) if (!page.isClosed()) await page.close();
  });
  afterAll(async () => {
    await session?.close();
  });
  const live = (): BrowserSession => {
    if (!session) throw new Error('the browser is not launched yet (use the session inside tests)');
    return session;
  };
  return {
    get session() {
      return live();
    },
    openedPages,
    async freshPage(suffix = '') {
      const recorded = await openPage(live(), `${inject('baseUrl')}${suffix}`);
      openedPages.push(recorded);
      await ready(recorded.page);
      return recorded;
    },
  };
}

/** No uncaught exception and no console error on the page. */
export function expectNoErrors(recorded: RecordedPage): void {
  expect(recorded.pageErrors).toEqual([]);
  expect(recorded.consoleErrors).toEqual([]);
}
