// A benchmark, not a test: runs the three Figure 2 presets (fig2a, fig2b, fig2c) one after another
// through the page's "Figure presets" section in headless Chromium, at their default settings, with
// each training recipe asked for (the presets' own, then paper-spec §4's by default), and prints the wall
// seconds of each preset and in total with its fidelity line, and each recipe's total as a ratio to the
// first's; beside each preset, the CPU seconds the browser spent outside the workers (the page's drawing,
// compositing and messaging: time the workers did not get). It asserts nothing.
//
//   npx vite build                                          # the bench builds nothing itself
//   node tests/bench/presets-browser.mjs                    # own recipe, then paper (many minutes)
//   node tests/bench/presets-browser.mjs --recipes own      # the presets' own recipe only
//   node tests/bench/presets-browser.mjs --quick            # the reduced versions: a smoke run of seconds
//
// It serves build-web/ on 127.0.0.1 (a free port) and drives /usr/bin/chromium with playwright-core,
// with the flags of tests/e2e/browser.ts. Plain JavaScript, so it runs with node alone.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const PRESETS = ['fig2a-noiseless-iid', 'fig2b-noisy-labels', 'fig2c-nonisotropic-task'];
const BUILD_DIR = fileURLToPath(new URL('../../build-web/', import.meta.url));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

const args = process.argv.slice(2);
const recipesAt = args.indexOf('--recipes');
const recipes = (recipesAt >= 0 ? (args[recipesAt + 1] ?? '') : 'own,paper').split(',').filter(Boolean);
const unknown = args.filter((arg, i) => arg !== '--quick' && i !== recipesAt && i !== recipesAt + 1);
if (unknown.length > 0 || recipes.length === 0) {
  console.error(`usage: node tests/bench/presets-browser.mjs [--quick] [--recipes own,paper,...]  (unknown: ${unknown.join(' ')})`);
  process.exit(2);
}
const quick = args.includes('--quick');
if (!existsSync(join(BUILD_DIR, 'index.html'))) {
  console.error(`${BUILD_DIR}index.html is missing: run \`npx vite build\` first.`);
  process.exit(2);
}

/** Serves `directory` on 127.0.0.1 at a free port; the .wasm with the type instantiateStreaming needs. */
async function serve(directory) {
  const root = resolve(directory);
  const server = createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const file = resolve(root, `.${pathname.endsWith('/') ? `${pathname}index.html` : pathname}`);
    try {
      if (!file.startsWith(root + sep) || request.method !== 'GET' || !(await stat(file)).isFile()) throw new Error('not found');
      const body = await readFile(file);
      response.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolveListen);
  });
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((done) => server.close(done)) };
}

/**
 * CPU seconds of every thread of the browser's processes except the Web Workers' (Linux /proc; null
 * elsewhere). The workers end with their preset, so the difference across a preset is the page's own cost.
 */
function browserCpuSeconds(userDataDir) {
  try {
    const processes = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          return {
            pid,
            parent: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1],
            command: readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
          };
        } catch {
          return null;
        }
      })
      .filter((entry) => entry !== null);
    const browser = new Set(processes.filter((entry) => entry.command.includes(userDataDir)).map((entry) => entry.pid));
    for (let grew = true; grew;) {
      grew = false;
      for (const entry of processes) {
        if (browser.has(entry.pid) || !browser.has(entry.parent)) continue;
        browser.add(entry.pid);
        grew = true;
      }
    }
    let ticks = 0;
    for (const pid of browser) {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        try {
          if (readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').startsWith('DedicatedWorker')) continue;
          const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
        } catch {
          // The thread ended meanwhile.
        }
      }
    }
    return browser.size > 0 ? ticks / 100 : null; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

const pct = (x) => `${(100 * x).toFixed(2)}%`;

function fidelityLine(result) {
  const { medianGap, maxGap, tolerance, pass } = result.fidelity;
  const points = result.curves.reduce((sum, curve) => sum + curve.points.length, 0);
  return (
    `${points} points, median |gap| ${pct(medianGap)}, max |gap| ${pct(maxGap)}, ` +
    `tolerance ${pct(tolerance.point)} / ${pct(tolerance.median)}: ${pass ? 'pass' : 'FAIL'}`
  );
}

const server = await serve(BUILD_DIR);
const userDataDir = await mkdtemp(join(tmpdir(), 'icl-bench-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: CHROMIUM_ARGS,
  viewport: { width: 1280, height: 900 },
});
try {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.presetState === 'idle');
  // The page says how many workers its pool uses ("... on up to N workers.") before the first run.
  const workers = (await page.locator('#preset-status').textContent())?.match(/up to (\d+) worker/)?.[1] ?? '?';
  console.log(`Figure 2 presets in Chromium (${quick ? 'quick' : 'default'} settings), ${workers} workers`);
  const quickBox = page.locator('#preset-quick');
  const totals = [];
  for (const recipe of recipes) {
    console.log(`\nrecipe ${recipe}${recipe === 'own' ? " (each preset's own)" : ''}`);
    let total = 0;
    for (const id of PRESETS) {
      await page.locator('#preset-id').selectOption(id);
      if ((await quickBox.isChecked()) !== quick) await quickBox.setChecked(quick);
      // "own" is the first choice, the preset's own recipe.
      if (recipe === 'own') await page.locator('#preset-recipe').selectOption({ index: 0 });
      else await page.locator('#preset-recipe').selectOption(recipe);
      const started = performance.now();
      const cpuBefore = browserCpuSeconds(userDataDir);
      await page.locator('#preset-run').click();
      const state = await page
        .waitForFunction(
          () =>
            ['done', 'error', 'cancelled'].includes(document.body.dataset.presetState ?? '') ? document.body.dataset.presetState : null,
          null,
          { timeout: 0, polling: 200 },
        )
        .then((handle) => handle.jsonValue());
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = browserCpuSeconds(userDataDir);
      const pageCpu = cpuBefore !== null && cpuAfter !== null ? `page CPU ${(cpuAfter - cpuBefore).toFixed(1)} s` : 'page CPU n/a';
      if (state !== 'done') {
        console.log(`${id.padEnd(26)} ${state}: ${await page.locator('#preset-status').textContent()}`);
        process.exitCode = 1;
        continue;
      }
      total += seconds;
      const result = await page.evaluate(() => window.__iclPresetResult);
      console.log(
        `${id.padEnd(26)} ${seconds.toFixed(1).padStart(7)} s   ${fidelityLine(result)}   [${result.preset.recipe.name}]   ${pageCpu}`,
      );
    }
    console.log(`${'total'.padEnd(26)} ${total.toFixed(1).padStart(7)} s`);
    totals.push({ recipe, total });
  }
  console.log('');
  for (const { recipe, total } of totals) {
    console.log(
      `${recipe.padEnd(10)} Figure 2 in ${total.toFixed(1)} s; ratio to ${totals[0].recipe}: ${(total / totals[0].total).toFixed(3)}`,
    );
  }
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
  await server.close();
}
