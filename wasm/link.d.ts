// Typings of wasm/link.js (page state in a URL fragment); kept honest by tests/js/link.test.ts and tsc.
import type { Config, ConfigSchema } from './icl.js';

export const LINK_VERSION: number;
export const STATE_KEYS: readonly string[];
export const HIDEABLE_PARTS: readonly string[];

export interface LinkFlags {
  quick?: boolean;
  log?: boolean;
  fit?: boolean;
  run?: boolean;
  embed?: boolean;
  autoplay?: boolean;
  hide?: string[];
}

export interface PageStateInput extends LinkFlags {
  buildId: string;
  config?: Config;
  /** Needed with `config`. */
  schema?: ConfigSchema;
  preset?: string | null;
  /** The preset's training recipe by name; written only with `preset`. */
  recipe?: string | null;
}

export interface DecodedState {
  /** The config patch the link names (unvalidated; the core fills in the rest), or null for a link of a preset alone. */
  config: Record<string, unknown> | null;
  preset: string | null;
  /** The recipe the link names (unchecked), or null. */
  recipe: string | null;
  quick: boolean;
  log: boolean;
  fit: boolean;
  run: boolean;
  embed: boolean;
  autoplay: boolean;
  hide: string[];
  version: string | null;
  buildId: string | null;
  /** Sentences for the user: unknown keys, an unknown version, undecodable parts. */
  warnings: string[];
}

export function getPath(object: unknown, path: string): unknown;
export function setPath(object: Record<string, unknown>, path: string, value: unknown): void;
export function configEntries(config: Config, schema: ConfigSchema): [string, string][];
export function encodeState(state: PageStateInput): string;
export function configLink(options: { config: Config; schema: ConfigSchema; buildId: string; base?: string }): string;
export function presetLink(options: { preset: string; recipe?: string; quick?: boolean; buildId: string; base?: string }): string;
export function looksLikeLink(text: string): boolean;
export function decodeState(link: string, schema: ConfigSchema): DecodedState;
export function buildWarning(linkBuildId: string | null, buildId: string): string | null;
