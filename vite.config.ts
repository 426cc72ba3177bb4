import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Paths are resolved from this file, not from the shell's working directory, so `vite build`
// behaves the same wherever it is started from.
const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: fromRoot('./web'),
  // Relative asset URLs let the built page run from any folder of any static host.
  base: './',
  build: {
    outDir: fromRoot('./build-web'),
    emptyOutDir: true,
    target: 'es2022',
    // Two pages: the playground and the article (its own route, tour.html). Rollup puts what they
    // share (Observable Plot with d3, KaTeX, the run layer) in a common chunk, so a reader who goes
    // from one to the other loads it once.
    rollupOptions: {
      input: {
        index: fromRoot('./web/index.html'),
        tour: fromRoot('./web/tour.html'),
      },
    },
    // Observable Plot (with d3) and KaTeX make up most of the shared ~510 kB; splitting them further
    // would only add requests before the first chart.
    chunkSizeWarningLimit: 800,
  },
  worker: {
    format: 'es',
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
