// The numbers behind the chart: one row per trained model.

import type { Verdict } from '../../wasm/icl.js';

export interface TableRow {
  n: number;
  /** Null while the model has not been evaluated yet, or when it diverged. */
  empirical: number | null;
  theory: number;
  /** Once evaluated at the end: whether it converged (the core's verdict). */
  verdict: Verdict | null;
}

const VERDICT_WORDS: Record<Verdict['kind'], string> = {
  converged: 'converged',
  still_falling: 'still falling',
  above_theory: 'above theory',
  stopped: 'stopped early',
  diverged: 'diverged',
};

const DASH = '—';

const formatRisk = (value: number | null) => (value !== null && Number.isFinite(value) ? value.toPrecision(5) : DASH);

/** (empirical − theory) / theory, signed: positive means the trained model is worse than L*(n). */
function formatRelativeGap(empirical: number | null, theory: number): string {
  if (empirical === null || !Number.isFinite(empirical) || !Number.isFinite(theory) || theory === 0) {
    return DASH;
  }
  const percent = ((empirical - theory) / theory) * 100;
  return `${percent >= 0 ? '+' : '−'}${Math.abs(percent).toFixed(2)} %`;
}

export function renderTable(body: HTMLTableSectionElement, rows: readonly TableRow[]): void {
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      const empirical = row.verdict?.kind === 'diverged' ? 'diverged' : formatRisk(row.empirical);
      const cells = [
        String(row.n),
        empirical,
        formatRisk(row.theory),
        formatRelativeGap(row.empirical, row.theory),
        row.verdict ? VERDICT_WORDS[row.verdict.kind] : DASH,
      ];
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      if (row.verdict) {
        tr.dataset.verdict = row.verdict.kind;
        (tr.lastElementChild as HTMLElement).title = row.verdict.message;
      }
      return tr;
    }),
  );
}
