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
    // Ranks 4 and 12 of 15, 6 and 15 of 20, 10 and 22 of 31, 41 and 61 of 101, 40 and 61 of 100.
    expect(medianInterval(oneTo(15))).toEqual([4, 12]);
    expect(medianInterval(oneTo(20))).toEqual([6, 15]);
    expect(medianInterval(oneTo(31))).toEqual([10, 22]);
    expect(medianInterval(oneTo(101))).toEqual([41, 61]);
    expect(medianInterval(oneTo(100))).toEqual([40, 61]);
  });

  it('is the smallest and the largest run from 6 runs, and undefined under 6 (no interval covers 95%)', () => {
    expect(medianInterval(oneTo(6))).toEqual([1, 6]);
    expect(medianInterval(oneTo(8))).toEqual([1, 8]);
    expect(medianInterval(oneTo(9))).toEqual([2, 8]);
    for (const n of [0, 1, 2, 5]) expect(medianInterval(oneTo(n))).toEqual([Number.NaN, Number.NaN]);
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
  });
});
