/**
 * Bootstrap CI of the mean paired difference: exact determinism with the seed, the exact
 * bootstrap distribution of n = 2, coverage on normal samples with a known mean, and BCa /
 * percentile limits against scipy 1.17.1 `scipy.stats.bootstrap` (400,000 resamples).
 */
import { describe, expect, it } from 'vitest';
import { bootstrapMeanCi } from '../../../lib/eval/paired/bootstrap';
import { makeRng } from '../../../lib/util/random';

describe('bootstrap CI of the mean difference', () => {
  it('is exactly reproducible with the seed and changes with it', () => {
    const d = [0.31, -0.12, 0.53, 0.24, 0.057, 0.149, -0.083, 0.402, 0.0191, 0.275];
    const a = bootstrapMeanCi(d, { seed: 7 });
    expect(bootstrapMeanCi(d, { seed: 7 })).toEqual(a);
    const b = bootstrapMeanCi(d, { seed: 8 });
    expect([b.lower, b.upper]).not.toEqual([a.lower, a.upper]);
    expect(a.method).toBe('bca');
    expect(a.estimate).toBeCloseTo(1.7791 / 10, 14);
  });

  it('n = 2: resampled means are x1, (x1+x2)/2, x2 with probabilities 1/4, 1/2, 1/4', () => {
    const r = bootstrapMeanCi([1, 3], { method: 'percentile', resamples: 4000, seed: 1 });
    expect(r.lower).toBe(1);
    expect(r.upper).toBe(3);
    const mid = bootstrapMeanCi([1, 3], { method: 'percentile', level: 0.4, resamples: 4000, seed: 1 });
    expect([mid.lower, mid.upper]).toEqual([2, 2]); // 30 % and 70 % quantiles both in the middle mass
  });

  it('matches scipy.stats.bootstrap (BCa and percentile) on a skewed sample', () => {
    const x = [0.12, -0.05, 0.31, 0.08, 0.22, -0.11, 0.4, 0.15, 0.03, 0.27, 0.95, 0.18];
    const bca = bootstrapMeanCi(x, { resamples: 50_000, seed: 3 });
    expect(bca.method).toBe('bca');
    expect(bca.lower).toBeCloseTo(0.10416666666666664, 2);
    expect(bca.upper).toBeCloseTo(0.43, 2);
    const pct = bootstrapMeanCi(x, { resamples: 50_000, seed: 3, method: 'percentile' });
    expect(pct.lower).toBeCloseTo(0.0825, 2);
    expect(pct.upper).toBeCloseTo(0.37666666666666667, 2);
  });

  it('covers the true mean of normal samples at about the nominal rate (n = 30)', () => {
    const rng = makeRng(2024);
    const trials = 200;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const x = Array.from({ length: 30 }, () => 1.5 + 2 * rng.normal());
      const ci = bootstrapMeanCi(x, { resamples: 1000, seed: t });
      if (ci.lower <= 1.5 && 1.5 <= ci.upper) covered++;
    }
    // Nominal 0.95; bootstrap intervals run slightly narrow at n = 30. Binomial sd ≈ 0.013.
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThanOrEqual(0.99);
  });

  it('gives a zero-width interval for identical differences, and rejects bad input', () => {
    // Every resampled mean equals d̄: ẑ₀ = Φ⁻¹(1/2) = 0, â = 0 (no jackknife spread) → [d̄, d̄].
    expect(bootstrapMeanCi([0.25, 0.25, 0.25])).toMatchObject({ method: 'bca', lower: 0.25, upper: 0.25 });
    expect(bootstrapMeanCi([0.25, 0.25, 0.25], { method: 'percentile' })).toMatchObject({ method: 'percentile', lower: 0.25, upper: 0.25 });
    expect(() => bootstrapMeanCi([1])).toThrow(/at least 2 pairs/);
    expect(() => bootstrapMeanCi([1, 2], { resamples: 10 })).toThrow(/resamples/);
    expect(() => bootstrapMeanCi([1, Infinity])).toThrow(/Infinity/);
  });
});
