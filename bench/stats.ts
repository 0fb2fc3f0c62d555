/** Small helpers the bench's jobs share: percentiles, a running pool, tables, budget checks. */

/** The p-th percentile by nearest rank (p50 is the median). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
export const median = (xs: readonly number[]) => percentile(xs, 50);

/**
 * A distribution-free 95% confidence interval for the median of `xs` (runs of one figure): the order statistics at
 * ranks n/2 ∓ 1.96·√n/2, from the binomial distribution of how many runs fall below the true median (its normal
 * approximation, fair from about 15 runs). Whether a budget's side is the code's or the run's luck: a median whose
 * interval holds the budget could have fallen on either side of it.
 */
export function medianInterval(xs: readonly number[]): readonly [number, number] {
  if (xs.length === 0) return [Number.NaN, Number.NaN];
  const sorted = [...xs].sort((a, b) => a - b);
  const n = sorted.length;
  const half = 0.98 * Math.sqrt(n);
  const at = (rank: number) => sorted[Math.min(n - 1, Math.max(0, rank - 1))]!;
  return [at(Math.floor(n / 2 - half)), at(Math.ceil(n / 2 + 1 + half))];
}

/** Runs `count` jobs with `concurrency` of them in flight at any time. */
export async function pool(count: number, concurrency: number, job: (i: number, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async (_, worker) => {
      while (next < count) await job(next++, worker);
    }),
  );
}

/** Prints a table: the first column left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

export interface Budget {
  readonly what: string;
  readonly limit: string;
  readonly measured: string;
  readonly ok: boolean;
  /** When missed: what dominates. */
  readonly why?: string;
}

/** The budgets checked in this run, in the order they were checked. */
export const budgets: Budget[] = [];
export function check(b: Budget): Budget {
  budgets.push(b);
  return b;
}
