// Typings of wasm/icl.js, the one entry point to the WebAssembly module in Node, in the page and in
// workers. Written by hand (emscripten 3.1.6 has no --emit-tsd); tests/js/typings.test.ts keeps it honest.

/** A covariance given by its eigenvalues: the identity, the power law of paper-spec §1c, or an explicit list of d numbers in [1e-6, 1e4]. */
export type Spectrum = 'isotropic' | 'power_law' | number[];

/** Data models of paper-spec §1. Fields not listed for a kind are rejected. */
export type DataConfig =
  | {
      kind: 'iid';
      /** Label noise variance sigma^2, in [0, 100] (every kind has it). */
      noise_variance: number;
      /** Spectrum of the feature covariance Sigma_x. */
      x_spectrum: Spectrum;
      /** Spectrum of the task covariance Sigma_beta. */
      task_spectrum: Spectrum;
    }
  | {
      /** Retrieval-augmented context x_i = a x + b g_i, correlated with the query x. */
      kind: 'rag';
      noise_variance: number;
      /** normalized: (a, b) = (alpha, sqrt(1 - alpha^2)); unnormalized: (alpha, 1); general: a and b given. */
      form: 'normalized' | 'unnormalized' | 'general';
      /** In [0, 1]; not with form 'general'. */
      alpha?: number;
      /** In [0, 10]; form 'general' only. */
      a?: number;
      b?: number;
    }
  | {
      /** Task-feature alignment x_i = alpha beta + sqrt(1 - alpha^2) g_i. */
      kind: 'alignment';
      noise_variance: number;
      alpha: number;
      /** isotropic: variant B (default); aligned: variant A, the query is aligned too. */
      query: 'isotropic' | 'aligned';
    }
  | {
      /** The task drifts along the prompt as an AR(1) with correlation gamma per position. */
      kind: 'drift';
      noise_variance: number;
      /** In [0, 0.99999994] (below 1 in float). */
      gamma: number;
    }
  | {
      /** IID tokens whose context labels change sign with probability flip_probability; the query's label is clean. */
      kind: 'label_flip';
      noise_variance: number;
      x_spectrum: Spectrum;
      task_spectrum: Spectrum;
      /** In [0, 1]. */
      flip_probability: number;
    };

export type ModelConfig =
  | {
      kind: 'attention';
      /** Standard deviation of the Gaussian initialisation, in [1e-6, 1]. */
      init_std: number;
      /** Columns of W_q and W_k, integer in [1, d + 1]; absent (and the default) is full rank, d + 1. */
      rank?: number;
      /** gaussian: every weight N(0, init_std^2); symmetric: W_k = W_q, w_v = e_D. Absent: symmetric below full rank, else gaussian. */
      init?: 'gaussian' | 'symmetric';
      /** Pretrain on pretrain_task_spectrum, freeze, then train a rank-r adapter on data.task_spectrum (IID only). */
      lora?: {
        rank: number;
        adapt: 'key' | 'key_query';
        pretrain_task_spectrum: Spectrum;
        pretrain_steps: number;
      };
    }
  | {
      kind: 'h3';
      init_std: number;
      /** free: lag weights f_0..f_n initialised to ones; ssm: f_k = sum_j c_j rho_j^k with ssm_states states. */
      filter: 'free' | 'ssm';
      /** Integer in [1, 16]; filter 'ssm' only. */
      ssm_states?: number;
    };

