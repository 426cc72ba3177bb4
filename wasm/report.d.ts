// Typings of wasm/report.js (Node only): a preset's result as files with their provenance.
import type { PresetConfig, Provenance } from './provenance.js';
import type { PresetResult } from '../run/preset.js';

export function reportProvenance(result: PresetResult, options?: { base?: string; date?: Date | string }): Provenance<PresetConfig>;
export function presetCsv(result: PresetResult, record?: Provenance<PresetConfig>): string;
export function presetJson(result: PresetResult, record?: Provenance<PresetConfig>): string;
export function presetSvg(result: PresetResult, record?: Provenance<PresetConfig>): string;
export function writePreset(
  dir: string,
  result: PresetResult,
  options?: { base?: string; date?: Date | string },
): { csv: string; json: string; svg: string };
export function fidelityTable(results: PresetResult[]): string;
