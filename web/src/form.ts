// The config form: one table row per control (adding a control is one row), reading the inputs into
// a config and writing the validator's defaults into the inputs. Only the text-to-number step and the
// choice of which controls apply happen here; ranges and integrality are the C++ validator's business
// (normalizeConfig), the single source of truth. The validator rejects fields that do not apply to the
// chosen data model or architecture, so a control that does not apply is hidden and not sent.

import type { Config } from '../../wasm/icl.js';
import type { ConfigVariants } from './protocol.ts';

/** id of the element that shows form errors (see index.html). */
const ERROR_MESSAGE_ID = 'form-error';

/** The choices that decide which controls apply. */
interface Choices {
  dataKind: string;
  modelKind: string;
  /** "full" or "low" (rank r below d + 1). */
  rankMode: string;
  lora: boolean;
  filter: string;
}

type ControlType = 'number' | 'numberList' | 'choice' | 'toggle';

interface Control {
  /** id of the <input> or <select>. */
  id: string;
  /** How messages name the control, matching its label on the page. */
  label: string;
  /** Where the value goes in the config, as the validator's messages name it; null for a control that
   *  only steers the form (the rank mode). */
  configPath: string | null;
  type: ControlType;
  /** Whether the control applies (is shown and sent) under the current choices; always if absent. */
  appliesTo?: (choices: Choices) => boolean;
  /** The value shown when the page loads: text, an option value, or a checkbox state. */
  initial(variants: ConfigVariants): string | boolean;
}

const isAttention = (c: Choices) => c.modelKind === 'attention';
const isLowRank = (c: Choices) => isAttention(c) && c.rankMode === 'low';
/** LoRA adapts a full-rank attention model between two IID task covariances. */
const loraAvailable = (c: Choices) => isAttention(c) && c.rankMode === 'full' && c.dataKind === 'iid';
const loraOn = (c: Choices) => loraAvailable(c) && c.lora;