/** One run, completely. Every field but `version` is optional in input; normalizeConfig fills the defaults. */
export interface Config {
  version: 1;
  /** Fixes every random number of the run: data, initialisation, evaluation. Integer in [0, 2^32 - 1]. */
  seed: number;
  /** Feature dimension, integer in [1, 64]. */
  d: number;
  /** Context lengths; one model is trained per entry. Strictly increasing integers in [1, 512], at most 32 of them. */
  n: number[];
  data: DataConfig;
  model: ModelConfig;
  /**
   * query: train and evaluate on the query's label (default). all_positions: the online setting of paper-spec §3.4,
   * every position predicted from the tokens before it, the loss averaged over the n + 1 positions (isotropic IID
   * data; full-rank attention or H3 with the free filter).
   */
  objective: 'query' | 'all_positions';
  training: {
    /** Adam steps, integer in [1, 1000000]; fresh prompts every step. */
    steps: number;
    /** Prompts per step, integer in [1, 65536]. */
    batch_size: number;
    /** The peak learning rate, in [1e-10, 1]. */
    learning_rate: number;
    /** One cut of the rate at lr_decay_at, or a smooth fall to lr_decay_factor times the peak at the last step. */
    lr_schedule: 'step' | 'cosine' | 'linear';
    /** Fraction of the steps over which the rate rises linearly to its peak, in [0, 0.5]. */
    warmup: number;
    /** Step schedule: fraction of the steps after which the learning rate is multiplied by lr_decay_factor, in [0, 1]. */
    lr_decay_at: number;
    /** The cut (step), or the last step's rate over the peak (cosine, linear); in [1e-10, 1]. */
    lr_decay_factor: number;
    /** Fraction of the steps over which the batch grows linearly from batch_size_start to batch_size, in [0, 1]. */
    batch_ramp: number;
    /** The first step's batch when batch_ramp > 0, integer in [1, 65536], at most batch_size. */
    batch_size_start: number;
    /** The weights evaluated: the last iterate, the mean of the iterates from average_from on, or their EMA. */
    average: 'none' | 'tail' | 'ema';
    /** Fraction of the steps after which the iterates are averaged, in [0, 1). */
    average_from: number;
    /** EMA: weight of the average so far at each step, in (0, 0.99999994]. */
    ema_decay: number;
    /** In [0, 0.99999994] (below 1 in float), like adam_beta2. */
    adam_beta1: number;
    adam_beta2: number;
    /** In [1e-12, 1]. */
    adam_epsilon: number;
  };
  evaluation: {
    /** Size of the fixed evaluation set, integer in [1, 10000000]. */
    prompts: number;
    /** The live curve's checkpoints measure the first live_prompts of it (all when fewer), integer in [1, 100000]. */
    live_prompts: number;
  };
}

/** The dotted path of every config field the schema describes ("data.alpha", "model.lora.rank"). */
type Leaves<T, P extends string = ''> = T extends readonly unknown[] | string | number | boolean
  ? P
  : T extends object
    ? { [K in keyof T & string]-?: Leaves<NonNullable<T[K]>, P extends '' ? K : `${P}.${K}`> }[keyof T & string]
    : P;
export type ConfigFieldPath = Exclude<Leaves<Config>, 'version'> | 'model.lora';

/** When a field (or a choice) applies: each listed field has one of the values (null: absent, true: present). */
export type Applicability = Partial<Record<ConfigFieldPath, (string | number | boolean | null)[]>>;

/** An allowed range; `maxAboveD` set means the upper end is d + maxAboveD (and `max` is null). */
export interface FieldRange {
  min: number;
  minOpen: boolean;
  max: number | null;
  maxOpen: boolean;
  maxAboveD?: number;
}

/** One config field as the core's validator reads it (icl's configSchema). */
export interface FieldSchema {
  path: ConfigFieldPath;
  /** integers: n (one integer or an increasing list); spectrum: a named choice or d numbers in `items`; object: present or absent. */
  type: 'integer' | 'number' | 'choice' | 'spectrum' | 'integers' | 'object';
  /** How the page names the field; TeX between $...$. */
  label: string;
  /** The label in plain Unicode, for messages and <option>s. */
  plainLabel: string;
  /** One line of help; TeX between $...$; may be empty. */
  help: string;
  /** The part of the form it belongs to. */
  group: 'run' | 'data' | 'model' | 'training';
  /** Shown under "Advanced". */
  advanced: boolean;
  /** May be absent without a default (model.rank: full rank; model.lora: off). */
  optional: boolean;
  /** What the validator fills in when the field applies and is absent; null when there is none. */
  default: unknown;
  when: Applicability;
  range?: FieldRange;
  items?: FieldRange;
  length?: 'd';
  minItems?: number;
  maxItems?: number;
  increasing?: boolean;
  choices?: { value: string; label: string; help: string; when: Applicability }[];
}

