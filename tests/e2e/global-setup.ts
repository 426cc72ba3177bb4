// Serves the built page (build-web/, made by `npx vite build` before this run) once for all e2e
// test files; the tests read its address with inject('baseUrl').

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { serveDirectory } from './static-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const BUILD_DIR = fileURLToPath(new URL('../../build-web/', import.meta.url));

export default async function setup(project: TestProject) {
  if (!existsSync(`${BUILD_DIR}index.html`)) {
    throw new Error(`${BUILD_DIR}index.html is missing: run \`npx vite build\` before the e2e tests.`);
  }
  const server = await serveDirectory(BUILD_DIR);
  project.provide('baseUrl', server.url);
  return () => server.close();
}
