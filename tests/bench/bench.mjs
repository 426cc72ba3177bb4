// `npm run bench`: milliseconds per training step and per batch draw for each workload, wasm (in this
// Node process) beside native (build-native/tests/bench/icl_bench), measured in the same run, with
// their ratios. Prints figures only; it asserts nothing. Usage: node tests/bench/bench.mjs [repeats]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import createIclModule from '../../build-wasm/dist/icl.mjs';

const repeats = Number(process.argv[2] ?? 30);
const base = { d: 20, n: [40], training: { steps: 1000000, batch_size: 1024 } };
const bank = { ...base, n: [1, 2, 3, 4, 6, 8, 12, 16, 20, 24, 32, 40] };
// Must match kWorkloads in bench_native.cpp.
const workloads = [
  { name: 'attention', config: base },
  { name: 'attention rank 5', config: { ...base, model: { rank: 5 } } },
  { name: 'h3', config: { ...base, model: { kind: 'h3' } } },
  { name: 'attention bank (12 n)', config: bank },
  { name: 'h3 bank (12 n)', config: { ...bank, model: { kind: 'h3' } } },
];

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
const nativeBinary = new URL('../../build-native/tests/bench/icl_bench', import.meta.url).pathname;
const native = execFileSync(nativeBinary, [String(repeats)], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

const f = (x) => x.toFixed(3).padStart(8);
console.log(`d=20, batch 1024, n=40 (one model) or a bank of 12 n: ms per training step and per batch draw`);
console.log(`(median / min of ${repeats} after warm-up; wasm in Node ${process.versions.node}, native g++ -O3 SSE2)\n`);
console.log('workload                build             step median  step min   draw median');
const wasmStep = {};
for (const { name, config } of workloads) {
  const handle = new raw.ExperimentHandle(JSON.stringify(config));
  if (handle.error()) throw new Error(handle.error());
  const step = timeEach(5, repeats, () => handle.step(1));
  const draw = timeEach(2, repeats, () => handle.drawBatchOnly());
  handle.delete();
  wasmStep[name] = step.median;
  const simd = native.find((row) => row.workload === name && row.backend === 'simd');
  const scalar = native.find((row) => row.workload === name && row.backend === 'scalar');
  console.log(`${name.padEnd(24)}wasm SIMD       ${f(step.median)}   ${f(step.min)}   ${f(draw.median)}`);
  console.log(`${''.padEnd(24)}native xsimd    ${f(simd.step_median_ms)}   ${f(simd.step_min_ms)}   ${f(simd.draw_median_ms)}`);
  console.log(`${''.padEnd(24)}native scalar   ${f(scalar.step_median_ms)}   ${f(scalar.step_min_ms)}   ${f(scalar.draw_median_ms)}`);
  console.log(
    `${''.padEnd(24)}ratios: wasm / native xsimd ${(step.median / simd.step_median_ms).toFixed(2)}x, ` +
      `native scalar / xsimd ${(scalar.step_median_ms / simd.step_median_ms).toFixed(2)}x\n`,
  );
}
const nativeMedian = (name) => native.find((row) => row.workload === name && row.backend === 'simd').step_median_ms;
console.log(
  `H3 step / attention step: wasm ${(wasmStep.h3 / wasmStep.attention).toFixed(2)}x, ` +
    `native ${(nativeMedian('h3') / nativeMedian('attention')).toFixed(2)}x`,
);
