/** Small helpers the bench's jobs share: percentiles, a running pool, tables, budget checks. */

/** The p-th percentile by nearest rank (p50 is the median). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
export const median = (xs: readonly number[]) => percentile(xs, 50);

/**
 * A distribution-free 95% confidence interval for the true median of what `xs` samples (runs of one figure): the
 * order statistics at ranks k and n + 1 − k, k the largest rank whose chance of lying above the median,
 * P(Binomial(n, ½) < k), is at most 2.5%. Undefined (NaN) under 6 runs, where even the smallest and the largest
 * cover less than 95%. It takes the runs as independent; interleaved runs on a shared machine are not quite, so
 * it is if anything narrower than it should be. Whether a budget's side is the code's or the run's luck: a median
 * whose interval holds the budget could have fallen on either side of it.
 */
export function medianInterval(xs: readonly number[]): readonly [number, number] {
  const n = xs.length;
  // P(B <= j) for B ~ Binomial(n, 1/2), added up term by term in logs (no underflow for any n).
  let logTerm = -n * Math.LN2;
  let below = 0;
  let k = 0;
  for (let j = 0; j < n; j++) {
    below += Math.exp(logTerm);
    if (below > 0.025) break;
    k = j + 1;
    logTerm += Math.log((n - j) / (j + 1));
  }
  if (k === 0) return [Number.NaN, Number.NaN];
  const sorted = [...xs].sort((a, b) => a - b);
  return [sorted[k - 1]!, sorted[n - k]!];
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