export interface ConfigSchema {
  /** The config version (Config.version) the schema describes. */
  version: number;
  /** In the form's order; a condition names only fields before it. */
  fields: FieldSchema[];
}

export interface RunPlan {
  totalSteps: number;
  stepMultiplyAdds: number;
  runMultiplyAdds: number;
  evaluationMultiplyAdds: number;
}

/** A named theory curve; `values[i]` is the risk at the i-th requested n. */
export interface TheoryCurve {
  name: string;
  label: string;
  /** The exact theory of the config's own model (the first curve, what training is scored against), an exact
   *  reference beside it, or an approximation (drawn, never scored). */
  role: 'model' | 'reference' | 'approximation';
  values: number[];
  /** Monte Carlo curves only. */
  standardError?: number[];
}

/**
 * Thrown for an invalid config (the message names the field and its allowed range), including one JSON cannot
 * hold (a BigInt, a cycle, nesting deeper than 64 levels) or longer than 1 MiB, and for invalid arguments.
 * A failure of the module itself (out of memory) throws a plain Error. Messages are valid UTF-8 on one line.
 */
export class ConfigError extends Error {
  name: 'ConfigError';
}

/** A bank of models (one per entry of config.n) trained in lockstep on shared prompts. Call delete() when done. */
export interface Experiment {
  /** The normalised config the experiment runs. */
  readonly config: Config;
  /** Context length of each model, in bank order (equals config.n). */
  readonly nValues: number[];
  /** Training steps, LoRA's pretraining steps included. */
  readonly totalSteps: number;
  readonly stepsDone: number;
  /** Trains every model for up to k more steps (never past totalSteps); returns stepsDone. */
  step(k: number): number;
  /** Per model: mean squared error on the latest training batch (NaN before the first step). */
  lastTrainLoss(): Float64Array;
  /** Per model: empirical test risk E[(y - yhat)^2] on the fixed evaluation set. Deterministic for a given seed and state. */
  evaluate(): Float64Array;
  /**
   * Per model: the standard error of the last evaluate()'s risks (empty before it): the sample standard deviation
   * of the evaluation prompts' squared errors over the square root of their count.
   */
  evaluationStandardError(): Float64Array;
  /** Per model: the theory of the config's model at its n (the first curve of theoryCurves). */
  theory(): Float64Array;
  /** The d x d preconditioner W_eff that model `model` (index into nValues) implements, row-major (paper-spec §2). */
  effectiveWeights(model: number): Float64Array;
  /** The weight of each context token (index 0 = the most recent): H3's lag weights; all ones for attention. */
  sampleWeights(model: number): Float64Array;
  /**
   * Model `model` in the reduced form y_hat = x^T W X^T (omega ⊙ y) beside the theory's W* and omega* at its n
   * (nValues[model]). The form is unchanged by W -> c W, omega -> omega / c, and W*, omega* fix c by
   * mean(omega*) = 1: so the learned weights are normalised the same way (sampleWeights() divided by its mean,
   * effectiveWeights() multiplied by it) and can be compared with the optimum entry by entry.
   */
  readout(model: number): Readout;
  /** Size of the live evaluation set the checkpoints use: the first prompts of the evaluation set, at most 4096. */
  readonly livePrompts: number;
  /** The steps at which step() records a checkpoint: 0, then log- and linearly spaced up to totalSteps. */
  readonly checkpointSchedule: number[];
  /** The checkpoints recorded so far: their steps, and per checkpoint the live risk of each model. */
  checkpoints(): { steps: number[]; risk: number[][] };
  /** Set once a model's training loss became non-finite or stayed far above its start; training then stops. */
  readonly divergence: { step: number; model: number; n: number; loss: number; message: string } | null;
  /** Per model: whether it reached its theory, given its final risk (evaluate()). */
  verdicts(finalRisk: ArrayLike<number>): Verdict[];
  /** Frees the wasm memory; the object must not be used afterwards. */
  delete(): void;
}

