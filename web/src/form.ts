// The config form, generated from the core's schema (icl's configSchema): one control per field, in
// the schema's order and groups, shown only where the field applies (its `when`), with the schema's
// labels, help and choices. Ranges, defaults and messages are the core's: the form sends what the
// user typed (numbers as numbers, anything else as text) and the validator judges it.

import type { Applicability, ConfigFieldPath, ConfigSchema, FieldSchema } from '../../wasm/icl.js';
import { getPath, setPath } from '../../wasm/link.js';
import { renderRichText } from './rich-text.ts';

/** id of the element that shows form errors (see index.html). */
const ERROR_MESSAGE_ID = 'form-error';
/** The spectrum select's option for an explicit list of eigenvalues. */
const CUSTOM = 'custom';

const GROUP_TITLES: Record<FieldSchema['group'], string | null> = { run: null, data: 'Data', model: 'Model', training: 'Training' };

/** The id of a field's control: "data.alpha" -> "field-data-alpha". */
export const controlId = (path: string) => `field-${path.replaceAll('.', '-')}`;

interface Control {
  field: FieldSchema;
  wrapper: HTMLElement;
  /** The input, select or checkbox that holds the value (for a spectrum: its select). */
  input: HTMLInputElement | HTMLSelectElement;
  /** A spectrum's explicit list. */
  list?: HTMLInputElement;
  /** The help of the chosen option. */
  choiceHelp?: HTMLElement;
}

let controls: Control[] = [];

function textInput(id: string, numeric: boolean): HTMLInputElement {
  const input = document.createElement('input');
  input.id = id;
  input.name = id;
  input.type = 'text';
  input.autocomplete = 'off';
  input.inputMode = numeric ? 'decimal' : 'text';
  return input;
}

function hint(id: string, text: string): HTMLElement {
  const small = document.createElement('small');
  small.className = 'hint';
  small.id = id;
  renderRichText(small, text);
  return small;
}

function buildControl(field: FieldSchema): Control {
  const id = controlId(field.path);
  const wrapper = document.createElement('div');
  wrapper.className = field.type === 'object' ? 'field field-toggle' : 'field';
  wrapper.dataset.path = field.path;
  const label = document.createElement('label');
  label.htmlFor = id;
  renderRichText(label, field.label);
  let input: HTMLInputElement | HTMLSelectElement;
  let list: HTMLInputElement | undefined;
  if (field.type === 'choice' || field.type === 'spectrum') {
    const select = document.createElement('select');
    select.id = id;
    select.name = id;
    for (const choice of field.choices ?? []) select.add(new Option(choice.label, choice.value));
    if (field.type === 'spectrum') select.add(new Option('explicit eigenvalues…', CUSTOM));
    input = select;
  } else if (field.type === 'object') {
    input = document.createElement('input');
    input.type = 'checkbox';
    input.id = id;
    input.name = id;
  } else {
    input = textInput(id, field.type !== 'integers');
    if (field.optional) input.placeholder = 'blank: default';
  }
  if (field.type === 'object') wrapper.append(input, label);
  else wrapper.append(label, input);
  if (field.type === 'spectrum') {
    list = textInput(`${id}-list`, false);
    list.setAttribute('aria-label', `${field.plainLabel}: eigenvalues, separated by commas`);
    list.placeholder = 'e.g. 3, 2, 1, 0.5';
    list.classList.add('spectrum-list');
    wrapper.append(list);
  }
  const describedBy: string[] = [];
  if (field.help) {
    wrapper.append(hint(`${id}-help`, field.help));
    describedBy.push(`${id}-help`);
  }
  let choiceHelp: HTMLElement | undefined;
  if (field.choices?.some((choice) => choice.help)) {
    choiceHelp = hint(`${id}-choice`, '');
    wrapper.append(choiceHelp);
    describedBy.push(`${id}-choice`);
  }
  if (describedBy.length > 0) input.setAttribute('aria-describedby', describedBy.join(' '));
  return { field, wrapper, input, list, choiceHelp };
}