/** Reads `path` ("data.alpha") of a normalised config of `variant`, as text for the form. */
function fromVariant(variant: string, path: string) {
  return (variants: ConfigVariants): string => {
    let value: unknown = variants[variant] ?? variants.default;
    for (const key of path.split('.')) {
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (Array.isArray(value)) return value.join(', ');
    return value === undefined ? '' : String(value);
  };
}

/** A spectrum select offers the named spectra only; an explicit list (possible in a hand-written
 *  config) shows as the isotropic choice. */
function spectrumFromVariant(variant: string, path: string) {
  const read = fromVariant(variant, path);
  return (variants: ConfigVariants): string => {
    const value = read(variants);
    return value === 'power_law' ? 'power_law' : 'isotropic';
  };
}

const CONTROLS: readonly Control[] = [
  { id: 'd', label: 'dimension d', configPath: 'd', type: 'number', initial: fromVariant('default', 'd') },
  { id: 'n-list', label: 'context lengths n', configPath: 'n', type: 'numberList', initial: fromVariant('default', 'n') },
  // Data model.
  { id: 'data-kind', label: 'data model', configPath: 'data.kind', type: 'choice', initial: fromVariant('default', 'data.kind') },
  {
    id: 'task-spectrum',
    label: 'task spectrum',
    configPath: 'data.task_spectrum',
    type: 'choice',
    appliesTo: (c) => c.dataKind === 'iid',
    initial: spectrumFromVariant('default', 'data.task_spectrum'),
  },
  {
    id: 'alpha',
    label: 'correlation α',
    configPath: 'data.alpha',
    type: 'number',
    appliesTo: (c) => c.dataKind === 'rag' || c.dataKind === 'alignment',
    initial: fromVariant('rag', 'data.alpha'),
  },
  {
    id: 'rag-form',
    label: 'RAG form',
    configPath: 'data.form',
    type: 'choice',
    appliesTo: (c) => c.dataKind === 'rag',
    initial: fromVariant('rag', 'data.form'),
  },
  {
    id: 'alignment-query',
    label: 'query',
    configPath: 'data.query',
    type: 'choice',
    appliesTo: (c) => c.dataKind === 'alignment',
    initial: fromVariant('alignment', 'data.query'),
  },
  {
    id: 'gamma',
    label: 'drift correlation γ',
    configPath: 'data.gamma',
    type: 'number',
    appliesTo: (c) => c.dataKind === 'drift',
    initial: fromVariant('drift', 'data.gamma'),
  },
  {
    id: 'noise-variance',
    label: 'noise variance σ²',
    configPath: 'data.noise_variance',
    type: 'number',
    initial: fromVariant('default', 'data.noise_variance'),
  },
  // Model.
  { id: 'model-kind', label: 'model', configPath: 'model.kind', type: 'choice', initial: fromVariant('default', 'model.kind') },
  { id: 'rank-mode', label: 'rank', configPath: null, type: 'choice', appliesTo: isAttention, initial: () => 'full' },
  { id: 'rank', label: 'rank r', configPath: 'model.rank', type: 'number', appliesTo: isLowRank, initial: () => '1' },
  { id: 'init', label: 'initialisation', configPath: 'model.init', type: 'choice', appliesTo: isLowRank, initial: () => 'symmetric' },
  { id: 'lora', label: 'LoRA adapter', configPath: 'model.lora', type: 'toggle', appliesTo: loraAvailable, initial: () => false },
  {
    id: 'lora-rank',
    label: 'LoRA rank',
    configPath: 'model.lora.rank',
    type: 'number',
    appliesTo: loraOn,
    initial: fromVariant('lora', 'model.lora.rank'),
  },
  {
    id: 'lora-adapt',
    label: 'LoRA adapts',
    configPath: 'model.lora.adapt',
    type: 'choice',
    appliesTo: loraOn,
    initial: fromVariant('lora', 'model.lora.adapt'),
  },
  {
    id: 'lora-pretrain-spectrum',
    label: 'pretraining task spectrum',
    configPath: 'model.lora.pretrain_task_spectrum',
    type: 'choice',
    appliesTo: loraOn,
    initial: spectrumFromVariant('lora', 'model.lora.pretrain_task_spectrum'),
  },
  {
    id: 'lora-pretrain-steps',
    label: 'pretraining steps',
    configPath: 'model.lora.pretrain_steps',
    type: 'number',
    appliesTo: loraOn,
    initial: fromVariant('lora', 'model.lora.pretrain_steps'),
  },
  {
    id: 'h3-filter',
    label: 'H3 filter',
    configPath: 'model.filter',
    type: 'choice',
    appliesTo: (c) => c.modelKind === 'h3',
    initial: fromVariant('h3', 'model.filter'),
  },
  {
    id: 'ssm-states',
    label: 'SSM states N',
    configPath: 'model.ssm_states',
    type: 'number',
    appliesTo: (c) => c.modelKind === 'h3' && c.filter === 'ssm',
    initial: fromVariant('h3-ssm', 'model.ssm_states'),
  },
  // Training.
  { id: 'steps', label: 'training steps', configPath: 'training.steps', type: 'number', initial: fromVariant('default', 'training.steps') },
  { id: 'seed', label: 'seed', configPath: 'seed', type: 'number', initial: fromVariant('default', 'seed') },
  {
    id: 'batch-size',
    label: 'batch size',
    configPath: 'training.batch_size',
    type: 'number',
    initial: fromVariant('default', 'training.batch_size'),
  },
  {
    id: 'learning-rate',
    label: 'learning rate',
    configPath: 'training.learning_rate',
    type: 'number',
    initial: fromVariant('default', 'training.learning_rate'),
  },
  {
    id: 'eval-prompts',
    label: 'evaluation prompts',
    configPath: 'evaluation.prompts',
    type: 'number',
    initial: fromVariant('default', 'evaluation.prompts'),
  },
];

type ControlElement = HTMLInputElement | HTMLSelectElement;

function element(control: Control): ControlElement {
  const found = document.getElementById(control.id);
  if (!(found instanceof HTMLInputElement || found instanceof HTMLSelectElement)) {
    throw new Error(`missing <input> or <select> id="${control.id}"`);
  }
  return found;
}

/** The .field wrapper that is shown or hidden with its control. */
const wrapper = (control: Control) => element(control).closest<HTMLElement>('.field');

function currentChoices(): Choices {
  const value = (id: string) => (document.getElementById(id) as ControlElement | null)?.value ?? '';
  return {
    dataKind: value('data-kind'),
    modelKind: value('model-kind'),
    rankMode: value('rank-mode'),
    lora: (document.getElementById('lora') as HTMLInputElement | null)?.checked ?? false,
    filter: value('h3-filter'),
  };
}

const applies = (control: Control, choices: Choices) => control.appliesTo?.(choices) ?? true;

/** Shows the controls (and the one-line explanations, `data-hint-for="data-kind:rag"`) that apply to
 *  the current choices and hides the rest; call after any choice changes. */
export function updateVisibility(): void {
  const choices = currentChoices();
  for (const control of CONTROLS) {
    const field = wrapper(control);
    if (field) field.hidden = !applies(control, choices);
  }
  for (const hint of document.querySelectorAll<HTMLElement>('[data-hint-for]')) {
    const [id, value] = (hint.dataset.hintFor ?? '').split(':');
    const owner = id ? (document.getElementById(id) as ControlElement | null) : null;
    hint.hidden = owner?.value !== value;
  }
}

/** Writes the validator's defaults (per kind, see ConfigVariants) into the controls. */
export function showDefaults(variants: ConfigVariants): void {
  for (const control of CONTROLS) {
    const target = element(control);
    const value = control.initial(variants);
    if (target instanceof HTMLInputElement && target.type === 'checkbox') target.checked = value === true;
    else target.value = String(value);
  }
  updateVisibility();
}

/** Accepts exactly what Number() accepts, minus the blank string (which Number() reads as 0). */
function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  // JSON cannot carry Infinity or NaN, so non-finite input is a parse error, not a range error.
  return Number.isFinite(value) ? value : null;
}

