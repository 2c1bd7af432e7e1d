import { describe, expect, it } from 'vitest';
import { selectColumns } from '../../lib/eval/arrays';
import { entropy, mutualInformation } from '../../lib/eval/information';
import { discretiseEqualWidth, mig, stackColumns } from '../../lib/eval/mig';
import { UserError } from '../../lib/util/errors';
import { makeRng, permutation, type Rng } from '../../lib/util/random';

/** n samples of discrete factors with the given numbers of levels, row-major [n, levels.length]. */
function discreteFactors(n: number, levels: number[], rng: Rng): Float64Array {
  const out = new Float64Array(n * levels.length);
  for (let i = 0; i < n; i++) levels.forEach((k, j) => (out[i * levels.length + j] = rng.int(k)));
  return out;
}

/**
 * Latent codes built column by column: `source[j]` = factor index to copy into code j, or −1 for
 * an irrelevant standard-normal dimension.
 */
function codesFrom(factors: Float64Array, numFactors: number, source: number[], rng: Rng, noise = 0): Float64Array {
  const n = factors.length / numFactors;
  const d = source.length;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      out[i * d + j] = source[j] < 0 ? rng.normal() : factors[i * numFactors + source[j]] + noise * rng.normal();
    }
  }
  return out;
}

describe('information measures', () => {
  it('match hand-computed values', () => {
    expect(entropy([0, 0, 1, 1], 2)).toBeCloseTo(Math.log(2), 14);
    expect(entropy([0, 1, 2, 3], 4)).toBeCloseTo(Math.log(4), 14);
    expect(mutualInformation([0, 0, 1, 1], 2, [1, 1, 0, 0], 2)).toBeCloseTo(Math.log(2), 14);
    expect(mutualInformation([0, 1, 0, 1], 2, [0, 0, 1, 1], 2)).toBe(0);
    // z = (0,0,1,1), v = (0,1,1,1): I = H(v) − H(v|z) = H(1/4) − ½·ln2
    const hv = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
    expect(mutualInformation([0, 0, 1, 1], 2, [0, 1, 1, 1], 2)).toBeCloseTo(hv - 0.5 * Math.log(2), 14);
  });

  it('discretises into equal-width bins with the max in the last bin', () => {
    const v = [0, 9, 9, 0.5, 9, 9, 2, 9, 9]; // column 0 of a [3, 3] array: 0, 0.5, 2
    expect(Array.from(discretiseEqualWidth([0, 0.049, 0.05, 0.951, 1], 1, 0, 20))).toEqual([0, 0, 1, 19, 19]);
    expect(Array.from(discretiseEqualWidth(v, 3, 0, 4))).toEqual([0, 1, 3]);
    expect(Array.from(discretiseEqualWidth([5, 5, 5], 1, 0, 20))).toEqual([0, 0, 0]);
  });
});

