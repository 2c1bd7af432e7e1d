/**
 * Wilcoxon signed-rank test against independent references: the exact null distribution by
 * enumerating all 2^n sign patterns here in the test, R's documented example (Hollander &
 * Wolfe), and scipy 1.17.1 `scipy.stats.wilcoxon` for the normal approximation with ties,
 * zeros and continuity correction.
 */
import { describe, expect, it } from 'vitest';
import { midRanks, signedRankCounts, wilcoxonSignedRank, wilcoxonSignedRankDiffs } from '../../../lib/eval/paired/wilcoxon';
import { UserError } from '../../../lib/util/errors';

describe('Wilcoxon signed-rank', () => {
  it('exact null matches enumeration of all 2^n sign patterns', () => {
    for (const n of [1, 4, 7, 10]) {
      const counts = signedRankCounts(n);
      const brute = new Array(counts.length).fill(0);
      for (let mask = 0; mask < 1 << n; mask++) {
        let v = 0;
        for (let r = 1; r <= n; r++) if (mask & (1 << (r - 1))) v += r;
        brute[v]++;
      }
      expect(Array.from(counts)).toEqual(brute);
    }
  });

  it('exact p-values equal the enumerated tail probabilities for every sign pattern of n = 6', () => {
    const n = 6;
    const mags = [0.3, 1.1, 2.5, 0.7, 4.2, 1.9]; // distinct magnitudes, ranks 1..6
    const sorted = [...mags].sort((x, y) => x - y);
    const allV: number[] = [];
    for (let mask = 0; mask < 1 << n; mask++) {
      let v = 0;
      for (let i = 0; i < n; i++) if (mask & (1 << i)) v += sorted.indexOf(mags[i]) + 1;
      allV.push(v);
    }
    for (const mask of [0, 5, 22, 41, 63]) {
      const d = mags.map((m, i) => (mask & (1 << i) ? m : -m));
      const v = allV[mask];
      const pGreater = allV.filter((x) => x >= v).length / 64;
      const pLess = allV.filter((x) => x <= v).length / 64;
      expect(wilcoxonSignedRankDiffs(d, { alternative: 'greater' })).toMatchObject({ statistic: v, method: 'exact' });
      expect(wilcoxonSignedRankDiffs(d, { alternative: 'greater' }).pValue).toBeCloseTo(pGreater, 14);
      expect(wilcoxonSignedRankDiffs(d, { alternative: 'less' }).pValue).toBeCloseTo(pLess, 14);
      expect(wilcoxonSignedRankDiffs(d).pValue).toBeCloseTo(Math.min(1, 2 * (v > 10.5 ? pGreater : pLess)), 14);
    }
  });

  it("reproduces R's ?wilcox.test example (Hollander & Wolfe 1973, p. 29): V = 40, p = 0.01953", () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const r = wilcoxonSignedRank(x, y, { alternative: 'greater' });
    expect(r.statistic).toBe(40);
    expect(r.pValue).toBeCloseTo(10 / 512, 14); // printed 0.01953
    // scipy.stats.wilcoxon(x, y, method='exact'): two-sided 0.0390625, less 0.986328125.
    expect(wilcoxonSignedRank(x, y).pValue).toBeCloseTo(0.0390625, 14);
    expect(wilcoxonSignedRank(x, y, { alternative: 'less' }).pValue).toBeCloseTo(0.986328125, 14);
  });

  it('normal approximation with ties, a dropped zero and continuity correction matches scipy', () => {
    // d = [1, 2, 2, 3, −1, 0, 4]: zero dropped → n = 6, |d| mid-ranks 1.5 1.5 3.5 3.5 5 6, V = 19.5;
    // σ² = 6·7·13/24 − (6 + 6)/48 = 22.5; z = (19.5 − 10.5 − 0.5)/√22.5.
    // scipy.stats.wilcoxon(d, zero_method='wilcox', correction=True, method='approx').
    const d = [1, 2, 2, 3, -1, 0, 4];
    const two = wilcoxonSignedRankDiffs(d, { exact: false });
    expect(two).toMatchObject({ statistic: 19.5, n: 6, zeros: 1, method: 'normal' });
    expect(two.z).toBeCloseTo(8.5 / Math.sqrt(22.5), 12);
    expect(two.pValue).toBeCloseTo(0.07313979965890892, 10);
    expect(wilcoxonSignedRankDiffs(d, { alternative: 'greater', exact: false }).pValue).toBeCloseTo(0.03656989982945446, 10);
    expect(wilcoxonSignedRankDiffs(d, { alternative: 'less', exact: false }).pValue).toBeCloseTo(0.977399323511739, 10);
  });

  it('with ties, small n uses the exact conditional distribution: equal to enumerating every sign pattern', () => {
    // Enumerate the 2^n sign patterns over the observed mid-ranks and count V ≥ v / V ≤ v.
    const enumerate = (d: number[]): { greater: number; less: number } => {
      const nz = d.filter((x) => x !== 0);
      const { ranks } = midRanks(nz.map(Math.abs));
      let v = 0;
      nz.forEach((x, i) => { if (x > 0) v += ranks[i]!; });
      let ge = 0, le = 0;
      const n = nz.length;
      for (let mask = 0; mask < 1 << n; mask++) {
        let s = 0;
        for (let i = 0; i < n; i++) if (mask & (1 << i)) s += ranks[i]!;
        if (s >= v - 1e-9) ge++;
        if (s <= v + 1e-9) le++;
      }
      return { greater: ge / 2 ** n, less: le / 2 ** n };
    };
    for (const d of [[1, 2, 2, 3, -1, 0, 4], [0.5, 0.5, -0.5, 1, 1, 1, -2, 3], [-1, -1, 2, 2, 2, -3, 0, 0, 4, -4]]) {
      const e = enumerate(d);
      const g = wilcoxonSignedRankDiffs(d, { alternative: 'greater' });
      expect(g.method).toBe('exact');
      expect(g.pValue).toBeCloseTo(e.greater, 14);
      expect(wilcoxonSignedRankDiffs(d, { alternative: 'less' }).pValue).toBeCloseTo(e.less, 14);
      expect(wilcoxonSignedRankDiffs(d).pValue).toBeCloseTo(Math.min(1, 2 * Math.min(e.greater, e.less)), 14);
    }
  });

  it('4 seeds with one tie: p is never below the attainable minimum 2⁻⁴ (the normal approximation gave 0.049)', () => {
    const d = [-0.3, -0.3, -0.1, -0.7];
    const exact = wilcoxonSignedRankDiffs(d, { alternative: 'less' });
    expect(exact.method).toBe('exact');
    expect(exact.pValue).toBeGreaterThanOrEqual(0.0625);
    expect(exact.pValue).toBeCloseTo(0.0625, 14);
    expect(wilcoxonSignedRankDiffs(d, { alternative: 'less', exact: false }).pValue).toBeLessThan(0.0625);
  });

  it('uses the normal approximation from n = 50 without ties (scipy, n = 60)', () => {
    // numpy default_rng(1).normal(0.3, 1, 60) rounded to 3 decimals; scipy.stats.wilcoxon(d, method='approx').
    const d = [0.646, 1.122, 0.63, -1.003, 1.205, 0.746, -0.237, 0.881, 0.665, 0.594, 0.328, 0.847, -0.436, 0.137, -0.182, 0.899, 0.34, 0.008, -0.482, 0.043, 0.308, 0.024, 1.594, 1.307, -2.411, -1.589, 0.125, -0.122, 0.514, 0.517, 2.418, -0.812, -0.078, 2.343, 0.947, 0.963, -0.214, -1.348, 0.467, 0.409, -0.927, -0.383, 0.228, -0.645, 0.202, 0.395, 0.336, -0.206, 0.894, 1.191, 0.621, -0.518, 1.032, -0.201, 1.179, -0.772, 1.214, 0.28, -0.949, -0.014];
    const r = wilcoxonSignedRankDiffs(d);
    expect(r).toMatchObject({ statistic: 1245, method: 'normal', n: 60 });
    expect(r.pValue).toBeCloseTo(0.015281075670749017, 10);
    expect(wilcoxonSignedRankDiffs(d, { alternative: 'greater' }).pValue).toBeCloseTo(0.0076405378353745085, 10);
  });

  it('mid-ranks ties, handles all-zero differences and rejects bad input', () => {
    expect(Array.from(midRanks([3, 1, 3, 2]).ranks)).toEqual([3.5, 1, 3.5, 2]);
    expect(midRanks([3, 1, 3, 2]).tieSizes).toEqual([2]);
    expect(wilcoxonSignedRank([1, 2, 3], [1, 2, 3])).toMatchObject({ n: 0, zeros: 3, pValue: 1 });
    expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(UserError);
    expect(() => wilcoxonSignedRank([1, NaN], [1, 2])).toThrow(/non-finite|NaN/);
    expect(() => wilcoxonSignedRankDiffs([1], { alternative: 'up' as never })).toThrow(/alternative/);
  });
});
