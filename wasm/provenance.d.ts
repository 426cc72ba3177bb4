// Typings of wasm/provenance.js: the provenance every exported file carries (page and command line).
import type { CurveResult, Preset, PresetResult } from '../run/preset.js';

export interface Provenance<C = unknown> {
  /** The link that reproduces the file's content (the page's address with its fragment, or a preset's link). */
  link: string;
  buildId: string;
  /** ISO 8601, UTC. */
  date: string;
  /** The full normalised config of a run, or a preset's PresetConfig. */
  config: C;
  /** The run's seed; a preset's seeds. */
  seed: number | number[];
  /** A figure preset's training recipe in words (run/recipes.js describeRecipe). */
  recipe?: string;
}

/** What fixes a figure preset's run. Each job is a curve's config with `seed` (and, off the n axis, `axis.field`) set. */
export interface PresetConfig {
  id: string;
  quick: boolean;
  preset: Preset;
  curves: { label: string; config: CurveResult['config'] }[];
}

export interface Table {
  columns: string[];
  rows: (string | number)[][];
}

export function provenance<C>(options: {
  link: string;
  buildId: string;
  config: C;
  seed?: number | number[];
  date?: Date | string;
  recipe?: string;
}): Provenance<C>;
export function presetConfig(result: PresetResult): PresetConfig;
export function presetProvenance(result: PresetResult, options: { link: string; date?: Date | string }): Provenance<PresetConfig>;

export function csvHeader(record: Provenance): string;
export function toCsv(record: Provenance, table: Table): string;
export function readCsv(text: string): { provenance: Partial<Provenance>; columns: string[]; rows: string[][] };

export function escapeXml(text: string): string;
export function svgMetadata(record: Provenance): string;
export function readSvgProvenance(svgText: string): Provenance | null;
export function captionLines(record: Provenance, width?: number): string[];

export function pngWithProvenance(bytes: Uint8Array, record: Provenance): Uint8Array;
export function readPngProvenance(bytes: Uint8Array): Provenance | null;
