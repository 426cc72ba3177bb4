// Links: every config field round-trips config -> link -> config (generated from the core's schema, so
// a new field is covered without editing this file); page state, versions and hostile fragments.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadIcl, type ConfigSchema, type FieldSchema, type IclModule } from '../../wasm/icl.js';
import { buildWarning, configLink, decodeState, encodeState, looksLikeLink, presetLink, setPath } from '../../wasm/link.js';

let icl: IclModule;
let schema: ConfigSchema;

beforeAll(async () => {
  icl = await loadIcl();
  schema = icl.configSchema();
});

const D = 4;

/** A valid value for a field that is not its default. */
function otherValue(field: FieldSchema): unknown {
  const range = field.range;
  switch (field.type) {
    case 'integer': {
      const max = range!.maxAboveD !== undefined ? D + range!.maxAboveD : (range!.max as number);
      if (typeof field.default !== 'number') return range!.min + 1;
      return field.default + 1 <= max ? field.default + 1 : field.default - 1;
    }
    case 'number': {
      const max = Math.min(range!.max as number, range!.min + 10);
      return range!.min + 0.3719 * (max - range!.min);
    }
    case 'choice':
      return field.choices!.find((choice) => choice.value !== field.default)!.value;
    case 'spectrum':
      return Array.from({ length: D }, (_, i) => 1.5 / (i + 1));
    case 'integers':
      return [3, 7, 11];
    case 'object':
      return {};
  }
}

/** A config in which `field` applies: each condition met with its first allowed value. */
function configWhereApplies(field: FieldSchema): Record<string, unknown> {
  const config: Record<string, unknown> = { d: D, n: [2, 5] };
  for (const [path, values] of Object.entries(field.when)) {
    const value = values![0];
    if (value === null) continue;
    const condition = schema.fields.find((other) => other.path === path)!;
    setPath(config, path, value === true ? (condition.type === 'object' ? {} : condition.range!.min) : value);
  }
  return config;
}

describe('links', () => {
  it('round-trip every schema field set to a value other than its default', () => {
    expect(schema.fields.length).toBeGreaterThan(30);
    for (const field of schema.fields) {
      const input = configWhereApplies(field);
      if (field.path === 'data.a') setPath(input, 'data.b', 2);
      if (field.path === 'data.b') setPath(input, 'data.a', 2);
      const value = otherValue(field);
      setPath(input, field.path, value);
      const config = icl.normalizeConfig(input);
      const link = configLink({ config, schema, buildId: icl.buildId, base: 'https://example.org/icl/' });
      expect(link, field.path).toContain(field.path === 'model.lora' ? 'model.lora=1' : `${encodeURIComponent(field.path)}=`);
      const decoded = decodeState(link, schema);
      expect(decoded.warnings, field.path).toEqual([]);
      expect(icl.normalizeConfig(decoded.config), field.path).toEqual(config);
    }
  });

  it('carry only values that differ from the defaults', () => {
    const fragment = encodeState({ config: icl.normalizeConfig({ d: 7, seed: 42 }), schema, buildId: 'b1' });
    expect(fragment).toBe('v=1&b=b1&d=7&seed=42');
    expect(encodeState({ config: icl.defaultConfig(), schema, buildId: 'b1' })).toBe('v=1&b=b1');
  });

  it('keep numbers exact', () => {
    const config = icl.normalizeConfig({ training: { learning_rate: 0.1 + 0.2, adam_epsilon: 1.2345678901234567e-9 } });
    const back = icl.normalizeConfig(decodeState(configLink({ config, schema, buildId: 'x' }), schema).config);
    expect(back.training.learning_rate).toBe(0.1 + 0.2);
    expect(back.training.adam_epsilon).toBe(1.2345678901234567e-9);
  });

  it('carry the page state beside the config', () => {
    const config = icl.normalizeConfig({ data: { kind: 'drift', gamma: 0.5 } });
    const fragment = encodeState({
      config,
      schema,
      buildId: 'b',
      preset: 'fig2a-noiseless-iid',
      quick: true,
      log: true,
      fit: true,
      embed: true,
      hide: ['table', 'intro'],
    });
    const state = decodeState(`https://host/page/#${fragment}`, schema);
    expect(state).toMatchObject({
      preset: 'fig2a-noiseless-iid',
      quick: true,
      log: true,
      fit: true,
      embed: true,
      run: false,
      autoplay: false,
      hide: ['table', 'intro'],
      version: '1',
      buildId: 'b',
      warnings: [],
    });
    expect(icl.normalizeConfig(state.config)).toEqual(config);
  });

  it('of a figure preset name no config', () => {
    const state = decodeState(presetLink({ preset: 'fig3-rag', quick: true, buildId: 'b' }), schema);
    expect(state.config).toBeNull();
    expect(state).toMatchObject({ preset: 'fig3-rag', quick: true });
  });

  it('name unknown keys, unknown versions, bad encodings and parts the page does not have', () => {
    const state = decodeState('#v=9&b=x&d=7&colour=red&%E0%A4%A=1&hide=table,sidebar', schema);
    expect(state.config).toEqual({ d: 7 });
    expect(state.warnings.join(' ')).toMatch(/version 9.*read as version 1/);
    expect(state.warnings.join(' ')).toMatch(/does not know, ignored: “colour”/);
    expect(state.warnings.join(' ')).toMatch(/not valid URL encoding/);
    expect(state.warnings.join(' ')).toMatch(/“sidebar”/);
    expect(state.hide).toEqual(['table']);
  });

  it('from another build say that the numbers may differ', () => {
    expect(buildWarning('0.0.9+abc', icl.buildId)).toMatch(/made by build 0\.0\.9\+abc.*may differ/);
    expect(buildWarning(icl.buildId, icl.buildId)).toBeNull();
    expect(buildWarning(null, icl.buildId)).toBeNull();
  });

  it('hand invalid values to the core, which names the field', () => {
    const decoded = decodeState('#v=1&d=abc&data.kind=%3Cscript%3Ealert(1)%3C/script%3E', schema);
    expect(decoded.config).toEqual({ d: 'abc', data: { kind: '<script>alert(1)</script>' } });
    expect(() => icl.normalizeConfig(decoded.config)).toThrow(/^d must be an integer in \[1, 64\]/);
  });

  it('are told from configs and file names', () => {
    expect(looksLikeLink('https://host/#v=1&d=7')).toBe(true);
    expect(looksLikeLink('#d=7')).toBe(true);
    expect(looksLikeLink('v=1&d=7')).toBe(true);
    expect(looksLikeLink('{"d": 7}')).toBe(false);
    expect(looksLikeLink('configs/run.json')).toBe(false);
  });

  it('never make decoding throw: random fragments give a state the core accepts or refuses', () => {
    let state = 12345;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const pieces = [
      '=',
      '&',
      '#',
      '%',
      '%2',
      '%ZZ',
      ',',
      '.',
      'v',
      '1',
      '-1',
      '1e400',
      'NaN',
      '__proto__',
      'constructor',
      'é',
      '\u{1F600}',
      '\uD800',
      '<img src=x>',
      ...schema.fields.map((f) => f.path),
    ];
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      let text = '';
      const length = Math.floor(random() * 12);
      for (let j = 0; j < length; j++) text += pieces[Math.floor(random() * pieces.length)];
      const decoded = decodeState(text, schema);
      expect(Array.isArray(decoded.warnings)).toBe(true);
      if (decoded.config === null) continue;
      try {
        icl.normalizeConfig(decoded.config);
        accepted += 1;
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
