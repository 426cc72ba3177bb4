// The config form: one table row per control (adding a control is one row), reading the inputs into
// a config and writing a config into the inputs. Only the text-to-number step happens here; ranges
// and integrality are the C++ validator's business (normalizeConfig), the single source of truth.

import type { Config } from '../../wasm/icl.js';

/** id of the element that shows form errors (see index.html). */
const ERROR_MESSAGE_ID = 'form-error';

interface FormField {
  /** id of the <input> element. */
  inputId: string;
  /** How messages name the field, matching its label on the page. */
  label: string;
  /** The config path as the validator's messages name it. */
  configPath: string;
  /** The config's value as input text. */
  show(config: Config): string;
  /** Parses the input text into `config`; returns an error message, or null when the text is numeric. */
  apply(config: Config, text: string): string | null;
}

/** Accepts exactly what Number() accepts, minus the blank string (which Number() reads as 0). */
function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  // JSON cannot carry Infinity or NaN, so non-finite input is a parse error, not a range error.
  return Number.isFinite(value) ? value : null;
}

function numberField(
  inputId: string,
  label: string,
  configPath: string,
  get: (config: Config) => number,
  set: (config: Config, value: number) => void,
): FormField {
  return {
    inputId,
    label,
    configPath,
    show: (config) => String(get(config)),
    apply(config, text) {
      const value = parseNumber(text);
      if (value === null) return `${label}: "${text.trim()}" is not a number.`;
      set(config, value);
      return null;
    },
  };
}

const contextLengthsField: FormField = {
  inputId: 'n-list',
  label: 'context lengths n',
  configPath: 'n',
  show: (config) => config.n.join(', '),
  apply(config, text) {
    const items = text.split(/[\s,;]+/).filter((item) => item !== '');
    if (items.length === 0) return 'context lengths n: enter at least one number, e.g. "5, 10, 20".';
    const values: number[] = [];
    for (const item of items) {
      const value = parseNumber(item);
      if (value === null) return `context lengths n: "${item}" is not a number.`;
      values.push(value);
    }
    config.n = values;
    return null;
  },
};

export const formFields: readonly FormField[] = [
  numberField('d', 'dimension d', 'd', (c) => c.d, (c, v) => (c.d = v)),
  numberField(
    'noise-variance',
    'noise variance σ²',
    'data.noise_variance',
    (c) => c.data.noise_variance,
    (c, v) => (c.data.noise_variance = v),
  ),
  contextLengthsField,
  numberField('steps', 'training steps', 'training.steps', (c) => c.training.steps, (c, v) => (c.training.steps = v)),
  numberField('seed', 'seed', 'seed', (c) => c.seed, (c, v) => (c.seed = v)),
  numberField(
    'batch-size',
    'batch size',
    'training.batch_size',
    (c) => c.training.batch_size,
    (c, v) => (c.training.batch_size = v),
  ),
  numberField(
    'learning-rate',
    'learning rate',
    'training.learning_rate',
    (c) => c.training.learning_rate,
    (c, v) => (c.training.learning_rate = v),
  ),
  numberField(
    'eval-prompts',
    'evaluation prompts',
    'evaluation.prompts',
    (c) => c.evaluation.prompts,
    (c, v) => (c.evaluation.prompts = v),
  ),
];

function input(field: FormField): HTMLInputElement {
  const element = document.getElementById(field.inputId);
  if (!(element instanceof HTMLInputElement)) throw new Error(`missing <input id="${field.inputId}">`);
  return element;
}

export function showConfig(config: Config): void {
  for (const field of formFields) input(field).value = field.show(config);
}

export type FormReading =
  | { ok: true; config: Config }
  | { ok: false; message: string; inputId: string };

/** Reads the inputs over a copy of `base`, so fields without a control keep their defaults. */
export function readConfig(base: Config): FormReading {
  const config = structuredClone(base);
  for (const field of formFields) {
    const message = field.apply(config, input(field).value);
    if (message !== null) return { ok: false, message, inputId: field.inputId };
  }
  return { ok: true, config };
}

/** The control a validator message is about, found by the config path the message names
 *  (e.g. "training.batch_size" or "d"); null when no control matches. */
export function inputIdForMessage(message: string): string | null {
  const tokens = message.match(/[A-Za-z_][\w.]*/g) ?? [];
  for (const token of tokens) {
    const field = formFields.find((f) => f.configPath === token.replace(/\.$/, ''));
    if (field) return field.inputId;
  }
  return null;
}

/** Marks one input as invalid (or none with null) for assistive technology and styling; the
 *  invalid input is also described by the error message, after any hint it already has. */
export function markInvalid(inputId: string | null): void {
  for (const field of formFields) {
    const element = input(field);
    const descriptions = (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter((id) => id !== '' && id !== ERROR_MESSAGE_ID);
    if (field.inputId === inputId) {
      element.setAttribute('aria-invalid', 'true');
      descriptions.push(ERROR_MESSAGE_ID);
    } else {
      element.removeAttribute('aria-invalid');
    }
    if (descriptions.length > 0) element.setAttribute('aria-describedby', descriptions.join(' '));
    else element.removeAttribute('aria-describedby');
  }
}
