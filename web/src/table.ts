// The numbers behind the chart: one row per trained model.

export interface TableRow {
  n: number;
  /** Null while the model has not been evaluated yet. */
  empirical: number | null;
  theory: number;
}

const DASH = '—';

const formatRisk = (value: number | null) =>
  value !== null && Number.isFinite(value) ? value.toPrecision(5) : DASH;

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
      const cells = [String(row.n), formatRisk(row.empirical), formatRisk(row.theory), formatRelativeGap(row.empirical, row.theory)];
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
}
