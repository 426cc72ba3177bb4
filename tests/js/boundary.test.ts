// The boundary between JavaScript and the wasm module under hostile input: no C++ exception and no bare
// number ever reaches JavaScript, every message is valid UTF-8 on one line, inputs JSON cannot hold are
// ConfigErrors, and numbers do not wrap on their way to C++ ints.
import { describe, expect, it } from 'vitest';
const tiny = { d: 3, n: [2, 4], training: { steps: 4, batch_size: 8 }, evaluation: { prompts: 50 } };

describe('C++ exceptions', () => {
  it('are caught at the boundary and come back as messages, without leaking wasm stack', async () => {
    // The raw Embind module, for its test hook (not part of wasm/icl.js).
    const { readFileSync } = await import('node:fs');
    // @ts-expect-error: the emscripten output has no typings; wasm/icl.d.ts types the wrapped module.
    const { default: createIclModule } = await import('../../build-wasm/dist/icl.mjs');
    const raw = await createIclModule({ wasmBinary: readFileSync(new URL('../../build-wasm/dist/icl.wasm', import.meta.url)) });
    expect(JSON.parse(raw.throwForTest('bad_alloc'))).toEqual({
      error: 'throwForTest: out of memory (the wasm module can grow to at most 2 GB)',
      internal: true,
    });
    expect(JSON.parse(raw.throwForTest('json')).error).toMatch(/^throwForTest: internal error: \[json\.exception\.parse_error\.101\]/);
    expect(JSON.parse(raw.throwForTest('other')).error).toBe('throwForTest: internal error: thrown \\xC3 for the test');
    // Each escaped exception used to leave the wasm stack pointer where the throw left it.
    for (let i = 0; i < 20000; i++) raw.throwForTest(i % 2 ? 'bad_alloc' : 'json');
    const handle = new raw.ExperimentHandle(JSON.stringify(tiny));
    expect(handle.error()).toBe('');
    expect(handle.step(4)).toBe(4);
    expect(Array.from(handle.evaluate() as Float64Array).every(Number.isFinite)).toBe(true);
    handle.delete();
  });
});
