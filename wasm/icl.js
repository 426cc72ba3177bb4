// The one entry point to the WebAssembly module, for the page, its workers, the command line and the
// tests. It turns the thin Embind API (JSON text in, error messages out) into the API of icl.d.ts:
// configs as objects, ConfigError exceptions, typed arrays.
import createIclModule from '../build-wasm/dist/icl.mjs';

export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConfigError';
  }
}

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

let modulePromise;

export function loadIcl() {
  modulePromise ??= instantiate();
  return modulePromise;
}

async function instantiate() {
  const options = {};
  if (isNode) {
    // Emscripten would fetch() the .wasm in Node too (Node has fetch) and fail: hand it the bytes.
    const fs = process.getBuiltinModule('fs');
    options.wasmBinary = fs.readFileSync(new URL('../build-wasm/dist/icl.wasm', import.meta.url));
  }
  return wrap(await createIclModule(options));
}

function toJsonText(config) {
  if (typeof config === 'string') return config;
  // JSON.stringify(undefined) is undefined; send null so the validator names the problem.
  return JSON.stringify(config) ?? 'null';
}

function checked(result) {
  if (result && typeof result === 'object' && typeof result.error === 'string') throw new ConfigError(result.error);
  return result;
}

function wrap(raw) {
  return {
    buildId: raw.buildId(),
    defaultConfig: () => JSON.parse(raw.defaultConfig()),
    configSchema: () => JSON.parse(raw.configSchema()),
    runPlan: (config) => checked(raw.runPlan(toJsonText(config))),
    normalizeConfig: (config) => checked(JSON.parse(raw.normalizeConfig(toJsonText(config)))).config,
    createExperiment: (config) => {
      const handle = new raw.ExperimentHandle(toJsonText(config));
      const error = handle.error();
      if (error) {
        handle.delete();
        throw new ConfigError(error);
      }
      return new Experiment(handle);
    },
    theoryCurve: (config, n) => {
      if (!Array.isArray(n)) throw new ConfigError('theoryCurve: n must be an array of integers');
      return checked(raw.theoryCurve(toJsonText(config), n));
    },
    theoryCurves: (config, n, options = {}) => {
      if (!Array.isArray(n)) throw new ConfigError('theoryCurves: n must be an array of integers');
      return checked(JSON.parse(raw.theoryCurves(toJsonText(config), n, options.bayesOptimal === true))).curves;
    },
    optimalWeights: (config, n) => {
      if (!Number.isInteger(n)) throw new ConfigError(`optimalWeights: n must be an integer in [1, 100000] (got ${n})`);
      return checked(raw.optimalWeights(toJsonText(config), n));
    },
    liveObjectCount: () => raw.liveObjectCount(),
  };
}

class Experiment {
  #handle;

  constructor(handle) {
    this.#handle = handle;
    this.config = JSON.parse(handle.configJson());
    this.nValues = [...this.config.n];
    this.totalSteps = handle.totalSteps();
    this.livePrompts = handle.livePrompts();
    this.checkpointSchedule = Array.from(handle.checkpointSchedule());
  }

  checkpoints() {
    const flat = this.#live().checkpointRisks();
    const models = this.nValues.length;
    const risk = [];
    for (let c = 0; c * models < flat.length; c++) risk.push(Array.from(flat.subarray(c * models, (c + 1) * models)));
    return { steps: this.checkpointSchedule.slice(0, risk.length), risk };
  }

  get divergence() {
    const divergence = this.#live().divergence();
    return divergence === null ? null : { ...divergence, n: this.nValues[divergence.model] };
  }

  verdicts(finalRisk) {
    if (!Array.isArray(finalRisk) && !ArrayBuffer.isView(finalRisk)) throw new TypeError('verdicts: finalRisk must be an array of numbers');
    return this.#live().verdicts(Array.from(finalRisk));
  }

  get stepsDone() {
    return this.#live().stepsDone();
  }

  step(k) {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`step: k must be a non-negative integer (got ${k})`);
    return this.#live().step(Math.min(k, this.totalSteps));
  }

  lastTrainLoss() {
    return this.#live().lastTrainLoss();
  }

  evaluate() {
    return this.#live().evaluate();
  }

  theory() {
    return this.#live().theory();
  }

  effectiveWeights(model) {
    return this.#live().effectiveWeights(this.#model(model));
  }

  sampleWeights(model) {
    return this.#live().sampleWeights(this.#model(model));
  }

  delete() {
    this.#handle?.delete();
    this.#handle = undefined;
  }

  #model(index) {
    if (!Number.isInteger(index) || index < 0 || index >= this.nValues.length) {
      throw new RangeError(`model must be an integer in [0, ${this.nValues.length - 1}] (got ${index})`);
    }
    return index;
  }

  #live() {
    if (!this.#handle) throw new Error('this Experiment was deleted');
    return this.#handle;
  }
}
