// `npm run bench`: milliseconds per training step and per batch draw, wasm (in this Node process) beside
// native (build-native/tests/bench/icl_bench), measured in the same run, with their ratio. Prints
// figures only; it asserts nothing. Usage: node tests/bench/bench.mjs [repeats]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import createIclModule from '../../build-wasm/dist/icl.mjs';

const repeats = Number(process.argv[2] ?? 30);
const workload = { d: 20, n: [40], training: { steps: 1000000, batch_size: 1024 } };

function timeEach(warmup, count, work) {
  for (let i = 0; i < warmup; i++) work();
  const ms = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    work();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], min: ms[0] };
}

// The raw Embind module, for the drawBatchOnly hook that wasm/icl.js does not expose.
const wasmBinary = readFileSync(new URL('../../build-wasm/dist/icl.wasm', import.meta.url));
const raw = await createIclModule({ wasmBinary });
const handle = new raw.ExperimentHandle(JSON.stringify(workload));
if (handle.error()) throw new Error(handle.error());
const wasmStep = timeEach(5, repeats, () => handle.step(1));
const wasmDraw = timeEach(2, repeats, () => handle.drawBatchOnly());
handle.delete();

const nativeBinary = new URL('../../build-native/tests/bench/icl_bench', import.meta.url).pathname;
const native = execFileSync(nativeBinary, [String(repeats)], { encoding: 'utf8' })
  .trim().split('\n').map((line) => JSON.parse(line));
const simd = native.find((row) => row.backend === 'simd');
const scalar = native.find((row) => row.backend === 'scalar');

const f = (x) => x.toFixed(3).padStart(8);
console.log(`linear attention, d=20, n=40, batch 1024: ms per step (median / min of ${repeats}, after warm-up)`);
console.log('                          step median  step min   draw median  draw min');
console.log(`wasm SIMD (Node ${process.versions.node})   ${f(wasmStep.median)}   ${f(wasmStep.min)}   ${f(wasmDraw.median)}   ${f(wasmDraw.min)}`);
console.log(`native xsimd (SSE2)       ${f(simd.step_median_ms)}   ${f(simd.step_min_ms)}   ${f(simd.draw_median_ms)}   ${f(simd.draw_min_ms)}`);
console.log(`native scalar twin        ${f(scalar.step_median_ms)}   ${f(scalar.step_min_ms)}   ${f(scalar.draw_median_ms)}   ${f(scalar.draw_min_ms)}`);
console.log(`ratio wasm / native xsimd: step ${(wasmStep.median / simd.step_median_ms).toFixed(2)}x (median), ` +
  `${(wasmStep.min / simd.step_min_ms).toFixed(2)}x (min); draw ${(wasmDraw.median / simd.draw_median_ms).toFixed(2)}x`);
console.log(`ratio native scalar / xsimd: step ${(scalar.step_median_ms / simd.step_median_ms).toFixed(2)}x`);
