/** Plain-text tables and number cells for the report. Pure. */
import { MIN_REPORTED_RUNS, round, spread } from './stats.js';

export const fmt = (v: number | undefined, unit = '', digits = 1): string =>
  v === undefined || !Number.isFinite(v) ? '–' : `${round(v, digits)}${unit}`;

export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const [head, ...body] = rows;
  if (!head) return '';
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/**
 * A metric over runs: its median and range, marked when fewer than MIN_REPORTED_RUNS runs measured it
 * (then it is no result: a smoke run, or failed runs).
 */
export function medianCell(values: readonly (number | undefined)[], unit = '', digits = 1): string {
  const s = spread(values);
  if (s.n === 0) return '–';
  const few = s.n < MIN_REPORTED_RUNS ? ` (n=${s.n}!)` : '';
  if (s.n === 1) return `${fmt(s.median, unit, digits)}${few}`;
  return `${fmt(s.median, unit, digits)} (${fmt(s.min, '', digits)}–${fmt(s.max, '', digits)})${few}`;
}

/** Each run's value, in run order ('–' for a run that did not measure it). */
export const runsCell = (values: readonly (number | undefined)[], digits = 1): string =>
  values.map((v) => fmt(v, '', digits)).join(' ');

/** The ratio of two medians, or '–'. */
export function medianRatio(a: readonly (number | undefined)[], b: readonly (number | undefined)[]): string {
  const x = spread(a);
  const y = spread(b);
  return x.n > 0 && y.n > 0 && y.median > 0 ? fmt(x.median / y.median, '', 2) : '–';
}

/** [label, median (min–max), each run] for a metric table. */
export const metricRow = (
  label: string,
  values: readonly (number | undefined)[],
  unit = ' s',
  digits = 1,
): string[] => [label, medianCell(values, unit, digits), runsCell(values, digits)];
