/**
 * SAP (lib/eval/disentanglement/sap.ts) against the metric properties of issue 12. The control,
 * a SAP that reports the best code's score instead of the gap to the runner-up, fails the
 * noise property.
 */
import { describe, expect, it } from 'vitest';
import { meanTopTwoGap, nearestMeanAccuracy, sap, type SapConfig } from '../../../lib/eval/disentanglement/sap';
import { UserError } from '../../../lib/util/errors';
import * as F from './fixtures';

const K = F.LEVELS.length;
type Metric = (s: F.Split) => number;

const realSap =
  (config: SapConfig = {}): Metric =>
  (s) =>
    sap(s.train, s.test, config).sap;

/** Control: mean over factors of the best single-code score, no gap to the runner-up. */
const topScoreOnly: Metric = (s) => {
  const r = sap(s.train, s.test);
  let sum = 0;
  for (let k = 0; k < K; k++) {
    let best = -Infinity;
    for (let j = 0; j < s.train.codeDims; j++) best = Math.max(best, r.scores[j * K + k]);
    sum += best;
  }
  return sum / K;
};

const identity = F.makeSplit(2000, 1000, F.LEVELS, 31, (f, r) => ({ codes: F.withNuisance(F.identityCodes(f), K, 1, r), dims: K + 1 }));
const noise = F.makeSplit(2000, 1000, F.LEVELS, 32, (f, r) => ({ codes: F.noiseCodes(f.length / K, K + 1, r), dims: K + 1 }));
const noisy = F.makeSplit(2000, 1000, F.LEVELS, 33, (f, r) => F.noisyIdentity(f, K, 0.6, 1, r));
const exact = F.makeSplit(2000, 1000, F.LEVELS, 34, (f) => ({ codes: F.identityCodes(f), dims: K }));

const noiseProperty = (m: Metric): boolean => Math.abs(m(noise)) < 0.05;

describe('SAP properties', () => {
  it('scores the identity at 1 − chance (discrete: the runner-up code guesses), ≈ 1 (continuous)', () => {
    // Discrete SAP of a perfect code is Σ_k (1 − runner-up accuracy)/K, and the runner-up is at chance 1/L_k.
    const expected = F.LEVELS.reduce((a, l) => a + (1 - 1 / l), 0) / K;
    const r = sap(identity.train, identity.test);
    expect(Math.abs(r.sap - expected)).toBeLessThan(0.04);
    for (let k = 0; k < K; k++) expect(r.scores[k * K + k]).toBe(1);
    expect(realSap({ variant: 'continuous' })(identity)).toBeGreaterThan(0.99);
  });

  it('scores ≈ 0 for pure noise, both variants', () => {
    expect(noiseProperty(realSap())).toBe(true);
    expect(Math.abs(realSap({ variant: 'continuous' })(noise))).toBeLessThan(0.01);
  });

  it('is unchanged by permuting and rescaling (positive and negative scales) the codes', () => {
    const moved = F.mapCodes(noisy, (c, d) => ({ codes: F.permuteRescale(c, d, [3, 0, 4, 2, 1], [2, -0.5, 3, -1, 0.1], [5, 0, -7, 1, 0]), dims: d }));
    for (const variant of ['discrete', 'continuous'] as const) {
      const base = realSap({ variant })(noisy);
      expect(base).toBeGreaterThan(0.1);
      expect(realSap({ variant })(moved)).toBeCloseTo(base, 10);
    }
  });

  it('is lower when two factors are spread over two codes (45° rotation)', () => {
    const rotated = F.mapCodes(exact, (c, d) => ({ codes: F.rotatePair(c, d, 0, 1), dims: d }));
    for (const variant of ['discrete', 'continuous'] as const) {
      expect(realSap({ variant })(rotated)).toBeLessThan(realSap({ variant })(exact) - 0.1);
    }
  });

  it('classifies by the nearest class mean, and takes the gap between the top two codes', () => {
    // Means: class 0 at 0, class 1 at 2, class 2 at 10; boundaries at 1 and 6.
    const acc = nearestMeanAccuracy([0, 0, 2, 2, 10], [0, 0, 1, 1, 2], [0.9, 1.1, 5.9, 6.1, -3], [0, 1, 1, 2, 0], 3);
    expect(acc).toBe(1);
    // A class absent from training is never predicted.
    expect(nearestMeanAccuracy([0, 5], [0, 2], [0, 2.6, 5], [0, 1, 2], 3)).toBeCloseTo(2 / 3, 14);
    const g = meanTopTwoGap([0.9, 0.1, 0.5, 0.4, 0.2, 0.8], 3, 2); // columns (0.9, 0.5, 0.2) and (0.1, 0.4, 0.8)
    expect(g.gaps[0]).toBeCloseTo(0.4, 14);
    expect(g.gaps[1]).toBeCloseTo(0.4, 14);
  });

  it('rejects one code and unknown variants with one-line UserErrors', () => {
    const one = F.mapCodes(exact, (c, d) => ({ codes: c.filter((_, i) => i % d === 0), dims: 1 }));
    expect(() => sap(one.train, one.test)).toThrow(/at least 2 latent codes/);
    expect(() => sap(exact.train, exact.test, { variant: 'svm' as never })).toThrow(UserError);
  });

  it('control: reporting the best score instead of the top-two gap fails the noise property', () => {
    expect(noiseProperty(topScoreOnly)).toBe(false);
    // It scores noise at about the chance accuracy instead.
    expect(topScoreOnly(noise)).toBeGreaterThan(0.2);
  });
});
