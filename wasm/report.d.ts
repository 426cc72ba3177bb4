// Typings of wasm/report.js (Node only): a panel's result as files with their provenance.
import type { PanelConfig, Provenance } from './provenance.js';
import type { PanelResult } from '../run/sweep.js';

export function reportProvenance(result: PanelResult, options?: { base?: string; date?: Date | string }): Provenance<PanelConfig>;
export function panelCsv(result: PanelResult, record?: Provenance<PanelConfig>): string;
export function panelJson(result: PanelResult, record?: Provenance<PanelConfig>): string;
export function panelSvg(result: PanelResult, record?: Provenance<PanelConfig>): string;
export function writePanel(
  dir: string,
  result: PanelResult,
  options?: { base?: string; date?: Date | string },
): { csv: string; json: string; svg: string };
export function fidelityTable(results: PanelResult[]): string;