/** Experiment.readout: what one trained model learned, normalised, beside the optimum. */
export interface Readout {
  /** The model's context length. */
  n: number;
  d: number;
  /** W_eff times sampleWeightScale, d x d, row-major; the raw W_eff when the scale is NaN. */
  learnedPreconditioner: Float64Array;
  /** The weight of each context token (index 0 = the most recent) divided by sampleWeightScale (mean 1); raw when the scale is NaN. */
  learnedSampleWeights: Float64Array;
  /** The mean of the raw sample weights (1 for attention); NaN when it is not finite or within 1e-12 of 0. */
  sampleWeightScale: number;
  /** W* (d x d, row-major) and omega* (mean 1) of the config's theory at n; null when the theory gives none. */
  optimal: { preconditioner: Float64Array; sampleWeights: Float64Array } | null;
  /** Why optimal is null; null when it is not. */
  optimalError: string | null;
  /** ||learnedPreconditioner - W*||_F / ||W*||_F; null without W*, when ||W*|| = 0, or when not finite. */
  relativeDistance: number | null;
}

/** How a model's training ended (the core's judge_convergence). */
export interface Verdict {
  kind: 'converged' | 'still_falling' | 'above_theory' | 'stopped' | 'diverged';
  /** final risk / theory - 1 */
  gap: number;
  /** Relative change of the live risk over the last fifth of the steps. */
  recentChange: number;
  /** One sentence for the user. */
  message: string;
}

export interface IclModule {
  /** Version and source revision of the wasm build, e.g. "0.1.0+1a2b3c4d5e6f". */
  readonly buildId: string;
  /** The default config (a fresh object on every call). */
  defaultConfig(): Config;
  /** The schema of the config: every field with its range, choices, default, label and applicability. */
  configSchema(): ConfigSchema;
  /**
   * What a run of the config costs, before anything is allocated: its steps (LoRA's pretraining
   * included) and multiply-adds of one step, the whole run and one evaluation. Pools schedule by it.
   * Throws ConfigError (a config over the budget is refused by normalizeConfig, naming the limit).
   */
  runPlan(config: unknown): RunPlan;
  /** Validates a config object or JSON text and fills in defaults. Throws ConfigError. */
  normalizeConfig(config: unknown): Config;
  /** Throws ConfigError for an invalid config. */
  createExperiment(config: unknown): Experiment;
  /** The theory of the config's model at each n (at most 1024 integers in [0, 1e6]). Throws ConfigError. */
  theoryCurve(config: unknown, n: number[]): Float64Array;
  /**
   * Every theory curve of the config at each n: first the theory of the config's model, then references
   * (asymptotic approximations, the full-rank optimum, uniform vs optimal weights; with bayesOptimal, the
   * Bayes-optimal risk of IID data by Monte Carlo, with standard errors; it takes n <= 1024 and a bounded amount of
   * work, about 3e9 multiply-adds). n: at most 1024 integers in [0, 1e6]. Throws ConfigError.
   */
  theoryCurves(config: unknown, n: number[], options?: { bayesOptimal?: boolean }): TheoryCurve[];
  /**
   * The reduced form y_hat = x^T W X^T (omega ⊙ y) the config's model should learn at context n (paper-spec §3):
   * W* (d x d, row-major) and omega* (one weight per context token, index 0 the most recent; mean 1), to set
   * beside Experiment.effectiveWeights and sampleWeights (Experiment.readout sets them side by side, normalised).
   * n: an integer in [1, 100000]. Throws ConfigError.
   */
  optimalWeights(config: unknown, n: number): { preconditioner: Float64Array; sampleWeights: Float64Array };
  /** Number of wasm-side objects currently alive (experiments not yet deleted); for leak checks. */
  liveObjectCount(): number;
}

/** Loads and instantiates the module once per JavaScript realm (page, worker or Node process). */
export function loadIcl(): Promise<IclModule>;
