// Debian's Chromium driven by playwright-core: one fresh profile per test file, and pages that
// record what a test asserts on afterwards (console errors, uncaught errors, every request).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

// Flags from shared/toolchain.md: no sandbox (we run as root in a container), no GPU, and no
// background traffic of the browser's own, so the only requests are the page's.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  /** URL of every request any page of this session made, workers included, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'icl-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  return {
    context,
    requests,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface RecordedPage {
  page: Page;
  /** Console messages of type error, from the page and its workers. */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections. */
  pageErrors: string[];
}

export async function openPage(session: BrowserSession, url: string): Promise<RecordedPage> {
  const page = await session.context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const recordConsoleError = (message: { type(): string; text(): string }) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  };
  page.on('console', recordConsoleError);
  page.on('worker', (worker) => worker.on('console', recordConsoleError));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  return { page, consoleErrors, pageErrors };
}

/** The recorded requests that went anywhere but the test server (data: and blob: URLs never leave the browser). */
export function requestsElsewhere(requests: readonly string[], baseUrl: string): string[] {
  const base = new URL(baseUrl);
  return requests.filter((url) => {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return false;
    return parsed.hostname !== '127.0.0.1' || parsed.port !== base.port;
  });
}