/** Builds the form's controls into `container` from the schema, grouped as the schema says. */
export function buildForm(container: HTMLElement, schema: ConfigSchema): void {
  controls = schema.fields.map(buildControl);
  // The members of an object field (LoRA's settings) sit indented under its toggle.
  const toggles = controls.filter((control) => control.field.type === 'object').map((control) => `${control.field.path}.`);
  for (const control of controls) {
    if (toggles.some((prefix) => control.field.path.startsWith(prefix))) control.wrapper.classList.add('field-indent');
  }
  const groups = new Map<FieldSchema['group'], { box: HTMLElement; advanced: HTMLElement | null }>();
  for (const control of controls) {
    const { group, advanced } = control.field;
    let entry = groups.get(group);
    if (!entry) {
      const title = GROUP_TITLES[group];
      let box: HTMLElement;
      if (title) {
        box = document.createElement('fieldset');
        box.className = 'group';
        const legend = document.createElement('legend');
        legend.textContent = title;
        box.append(legend);
      } else {
        box = document.createElement('div');
      }
      container.append(box);
      entry = { box, advanced: null };
      groups.set(group, entry);
    }
    if (advanced) {
      if (!entry.advanced) {
        const details = document.createElement('details');
        details.className = 'advanced';
        const summary = document.createElement('summary');
        summary.textContent = 'Advanced';
        details.append(summary);
        entry.box.append(details);
        entry.advanced = details;
      }
      entry.advanced.append(control.wrapper);
    } else {
      entry.box.append(control.wrapper);
    }
  }
  // "Advanced" closes each group, after the fields everyone sets.
  for (const { box, advanced } of groups.values()) if (advanced) box.append(advanced);
}

/** A field's value for the applicability rules: a choice's value, true for any other present value,
 *  null when absent (not applicable, blank or unchecked). */
function conditionValue(control: Control, applicable: ReadonlySet<string>): string | boolean | null {
  if (!applicable.has(control.field.path)) return null;
  const { input, field } = control;
  if (field.type === 'object') return (input as HTMLInputElement).checked ? true : null;
  if (field.type === 'choice' || field.type === 'spectrum') return input.value;
  return input.value.trim() === '' ? null : true;
}

function holds(when: Applicability, values: ReadonlyMap<string, string | boolean | null>): boolean {
  return Object.entries(when).every(([path, allowed]) => {
    const value = values.get(path) ?? null;
    return (allowed ?? []).some((option) => option === value || (option === true && value !== null));
  });
}

/** Which fields apply under the current values (a condition names only earlier fields). */
function applicableFields(): Set<string> {
  const applicable = new Set<string>();
  const values = new Map<string, string | boolean | null>();
  for (const control of controls) {
    if (holds(control.field.when, values)) applicable.add(control.field.path);
    values.set(control.field.path, conditionValue(control, applicable));
  }
  return applicable;
}

/**
 * Shows the fields that apply and hides the rest; offers only the choices that apply (a choice whose
 * conditions fail is disabled, and when `userEdit` moves off a chosen one, the default is chosen).
 * Call after any change.
 */
export function updateVisibility(userEdit = false): void {
  let applicable = applicableFields();
  for (const control of controls) {
    const { field, input } = control;
    control.wrapper.hidden = !applicable.has(field.path);
    if (input instanceof HTMLSelectElement && field.choices) {
      const values = new Map<string, string | boolean | null>();
      for (const other of controls) values.set(other.field.path, conditionValue(other, applicable));
      for (const option of Array.from(input.options)) {
        const choice = field.choices.find((c) => c.value === option.value);
        option.disabled = choice !== undefined && !holds(choice.when, values);
      }
      if (userEdit && input.selectedOptions[0]?.disabled) {
        input.value = String(field.default);
        applicable = applicableFields();
      }
    }
    if (control.list) control.list.hidden = input.value !== CUSTOM;
    if (control.choiceHelp) {
      const chosen = field.choices?.find((choice) => choice.value === input.value);
      renderRichText(control.choiceHelp, chosen?.help ?? '');
      control.choiceHelp.hidden = !chosen?.help;
    }
  }
}

const valueText = (value: unknown) =>
  Array.isArray(value) ? value.join(', ') : value === undefined || value === null ? '' : String(value);

/**
 * Shows a config in the controls: each field's value where the config has one, else its default.
 * `config` may be a normalised config or a link's unvalidated patch; what it holds is shown as text
 * (never as markup) so an invalid value stays visible on its field.
 */
