/**
 * MCC (lib/eval/disentanglement/mcc.ts) against the metric properties of issue 12. The control,
 * an MCC that pairs code j with factor j instead of matching, fails the permutation property.
 */
import { describe, expect, it } from 'vitest';
import { averageRanks, factorTargets, mcc } from '../../../lib/eval/disentanglement/mcc';
import type { CodeSample } from '../../../lib/eval/disentanglement/sample';
import { UserError } from '../../../lib/util/errors';
import { makeRng } from '../../../lib/util/random';
import * as F from './fixtures';

const K = F.LEVELS.length;
type Scores = { pearson: number; spearman: number };
type Metric = (s: CodeSample) => Scores;

const realMcc: Metric = (s) => mcc(s.codes, s.codeDims, Float64Array.from(s.factors), s.numFactors);

/** Control: no matching, code k is compared with factor k. */
const diagonalMcc: Metric = (s) => {
  const r = mcc(s.codes, s.codeDims, Float64Array.from(s.factors), s.numFactors);
  let p = 0;
  let q = 0;
  for (let k = 0; k < K; k++) {
    p += r.pearsonMatrix[k * K + k] / K;
    q += r.spearmanMatrix[k * K + k] / K;
  }
  return { pearson: p, spearman: q };
};

const identity = F.makeSplit(2000, 10, F.LEVELS, 51, (f, r) => ({ codes: F.withNuisance(F.identityCodes(f), K, 1, r), dims: K + 1 })).train;
const noise = F.makeSplit(2000, 10, F.LEVELS, 52, (f, r) => ({ codes: F.noiseCodes(f.length / K, K, r), dims: K })).train;
const noisy = F.makeSplit(2000, 10, F.LEVELS, 53, (f, r) => F.noisyIdentity(f, K, 1.2, 1, r)).train;
const exact = F.makeSplit(2000, 10, F.LEVELS, 54, (f) => ({ codes: F.identityCodes(f), dims: K })).train;
const move = (s: CodeSample, perm: number[], scale: number[], shift: number[]): CodeSample => ({
  ...s,
  codes: F.permuteRescale(s.codes as Float64Array, s.codeDims, perm, scale, shift),
});

const permutationProperty = (m: Metric): boolean => {
  const a = m(exact);
  const b = m(move(exact, [2, 0, 3, 1], [1, -2, 0.5, -1], [0, 1, 2, 3]));
  return Math.abs(a.pearson - b.pearson) < 1e-12 && Math.abs(a.spearman - b.spearman) < 1e-12;
};

describe('MCC properties', () => {
  it('scores 1 for codes equal to the factors (plus a nuisance code), matching each to its code', () => {
    const r = mcc(identity.codes, K + 1, Float64Array.from(identity.factors), K);
    expect(r.pearson).toBeCloseTo(1, 12);
    expect(r.spearman).toBeCloseTo(1, 12);
    expect(Array.from(r.pearsonMatch)).toEqual([0, 1, 2, 3]);
    expect(r.matched).toBe(K);
  });

  it('scores ≈ 0 for pure noise', () => {
    const r = realMcc(noise);
    expect(r.pearson).toBeLessThan(0.06);
    expect(r.spearman).toBeLessThan(0.06);
  });

  it('is unchanged by permuting and rescaling (positive and negative scales) the codes', () => {
    expect(permutationProperty(realMcc)).toBe(true);
    const base = realMcc(noisy);
    const moved = realMcc(move(noisy, [3, 0, 4, 2, 1], [2, -0.5, 3, -1, 0.1], [5, 0, -7, 1, 0]));
    expect(base.pearson).toBeGreaterThan(0.5);
    expect(base.pearson).toBeLessThan(0.95);
    expect(moved.pearson).toBeCloseTo(base.pearson, 12);
    expect(moved.spearman).toBeCloseTo(base.spearman, 12);
  });

  it('is lower for a 45° rotation of two factor codes (and unchanged by a monotone map, Spearman)', () => {
    const rotated = realMcc({ ...exact, codes: F.rotatePair(exact.codes as Float64Array, K, 0, 1) });
    expect(rotated.pearson).toBeLessThan(0.9);
    expect(rotated.spearman).toBeLessThan(0.9);
    const monotone = realMcc({ ...noisy, codes: (noisy.codes as Float64Array).map((v) => Math.exp(v)) });
    expect(monotone.spearman).toBeCloseTo(realMcc(noisy).spearman, 12);
  });

  it('ranks ties by their average rank, and expands circular factors into (cos, sin)', () => {
    expect(Array.from(averageRanks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
    const t = factorTargets([0, 1, 2, 1], 2, [true, false], [4, 3]);
    expect(t.columns).toBe(3);
    expect(Array.from(t.source)).toEqual([0, 0, 1]);
    expect(t.values[0]).toBeCloseTo(1, 14); // cos 0
    expect(t.values[3]).toBeCloseTo(-1, 14); // cos π for level 2 of 4
    expect(t.values[5]).toBe(1);
  });

  it('expands a categorical factor into one indicator per level, and rejects a factor both circular and categorical', () => {
    // Two points: (level 2 of 3 categorical, level 1 ordinal), (level 0, level 4).
    const t = factorTargets([2, 1, 0, 4], 2, [false, false], [3, 5], [true, false]);
    expect(t.columns).toBe(4);
    expect(Array.from(t.source)).toEqual([0, 0, 0, 1]);
    expect(Array.from(t.part)).toEqual([0, 1, 2, 0]);
    expect(Array.from(t.values)).toEqual([0, 0, 1, 1, 1, 0, 0, 4]);
    // A code that is the indicator of one level matches it exactly; the ordinal level column cannot stand for the factor.
    const n = 400, rng = makeRng(5);
    const levels = Int32Array.from({ length: n }, () => rng.int(4));
    const codes = Float64Array.from(levels, (v) => (v === 1 ? 1 : 0) + 0.01 * rng.normal());
    const oneHot = factorTargets(levels, 1, [false], [4], [true]);
    const r = mcc(codes, 1, oneHot.values, oneHot.columns);
    expect(r.pearson).toBeGreaterThan(0.99);
    expect(r.pearsonMatch[1]).toBe(0);
    expect(mcc(codes, 1, Float64Array.from(levels), 1).pearson).toBeLessThan(0.3);
    expect(() => factorTargets([0], 1, [true], [4], [true])).toThrow(/both circular and categorical/);
  });

  it('matches min(J, T) pairs when there are fewer codes than targets', () => {
    const two = { ...exact, codes: (exact.codes as Float64Array).filter((_, i) => i % K === 1 || i % K === 3), codeDims: 2 };
    const r = mcc(two.codes, 2, Float64Array.from(exact.factors), K);
    expect(r.pearson).toBeCloseTo(1, 12); // the mean is over the 2 matched pairs only
    expect(r.matched).toBe(2);
    expect(Array.from(r.pearsonMatch)).toEqual([-1, 0, -1, 1]);
  });

  it('rejects NaN codes and mismatched shapes with one-line UserErrors', () => {
    expect(() => mcc([1, 2, NaN, 4], 2, [0, 1], 1)).toThrow(/codes is NaN at row 1, column 0/);
    expect(() => mcc([1, 2, 3, 4], 2, [0, 1, 2], 1)).toThrow(UserError);
  });

  it('control: pairing code k with factor k without matching fails the permutation property', () => {
    expect(permutationProperty(diagonalMcc)).toBe(false);
  });
});
