import { describe, expect, it } from 'vitest';
import { makeRng } from '../../lib/util/random';
import { UserError } from '../../lib/util/errors';
import { cholesky, fromRows, matvec, type Matrix } from '../../lib/math/linalg';
import { totalCorrelation, totalCorrelation2d } from '../../lib/theory/naiveBayes';
import {
  aggregateCovariance,
  aggregateTotalCorrelation,
  diagonalGaussianCodes,
  discreteTotalCorrelation,
  equivalentCorrelation,
  mutualInformation,
  gaussianTotalCorrelation,
  independentBaseline,
  labelAlignedColumns,
  labelCode,
  meanGaussianTotalCorrelation,
  meanRepresentationCodes,
  mwsTotalCorrelation,
  scottBandwidths,
} from '../../lib/eval';

/** N means drawn from N(0, cov), row-major [N, D]. */
function correlatedMeans(cov: Matrix, n: number, seed: number): Float64Array {
  const L = cholesky(cov);
  const d = cov.rows;
  const rng = makeRng(seed);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const z = Float64Array.from({ length: d }, () => rng.normal());
    out.set(matvec(L, z), i * d);
  }
  return out;
}

const constant = (n: number, d: number, v: number) => new Float64Array(n * d).fill(v);

describe('aggregate total correlation', () => {
  it('is exactly 0 for one diagonal Gaussian (N = 1), with MI 0', () => {
    const codes = diagonalGaussianCodes([0.3, -1, 2], [0.1, -0.5, 1], 3);
    expect(gaussianTotalCorrelation(codes)).toBeCloseTo(0, 12);
    const e = mwsTotalCorrelation(codes, { samplesPerWindow: 50 });
    expect(Math.abs(e.tc)).toBeLessThan(1e-12);
    expect(Math.abs(e.mi)).toBeLessThan(1e-12);
  });

  it('is ≈ 0 for independent factors (both estimators)', () => {
    const n = 800;
    const d = 3;
    const codes = diagonalGaussianCodes(correlatedMeans(fromRows([[1, 0, 0], [0, 2, 0], [0, 0, 0.5]]), n, 1), constant(n, d, Math.log(0.25)), d);
    const r = aggregateTotalCorrelation(codes, { seed: 2 });
    expect(Math.abs(r.gaussian)).toBeLessThan(0.01);
    // MWS measures the TC of the empirical N-component mixture, which is ≈ +0.02 here (finite N), not 0.
    expect(Math.abs(r.mws.tc)).toBeLessThan(0.05);
    expect(r.mws.tcStdError).toBeLessThan(0.02);
    expect(r.sharedFraction).toBeLessThan(0.02);
  });

  it('is large for strongly correlated means and matches the Gaussian closed form', () => {
    const n = 1500;
    const cov = fromRows([[1, 0.9, 0.8], [0.9, 1, 0.85], [0.8, 0.85, 1]]);
    const s2 = 0.04; // σ² of every q(b|x): q(b) ≈ N(0, cov + s2·I)
    const codes = diagonalGaussianCodes(correlatedMeans(cov, n, 3), constant(n, 3, Math.log(s2)), 3);
    const truth = totalCorrelation(fromRows([[1 + s2, 0.9, 0.8], [0.9, 1 + s2, 0.85], [0.8, 0.85, 1 + s2]]));
    expect(truth).toBeGreaterThan(1);
    const gauss = gaussianTotalCorrelation(codes);
    expect(Math.abs(gauss - truth) / truth).toBeLessThan(0.05);
    const mws = mwsTotalCorrelation(codes, { seed: 4 });
    // A finite mixture of narrow kernels is not exactly the population Gaussian: allow 10%.
    expect(Math.abs(mws.tc - truth) / truth).toBeLessThan(0.1);
    expect(mws.tcStdError).toBeLessThan(0.05 * truth);
  });

  it('independentBaseline keeps every column multiset and removes the dependence', () => {
    const n = 600;
    const mean = correlatedMeans(fromRows([[1, 0.9], [0.9, 1]]), n, 13);
    const rng = makeRng(14);
    const codes = diagonalGaussianCodes(mean, Float64Array.from({ length: 2 * n }, () => -1 - rng.uniform()), 2);
    const base = independentBaseline(codes, 1);
    for (let j = 0; j < 2; j++) {
      const col = (a: Float64Array) => Array.from({ length: n }, (_, i) => a[2 * i + j]).sort((u, v) => u - v);
      expect(col(base.mean)).toEqual(col(codes.mean));
      expect(col(base.logvar)).toEqual(col(codes.logvar));
    }
    // (μ, log σ²) of one dim move together: the pair multiset of dim 0 is unchanged.
    const pairs = (c: typeof codes) => Array.from({ length: n }, (_, i) => `${c.mean[2 * i]}|${c.logvar[2 * i]}`).sort();
    expect(pairs(base)).toEqual(pairs(codes));
    const r = aggregateTotalCorrelation(codes, { seed: 3 });
    // ρ ≈ 0.9 / (1 + E σ²) ≈ 0.72 after the σ² blur: TC ≈ −½ log(1 − 0.72²) ≈ 0.37.
    expect(r.mws.tc).toBeGreaterThan(0.3);
    expect(Math.abs(r.mwsFloor.tc)).toBeLessThan(0.05);
    expect(independentBaseline(codes, 1)).toEqual(base);
  });

  it('aggregateCovariance is Cov(μ) + mean σ² (law of total covariance)', () => {
    const codes = diagonalGaussianCodes([0, 0, 2, 2], [Math.log(1), Math.log(2), Math.log(3), Math.log(4)], 2);
    // Cov(μ) = [[1, 1], [1, 1]] (population), mean σ² = [2, 3].
    expect(Array.from(aggregateCovariance(codes).data)).toEqual([3, 1, 1, 4].map((v) => expect.closeTo(v, 12)));
  });

  it('decomposes as Σ_j I(x; b_j) − I(x; b) = TC for every draw set', () => {
    const n = 300;
    const rng = makeRng(5);
    const codes = diagonalGaussianCodes(correlatedMeans(fromRows([[1, 0.6], [0.6, 1]]), n, 6), Float64Array.from({ length: 2 * n }, () => -2 + rng.uniform()), 2);
    const e = mwsTotalCorrelation(codes, { seed: 7, samplesPerWindow: 2 });
    expect(e.draws).toBe(600);
    expect(e.dimMi[0] + e.dimMi[1] - e.mi).toBeCloseTo(e.tc, 10);
    expect(e.tc).toBeGreaterThan(0.1);
  });

  it('is seeded: same seed → same numbers, another seed → different draws', () => {
    const n = 200;
    const codes = diagonalGaussianCodes(correlatedMeans(fromRows([[1, 0.7], [0.7, 1]]), n, 8), constant(n, 2, -1), 2);
    const a = mwsTotalCorrelation(codes, { seed: 11 });
    expect(mwsTotalCorrelation(codes, { seed: 11 })).toEqual(a);
    expect(mwsTotalCorrelation(codes, { seed: 12 }).tc).not.toBe(a.tc);
  });

  it('measures the mean representation with a kernel bandwidth (Scott) or σ² = 0', () => {
    const n = 1000;
    const cov = fromRows([[1, 0.8], [0.8, 1]]);
    const mean = correlatedMeans(cov, n, 9);
    const h = scottBandwidths(mean, 2);
    expect(h[0]).toBeGreaterThan(0.2);
    expect(h[0]).toBeLessThan(0.5);
    const truth = totalCorrelation(cov); // −½ log(1 − 0.64) ≈ 0.51
    expect(Math.abs(meanGaussianTotalCorrelation(mean, 2) - truth)).toBeLessThan(0.05);
    const kde = mwsTotalCorrelation(meanRepresentationCodes(mean, 2), { seed: 1 });
    // Kernel smoothing adds independent noise per dim, so it can only lower the TC; it stays close.
    expect(kde.tc).toBeLessThan(truth + 0.05);
    expect(kde.tc).toBeGreaterThan(0.8 * truth);
    // Wider kernels wash the dependence out.
    expect(mwsTotalCorrelation(meanRepresentationCodes(mean, 2, 3), { seed: 1 }).tc).toBeLessThan(0.1);
  });

  it('picks the code dims that carry each label', () => {
    const n = 600;
    const rng = makeRng(10);
    const y0 = Int32Array.from({ length: n }, () => rng.int(3));
    const y1 = Int32Array.from({ length: n }, () => rng.int(2));
    // dim 0 noise, dim 1 ← label 1, dim 2 ← label 0, dim 3 noise.
    const z = new Float64Array(n * 4);
    for (let i = 0; i < n; i++) z.set([rng.normal(), 3 * y1[i] + 0.3 * rng.normal(), 2 * y0[i] + 0.3 * rng.normal(), rng.normal()], 4 * i);
    const r = labelAlignedColumns(z, 4, [y0, y1], [3, 2]);
    expect(r.columns).toEqual([2, 1]);
    expect(r.mi[0]).toBeGreaterThan(0.8);
    expect(r.mi[1]).toBeGreaterThan(0.5);
  });

  it('labelCode takes b when present, else the label-aligned dims of z', () => {
    const labels = [Int32Array.from([0, 1, 0, 1, 0, 1]), Int32Array.from([0, 0, 1, 1, 2, 2])];
    const b = labelCode({ latentA: new Float64Array(12), latentADim: 2, latentB: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], latentBDim: 2, labels }, [2, 3]);
    expect(b.source).toBe('b');
    expect(Array.from(b.values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(b.labelMi).toHaveLength(2);
    // b_1 = 2, 6, 10 | 4, 8, 12 … is monotone in the row, label 1 = row pairs: MI = H(label 1) = log 3.
    expect(b.labelMi[1]).toBeCloseTo(Math.log(3), 10);
    // z: dim 0 constant, dim 1 ← label 1, dim 2 ← label 0.
    const z = [0, 0, 0, 0, 0, 5, 0, 1, 0, 0, 1, 5, 0, 2, 0, 0, 2, 5];
    const c = labelCode({ latentA: z, latentADim: 3, latentBDim: 0, labels }, [2, 3]);
    expect(c.source).toBe('z');
    expect(c.columns).toEqual([2, 1]);
    expect(Array.from(c.values)).toEqual([0, 0, 5, 0, 0, 1, 5, 1, 0, 2, 5, 2]);
    expect(() => labelCode({ latentADim: 0, latentBDim: 0, labels }, [2, 3])).toThrow(/no latent code/);
  });

  it('discreteTotalCorrelation: MI for two labels, 0 for independent, Σ H − H(joint) for three', () => {
    const y0 = [0, 0, 1, 1, 2, 2, 0, 1];
    const y1 = [0, 1, 0, 1, 0, 1, 0, 1];
    expect(discreteTotalCorrelation([y0, y1], [3, 2])).toBeCloseTo(mutualInformation(y0, 3, y1, 2), 12);
    expect(discreteTotalCorrelation([[0, 0, 1, 1], [0, 1, 0, 1]], [2, 2])).toBeCloseTo(0, 12);
    // y2 = y0 XOR y1: pairwise independent, TC = 2 log 2 − log 2 = log 2.
    expect(discreteTotalCorrelation([[0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 1, 0]], [2, 2, 2])).toBeCloseTo(Math.log(2), 12);
    expect(() => discreteTotalCorrelation([[0, 3]], [2])).toThrow(/class id 3 at row 1/);
  });

  it('equivalentCorrelation inverts the bivariate Gaussian TC', () => {
    for (const rho of [0, 0.1, 0.5, 0.93]) expect(equivalentCorrelation(totalCorrelation2d(rho))).toBeCloseTo(rho, 12);
    expect(() => equivalentCorrelation(-0.1)).toThrow(/negative/);
  });

  it('rejects bad input with one-line UserErrors', () => {
    expect(() => diagonalGaussianCodes([1, 2, 3], [0, 0, 0], 2)).toThrow(/multiple of dim 2/);
    expect(() => diagonalGaussianCodes([1, 2], [0], 2)).toThrow(UserError);
    expect(() => diagonalGaussianCodes([1, 2, 3, NaN], [0, 0, 0, 0], 2)).toThrow(/row 1/);
    expect(() => meanGaussianTotalCorrelation([1, 5, 2, 5, 3, 5], 2)).toThrow(/dim 1 is constant/);
    expect(() => meanRepresentationCodes([1, 5, 2, 5], 2)).toThrow(/bandwidth of dim 1/);
    const big = diagonalGaussianCodes(new Float64Array(20), new Float64Array(20), 2);
    expect(() => mwsTotalCorrelation(big, { maxWindows: 5 })).toThrow(/exceed maxWindows 5/);
    expect(() => labelAlignedColumns([1, 2], 1, [[0, 1], [1, 0]], [2, 2])).toThrow(/2 labels but only 1/);
  });
});
