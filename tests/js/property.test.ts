// Property test of the JavaScript module: a few thousand configs from a fixed-seed generator (every
// field at and just beyond the ends of its range, wrong types, unknown fields, unicode and lone
// surrogates, deep nesting, huge values, BigInt, cycles, mangled JSON text). Whatever comes in, the
// module either refuses it with a ConfigError whose message is valid one-line text, or accepts it, and
// then the normalised config reads back unchanged and its theory curves are finite numbers. Nothing
// leaks, and a valid config still trains afterwards.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadIcl, type IclModule } from '../../wasm/icl.js';

let icl: IclModule;
beforeAll(async () => {
  icl = await loadIcl();
});

// mulberry32: small, fast, and the same sequence everywhere for a given seed.
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(values: readonly T[]): T => values[int(values.length)];
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof generator>;
type Json = unknown;

const SPECIAL_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  2,
  1e-30,
  -1e-30,
  1e-31,
  5e-324,
  1e-300,
  1e300,
  1.7976931348623157e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 31,
  2 ** 32,
  2 ** 32 + 5,
  2 ** 53 + 1,
  -(2 ** 31),
  0.99999994,
  0.99999995,
  1 - 1e-17,
];
const STRINGS = [
  '',
  'iid',
  'rag',
  'h3',
  'attention',
  'power_law',
  'isotropic',
  'é',
  '😀',
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e',
  'a\nb',
  '"',
  '\\',
  '{',
  'ｄ',
  'x'.repeat(5000),
];

// Every field: values at and just beyond the ends of its range, and its other choices.
function fieldValues(d: number): Record<string, readonly Json[]> {
  const spectrum = (value: number, length = d) => new Array(length).fill(value);
  const spectra = [
    'isotropic',
    'power_law',
    spectrum(1e-6),
    spectrum(1e4),
    spectrum(9.9e-7),
    spectrum(1.0001e4),
    spectrum(1, d + 1),
    spectrum(1, Math.max(0, d - 1)),
    [...spectrum(1, d - 1), 5e-324],
    'flat',
  ];
  return {
    version: [1, 2, 0, '1', null],
    seed: [0, 4294967295, 4294967296, -1, 1.5, 2 ** 53, 12345],
    d: [1, 2, 8, 64, 0, 65, 2.5, -1, '5'],
    n: [
      1,
      512,
      0,
      513,
      [1, 2, 3],
      [5, 5],
      [10, 5],
      [],
      Array.from({ length: 32 }, (_, i) => i + 1),
      Array.from({ length: 33 }, (_, i) => i + 1),
      [1, 2 ** 32 + 5],
      [1, 512],
      [3.5],
    ],
    'data.kind': ['iid', 'rag', 'alignment', 'drift', 'ar', 7],
    'data.noise_variance': [0, 100, 100.0001, -0, 1e-30, 5e-324, 1e-31, -1],
    'data.x_spectrum': spectra,
    'data.task_spectrum': spectra,
    'data.alpha': [0, 1, 1.0000001, -1e-30, 0.3],
    'data.form': ['normalized', 'unnormalized', 'general', 'other'],
    'data.a': [0, 10, 10.1, 1e-30, 1],
    'data.b': [0, 10, 10.1, 1e-30, 0.5],
    'data.query': ['isotropic', 'aligned', 'up'],
    'data.gamma': [0, 0.99999994, 0.99999997, 1, 1e-30, 5e-324, 0.9],
    'model.kind': ['attention', 'h3', 'mamba'],
    'model.init_std': [1e-6, 1, 1.01, 9.9e-7, 0.1, 10],
    'model.rank': [1, d, d + 1, 0, d + 2],
    'model.init': ['gaussian', 'symmetric', 'zeros'],
    'model.lora': [
      {},
      { rank: 1 },
      { rank: d + 1, adapt: 'key_query' },
      { rank: 0 },
      { pretrain_steps: 1 },
      { pretrain_steps: 1000001 },
      { pretrain_task_spectrum: spectrum(1e4) },
      { adapt: 'all' },
    ],
    'model.filter': ['free', 'ssm', 'fir'],
    'model.ssm_states': [1, 16, 17, 0],
    objective: ['query', 'all_positions', 'every'],
    'training.steps': [1, 1000000, 1000001, 0],
    'training.batch_size': [1, 65536, 65537],
    'training.learning_rate': [1e-10, 1, 9e-11, 1.0001, 0.003],
    'training.lr_decay_at': [0, 1, 1.5, 1e-30],
    'training.lr_decay_factor': [1e-10, 1, 9e-11, 0],
    'training.adam_beta1': [0, 0.99999994, 0.99999995, 1, 0.9],
    'training.adam_beta2': [0, 0.99999994, 0.99999999, 1, 0.999],
    'training.adam_epsilon': [1e-12, 1, 9e-13, 1e-8],
    'evaluation.prompts': [1, 10000000, 10000001],
  };
}

