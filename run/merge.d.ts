/** Deep merge for configs and presets: objects merge key by key, everything else (arrays included) replaces. */
export function merge<T>(base: T, patch: unknown): T;
export function isObject(value: unknown): value is Record<string, unknown>;
