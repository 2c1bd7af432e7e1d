import { describe, expect, it } from 'vitest';
import {
  formatMeanStd,
  incompleteBeta,
  logGamma,
  mean,
  sampleStd,
  studentTCdf,
  studentTQuantile,
  summarise,
  tInterval,
} from '../../lib/eval/stats';
import { makeRng } from '../../lib/util/random';

describe('run statistics', () => {
  it('computes mean and the n−1 sample standard deviation', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sampleStd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(sampleStd(Float32Array.from([7, 7, 7]))).toBe(0);
    expect(Number.isNaN(sampleStd([3]))).toBe(true);
  });

  it('formats "mean ± std"', () => {
    expect(formatMeanStd([0.1178, 0.1234, 0.129])).toBe('0.1234 ± 0.0056');
    expect(formatMeanStd([1, 2, 3, 4], 2)).toBe('2.50 ± 1.29');
    expect(formatMeanStd(summarise([1, 2, 3, 4]), 1)).toBe('2.5 ± 1.3');
    expect(formatMeanStd([0.5])).toBe('0.5000 ± n/a (n=1)');
  });

  it('rejects empty and non-finite inputs', () => {
    expect(() => mean([])).toThrow(/no values given/);
    expect(() => summarise([1, NaN])).toThrow(/non-finite/);
    expect(() => tInterval([1, 2], 1.5)).toThrow(/confidence level/);
  });
});

describe('Student t', () => {
  it('special functions match closed forms', () => {
    expect(Math.exp(logGamma(5))).toBeCloseTo(24, 10);
    expect(Math.exp(logGamma(0.5))).toBeCloseTo(Math.sqrt(Math.PI), 12);
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 9); // ln(99!)
    for (const x of [0.05, 0.3, 0.77, 0.99]) {
      expect(incompleteBeta(x, 1, 1)).toBeCloseTo(x, 13);
      expect(incompleteBeta(x, 3, 1)).toBeCloseTo(x ** 3, 13);
      expect(incompleteBeta(x, 2.5, 4) + incompleteBeta(1 - x, 4, 2.5)).toBeCloseTo(1, 13);
    }
  });

  it('quantiles match tables and the closed forms for df = 1, 2', () => {
    for (const p of [0.6, 0.9, 0.975, 0.995]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 8);
    }
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764451052, 8);
    expect(studentTQuantile(0.975, 29)).toBeCloseTo(2.0452296421, 8);
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-studentTQuantile(0.975, 9), 12);
    expect(studentTCdf(studentTQuantile(0.8, 3.5), 3.5)).toBeCloseTo(0.8, 11);
  });

  it('95% t-intervals cover the true mean about 95% of the time (seeded simulation)', () => {
    const rng = makeRng(1);
    const trials = 2000;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 5 }, () => 3 + 2 * rng.normal());
      const [lo, hi] = tInterval(xs);
      if (lo <= 3 && 3 <= hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.935);
    expect(covered / trials).toBeLessThan(0.965);
  });

  it('summarise reports the interval around the mean', () => {
    const s = summarise([1, 2, 3, 4]);
    const half = studentTQuantile(0.975, 3) * (Math.sqrt(5 / 3) / 2);
    expect(s.ci[0]).toBeCloseTo(2.5 - half, 12);
    expect(s.ci[1]).toBeCloseTo(2.5 + half, 12);
    expect(s.sem).toBeCloseTo(Math.sqrt(5 / 3) / 2, 14);
    expect(s.level).toBe(0.95);
    expect(summarise([2]).ci.every(Number.isNaN)).toBe(true);
  });
});