// Any JSON-ish value, and some that JSON cannot hold.
function anyValue(random: Random, depth = 0): Json {
  switch (random.int(depth > 2 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.pick(SPECIAL_NUMBERS);
    case 3:
      return random.pick(STRINGS);
    case 4:
      return random.next() * 10 ** random.int(12) - 5;
    case 5:
      return random.chance(0.5) ? BigInt(random.int(1000)) : random.pick(STRINGS) + random.pick(STRINGS);
    case 6:
      return Array.from({ length: random.int(5) }, () => anyValue(random, depth + 1));
    case 7:
      return Object.fromEntries(
        Array.from({ length: random.int(4) }, () => [random.pick(STRINGS).slice(0, 8), anyValue(random, depth + 1)]),
      );
    default:
      return random.chance(0.02) ? new Array(random.int(200000)).fill(1) : { nested: anyValue(random, depth + 1) };
  }
}

function deeplyNested(levels: number, asArray: boolean): Json {
  let value: Json = 1;
  for (let i = 0; i < levels; i++) value = asArray ? [value] : { a: value };
  return value;
}

function setPath(config: Record<string, Json>, path: string, value: Json) {
  const keys = path.split('.');
  let object = config;
  for (const key of keys.slice(0, -1)) {
    if (typeof object[key] !== 'object' || object[key] === null || Array.isArray(object[key])) object[key] = {};
    object = object[key] as Record<string, Json>;
  }
  object[keys[keys.length - 1]] = value;
}

// A config, or JSON text, to feed to the module.
function generateConfig(random: Random): Json {
  const d = random.pick([1, 2, 3, 8, 20, 64]);
  const values = fieldValues(d);
  const paths = Object.keys(values);
  const config: Record<string, Json> = random.chance(0.8) ? { d, n: random.pick([[1, 4], [5], [2, 8, 16], [512]]) } : {};
  // A coherent start, so that many configs get past the first field: a kind and its fields.
  if (random.chance(0.5)) setPath(config, 'data.kind', random.pick(['iid', 'rag', 'alignment', 'drift']));
  if (random.chance(0.3)) setPath(config, 'model.kind', random.pick(['attention', 'h3']));
  const mutations = random.int(4);
  for (let i = 0; i < mutations; i++) {
    const path = random.pick(paths);
    setPath(config, path, random.chance(0.85) ? random.pick(values[path]) : anyValue(random));
  }
  if (random.chance(0.05)) config[random.pick(['trainig', 'é', '😀', '\ud800', 'D', ''])] = anyValue(random);
  if (random.chance(0.05)) setPath(config, random.pick(paths), anyValue(random));
  if (random.chance(0.01)) config.data = deeplyNested(random.pick([63, 64, 65, 1000, 20000]), random.chance(0.5));
  if (random.chance(0.01)) {
    config.model = { kind: 'h3' };
    (config.model as Record<string, Json>).self = config; // a cycle
  }
  if (random.chance(0.1)) {
    // As JSON text, sometimes mangled: a character inserted, the text cut, a key repeated.
    let text: string;
    try {
      text = JSON.stringify(config, (_key, value) => (typeof value === 'bigint' ? Number(value) : value));
    } catch {
      return config; // a cycle, or too deep: the object goes in as it is
    }
    const at = random.int(text.length + 1);
    switch (random.int(5)) {
      case 0:
        text = text.slice(0, at) + random.pick(['\ud800', '\udc00', '\u0000', 'é', '}', ',', '"', '1e400', ' ']) + text.slice(at);
        break;
      case 1:
        text = text.slice(0, at);
        break;
      case 2:
        text = text.replace('{', '{"d": 5, ');
        break;
      case 3:
        text = `${text}\u0000`;
        break;
      default:
        break;
    }
    return text;
  }
  return config;
}

function expectReadableMessage(message: string, input: unknown) {
  const context = () => String(typeof input === 'string' ? input : 'object').slice(0, 200);
  expect(message.length, context()).toBeGreaterThan(0);
  expect(message.length, context()).toBeLessThanOrEqual(1100);
  expect((message as string & { isWellFormed(): boolean }).isWellFormed(), message).toBe(true);
  expect(message, context()).not.toMatch(/[\n\r\ufffd]|^\d+$|json\.exception/);
}

function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

// The timeout guards against a hang; it is not a speed requirement (a loaded machine takes several seconds).
describe('the module under generated configs', { timeout: 120_000 }, () => {
  it('only refuses with a ConfigError or accepts what it can compute, and leaks nothing', () => {
    // Fixed, so every run tries the same configs; ICL_PROPERTY_SEED explores others by hand.
    const random = generator(Number(process.env.ICL_PROPERTY_SEED ?? 20261201));
    const before = icl.liveObjectCount();
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const input = generateConfig(random);
      let normalized;
      try {
        normalized = icl.normalizeConfig(input);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw new Error(`not a ConfigError for case ${i}: ${error}`);
        expectReadableMessage(error.message, input);
        refused++;
        continue;
      }
      accepted++;
      expect(allFinite(normalized)).toBe(true);
      expect(icl.normalizeConfig(normalized)).toEqual(normalized); // round trip
      expect(icl.normalizeConfig(JSON.stringify(normalized))).toEqual(normalized);
      const curves = icl.theoryCurves(normalized, normalized.n);
      expect(curves.length).toBeGreaterThan(0);
      for (const curve of curves) {
        expect(curve.values).toHaveLength(normalized.n.length);
        expect(curve.values.every(Number.isFinite), `${curve.name} of case ${i}`).toBe(true);
      }
      if (i % 25 === 0) {
        // Creating (not training) an experiment: it either exists or is refused, and delete frees it.
        const experiment = icl.createExperiment(normalized);
        expect(experiment.config).toEqual(normalized);
        expect(Array.from(experiment.theory())).toEqual(curves[0].values);
        experiment.delete();
      }
    }
    if (process.env.ICL_PROPERTY_SEED) console.log(`${accepted} accepted, ${refused} refused`);
    // The generator reaches both sides of the validator.
    expect(accepted).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(1500);
    expect(icl.liveObjectCount()).toBe(before);

    const experiment = icl.createExperiment({ d: 4, n: [3, 6], training: { steps: 5, batch_size: 16 }, evaluation: { prompts: 100 } });
    try {
      expect(experiment.step(5)).toBe(5);
      expect([...experiment.lastTrainLoss(), ...experiment.evaluate(), ...experiment.effectiveWeights(1)].every(Number.isFinite)).toBe(
        true,
      );
    } finally {
      experiment.delete();
    }
    expect(icl.liveObjectCount()).toBe(before);
  });
});
