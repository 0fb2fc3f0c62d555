import { describe, expect, it } from 'vitest';
import { median, medianInterval, percentile } from './stats.js';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => n - i);

describe('percentile', () => {
  it('is by nearest rank, whatever order the runs came in', () => {
    expect(median(oneTo(31))).toBe(16);
    expect(percentile(oneTo(100), 25)).toBe(25);
    expect(percentile(oneTo(100), 75)).toBe(75);
    expect(median([])).toBeNaN();
  });
});

describe('medianInterval (95%, distribution-free)', () => {
  it('is the order statistics a table of the binomial gives', () => {
    // Ranks 10 and 22 of 31, 40 and 62 of 101 (n/2 ∓ 1.96·√n/2, widened to whole ranks).
    expect(medianInterval(oneTo(31))).toEqual([10, 22]);
    expect(medianInterval(oneTo(101))).toEqual([40, 62]);
  });

  it('narrows as runs are added: about 1/√n of the spread', () => {
    const width = (n: number) => {
      const [lo, hi] = medianInterval(oneTo(n).map((x) => x / n));
      return hi - lo;
    };
    expect(width(101)).toBeLessThan(width(31));
    expect(width(101) / width(31)).toBeCloseTo(Math.sqrt(31 / 101), 1);
  });

  it('holds the median, and stays within the runs', () => {
    const runs = [5, -3, 12, 40, 7, 7, 0, 9, 11, -8, 2, 30, 6, 8, 3, 14];
    const [lo, hi] = medianInterval(runs);
    expect(lo).toBeLessThanOrEqual(median(runs));
    expect(hi).toBeGreaterThanOrEqual(median(runs));
    expect(lo).toBeGreaterThanOrEqual(Math.min(...runs));
    expect(hi).toBeLessThanOrEqual(Math.max(...runs));
    expect(medianInterval([])).toEqual([Number.NaN, Number.NaN]);
  });
});
