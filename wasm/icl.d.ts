// Typings of wasm/icl.js, the one entry point to the WebAssembly module in Node, in the page and in
// workers. Written by hand (emscripten 3.1.6 has no --emit-tsd); tests/js/typings.test.ts keeps it honest.

/** A covariance given by its eigenvalues: the identity, the power law of paper-spec §1c, or an explicit list of d positive numbers. */
export type Spectrum = 'isotropic' | 'power_law' | number[];

/** One run, completely. Every field but `version` is optional in input; normalizeConfig fills the defaults. */
export interface Config {
  version: 1;
  /** Fixes every random number of the run: data, initialisation, evaluation. Integer in [0, 2^32 - 1]. */
  seed: number;
  /** Feature dimension, integer in [1, 64]. */
  d: number;
  /** Context lengths; one model is trained per entry. Strictly increasing integers in [1, 512], at most 32 of them. */
  n: number[];
  data: {
    kind: 'iid';
    /** Label noise variance sigma^2, in [0, 100]. */
    noise_variance: number;
    /** Spectrum of the feature covariance Sigma_x. */
    x_spectrum: Spectrum;
    /** Spectrum of the task covariance Sigma_beta. */
    task_spectrum: Spectrum;
  };
  model: {
    kind: 'attention';
    /** Standard deviation of the Gaussian initialisation of every weight, in (0, 10]. */
    init_std: number;
  };
  training: {
    /** Adam steps, integer in [1, 1000000]; fresh prompts every step. */
    steps: number;
    /** Prompts per step, integer in [1, 65536]. */
    batch_size: number;
    learning_rate: number;
    /** Fraction of the steps after which the learning rate is multiplied by lr_decay_factor, in [0, 1]. */
    lr_decay_at: number;
    lr_decay_factor: number;
    adam_beta1: number;
    adam_beta2: number;
    adam_epsilon: number;
  };
  evaluation: {
    /** Size of the fixed evaluation set, integer in [1, 10000000]. */
    prompts: number;
  };
}

/** Thrown for an invalid config; the message names the field and its allowed range. */
export class ConfigError extends Error {
  name: 'ConfigError';
}

/** A bank of models (one per entry of config.n) trained in lockstep on shared prompts. Call delete() when done. */
export interface Experiment {
  /** The normalised config the experiment runs. */
  readonly config: Config;
  /** Context length of each model, in bank order (equals config.n). */
  readonly nValues: number[];
  readonly totalSteps: number;
  readonly stepsDone: number;
  /** Trains every model for up to k more steps (never past totalSteps); returns stepsDone. */
  step(k: number): number;
  /** Per model: mean squared error on the latest training batch (NaN before the first step). */
  lastTrainLoss(): Float64Array;
  /** Per model: empirical test risk E[(y - yhat)^2] on the fixed evaluation set. Deterministic for a given seed and state. */
  evaluate(): Float64Array;
  /** Per model: the theoretical optimum L*(n) (optimal preconditioned GD, paper-spec §3.2). */
  theory(): Float64Array;
  /** Frees the wasm memory; the object must not be used afterwards. */
  delete(): void;
}

export interface IclModule {
  /** Version and source revision of the wasm build, e.g. "0.1.0+1a2b3c4d5e6f". */
  readonly buildId: string;
  /** The default config (a fresh object on every call). */
  defaultConfig(): Config;
  /** Validates a config object or JSON text and fills in defaults. Throws ConfigError. */
  normalizeConfig(config: unknown): Config;
  /** Throws ConfigError for an invalid config. */
  createExperiment(config: unknown): Experiment;
  /** L*(n) of optimal preconditioned GD for the data of `config`, at each n (integers >= 0). Throws ConfigError. */
  theoryCurve(config: unknown, n: number[]): Float64Array;
  /** Number of wasm-side objects currently alive (experiments not yet deleted); for leak checks. */
  liveObjectCount(): number;
}

/** Loads and instantiates the module once per JavaScript realm (page, worker or Node process). */
export function loadIcl(): Promise<IclModule>;
