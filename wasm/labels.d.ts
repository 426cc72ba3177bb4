// Typings of wasm/labels.js: labels with their symbols, shared by the page and the command line.
export function displayLabel(label: string): string;
export const RISK_AXIS_LABEL: string;
