/**
 * Paired t-test power and seeds needed, against published table values (Cohen 1988 /
 * G*Power 3.1 "means: difference from constant": d = 0.5 → n = 34 with actual power 0.8077775),
 * scipy 1.17.1 `scipy.stats.nct` values, and a seeded Monte Carlo simulation of the test.
 */
import { describe, expect, it } from 'vitest';
import { noncentralTCdf, pairedTPower, seedsNeeded } from '../../../lib/eval/paired/power';
import { normalQuantile, studentTCdf, studentTQuantile } from '../../../lib/eval/stats';
import { makeRng } from '../../../lib/util/random';

describe('noncentral t and power', () => {
  it('noncentral t CDF matches scipy.stats.nct.cdf and reduces to Student t at δ = 0', () => {
    expect(noncentralTCdf(1.5, 10, 1.0)).toBeCloseTo(0.6695168482153548, 11);
    expect(noncentralTCdf(-0.7, 5, 0.8)).toBeCloseTo(0.0758113918030012, 11);
    expect(noncentralTCdf(3.0, 33, 2.9)).toBeCloseTo(0.528599153796093, 11);
    expect(noncentralTCdf(2.0, 4, -1.0)).toBeCloseTo(0.9926386041675533, 11);
    expect(noncentralTCdf(0.8, 7, 0)).toBeCloseTo(studentTCdf(0.8, 7), 15);
  });

  it('power and seeds needed match G*Power / pwr (two-sided α = 0.05, 80 %)', () => {
    expect(pairedTPower(34, 0.5)).toBeCloseTo(0.8077775012792738, 9); // G*Power prints 0.8077775
    expect(seedsNeeded(0.5)).toBe(34);
    expect(seedsNeeded(-0.5)).toBe(34);
    expect(seedsNeeded(0.8)).toBe(15);
    expect(seedsNeeded(0.2)).toBe(199);
    expect(seedsNeeded(1.0)).toBe(10);
    expect(seedsNeeded(2.0)).toBe(5);
    expect(seedsNeeded(0.5, { sides: 1 })).toBe(27);
    expect(seedsNeeded(0)).toBe(Infinity);
    // The normal formula with Guenther's correction: ((1.95996 + 0.84162)/0.5)² + 1.95996²/2 = 33.3 → 34.
    expect(seedsNeeded(0.5, { method: 'normal' })).toBe(34);
    expect(Math.abs(seedsNeeded(0.2, { method: 'normal' }) - 199)).toBeLessThanOrEqual(1);
  });

  it('power agrees with a seeded simulation of the paired t-test (n = 10, d_z = 0.8)', () => {
    const n = 10;
    const reps = 4000;
    const rng = makeRng(11);
    const tc = studentTQuantile(0.975, n - 1);
    let rejections = 0;
    for (let r = 0; r < reps; r++) {
      let s = 0;
      let ss = 0;
      const x = Array.from({ length: n }, () => 0.8 + rng.normal());
      for (const v of x) s += v;
      const m = s / n;
      for (const v of x) ss += (v - m) ** 2;
      const t = m / Math.sqrt(ss / (n - 1) / n);
      if (Math.abs(t) > tc) rejections++;
    }
    const p = pairedTPower(n, 0.8);
    expect(Math.abs(rejections / reps - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / reps));
  });

  it('normal quantile matches scipy.stats.norm.ppf', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 14);
    expect(normalQuantile(1e-10) / -6.361340902404056).toBeCloseTo(1, 12);
    expect(normalQuantile(0.99999)).toBeCloseTo(4.264890793923841, 11);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 15);
    expect(() => normalQuantile(1)).toThrow(/\(0, 1\)/);
  });
});
