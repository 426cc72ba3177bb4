// Keeps wasm/icl.d.ts honest: the key lists below must name every member the typings declare (tsc
// fails otherwise, via `satisfies`), and the runtime objects must have exactly those members.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadIcl, type ConfigFieldPath, type Experiment, type IclModule, type Readout } from '../../wasm/icl.js';

const moduleMembers = {
  buildId: 'string',
  defaultConfig: 'function',
  configSchema: 'function',
  runPlan: 'function',
  normalizeConfig: 'function',
  createExperiment: 'function',
  theoryCurve: 'function',
  theoryCurves: 'function',
  optimalWeights: 'function',
  liveObjectCount: 'function',
} as const satisfies Record<keyof IclModule, string>;

const experimentMembers = {
  config: 'object',
  nValues: 'object',
  totalSteps: 'number',
  stepsDone: 'number',
  step: 'function',
  lastTrainLoss: 'function',
  evaluate: 'function',
  evaluationStandardError: 'function',
  theory: 'function',
  effectiveWeights: 'function',
  sampleWeights: 'function',
  readout: 'function',
  livePrompts: 'number',
  checkpointSchedule: 'object',
  checkpoints: 'function',
  divergence: 'object',
  verdicts: 'function',
  delete: 'function',
} as const satisfies Record<keyof Experiment, string>;

const readoutMembers = {
  n: 'number',
  d: 'number',
  learnedPreconditioner: 'object',
  learnedSampleWeights: 'object',
  sampleWeightScale: 'number',
  optimal: 'object',
  optimalError: 'object', // null while the optimum is there
  relativeDistance: 'number',
} as const satisfies Record<keyof Readout, string>;

describe('typings', () => {
  it('IclModule has exactly the declared members, of the declared kinds', async () => {
    const icl = await loadIcl();
    expect(Object.keys(icl).sort()).toEqual(Object.keys(moduleMembers).sort());
    for (const [name, kind] of Object.entries(moduleMembers)) expect(typeof icl[name as keyof IclModule], name).toBe(kind);
  });

  it('Experiment has the declared members, of the declared kinds', async () => {
    const icl = await loadIcl();
    const experiment = icl.createExperiment({ d: 2, n: [1], training: { steps: 1, batch_size: 4 } });
    try {
      for (const [name, kind] of Object.entries(experimentMembers)) {
        expect(typeof experiment[name as keyof Experiment], name).toBe(kind);
      }
      expect(Array.isArray(experiment.nValues)).toBe(true);
    } finally {
      experiment.delete();
    }
  });

  it('Experiment.readout returns exactly the declared fields, of the declared kinds', async () => {
    const icl = await loadIcl();
    const experiment = icl.createExperiment({ d: 2, n: [3], training: { steps: 1, batch_size: 4 } });
    try {
      experiment.step(1);
      const readout = experiment.readout(0);
      expect(Object.keys(readout).sort()).toEqual(Object.keys(readoutMembers).sort());
      for (const [name, kind] of Object.entries(readoutMembers)) expect(typeof readout[name as keyof Readout], name).toBe(kind);
      expect(readout.learnedPreconditioner).toBeInstanceOf(Float64Array);
      expect(readout.learnedSampleWeights).toBeInstanceOf(Float64Array);
      expect(readout.optimal?.preconditioner).toBeInstanceOf(Float64Array);
      expect(readout.optimal?.sampleWeights).toBeInstanceOf(Float64Array);
      expect(readout.optimalError).toBeNull();
    } finally {
      experiment.delete();
    }
  });

  it('the default config has the shape the typings declare', async () => {
    const config = (await loadIcl()).defaultConfig();
    const declared: Record<keyof typeof config, true> = {
      version: true,
      seed: true,
      d: true,
      n: true,
      data: true,
      model: true,
      objective: true,
      training: true,
      evaluation: true,
    };
    expect(Object.keys(config).sort()).toEqual(Object.keys(declared).sort());
    expect(Object.keys(config.training).sort()).toEqual([
      'adam_beta1',
      'adam_beta2',
      'adam_epsilon',
      'average',
      'average_from',
      'batch_ramp',
      'batch_size',
      'batch_size_start',
      'ema_decay',
      'learning_rate',
      'lr_decay_at',
      'lr_decay_factor',
      'lr_schedule',
      'steps',
      'warmup',
    ]);
    expect(Object.keys(config.evaluation).sort()).toEqual(['live_prompts', 'prompts']);
  });

  it("the config typings declare exactly the fields of the core's schema", async () => {
    // tsc checks that these keys are exactly the field paths of the Config type; the test checks that
    // they are exactly the schema's, so the typings and the validator cannot drift apart.
    const declared = {
      d: true,
      n: true,
      seed: true,
      objective: true,
      'data.kind': true,
      'data.noise_variance': true,
      'data.x_spectrum': true,
      'data.task_spectrum': true,
      'data.form': true,
      'data.alpha': true,
      'data.a': true,
      'data.b': true,
      'data.query': true,
      'data.gamma': true,
      'data.flip_probability': true,
      'model.kind': true,
      'model.init_std': true,
      'model.rank': true,
      'model.init': true,
      'model.lora': true,
      'model.lora.rank': true,
      'model.lora.adapt': true,
      'model.lora.pretrain_task_spectrum': true,
      'model.lora.pretrain_steps': true,
      'model.filter': true,
      'model.ssm_states': true,
      'training.steps': true,
      'training.batch_size': true,
      'training.learning_rate': true,
      'training.lr_decay_at': true,
      'training.lr_decay_factor': true,
      'training.adam_beta1': true,
      'training.adam_beta2': true,
      'training.adam_epsilon': true,
      'training.lr_schedule': true,
      'training.warmup': true,
      'training.batch_ramp': true,
      'training.batch_size_start': true,
      'training.average': true,
      'training.average_from': true,
      'training.ema_decay': true,
      'evaluation.prompts': true,
      'evaluation.live_prompts': true,
    } as const satisfies Record<ConfigFieldPath, true>;
    const schema = (await loadIcl()).configSchema();
    expect(schema.fields.map((field) => field.path).sort()).toEqual(Object.keys(declared).sort());
  });

  it("the README's config table has a row for exactly the schema's fields", async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    // The table runs from its header to the first blank line.
    const start = readme.indexOf('| field | default | allowed | meaning |');
    const table = readme.slice(start, readme.indexOf('\n\n', start));
    const rows = table.split('\n').filter((line) => line.startsWith('| `'));
    const documented = rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([\w.]+)`/g)].map((match) => match[1]));
    const schema = (await loadIcl()).configSchema();
    // model.lora is documented through its members.
    const expected = [...schema.fields.map((field) => field.path).filter((path) => path !== 'model.lora'), 'version'];
    expect(documented.sort()).toEqual(expected.sort());
  });

  it('ConfigError is an Error named ConfigError', () => {
    const error = new ConfigError('x');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
  });
});
