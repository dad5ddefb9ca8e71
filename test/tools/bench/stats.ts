/**
 * Statistics for the benchmarks, pure. Percentiles use the nearest-rank method (always a value that
 * was observed): p95 of 200 samples is the 190th smallest.
 */

export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

const ascending = (values: readonly number[]): number[] =>
  values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);

/** Nearest-rank percentile, p in [0, 100]. Non-finite values are ignored; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is not in [0, 100]`);
  const sorted = ascending(values);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/** The middle value; the mean of the two middle values for an even count. NaN for no values. */
export function median(values: readonly number[]): number {
  const sorted = ascending(values);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = ascending(values);
  if (sorted.length === 0)
    return { n: 0, min: Number.NaN, p50: Number.NaN, p95: Number.NaN, max: Number.NaN, mean: Number.NaN };
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

/** a / b, or undefined when either side is missing or b is not positive. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return undefined;
  return a / b;
}

/** Rounds for display and JSON: ms to 0.1, seconds to 0.01. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Median and range of a metric over repeated runs: what a result of n ≥ 3 runs is reported as. */
export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Missing and non-finite values (a run that failed or did not measure it) are left out and not counted. */
export function spread(values: readonly (number | undefined)[]): Spread {
  const sorted = ascending(values.filter((v): v is number => v !== undefined));
  return {
    n: sorted.length,
    median: median(sorted),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** The fewest runs whose median is reported as a result; fewer make a smoke run. */
export const MIN_REPORTED_RUNS = 3;
