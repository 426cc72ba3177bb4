// The wasm module in Node through wasm/icl.js: the bindings round trip, errors, theory values,
// determinism (against the golden numbers the native suite checks too) and object lifetimes.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadIcl, type IclModule } from '../../wasm/icl.js';

const goldenFiles = ['determinism.json', 'recipe.json'];
const golden = (file: string) => JSON.parse(readFileSync(new URL(`../golden/${file}`, import.meta.url), 'utf8'));
const small = { seed: 3, d: 3, n: [2, 5], training: { steps: 12, batch_size: 30 }, evaluation: { prompts: 500 } };

let icl: IclModule;
beforeAll(async () => {
  icl = await loadIcl();
});

function expectConfigError(action: () => unknown, message: string | RegExp) {
  let error: unknown;
  try {
    action();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toMatch(message);
}

describe('bindings', () => {
  it('loads once per process and reports a build id', async () => {
    expect(await loadIcl()).toBe(icl);
    expect(icl.buildId).toMatch(/^\d+\.\d+\.\d+\+\S+$/);
  });

  it('round-trips the default config through normalizeConfig', () => {
    const defaults = icl.defaultConfig();
    expect(defaults).toMatchObject({ version: 1, d: 20, n: [5, 10, 20, 40], data: { kind: 'iid' } });
    expect(icl.normalizeConfig(defaults)).toEqual(defaults);
    expect(icl.normalizeConfig(JSON.stringify(defaults))).toEqual(defaults);
    expect(icl.normalizeConfig({})).toEqual(defaults);
    expect(icl.defaultConfig()).not.toBe(defaults); // a fresh object each call
  });

  it('fills defaults and keeps what was given', () => {
    const config = icl.normalizeConfig({ d: 4, n: 9, data: { task_spectrum: [1, 2, 3, 4] } });
    expect(config.n).toEqual([9]);
    expect(config.data).toMatchObject({ kind: 'iid', task_spectrum: [1, 2, 3, 4] });
    expect(config.training.steps).toBe(4000);
  });

  it('trains, evaluates and reports theory through an Experiment', () => {
    const experiment = icl.createExperiment(small);
    try {
      expect(experiment.nValues).toEqual([2, 5]);
      expect(experiment.totalSteps).toBe(12);
      expect(experiment.stepsDone).toBe(0);
      expect(Array.from(experiment.lastTrainLoss()).every(Number.isNaN)).toBe(true);
      expect(experiment.step(5)).toBe(5);
      expect(experiment.step(100)).toBe(12);
      const loss = experiment.lastTrainLoss();
      const risk = experiment.evaluate();
      const theory = experiment.theory();
      for (const values of [loss, risk, theory]) {
        expect(values).toBeInstanceOf(Float64Array);
        expect(values).toHaveLength(2);
        expect(Array.from(values).every(Number.isFinite)).toBe(true);
      }
      // Isotropic, noiseless: L*(n) = d - n d / (n + d + 1).
      expect(theory[0]).toBeCloseTo(3 - 6 / 6, 12);
      expect(theory[1]).toBeCloseTo(3 - 15 / 9, 12);
    } finally {
      experiment.delete();
    }
  });

  it('rejects a bad step count', () => {
    const experiment = icl.createExperiment(small);
    try {
      expect(() => experiment.step(-1)).toThrow(RangeError);
      expect(() => experiment.step(1.5)).toThrow(/non-negative integer/);
    } finally {
      experiment.delete();
    }
  });
});

describe('theory', () => {
  it('gives the reference values of paper-spec §3.9', () => {
    const iid = icl.theoryCurve({ d: 20 }, [1, 10, 20, 40]);
    [19.090909, 13.548387, 10.243902, 6.885246].forEach((value, i) => expect(iid[i]).toBeCloseTo(value, 6));
    const noisy = icl.theoryCurve({ d: 20, data: { noise_variance: 1 } }, [10, 40]);
    expect(noisy[0]).toBeCloseTo(14.75, 6);
    expect(noisy[1]).toBeCloseTo(8.096774, 6);
    const powerLaw = icl.theoryCurve({ d: 20, data: { task_spectrum: 'power_law' } }, [10]);
    expect(powerLaw[0]).toBeCloseTo(11.355577, 6);
    const powerLawNoisy = icl.theoryCurve({ d: 20, data: { task_spectrum: 'power_law', noise_variance: 0.5 } }, [40]);
    expect(powerLawNoisy[0]).toBeCloseTo(6.416142, 6);
  });

  it('starts at E[y^2] for n = 0', () => {
    expect(icl.theoryCurve({ d: 7, data: { noise_variance: 0.5 } }, [0])[0]).toBeCloseTo(7.5, 12);
  });

  it('rejects n outside [0, 1000000] and bad configs', () => {
    expectConfigError(() => icl.theoryCurve({}, [-1]), /theoryCurve: n\[0\] must be an integer in \[0, 1000000\]/);
    expectConfigError(() => icl.theoryCurve({}, [1, 2.5]), /n\[1\]/);
    expectConfigError(() => icl.theoryCurve({}, 'x' as unknown as number[]), /n must be an array/);
    expectConfigError(() => icl.theoryCurve({ d: 'x' }, [1]), /^d must be an integer in \[1, 64\]/);
  });
});

describe('theory curves', () => {
  it('list the model curve first, then the references', () => {
    const rag = icl.theoryCurves({ d: 20, data: { kind: 'rag', alpha: 0.2 } }, [10, 20, 40]);
    expect(rag.map((c) => c.name)).toEqual(['rag_exact', 'rag_asymptotic', 'iid_reference']);
    // Each says what it is: the model's own theory, an approximation (never scored), a reference.
    expect(rag.map((c) => c.role)).toEqual(['model', 'approximation', 'reference']);
    // paper-spec §3.9: RAG exact, alpha = .2
    [10.767888, 7.449585, 4.699928].forEach((value, i) => expect(rag[0].values[i]).toBeCloseTo(value, 6));
    const drift = icl.theoryCurves({ d: 5, n: 20, data: { kind: 'drift', gamma: 0.9, noise_variance: 0.25 }, model: { kind: 'h3' } }, [20]);
    expect(drift.map((c) => c.name)).toEqual(['wpgd_optimum', 'uniform_weights']);
    expect(drift[0].values[0]).toBeCloseTo(3.74872, 5);
    expect(drift[1].values[0]).toBeCloseTo(4.3491, 5);
  });

  it('give low-rank and LoRA optima (paper-spec §3.9)', () => {
    const lowRank = icl.theoryCurves({ d: 20, data: { task_spectrum: 'power_law' }, model: { rank: 5 } }, [20]);
    expect(lowRank[0].name).toBe('low_rank_optimum');
    expect(lowRank[0].values[0]).toBeCloseTo(10.987059, 6);
    const lora = icl.theoryCurves(
      { d: 20, data: { task_spectrum: 'power_law' }, model: { lora: { rank: 2, pretrain_task_spectrum: 'isotropic' } } },
      [20],
    );
    expect(lora.map((c) => c.name)).toEqual(['lora', 'pgd_optimum', 'frozen']);
    expect(lora[0].values[0]).toBeCloseTo(9.328209, 6);
    expect(lora[2].values[0]).toBeCloseTo(10.243902, 6);
  });

  it('for the online objective, give the attention and H3 optima (paper-spec §3.4)', () => {
    const curves = icl.theoryCurves({ d: 5, objective: 'all_positions', model: { kind: 'h3' } }, [0, 10]);
    expect(curves.map((c) => c.name)).toEqual(['online_weighted_optimum', 'online_uniform_optimum']);
    expect(curves[0].values[0]).toBeCloseTo(5, 12); // one position, no context: E[y^2] = d
    expect(curves[0].values[1]).toBeLessThan(curves[1].values[1]);
  });

  it('add the Bayes-optimal reference with its standard error on request', () => {
    const curves = icl.theoryCurves({ d: 4, data: { noise_variance: 0.5 } }, [0, 8], { bayesOptimal: true });
    const bayes = curves.find((c) => c.name === 'bayes_optimal')!;
    expect(bayes.values[0]).toBeCloseTo(4.5, 12); // n = 0: E[y^2], exactly
    expect(bayes.standardError).toHaveLength(2);
    expect(bayes.values[1]).toBeLessThan(curves[0].values[1]); // beats one step of PGD
  });
});

describe('read-outs', () => {
  it('give W_eff (d x d) and the sample weights of every model', () => {
    const experiment = icl.createExperiment({ d: 3, n: [4, 6], model: { kind: 'h3' }, training: { steps: 3, batch_size: 8 } });
    try {
      experiment.step(3);
      expect(experiment.effectiveWeights(1)).toHaveLength(9);
      expect(experiment.sampleWeights(1)).toHaveLength(6);
      expect(() => experiment.sampleWeights(2)).toThrow(/model must be an integer in \[0, 1\]/);
    } finally {
      experiment.delete();
    }
  });
});

describe('readout', () => {
  const mean = (values: ArrayLike<number>) => Array.from(values).reduce((sum, v) => sum + v, 0) / values.length;

  it("normalises the raw read-outs to mean(omega) = 1 and measures the distance to W* at the model's n", () => {
    const experiment = icl.createExperiment({ seed: 4, d: 3, n: [4, 6], model: { kind: 'h3' }, training: { steps: 40, batch_size: 16 } });
    try {
      experiment.step(experiment.totalSteps);
      for (const [model, n] of [
        [0, 4],
        [1, 6],
      ] as const) {
        const readout = experiment.readout(model);
        const rawOmega = experiment.sampleWeights(model);
        const rawW = experiment.effectiveWeights(model);
        expect(readout.n).toBe(n);
        expect(readout.d).toBe(3);
        // The core's formula, restated here only to check it: the scale is the mean of the raw weights.
        const scale = mean(rawOmega);
        expect(scale).not.toBe(1); // trained lag weights have moved, so the normalisation is visible
        expect(readout.sampleWeightScale).toBeCloseTo(scale, 14);
        expect(readout.learnedSampleWeights).toHaveLength(n);
        readout.learnedSampleWeights.forEach((w, t) => expect(w).toBeCloseTo(rawOmega[t]! / scale, 14));
        readout.learnedPreconditioner.forEach((w, i) => expect(w).toBeCloseTo(rawW[i]! * scale, 14));
        expect(mean(readout.learnedSampleWeights)).toBeCloseTo(1, 14);
        const optimal = icl.optimalWeights(experiment.config, n);
        expect(readout.optimal).toEqual(optimal);
        expect(readout.optimalError).toBeNull();
        let difference = 0;
        let reference = 0;
        optimal.preconditioner.forEach((w, i) => {
          difference += (readout.learnedPreconditioner[i]! - w) ** 2;
          reference += w ** 2;
        });
        expect(readout.relativeDistance).toBeCloseTo(Math.sqrt(difference) / Math.sqrt(reference), 14);
      }
    } finally {
      experiment.delete();
    }
  });

  it("leaves attention's weights as they are: its sample weights are ones", () => {
    const experiment = icl.createExperiment({ d: 2, n: [5], training: { steps: 5, batch_size: 8 } });
    try {
      experiment.step(5);
      const readout = experiment.readout(0);
      expect(readout.sampleWeightScale).toBe(1);
      expect(Array.from(readout.learnedSampleWeights)).toEqual([1, 1, 1, 1, 1]);
      expect(readout.learnedPreconditioner).toEqual(experiment.effectiveWeights(0));
    } finally {
      experiment.delete();
    }
  });

  it('rejects a model index outside the bank and a deleted experiment', () => {
    const experiment = icl.createExperiment({ d: 2, n: [3, 4], training: { steps: 1, batch_size: 4 } });
    expect(() => experiment.readout(2)).toThrow(/model must be an integer in \[0, 1\] \(got 2\)/);
    expect(() => experiment.readout(0.5)).toThrow(RangeError);
    experiment.delete();
    expect(() => experiment.readout(0)).toThrow(/deleted/);
  });
});

describe('optimal weights', () => {
  it('give W* = I / (n + d + 1 + sigma^2) for isotropic IID data, with uniform sample weights', () => {
    const { preconditioner, sampleWeights } = icl.optimalWeights({ d: 3 }, 6);
    expect(preconditioner).toHaveLength(9);
    expect(preconditioner[0]).toBeCloseTo(1 / 10, 12);
    expect(preconditioner[1]).toBe(0);
    expect(Array.from(sampleWeights)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('give decaying weights for H3 on a drifting task, the most recent token first', () => {
    const { sampleWeights } = icl.optimalWeights({ d: 5, data: { kind: 'drift', gamma: 0.9 }, model: { kind: 'h3' } }, 20);
    expect(sampleWeights[0]).toBeGreaterThan(sampleWeights[1]);
    expect(sampleWeights[1]).toBeGreaterThan(sampleWeights[19]);
    expect(sampleWeights.reduce((a, b) => a + b, 0)).toBeCloseTo(20, 9); // mean weight 1
  });

  it('reject n outside [1, 100000]', () => {
    expectConfigError(() => icl.optimalWeights({}, 0), /optimalWeights: n must be an integer in \[1, 100000\]/);
    expectConfigError(() => icl.optimalWeights({}, 2.5), /optimalWeights: n must be an integer/);
  });
});

describe('config errors', () => {
  it('name the field and the allowed range', () => {
    expectConfigError(() => icl.createExperiment({ d: 0 }), 'd must be an integer in [1, 64] (got 0)');
    expectConfigError(() => icl.createExperiment({ n: [10, 5] }), /^n must be .* \(entry 2 is 5, not above 10\)$/);
    expectConfigError(
      () => icl.createExperiment({ training: { batch_size: 0 } }),
      'training.batch_size must be an integer in [1, 65536] (got 0)',
    );
    expectConfigError(() => icl.normalizeConfig({ data: { noise_variance: NaN } }), /data.noise_variance .* \(got null\)/);
    expectConfigError(() => icl.normalizeConfig({ trainng: {} }), /unknown field trainng/);
    expectConfigError(() => icl.normalizeConfig('{"d": '), /not valid JSON/);
    expectConfigError(() => icl.normalizeConfig(undefined), /must be a JSON object/);
    expectConfigError(() => icl.normalizeConfig(42), /must be a JSON object/);
  });

  it('leave nothing alive behind', () => {
    const before = icl.liveObjectCount();
    for (let i = 0; i < 5; i++) expect(() => icl.createExperiment({ d: -1 })).toThrow(ConfigError);
    expect(icl.liveObjectCount()).toBe(before);
  });
});

describe('lifetimes', () => {
  it('deleting every experiment leaves no live wasm object', () => {
    const before = icl.liveObjectCount();
    const experiments = [icl.createExperiment(small), icl.createExperiment(small)];
    expect(icl.liveObjectCount()).toBe(before + 2);
    for (const experiment of experiments) experiment.delete();
    expect(icl.liveObjectCount()).toBe(before);
  });

  it('refuses to use a deleted experiment, and a second delete is harmless', () => {
    const experiment = icl.createExperiment(small);
    experiment.delete();
    expect(() => experiment.step(1)).toThrow(/deleted/);
    expect(() => experiment.evaluate()).toThrow(/deleted/);
    expect(() => experiment.delete()).not.toThrow();
  });
});

describe('determinism', () => {
  function run(config: unknown, steps: number) {
    const experiment = icl.createExperiment(config);
    try {
      experiment.step(steps);
      return { loss: Array.from(experiment.lastTrainLoss()), risk: Array.from(experiment.evaluate()) };
    } finally {
      experiment.delete();
    }
  }

  it('gives identical numbers for the same seed', () => {
    expect(run(small, 12)).toEqual(run(small, 12));
    expect(run({ ...small, seed: 4 }, 12)).not.toEqual(run(small, 12));
  });

  it.each(goldenFiles)('matches the native build (tests/golden/%s, checked by ctest too)', (file) => {
    const expected = golden(file);
    const { loss, risk } = run(expected.config, expected.steps);
    expected.evaluate.forEach((value: number, i: number) => expect(Math.abs(risk[i] / value - 1)).toBeLessThan(1e-5));
    expected.last_train_loss.forEach((value: number, i: number) => expect(Math.abs(loss[i] / value - 1)).toBeLessThan(1e-5));
  });
});
