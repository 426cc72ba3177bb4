// Deep merge for configs and presets: objects merge key by key, everything else (arrays included) replaces.
export function merge(base, patch) {
  if (!isObject(base) || !isObject(patch)) return structuredClone(patch);
  const out = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) out[key] = key in out ? merge(out[key], value) : structuredClone(value);
  return out;
}

export function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
