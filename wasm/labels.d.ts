// Typings of wasm/labels.js: labels with their symbols, shared by the page and the command line.
export function displayLabel(label: string): string;
export interface MathRun {
  text: string;
  shift: null | 'sub' | 'super';
}
export function mathRuns(text: string): MathRun[];
export const RISK_AXIS_LABEL: string;
