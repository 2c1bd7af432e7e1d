/**
 * MIG (lib/eval/mig.ts) against the metric properties of issue 12: identity ≈ 1, noise ≈ 0,
 * invariance to permuting and rescaling the codes, and lower for a factor spread over two codes.
 * The control, a MIG that forgets to divide the gap by H(v_k), fails the identity property.
 */
import { describe, expect, it } from 'vitest';
import { mig } from '../../../lib/eval/mig';
import type { CodeSample } from '../../../lib/eval/disentanglement/sample';
import * as F from './fixtures';

const K = F.LEVELS.length;
type Metric = (s: CodeSample) => number;

const realMig: Metric = (s) => mig(s.codes as Float64Array, s.codeDims, Float64Array.from(s.factors), s.numFactors, { factorKinds: 'discrete' }).mig;

/** Control: the gap in nats, not divided by the factor entropy H(v_k). */
const unnormalisedMig: Metric = (s) => {
  const r = mig(s.codes as Float64Array, s.codeDims, Float64Array.from(s.factors), s.numFactors, { factorKinds: 'discrete' });
  let sum = 0;
  for (let k = 0; k < K; k++) sum += r.mi[r.bestCode[k] * K + k] - r.mi[r.runnerUpCode[k] * K + k];
  return sum / K;
};

const identity = F.makeSplit(4000, 10, F.LEVELS, 11, (f) => ({ codes: F.identityCodes(f), dims: K })).train;
const noise = F.makeSplit(4000, 10, F.LEVELS, 12, (f, r) => ({ codes: F.noiseCodes(f.length / K, K + 1, r), dims: K + 1 })).train;
/** Codes = factors + N(0, 0.6²) noise, plus one nuisance code: an imperfect but informative representation. */
const noisy = F.makeSplit(4000, 10, F.LEVELS, 13, (f, r) => F.noisyIdentity(f, K, 0.6, 1, r)).train;

const identityProperty = (m: Metric): boolean => Math.abs(m(identity) - 1) < 0.03;

describe('MIG properties', () => {
  it('scores ≈ 1 for codes equal to the factors', () => {
    expect(realMig(identity)).toBeGreaterThan(0.97);
    expect(identityProperty(realMig)).toBe(true);
  });

  it('scores ≈ 0 for pure noise', () => {
    expect(realMig(noise)).toBeLessThan(0.02);
  });

  it('is unchanged by permuting and rescaling (positive and negative scales) the codes', () => {
    const base = realMig(noisy);
    const moved = { ...noisy, codes: F.permuteRescale(noisy.codes as Float64Array, K + 1, [3, 0, 4, 2, 1], [2, -0.5, 3, -1, 0.1], [5, 0, -7, 1, 0]) };
    expect(base).toBeGreaterThan(0.2);
    expect(realMig(moved)).toBeCloseTo(base, 6);
  });

  it('is lower when two factors are spread over two codes (45° rotation)', () => {
    const rotated = { ...identity, codes: F.rotatePair(identity.codes as Float64Array, K, 0, 1) };
    expect(realMig(rotated)).toBeLessThan(realMig(identity) - 0.3);
  });

  it('control: a MIG without the entropy normalisation fails the identity property', () => {
    expect(identityProperty(unnormalisedMig)).toBe(false);
    // It reports mean H(v_k) in nats instead (log 4, log 6, log 5, log 8 here).
    const meanEntropy = F.LEVELS.reduce((s, l) => s + Math.log(l), 0) / K;
    expect(unnormalisedMig(identity)).toBeCloseTo(meanEntropy, 1);
  });
});
