import { defineConfig } from 'vitest/config';

// Vitest in Node against the built wasm module (tests/js). The browser tests have their own config
// (tests/e2e/vitest.config.ts) because they need a built page and Chromium.
export default defineConfig({
  test: {
    include: ['tests/js/**/*.test.ts'],
    environment: 'node',
  },
});