describe('MIG', () => {
  it('is ≈ 1 for an identity code with irrelevant extra dimensions (discrete factors)', () => {
    const rng = makeRng(1);
    const f = discreteFactors(5000, [4, 5, 3], rng);
    const z = codesFrom(f, 3, [-1, 0, -1, 1, 2, -1], rng);
    const r = mig(z, 6, f, 3);
    expect(r.factorKinds).toEqual(['discrete', 'discrete', 'discrete']);
    expect(r.mig).toBeGreaterThan(0.97);
    expect(r.mig).toBeLessThanOrEqual(1);
    expect(Array.from(r.bestCode)).toEqual([1, 3, 4]);
    for (let k = 0; k < 3; k++) expect(r.normalisedMi[r.bestCode[k] * 3 + k]).toBeCloseTo(1, 12);
    expect(r.factorEntropy[1]).toBeCloseTo(Math.log(5), 2);
  });

  it('is ≈ 1 for an identity code of continuous factors, and unchanged by affine maps of the codes', () => {
    const rng = makeRng(2);
    const n = 5000;
    const f = new Float64Array(n * 2);
    for (let i = 0; i < f.length; i++) f[i] = rng.uniform();
    const z = codesFrom(f, 2, [1, -1, 0], rng);
    const r = mig(z, 3, f, 2);
    expect(r.factorKinds).toEqual(['continuous', 'continuous']);
    expect(r.mig).toBeGreaterThan(0.97);
    const za = z.map((v) => 3 * v - 40);
    expect(mig(za, 3, f, 2).mig).toBeCloseTo(r.mig, 2);
  });

  it('is ≈ 0 for pure noise', () => {
    const rng = makeRng(3);
    const f = discreteFactors(20000, [5, 3], rng);
    const z = codesFrom(f, 2, [-1, -1, -1, -1], rng);
    const r = mig(z, 4, f, 2);
    expect(r.mig).toBeGreaterThanOrEqual(0);
    expect(r.mig).toBeLessThan(0.05);
    // Continuous factors too.
    const fc = new Float64Array(20000).map(() => rng.normal());
    expect(mig(z, 4, fc, 1).mig).toBeLessThan(0.05);
  });

  it('has gap 0 for a factor copied into two codes, while other factors keep gap ≈ 1', () => {
    const rng = makeRng(4);
    const f = discreteFactors(4000, [4, 6], rng);
    const z = codesFrom(f, 2, [0, 1, 0, -1], rng);
    const r = mig(z, 4, f, 2);
    expect(r.gaps[0]).toBeLessThan(1e-12);
    expect(r.gaps[1]).toBeGreaterThan(0.97);
    expect(r.mig).toBeCloseTo((r.gaps[0] + r.gaps[1]) / 2, 14);
    expect([r.bestCode[0], r.runnerUpCode[0]].sort()).toEqual([0, 2]);
  });

  it('decreases as noise is added to an identity code', () => {
    const rng = makeRng(5);
    const f = discreteFactors(4000, [4, 4], rng);
    const scores = [0, 0.2, 0.5, 1, 3].map((noise) => mig(codesFrom(f, 2, [0, 1, -1], makeRng(6), noise), 3, f, 2).mig);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1]);
    expect(scores[scores.length - 1]).toBeLessThan(0.2);
  });

  it('is invariant to the order of the codes, whose MI rows permute accordingly', () => {
    const rng = makeRng(7);
    const f = discreteFactors(3000, [3, 4, 5], rng);
    const d = 6;
    const z = codesFrom(f, 3, [0, -1, 1, 2, -1, 0], rng, 0.4);
    const perm = permutation(d, makeRng(8));
    const zp = new Float64Array(z.length);
    for (let i = 0; i < z.length / d; i++) for (let j = 0; j < d; j++) zp[i * d + j] = z[i * d + perm[j]];
    const a = mig(z, d, f, 3);
    const b = mig(zp, d, f, 3);
    expect(b.mig).toBeCloseTo(a.mig, 14);
    for (let k = 0; k < 3; k++) expect(b.gaps[k]).toBeCloseTo(a.gaps[k], 14);
    for (let j = 0; j < d; j++) for (let k = 0; k < 3; k++) expect(b.mi[j * 3 + k]).toBeCloseTo(a.mi[perm[j] * 3 + k], 14);
  });

  it('is reproducible for the same seed and differs for another', () => {
    const run = (seed: number) => {
      const rng = makeRng(seed);
      const f = discreteFactors(1000, [3, 3], rng);
      return mig(codesFrom(f, 2, [0, 1, -1], rng, 0.8), 3, f, 2).mig;
    };
    expect(run(9)).toBe(run(9));
    expect(run(9)).not.toBe(run(10));
  });

  it('honours factor kinds and stacks label columns', () => {
    const labels = [Int32Array.from([0, 1, 2, 0, 1, 2]), Int32Array.from([1, 1, 0, 0, 1, 0])];
    const f = stackColumns(labels);
    expect(Array.from(f)).toEqual([0, 1, 1, 1, 2, 0, 0, 0, 1, 1, 2, 0]);
    const z = codesFrom(f, 2, [0, 1], makeRng(11));
    expect(mig(z, 2, f, 2).factorKinds).toEqual(['discrete', 'discrete']);
    expect(mig(z, 2, f, 2, { factorKinds: ['continuous', 'discrete'] }).factorKinds).toEqual(['continuous', 'discrete']);
    // An integer factor with more levels than maxDiscreteLevels counts as continuous.
    expect(mig(z, 2, f, 2, { maxDiscreteLevels: 2 }).factorKinds).toEqual(['continuous', 'discrete']);
  });

  it('leaves a constant factor out of the mean, and refuses when every factor is constant', () => {
    const rng = makeRng(12);
    const f = discreteFactors(2000, [4, 1], rng); // factor 1 is always 0
    const z = codesFrom(f, 2, [0, -1], rng);
    const r = mig(z, 2, f, 2);
    expect(Number.isNaN(r.gaps[1])).toBe(true);
    expect(r.mig).toBeCloseTo(r.gaps[0], 14);
    expect(() => mig(z, 2, new Float64Array(2000), 1)).toThrow(/every factor is constant/);
  });

  it('scores column subsets (the a-dims or b-dims) consistently with the full MI matrix', () => {
    const rng = makeRng(13);
    const f = discreteFactors(3000, [4, 3], rng);
    const z = codesFrom(f, 2, [-1, 0, -1, 1, 0], rng, 0.3);
    const full = mig(z, 5, f, 2);
    const subset = [1, 2, 3];
    const part = mig(selectColumns(z, 5, subset), 3, f, 2);
    subset.forEach((j, r) => {
      for (let k = 0; k < 2; k++) expect(part.mi[r * 2 + k]).toBeCloseTo(full.mi[j * 2 + k], 14);
    });
    // Dropping the duplicate copy of factor 0 (code 4) opens its gap.
    expect(full.gaps[0]).toBeLessThan(0.2);
    expect(part.gaps[0]).toBeGreaterThan(0.5);
    expect(() => selectColumns(z, 5, [5])).toThrow(/outside 0..4/);
  });

  it('rejects bad input with one-line UserErrors', () => {
    const z = new Float64Array(20);
    const f = new Float64Array(10);
    expect(() => mig(z, 1, f, 1)).toThrow(/at least 2 latent codes/);
    expect(() => mig(z, 3, f, 1)).toThrow(/not a multiple of codes=3/);
    expect(() => mig(z, 2, new Float64Array(9), 1)).toThrow(UserError);
    const bad = z.slice();
    bad[5] = NaN;
    expect(() => mig(bad, 2, f, 1)).toThrow(/latents is NaN at row 2, column 1/);
    expect(() => mig(z, 2, f, 1, { factorKinds: ['auto', 'auto'] })).toThrow(/one per factor/);
  });
});
