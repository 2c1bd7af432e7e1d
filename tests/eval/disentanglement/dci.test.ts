/**
 * DCI (lib/eval/disentanglement/dci.ts) against the metric properties of issue 12. The control,
 * a D that forgets to normalise each code's importances by its row sum, fails the identity
 * property.
 */
import { describe, expect, it } from 'vitest';
import { dci, disentanglementCompleteness } from '../../../lib/eval/disentanglement/dci';
import { UserError } from '../../../lib/util/errors';
import { makeRng } from '../../../lib/util/random';
import * as F from './fixtures';

const K = F.LEVELS.length;
type Scores = { d: number; c: number; i: number };
type Metric = (s: F.Split) => Scores;

const realDci: Metric = (s) => {
  const r = dci(s.train, s.test);
  return { d: r.disentanglement, c: r.completeness, i: r.informativeness };
};

/** Control: P_jk = R_jk / Σ R (the whole matrix) instead of the row sum Σ_k R_jk. */
const forgetsRowNormalisation: Metric = (s) => {
  const r = dci(s.train, s.test);
  const j = s.train.codeDims;
  let total = 0;
  for (const v of r.importance) total += v;
  let d = 0;
  for (let a = 0; a < j; a++) {
    let h = 0;
    let rowSum = 0;
    for (let k = 0; k < K; k++) {
      const p = r.importance[a * K + k] / total;
      rowSum += r.importance[a * K + k];
      if (p > 0) h -= p * Math.log(p);
    }
    d += (rowSum / total) * (1 - h / Math.log(K));
  }
  return { d, c: r.completeness, i: r.informativeness };
};

const identity = F.makeSplit(2000, 1000, F.LEVELS, 21, (f, r) => ({ codes: F.withNuisance(F.identityCodes(f), K, 2, r), dims: K + 2 }));
const noisy = F.makeSplit(2000, 1000, F.LEVELS, 23, (f, r) => F.noisyIdentity(f, K, 0.6, 1, r));
const exact = F.makeSplit(2000, 1000, F.LEVELS, 24, (f) => ({ codes: F.identityCodes(f), dims: K }));

const identityProperty = (m: Metric): boolean => {
  const s = m(identity);
  return s.d > 0.99 && s.c > 0.99 && s.i > 0.99;
};

/**
 * Mean and sd of D and C when R has i.i.d. |N(0, 1)| entries: what a linear probe's
 * importances of pure noise give (their ratios do not shrink with n).
 */
function noiseFloor(codes: number, factors: number): { d: number; c: number; sdD: number; sdC: number } {
  const rng = makeRng(99);
  const draws = 4000;
  let d = 0;
  let c = 0;
  let d2 = 0;
  let c2 = 0;
  for (let t = 0; t < draws; t++) {
    const r = Float64Array.from({ length: codes * factors }, () => Math.abs(rng.normal()));
    const dc = disentanglementCompleteness(r, codes, factors);
    d += dc.disentanglement / draws;
    c += dc.completeness / draws;
    d2 += dc.disentanglement ** 2 / draws;
    c2 += dc.completeness ** 2 / draws;
  }
  return { d, c, sdD: Math.sqrt(d2 - d * d), sdC: Math.sqrt(c2 - c * c) };
}

