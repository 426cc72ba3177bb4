// The fidelity of a figure preset's result: one table row per curve and axis point (empirical mean,
// seed range, theory, relative gap mean / theory − 1 and its standard error from the evaluation sets),
// and the preset's verdict: its median and largest |gap| against the tolerance. Rows whose |gap| exceeds the per-point tolerance are marked
// (data-over="true"); the verdict element carries data-verdict="pass" or "fail".

import type { PresetResult, Point } from '../../run/preset.js';
import { displayLabel } from './chart.ts';
import { presetCurveColor } from './preset-chart.ts';

const DASH = '—';

const risk = (value: number | null) => (value !== null && Number.isFinite(value) ? value.toPrecision(5) : DASH);

const percent = (value: number | null) => (value !== null && Number.isFinite(value) ? `${(100 * value).toFixed(2)} %` : DASH);

/** " (live estimate)", " (1 of 3 seeds)" or nothing for a final point. */
function provisionalNote(point: Point): string {
  if (point.values.length === 0) return '';
  if (point.estimate) return ' (live estimate)';
  return point.pending > 0 ? ` (${point.values.length} of ${point.values.length + point.pending} seeds)` : '';
}

const signedPercent = (value: number | null) =>
  value !== null && Number.isFinite(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(100 * value).toFixed(2)} %` : DASH;

function cell(tag: 'td' | 'th', text: string): HTMLTableCellElement {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}

/** Fills the table's head and body; the seed-range column only when the preset has several seeds. */
export function renderFidelityTable(table: HTMLTableElement, result: PresetResult): void {
  const seeds = result.preset.seeds.length;
  const tolerance = result.fidelity.tolerance;
  const head = document.createElement('tr');
  const headings = [
    'curve',
    displayLabel(result.axis.label ?? result.axis.field),
    seeds > 1 ? `empirical (mean of ${seeds} seeds)` : 'empirical',
  ];
  if (seeds > 1) headings.push('seed range');
  headings.push('theory', 'relative gap', 'its standard error');
  for (const text of headings) {
    const th = cell('th', text);
    th.scope = 'col';
    head.append(th);
  }
  table.tHead?.replaceChildren(head);

  const rows = result.curves.flatMap((curve, c) =>
    curve.points.map((point) => {
      const tr = document.createElement('tr');
      tr.dataset.curve = String(c);
      tr.dataset.x = String(point.x);
      // Only a final point can miss the tolerance; a provisional one is still on its way.
      const provisional = point.estimate || point.pending > 0;
      const over = !provisional && (point.gap === null || !(Math.abs(point.gap) <= tolerance.point));
      tr.dataset.over = String(over);
      const name = cell('th', displayLabel(curve.label));
      name.scope = 'row';
      name.style.setProperty('--curve-color', presetCurveColor(c));
      // A diverged point shows the word, never a number (and its reason on hover); a point that is not
      // final says so beside its value.
      const empirical = cell('td', point.diverged === undefined ? `${risk(point.mean)}${provisionalNote(point)}` : 'diverged');
      if (point.diverged !== undefined) {
        empirical.title = point.diverged;
        tr.dataset.diverged = 'true';
      }
      if (provisional) tr.dataset.provisional = 'true';
      tr.append(name, cell('td', String(point.x)), empirical);
      if (seeds > 1)
        tr.append(cell('td', point.diverged === undefined && point.min !== null ? `${risk(point.min)} – ${risk(point.max)}` : DASH));
      const error = point.gapStandardError;
      tr.append(
        cell('td', risk(point.theory)),
        cell('td', signedPercent(point.gap)),
        cell('td', typeof error === 'number' ? `± ${(100 * error).toFixed(2)} %` : DASH),
      );
      return tr;
    }),
  );
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren(...rows);
}

/** The preset's verdict in one line, e.g. "pass: median |gap| 1.45 % (tolerance 2.50 %), …"; while the
 *  preset trains (or after a Cancel), "incomplete" with what is in so far. */
export function renderVerdict(element: HTMLElement, result: PresetResult): void {
  const { medianGap, maxGap, tolerance, pass, complete, jobsDone, jobs } = result.fidelity;
  const points = result.curves.reduce((sum, curve) => sum + curve.points.length, 0);
  const badge = document.createElement('strong');
  badge.className = 'verdict-badge';
  const verdict = complete ? (pass ? 'pass' : 'fail') : 'incomplete';
  badge.textContent = verdict;
  element.dataset.verdict = verdict;
  const diverged =
    result.fidelity.diverged > 0
      ? ` ${result.fidelity.diverged} job${result.fidelity.diverged === 1 ? '' : 's'} diverged (marked in the table).`
      : '';
  const text = complete
    ? ` — median |gap| ${percent(medianGap)} (tolerance ${percent(tolerance.median)}), ` +
      `largest |gap| ${percent(maxGap)} (tolerance ${percent(tolerance.point)}), over ${points} points` +
      `${typeof result.fidelity.standardError === 'number' ? `; the evaluation's standard error of a gap is at most ${percent(result.fidelity.standardError)}` : ''}.${diverged}`
    : ` — ${jobsDone} of ${jobs} jobs done; ${medianGap === null ? 'no point is final yet' : `so far median |gap| ${percent(medianGap)}, largest ${percent(maxGap)} over the final points`} ` +
      `(tolerance ${percent(tolerance.median)} median, ${percent(tolerance.point)} per point).${diverged}`;
  element.replaceChildren('Fidelity: ', badge, text);
  element.hidden = false;
}
