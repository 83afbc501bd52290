/** Summaries for `npm run bench`: min, median and max of samples, and of paired differences. */

export interface Summary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("no samples to summarize");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** `1.23 (1.10-1.40)`: median, then min-max. */
export function formatSummary(summary: Summary, digits: number): string {
  return `${summary.median.toFixed(digits)} (${summary.min.toFixed(digits)}-${summary.max.toFixed(digits)})`;
}

/**
 * Run i of `subject` minus run i of `baseline`, for runs taken in turn (A B A B ...), so
 * that a change in the machine's load between runs hits both sides of each pair alike.
 */
export function pairedDifferences(subject: readonly number[], baseline: readonly number[]): number[] {
  if (subject.length !== baseline.length) throw new Error("paired samples need as many runs on each side");
  return subject.map((value, i) => value - baseline[i]);
}
