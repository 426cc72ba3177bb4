// The boundary between JavaScript and the wasm module under hostile input: no C++ exception and no bare
// number ever reaches JavaScript, every message is valid UTF-8 on one line, inputs JSON cannot hold are
// ConfigErrors, and numbers do not wrap on their way to C++ ints.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadIcl, type IclModule } from '../../wasm/icl.js';

let icl: IclModule;
beforeAll(async () => {
  icl = await loadIcl();
});

const tiny = { d: 3, n: [2, 4], training: { steps: 4, batch_size: 8 }, evaluation: { prompts: 50 } };

function configError(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

function expectReadable(message: string) {
  expect(message.length).toBeGreaterThan(0);
  // String.prototype.isWellFormed (Node 20) is not in tsconfig's es2022 lib.
  expect((message as string & { isWellFormed(): boolean }).isWellFormed()).toBe(true);
  expect(message).not.toMatch(/[\u0000-\u001f\u007f\ufffd]/);
  expect(message).not.toMatch(/^\d+$/); // a bare exception pointer
  expect(message).not.toMatch(/json\.exception/);
}

function trainsAfterwards() {
  const before = icl.liveObjectCount();
  const experiment = icl.createExperiment(tiny);
  try {
    expect(experiment.step(4)).toBe(4);
    expect(Array.from(experiment.evaluate()).every(Number.isFinite)).toBe(true);
  } finally {
    experiment.delete();
  }
  expect(icl.liveObjectCount()).toBe(before);
}

describe('invalid UTF-8', () => {
  it('at every position of a config gives a ConfigError with a valid message, and the module keeps working', () => {
    const valid = JSON.stringify({ d: 3, n: [2, 4], data: { kind: 'drift', gamma: 0.5 }, model: { kind: 'h3' } });
    expect(() => icl.normalizeConfig(valid)).not.toThrow();
    // Lone surrogates: Embind's UTF-8 encoder turns them into bytes that are not UTF-8 (or swallows the
    // next character into a 4-byte sequence), so the core sees invalid input at that position.
    const bad = ['\ud800', '\udfff', '\udbff\ud800', '\udc00x'];
    const before = icl.liveObjectCount();
    let refused = 0;
    for (let position = 0; position <= valid.length; position++) {
      for (const insert of bad) {
        const text = valid.slice(0, position) + insert + valid.slice(position);
        expectReadable(configError(() => icl.normalizeConfig(text)).message);
        expectReadable(configError(() => icl.createExperiment(text)).message);
        refused += 2;
      }
    }
    expect(refused).toBe(8 * (valid.length + 1));
    expect(icl.liveObjectCount()).toBe(before);
    trainsAfterwards();
  });

  it('a value cut in the middle of a multi-byte character is quoted whole', () => {
    // '"x' and 17 of the two-byte 'é' fill 36 bytes: a cut at the 37th byte used to split the 18th.
    const message = configError(() => icl.normalizeConfig({ data: { kind: `x${'é'.repeat(30)}` } })).message;
    expectReadable(message);
    expect(message).toMatch(/^data\.kind must be .* \(got "xé{17}\.\.\.\)$/);
  });

  it('thousands of refusals in one process leak nothing (each thrown exception used to leak wasm stack)', () => {
    for (let i = 0; i < 6000; i++) expectReadable(configError(() => icl.normalizeConfig(`{"d": \u00e9${i}}`)).message);
    trainsAfterwards();
  });
});

describe('JSON structure', () => {
  it('refuses deep nesting, in JavaScript objects and in text, without a stack overflow', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100000; i++) {
      const inner = {};
      deep.a = inner;
      deep = inner;
    }
    expect(configError(() => icl.normalizeConfig(root)).message).toMatch(/^the config is nested more than 64 levels deep \(at a\.a\.a/);
    expect(configError(() => icl.normalizeConfig('['.repeat(100000))).message).toMatch(/^the config is nested more than 64 levels deep/);
    expect(configError(() => icl.createExperiment('{"a":'.repeat(100000))).message).toMatch(/nested more than 64 levels/);
  });

  it('turns what JSON cannot hold into ConfigError naming the field', () => {
    const cyclic: Record<string, unknown> = { d: 3, data: {} };
    (cyclic.data as Record<string, unknown>).back = cyclic;
    expect(configError(() => icl.normalizeConfig(cyclic)).message).toBe(
      'data.back refers back to an object that contains it (a cyclic config cannot be written as JSON)',
    );
    expect(configError(() => icl.createExperiment({ seed: 5n })).message).toBe('seed is a BigInt, which JSON cannot hold (use a Number)');
    expect(configError(() => icl.theoryCurves({ n: [1, 2n] }, [1])).message).toBe(
      'n[1] is a BigInt, which JSON cannot hold (use a Number)',
    );
    const throwing = {
      toJSON: () => {
        throw new Error('no');
      },
    };
    expect(configError(() => icl.normalizeConfig(throwing)).message).toBe('the config cannot be written as JSON: no');
  });

  it('limits the text to 1 MiB before parsing', () => {
    const padded = `{}${' '.repeat(2 ** 20 - 2)}`;
    expect(icl.normalizeConfig(padded).d).toBe(20);
    expect(configError(() => icl.normalizeConfig(`${padded} `)).message).toBe(
      'the config is 1048577 characters long, above the limit of 1048576 bytes (1 MiB)',
    );
    // Under the character limit but over the byte limit: the core counts the UTF-8 bytes.
    expect(configError(() => icl.normalizeConfig(`{"x": "${'é'.repeat(600000)}"}`)).message).toBe(
      'the config is 1200009 bytes long, above the limit of 1048576 bytes (1 MiB)',
    );
    expect(configError(() => icl.normalizeConfig({ data: { task_spectrum: new Array(600000).fill(1) } })).message).toMatch(
      /^the config is \d+ characters long, above the limit/,
    );
  });

  it('refuses duplicate keys, trailing bytes and numbers beyond a double, naming the field', () => {
    expect(configError(() => icl.normalizeConfig('{"d": 500, "d": 5}')).message).toBe('d is given twice (each field may appear once)');
    expect(configError(() => icl.normalizeConfig('{"d": 5}\0')).message).toBe(
      'the config is not valid JSON: it holds a NUL byte (byte 9 of 9)',
    );
    expect(configError(() => icl.normalizeConfig('{"d": 5} 6')).message).toMatch(/^the config is not valid JSON at line 1, column 10/);
    expect(configError(() => icl.normalizeConfig('{"d": 1e400}')).message).toBe(
      'd is 1e400, a number out of the range of a double (whose largest magnitude is about 1.8e308)',
    );
  });

  it('refuses denormals and numbers that underflow in float with the field named', () => {
    expect(configError(() => icl.theoryCurves({ data: { kind: 'drift', gamma: 5e-324 }, model: { kind: 'h3' } }, [5])).message).toMatch(
      /^data\.gamma is 5e-324, too small: a nonzero number must be at least 1e-30/,
    );
    expect(configError(() => icl.normalizeConfig({ d: 2, data: { task_spectrum: [1, 5e-324] } })).message).toMatch(
      /^data\.task_spectrum\[1\] is 5e-324, too small/,
    );
    expect(configError(() => icl.normalizeConfig({ training: { adam_beta2: 0.99999999 } })).message).toMatch(
      /^training\.adam_beta2 must be a number in \[0, 0\.99999994\] \(got 0\.99999999\)/,
    );
  });
});

describe('numbers at the binding boundary', () => {
  it('do not wrap to 32 bits', () => {
    expect(configError(() => icl.optimalWeights({ d: 3 }, 2 ** 32 + 5)).message).toBe(
      'optimalWeights: n must be an integer in [1, 100000] (got 4294967301)',
    );
    expect(configError(() => icl.optimalWeights({ d: 3 }, 5n as unknown as number)).message).toMatch(/got 5n/);
    expect(configError(() => icl.theoryCurve({ d: 3 }, [2 ** 32 + 5])).message).toBe(
      'theoryCurve: n[0] must be an integer in [0, 1000000]',
    );
    const experiment = icl.createExperiment(tiny);
    try {
      expect(experiment.step(2 ** 32 + 1)).toBe(4); // all of the (4) steps, not 1
      expect(() => experiment.step(2 ** 53)).toThrow(RangeError);
      expect(() => experiment.effectiveWeights(2 ** 32)).toThrow(/model must be an integer in \[0, 1\] \(got 4294967296\)/);
      expect(() => experiment.sampleWeights(-1)).toThrow(RangeError);
    } finally {
      experiment.delete();
    }
  });

  it('limit the theory request and the Bayes-optimal Monte Carlo size', () => {
    expect(configError(() => icl.theoryCurves({}, new Array(1025).fill(1))).message).toBe(
      'theoryCurves: n may have at most 1024 entries (got 1025)',
    );
    expect(icl.theoryCurves({}, new Array(1024).fill(3))[0].values).toHaveLength(1024);
    expect(configError(() => icl.theoryCurve({}, new Array(1e6))).message).toBe(
      'theoryCurve: n may have at most 1024 entries (got 1000000)',
    );
    expect(configError(() => icl.theoryCurves({}, [{} as number])).message).toBe('theoryCurves: n[0] must be a number (got object)');
    expect(configError(() => icl.theoryCurves({ d: 4 }, [2000], { bayesOptimal: true })).message).toBe(
      'the Bayes-optimal reference takes n up to 1024 (n[0] is 2000)',
    );
    expect(configError(() => icl.theoryCurves({ d: 64 }, [40], { bayesOptimal: true })).message).toMatch(
      /^the Bayes-optimal reference would take about \S+ multiply-adds \(20000 Monte Carlo samples at d = 64\), above the limit of 3e9/,
    );
  });
});

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
