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

// Text for a message, as the core writes it (icl/text.hpp): control characters as \xNN, lone
// surrogates as \uXXXX (they are not valid UTF-8), cut to `max` characters on a character boundary.
function printable(text, max = 200) {
  let out = '';
  for (const character of String(text)) {
    const code = character.codePointAt(0);
    if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${code.toString(16).toUpperCase()}`;
    else out += character;
  }
  const characters = [...out];
  return characters.length > max ? `${characters.slice(0, max - 3).join('')}...` : out;
}

// Where JSON.stringify failed, as a field path ("model.lora.rank", "n[2]"), found by a second pass that
// records the path of every value it visits (the first pass is plain, for speed).
function pathOfUnserialisable(config) {
  const paths = new WeakMap();
  const ancestors = [];
  let found;
  try {
    JSON.stringify(config, function visit(key, value) {
      const parent = typeof this === 'object' && this !== null ? (paths.get(this) ?? '') : '';
      const name = printable(key, 40);
      const path = key === '' ? '' : Array.isArray(this) ? `${parent}[${key}]` : parent ? `${parent}.${name}` : name;
      // JSON.stringify visits depth first, so the open objects are those on the stack up to this holder.
      while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
      if (typeof value === 'bigint') {
        found = { path, reason: 'bigint' };
        throw new Error('stop');
      }
      if (typeof value === 'object' && value !== null) {
        if (ancestors.includes(value)) {
          found = { path, reason: 'cycle' };
          throw new Error('stop');
        }
        if (ancestors.length >= maxNesting) {
          found = { path, reason: 'depth' };
          throw new Error('stop');
        }
        paths.set(value, path);
        ancestors.push(value);
      }
      return value;
    });
  } catch {
    // found says why, if it was one of ours
  }
  return found;
}

let maxConfigBytes = 1 << 20;
let maxNesting = 64;

function unserialisableMessage(config, error) {
  const found = pathOfUnserialisable(config);
  const field = (path) => (path ? printable(path) : 'the config');
  if (found?.reason === 'bigint') {
    return `${field(found.path)} is a BigInt, which JSON cannot hold (use a Number)`;
  }
  if (found?.reason === 'cycle') {
    return `${field(found.path)} refers back to an object that contains it (a cyclic config cannot be written as JSON)`;
  }
  if (found?.reason === 'depth' || error instanceof RangeError) {
    return `the config is nested more than ${maxNesting} levels deep${found?.path ? ` (at ${printable(found.path)})` : ''}`;
  }
  return `the config cannot be written as JSON: ${printable(error?.message ?? error, 300)}`;
}

function toJsonText(config) {
  let text;
  if (typeof config === 'string') {
    text = config;
  } else {
    try {
      // JSON.stringify(undefined) is undefined; send null so the validator names the problem.
      text = JSON.stringify(config) ?? 'null';
    } catch (error) {
      // BigInt and cycles throw TypeError, deep nesting RangeError (the call stack), a toJSON anything.
      throw new ConfigError(unserialisableMessage(config, error));
    }
  }
  // The core checks the byte length again; this check is cheap (UTF-8 has at least one byte per UTF-16
  // unit) and keeps a huge text from being copied into wasm memory at all.
  if (text.length > maxConfigBytes) {
    throw new ConfigError(`the config is ${text.length} characters long, above the limit of ${maxConfigBytes} bytes (1 MiB)`);
  }
  return text;
}

// A result of the module: {error} is thrown, as ConfigError for bad input, as Error for a failure of the
// module itself ({internal: true}, e.g. out of memory).
function checked(result) {
  if (result && typeof result === 'object' && typeof result.error === 'string') {
    throw result.internal ? new Error(result.error) : new ConfigError(result.error);
  }
  return result;
}

function checkLengths(name, n, maxLengths) {
  if (!Array.isArray(n)) throw new ConfigError(`${name}: n must be an array of integers`);
  if (n.length > maxLengths) throw new ConfigError(`${name}: n may have at most ${maxLengths} entries (got ${n.length})`);
  for (let i = 0; i < n.length; i++) {
    // The module reads each entry as a Number; a BigInt or an object would throw inside it.
    if (typeof n[i] !== 'number') throw new ConfigError(`${name}: n[${i}] must be a number (got ${typeof n[i]})`);
  }
  return n;
}

const MAX_WEIGHTS_N = 100000;

function wrap(raw) {
  maxConfigBytes = raw.maxConfigBytes();
  maxNesting = raw.maxConfigNesting();
  const maxLengths = raw.maxTheoryLengths();
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
    theoryCurve: (config, n) => checked(raw.theoryCurve(toJsonText(config), checkLengths('theoryCurve', n, maxLengths))),
    theoryCurves: (config, n, options = {}) => {
      const text = toJsonText(config);
      const lengths = checkLengths('theoryCurves', n, maxLengths);
      return checked(JSON.parse(raw.theoryCurves(text, lengths, options?.bayesOptimal === true))).curves;
    },
    optimalWeights: (config, n) => {
      if (!Number.isInteger(n) || n < 1 || n > MAX_WEIGHTS_N) {
        throw new ConfigError(`optimalWeights: n must be an integer in [1, ${MAX_WEIGHTS_N}] (got ${describeArgument(n)})`);
      }
      return checked(raw.optimalWeights(toJsonText(config), n));
    },
    liveObjectCount: () => raw.liveObjectCount(),
  };
}

function describeArgument(value) {
  try {
    return typeof value === 'bigint' ? `${value}n` : String(value);
  } catch {
    return typeof value;
  }
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
    if (!Number.isSafeInteger(k) || k < 0) {
      throw new RangeError(`step: k must be a non-negative integer (got ${describeArgument(k)})`);
    }
    return checked(this.#live().step(Math.min(k, this.totalSteps)));
  }

  lastTrainLoss() {
    return checked(this.#live().lastTrainLoss());
  }

  evaluate() {
    return checked(this.#live().evaluate());
  }

  evaluationStandardError() {
    return checked(this.#live().evaluationStandardError());
  }

  theory() {
    return checked(this.#live().theory());
  }

  effectiveWeights(model) {
    return checked(this.#live().effectiveWeights(this.#model(model)));
  }

  sampleWeights(model) {
    return checked(this.#live().sampleWeights(this.#model(model)));
  }

  readout(model) {
    return checked(this.#live().readout(this.#model(model)));
  }

  delete() {
    this.#handle?.delete();
    this.#handle = undefined;
  }

  #model(index) {
    if (!Number.isInteger(index) || index < 0 || index >= this.nValues.length) {
      throw new RangeError(`model must be an integer in [0, ${this.nValues.length - 1}] (got ${describeArgument(index)})`);
    }
    return index;
  }

  #live() {
    if (!this.#handle) throw new Error('this Experiment was deleted');
    return this.#handle;
  }
}