export function fillForm(config: unknown): void {
  for (const { field, input, list } of controls) {
    const given = getPath(config, field.path);
    const value = given === undefined ? field.default : given;
    if (field.type === 'object') {
      (input as HTMLInputElement).checked = given !== undefined && given !== null;
    } else if (field.type === 'spectrum') {
      const named = typeof value === 'string' && (field.choices ?? []).some((choice) => choice.value === value);
      input.value = named ? (value as string) : CUSTOM;
      if (list) list.value = named ? '' : valueText(value);
    } else if (input instanceof HTMLSelectElement) {
      const known = Array.from(input.options).some((option) => option.value === value);
      if (!known && value !== null && value !== undefined) {
        // A link may name a choice that does not exist: show it, for the validator to refuse.
        input.add(new Option(String(value), String(value)));
      }
      input.value = valueText(value);
    } else {
      input.value = valueText(value);
    }
  }
  updateVisibility();
}

/** Text to a number when it is one; anything else is sent as typed, for the validator to name. */
function typed(text: string): unknown {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  return Number.isFinite(value) ? value : text;
}

const listOf = (text: string) =>
  text
    .split(/[\s,;]+/)
    .filter((item) => item !== '')
    .map(typed);

/** The config the controls describe: every field that applies, as typed. */
export function readConfig(version: number): Record<string, unknown> {
  const config: Record<string, unknown> = { version };
  const applicable = applicableFields();
  for (const { field, input, list } of controls) {
    if (!applicable.has(field.path)) continue;
    const text = input.value;
    switch (field.type) {
      case 'object':
        if ((input as HTMLInputElement).checked) setPath(config, field.path, {});
        break;
      case 'choice':
        setPath(config, field.path, text);
        break;
      case 'spectrum':
        setPath(config, field.path, text === CUSTOM ? listOf(list?.value ?? '') : text);
        break;
      case 'integers': {
        const values = listOf(text);
        setPath(config, field.path, values.length === 0 ? text : values);
        break;
      }
      default:
        if (field.optional && text.trim() === '') break;
        setPath(config, field.path, typed(text));
    }
  }
  return config;
}

/** The field a validator message is about: the first schema path it names (longest match first). */
export function fieldForMessage(message: string): ConfigFieldPath | null {
  let best: { path: ConfigFieldPath; at: number } | null = null;
  for (const { field } of controls) {
    const match = new RegExp(`(^|[^\\w.])${field.path.replaceAll('.', '\\.')}(?![\\w.])`).exec(message);
    if (!match) continue;
    const at = match.index;
    if (!best || at < best.at || (at === best.at && field.path.length > best.path.length)) best = { path: field.path, at };
  }
  return best?.path ?? null;
}

/** A validator message with every field path replaced by the field's label, as the page names it. */
export function messageWithLabels(message: string): string {
  const fields = controls.map((control) => control.field).sort((a, b) => b.path.length - a.path.length);
  let text = message;
  for (const field of fields) {
    text = text.replace(new RegExp(`(^|[^\\w.])${field.path.replaceAll('.', '\\.')}(?![\\w.])`, 'g'), `$1${field.plainLabel}`);
  }
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The control of a field, for focus and marking. */
export function controlFor(path: string | null): HTMLInputElement | HTMLSelectElement | null {
  const control = controls.find((c) => c.field.path === path);
  if (!control) return null;
  return control.list && !control.list.hidden ? control.list : control.input;
}

/** Marks one field as invalid (or none with null) for assistive technology and styling; the invalid
 *  control is also described by the error message. */
export function markInvalid(path: string | null): void {
  for (const control of controls) {
    for (const target of [control.input, control.list]) {
      if (!target) continue;
      const descriptions = (target.getAttribute('aria-describedby') ?? '')
        .split(/\s+/)
        .filter((id) => id !== '' && id !== ERROR_MESSAGE_ID);
      if (control.field.path === path && target === controlFor(path)) {
        target.setAttribute('aria-invalid', 'true');
        descriptions.push(ERROR_MESSAGE_ID);
      } else {
        target.removeAttribute('aria-invalid');
      }
      if (descriptions.length > 0) target.setAttribute('aria-describedby', descriptions.join(' '));
      else target.removeAttribute('aria-describedby');
    }
  }
}
