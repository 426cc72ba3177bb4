// Links: the whole state of the page in a URL fragment, read the same way by the page and the
// command line. A fragment is `#` followed by `key=value` pairs joined by `&` (URL-encoded):
//   v=<link version>  b=<build id>          always written
//   <config path>=<value>                  each config field whose value differs from its default in
//                                          the core's schema (d=7, data.kind=rag, n=5,10,20,
//                                          model.lora=1 for a field that is present or absent)
//   preset=<id>  quick=1                   the chosen figure preset and its reduced run
//   recipe=<name>                          the preset's training recipe (run/recipes.js)
//   log=1  fit=1                           chart options (log n axis, fitted risk axis)
//   run=1  embed=1  hide=a,b  autoplay=1   what opening the link does
// Values are typed by the schema and validated by the core: decoding never judges a value, it only
// hands the core what the link says, so a bad value gets the core's message on its field.

/** Version of the link format; a new version must read the links of every older one. */
export const LINK_VERSION = 1;

/** Keys that are not config fields, with their meaning (for the warning about unknown keys). */
export const STATE_KEYS = ['v', 'b', 'preset', 'recipe', 'quick', 'log', 'fit', 'run', 'embed', 'hide', 'autoplay'];

/** Parts of the page an embed can hide (`hide=controls,table`). */
export const HIDEABLE_PARTS = ['controls', 'table', 'readouts', 'intro', 'formulas'];

const FLAGS = ['quick', 'log', 'fit', 'run', 'embed', 'autoplay'];

/** The value at a dotted config path ("data.alpha"), or undefined. */
export function getPath(object, path) {
  let value = object;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** Sets a dotted config path, creating the objects on the way. */
export function setPath(object, path, value) {
  const keys = path.split('.');
  let node = object;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key];
  }
  const last = keys[keys.length - 1];
  // An object field written as present (model.lora=1) keeps the members set before or after it.
  if (typeof value === 'object' && value !== null && typeof node[last] === 'object' && node[last] !== null) return;
  node[last] = value;
}

const sameValue = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The text of a config value in a link: numbers as JavaScript prints them (they read back exactly). */
function valueText(field, value) {
  if (field.type === 'object') return '1';
  return Array.isArray(value) ? value.map(String).join(',') : String(value);
}

/** A number if the text is one, else the text itself, for the core to refuse with its own message. */
function numberOrText(text) {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  return Number.isFinite(value) ? value : text;
}

/** The value a link's text stands for, by the field's type in the schema. */
function parseValue(field, text) {
  switch (field.type) {
    case 'integer':
    case 'number':
      return numberOrText(text);
    case 'integers':
      return text.includes(',') ? text.split(',').map(numberOrText) : [numberOrText(text)];
    case 'spectrum':
      return (field.choices ?? []).some((choice) => choice.value === text) ? text : text.split(',').map(numberOrText);
    case 'object':
      return {};
    default:
      return text;
  }
}

/** The config's entries of a link: every schema field present in the normalised config whose value
 *  is not the schema's default, in schema order. */
export function configEntries(config, schema) {
  const entries = [];
  for (const field of schema.fields) {
    const value = getPath(config, field.path);
    if (value === undefined) continue;
    if (field.type !== 'object' && sameValue(value, field.default)) continue;
    entries.push([field.path, valueText(field, value)]);
  }
  return entries;
}

function encodePairs(entries) {
  // Commas stay readable: they separate list entries and never occur inside one value.
  return entries.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value).replaceAll('%2C', ',')}`).join('&');
}

/**
 * The fragment (without '#') of a page state: { config (normalised; with its schema), buildId, preset,
 * recipe, quick, log, fit, run, embed, hide, autoplay }, each part optional but the build id.
 */
export function encodeState(state) {
  const entries = [
    ['v', String(LINK_VERSION)],
    ['b', state.buildId],
  ];
  if (state.config) entries.push(...configEntries(state.config, state.schema));
  if (state.preset) entries.push(['preset', state.preset]);
  if (state.preset && state.recipe) entries.push(['recipe', state.recipe]);
  for (const flag of FLAGS) if (state[flag]) entries.push([flag, '1']);
  if (state.hide?.length) entries.push(['hide', state.hide.join(',')]);
  return encodePairs(entries);
}

/** The link of a config: `base` (the page's address, may be empty) + '#' + its fragment. */
export function configLink({ config, schema, buildId, base = '' }) {
  return `${base}#${encodeState({ config, schema, buildId })}`;
}

