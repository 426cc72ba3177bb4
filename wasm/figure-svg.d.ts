// Typings of wasm/figure-svg.js: a chart as one self-contained SVG file (page exports and command line).
import type { Provenance } from './provenance.js';

export interface FigureChart {
  /** A complete <svg> element as markup, with its width and height. */
  svg: string;
  width: number;
  height: number;
  /** Shown centred above the chart. */
  title?: string;
}

export interface Figure {
  title: string;
  intro?: string[];
  /** swatch: SVG markup, 34 x 14. */
  legend?: { swatch: string; label: string }[];
  /** The charts, row by row, left to right. */
  rows: FigureChart[][];
  notes?: string[];
  provenance: Provenance;
}

export function figureSvg(figure: Figure): string;