describe('DCI properties', () => {
  it('scores D ≈ C ≈ I ≈ 1 for codes equal to the factors (plus two nuisance codes)', () => {
    const s = realDci(identity);
    expect(identityProperty(realDci)).toBe(true);
    expect(s.d).toBeGreaterThan(0.995);
  });

  it('scores pure noise at the noise floor of random importances, with chance informativeness', () => {
    // Five independent noise representations; their mean D and C must sit within 3 sd/√5 of the floor.
    const runs = [22, 122, 222, 322, 422].map((seed) =>
      realDci(F.makeSplit(2000, 1000, F.LEVELS, seed, (f, r) => ({ codes: F.noiseCodes(f.length / K, K + 1, r), dims: K + 1 }))),
    );
    const mean = (f: (s: Scores) => number): number => runs.reduce((a, s) => a + f(s), 0) / runs.length;
    const floor = noiseFloor(K + 1, K);
    // Random |β| do not vanish relative to each other, so D and C sit at E[1 − H(|g|/Σ|g|)] ≈ 0.15, not 0.
    expect(floor.d).toBeGreaterThan(0.1);
    expect(floor.d).toBeLessThan(0.2);
    expect(Math.abs(mean((s) => s.d) - floor.d)).toBeLessThan((3 * floor.sdD) / Math.sqrt(5));
    expect(Math.abs(mean((s) => s.c) - floor.c)).toBeLessThan((3 * floor.sdC) / Math.sqrt(5));
    const chance = F.LEVELS.reduce((a, l) => a + 1 / l, 0) / K;
    expect(Math.abs(mean((s) => s.i) - chance)).toBeLessThan(0.03);
  });

  it('is unchanged by permuting and rescaling (positive and negative scales) the codes', () => {
    const base = realDci(noisy);
    const moved = realDci(
      F.mapCodes(noisy, (c, d) => ({ codes: F.permuteRescale(c, d, [3, 0, 4, 2, 1], [2, -0.5, 3, -1, 0.1], [5, 0, -7, 1, 0]), dims: d })),
    );
    expect(base.d).toBeGreaterThan(0.3);
    expect(base.d).toBeLessThan(0.97);
    expect(moved.d).toBeCloseTo(base.d, 10);
    expect(moved.c).toBeCloseTo(base.c, 10);
    expect(moved.i).toBeCloseTo(base.i, 10);
  });

  it('gives lower disentanglement when two factors are spread over two codes (45° rotation)', () => {
    const rotated = realDci(F.mapCodes(exact, (c, d) => ({ codes: F.rotatePair(c, d, 0, 1), dims: d })));
    const base = realDci(exact);
    expect(rotated.d).toBeLessThan(base.d - 0.2);
    expect(rotated.c).toBeLessThan(base.c - 0.2);
    // An invertible linear map keeps everything a linear probe can read.
    expect(rotated.i).toBeGreaterThan(0.99);
  });

  it('gives lower completeness, not disentanglement, when a code is duplicated', () => {
    const base = realDci(exact);
    const dup = realDci(F.mapCodes(exact, (c, d) => ({ codes: F.duplicateColumn(c, d, 0), dims: d + 1 })));
    expect(dup.c).toBeLessThan(base.c - 0.05);
    expect(dup.d).toBeGreaterThan(0.99);
  });

  it('matches hand-computed D and C on a small importance matrix', () => {
    // Code 0 serves factor 0 only; code 1 splits evenly over both factors.
    const dc = disentanglementCompleteness([2, 0, 1, 1], 2, 2);
    expect(dc.codeDisentanglement[0]).toBeCloseTo(1, 14);
    expect(dc.codeDisentanglement[1]).toBeCloseTo(0, 14);
    expect(dc.disentanglement).toBeCloseTo(0.5, 14); // ρ = (1/2, 1/2)
    // Factor 0: (2, 1)/3 over 2 codes; factor 1: only code 1.
    const h = -(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3);
    expect(dc.factorCompleteness[0]).toBeCloseTo(1 - h / Math.log(2), 14);
    expect(dc.factorCompleteness[1]).toBeCloseTo(1, 14);
    expect(dc.completeness).toBeCloseTo(0.75 * (1 - h / Math.log(2)) + 0.25, 14);
  });

  it('decodes a circular factor from (cos, sin) codes', () => {
    const split = F.makeSplit(1500, 500, [8, 5], 25, (f) => {
      const n = f.length / 2;
      const codes = new Float64Array(n * 3);
      for (let i = 0; i < n; i++) {
        const a = (2 * Math.PI * f[i * 2]) / 8;
        codes.set([Math.cos(a), Math.sin(a), f[i * 2 + 1]], i * 3);
      }
      return { codes, dims: 3 };
    });
    const r = dci(split.train, split.test, { circular: [true, false], levels: [8, 5] });
    expect(r.informativeness).toBeCloseTo(1, 12);
    // The phase needs two codes; the second factor one.
    expect(r.importance[2 * 2 + 0]).toBeLessThan(1e-3);
    expect(r.codeDisentanglement[0]).toBeGreaterThan(0.99);
    const flat = dci(split.train, split.test);
    expect(flat.testAccuracy[0]).toBeLessThan(0.5); // treated as ordinal, the phase is not linear in (cos, sin)
  });

  it('decodes a categorical factor from one code per level (indicator targets, largest wins)', () => {
    // Factor 0 categorical with 4 levels, read by codes 0..3 (one indicator each); factor 1 by code 4.
    const split = F.makeSplit(1500, 500, [4, 5], 26, (f) => {
      const n = f.length / 2;
      const codes = new Float64Array(n * 5);
      for (let i = 0; i < n; i++) {
        codes[i * 5 + f[i * 2]] = 1;
        codes[i * 5 + 4] = f[i * 2 + 1];
      }
      return { codes, dims: 5 };
    });
    const r = dci(split.train, split.test, { categorical: [true, false], levels: [4, 5] });
    expect(r.testAccuracy[0]).toBeCloseTo(1, 12);
    expect(r.importance[4 * 2 + 0]).toBeLessThan(1e-3); // code 4 carries nothing of the category
    for (let j = 0; j < 4; j++) expect(r.codeDisentanglement[j]).toBeGreaterThan(0.99);
    expect(() => dci(split.train, split.test, { categorical: [true, false], circular: [true, false], levels: [4, 5] })).toThrow(/both circular and categorical/);
    expect(() => dci(split.train, split.test, { categorical: [true] })).toThrow(/1 categorical flags for 2 factors/);
  });

  it('rejects mismatched splits and bad levels with one-line UserErrors', () => {
    expect(() => dci(exact.train, { ...exact.test, numFactors: 2, factors: Int32Array.from(exact.test.factors).slice(0, 2000) })).toThrow(UserError);
    expect(() => dci(exact.train, exact.test, { levels: [2, 6, 5, 8] })).toThrow(/levels\[0\]/);
    expect(() => dci(exact.train, exact.test, { ridge: 0 })).toThrow(/ridge/);
    const nan = Float64Array.from(exact.train.codes);
    nan[7] = NaN;
    expect(() => dci({ ...exact.train, codes: nan }, exact.test)).toThrow(/row 1, column 3/);
  });

  it('control: a D without the per-code row normalisation fails the identity property', () => {
    expect(identityProperty(forgetsRowNormalisation)).toBe(false);
    // For one code per factor it gives 1 − 1/K instead of 1.
    expect(forgetsRowNormalisation(exact).d).toBeCloseTo(1 - 1 / K, 2);
  });
});