/** The link of a figure preset: `base` + `#v=1&b=<build>&preset=<id>[&recipe=<name>][&quick=1]`. */
export function presetLink({ preset, recipe, quick = false, buildId, base = '' }) {
  return `${base}#${encodeState({ preset, recipe, quick, buildId })}`;
}

/** The fragment of a link, a fragment, or a bare `key=value&...` text. */
function fragmentOf(link) {
  const text = String(link).trim();
  const hash = text.indexOf('#');
  if (hash >= 0) return text.slice(hash + 1);
  const query = text.indexOf('?');
  return query >= 0 ? text.slice(query + 1) : text;
}

/** Whether a command-line argument or a text is a link rather than a config (JSON) or a file name. */
export function looksLikeLink(text) {
  const trimmed = String(text).trim();
  return /^(https?:\/\/|#|v=)/.test(trimmed) || (!trimmed.startsWith('{') && /(^|[#?&])v=\d/.test(trimmed));
}

function decodeComponent(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Reads a link (or its fragment) into { config: the unvalidated config patch the link names (or
 * null when it names none), preset, recipe (a name, unchecked: the caller knows the recipes), quick, log, fit, run, embed, hide, autoplay, version, buildId,
 * warnings: sentences for the user }. Never throws: whatever the link holds, the core validates the
 * config and the warnings say what was not read.
 */
export function decodeState(link, schema) {
  const fieldsByPath = new Map(schema.fields.map((field) => [field.path, field]));
  const state = { config: null, preset: null, recipe: null, hide: [], version: null, buildId: null, warnings: [] };
  for (const flag of FLAGS) state[flag] = false;
  const unknown = [];
  const config = {};
  let configKeys = 0;
  for (const pair of fragmentOf(link).split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decodeComponent(equals >= 0 ? pair.slice(0, equals) : pair);
    const value = decodeComponent(equals >= 0 ? pair.slice(equals + 1) : '');
    if (key === null || value === null) {
      state.warnings.push(`The link has a part that is not valid URL encoding, which was ignored: “${pair.slice(0, 60)}”.`);
      continue;
    }
    const field = fieldsByPath.get(key);
    if (field) {
      setPath(config, key, parseValue(field, value));
      configKeys += 1;
    } else if (key === 'v') state.version = value;
    else if (key === 'b') state.buildId = value;
    else if (key === 'preset') state.preset = value;
    else if (key === 'recipe') state.recipe = value;
    else if (key === 'hide') state.hide = value.split(',').filter((part) => part !== '');
    else if (FLAGS.includes(key)) state[key] = value !== '0' && value !== 'false';
    else unknown.push(key);
  }
  if (configKeys > 0 || !state.preset) state.config = config;
  if (state.version !== null && state.version !== String(LINK_VERSION)) {
    state.warnings.push(
      `The link is of version ${state.version}, which this playground does not know (it reads version ${LINK_VERSION}); it was read as version ${LINK_VERSION}.`,
    );
  }
  if (unknown.length > 0) {
    const names = unknown.map((key) => `“${key.slice(0, 40)}”`).join(', ');
    state.warnings.push(`The link has ${unknown.length === 1 ? 'a key' : 'keys'} this playground does not know, ignored: ${names}.`);
  }
  const badParts = state.hide.filter((part) => !HIDEABLE_PARTS.includes(part));
  if (badParts.length > 0) {
    state.warnings.push(
      `hide= names parts the page does not have, ignored: ${badParts.map((p) => `“${p.slice(0, 40)}”`).join(', ')} (it has ${HIDEABLE_PARTS.join(', ')}).`,
    );
    state.hide = state.hide.filter((part) => HIDEABLE_PARTS.includes(part));
  }
  return state;
}

/** The warning for a link made by another build (null when the builds agree or the link names none). */
export function buildWarning(linkBuildId, buildId) {
  if (!linkBuildId || linkBuildId === buildId) return null;
  return `This link was made by build ${linkBuildId.slice(0, 60)}; this is build ${buildId}, so its numbers may differ.`;
}