/** Sets `path` ("model.lora.rank") in `target`, creating the objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1] as string;
  // A toggle creates its object; members set before or after it stay.
  if (value !== null && typeof value === 'object' && typeof node[last] === 'object') return;
  node[last] = value;
}

/** The value of one control for the config, or an error message naming the control. */
function readValue(control: Control, target: ControlElement): { value: unknown } | { message: string } {
  const text = target.value;
  switch (control.type) {
    case 'number': {
      const value = parseNumber(text);
      return value === null ? { message: `${control.label}: "${text.trim()}" is not a number.` } : { value };
    }
    case 'numberList': {
      const items = text.split(/[\s,;]+/).filter((item) => item !== '');
      if (items.length === 0) return { message: `${control.label}: enter at least one number, e.g. "5, 10, 20".` };
      const values: number[] = [];
      for (const item of items) {
        const value = parseNumber(item);
        if (value === null) return { message: `${control.label}: "${item}" is not a number.` };
        values.push(value);
      }
      return { value: values };
    }
    case 'choice':
      return { value: text };
    case 'toggle':
      return { value: (target as HTMLInputElement).checked ? {} : undefined };
  }
}

export type FormReading =
  | { ok: true; config: Record<string, unknown> }
  | { ok: false; message: string; inputId: string };

/** Reads the controls that apply into a config for the validator. Only what the form offers is sent
 *  (the validator fills in the rest with its defaults), so the config shows exactly the user's choices. */
export function readConfig(base: Config): FormReading {
  const config: Record<string, unknown> = { version: base.version };
  const choices = currentChoices();
  for (const control of CONTROLS) {
    if (control.configPath === null || !applies(control, choices)) continue;
    const reading = readValue(control, element(control));
    if ('message' in reading) return { ok: false, message: reading.message, inputId: control.id };
    if (reading.value !== undefined) setPath(config, control.configPath, reading.value);
  }
  return { ok: true, config };
}

/** The control a validator message is about, found by the config path the message names
 *  (e.g. "training.batch_size", "data.alpha" or "d"); null when no control matches. */
export function inputIdForMessage(message: string): string | null {
  const tokens = message.match(/[A-Za-z_][\w.]*/g) ?? [];
  for (const token of tokens) {
    const control = CONTROLS.find((c) => c.configPath !== null && c.configPath === token.replace(/\.$/, ''));
    if (control) return control.id;
  }
  return null;
}

/** Marks one control as invalid (or none with null) for assistive technology and styling; the
 *  invalid control is also described by the error message, after any hint it already has. */
export function markInvalid(inputId: string | null): void {
  for (const control of CONTROLS) {
    const target = element(control);
    const descriptions = (target.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter((id) => id !== '' && id !== ERROR_MESSAGE_ID);
    if (control.id === inputId) {
      target.setAttribute('aria-invalid', 'true');
      descriptions.push(ERROR_MESSAGE_ID);
    } else {
      target.removeAttribute('aria-invalid');
    }
    if (descriptions.length > 0) target.setAttribute('aria-describedby', descriptions.join(' '));
    else target.removeAttribute('aria-describedby');
  }
}
