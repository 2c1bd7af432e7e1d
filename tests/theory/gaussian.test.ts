import { describe, expect, it } from 'vitest';
import { makeRng } from '../../lib/util/random';
import { diagGaussian, entropy, gaussian, klDiagGaussian, klGaussian, logDensity, marginal, sampleGaussian } from '../../lib/theory/gaussian';
import { cholesky, fromRows, identity, inverseSpd, logDetSpd, matmul, toRows } from '../../lib/math/linalg';
import { mcKl, summarize, zScore } from '../../lib/theory/montecarlo';
import { randomGaussian, randomSpd } from '../../lib/theory/randomParams';

describe('linalg', () => {
  it('Cholesky reproduces A, inverse is an inverse, log det matches 2x2 formula', () => {
    const rng = makeRng(3);
    for (let t = 0; t < 10; t++) {
      const n = 1 + rng.int(6);
      const a = randomSpd(n, rng);
      const l = cholesky(a);
      const llt = matmul(l, { rows: n, cols: n, data: Float64Array.from(toRows(l).flatMap((_, i) => toRows(l).map((r) => r[i]))) });
      llt.data.forEach((v, i) => expect(v).toBeCloseTo(a.data[i], 12));
      matmul(a, inverseSpd(a)).data.forEach((v, i) => expect(v).toBeCloseTo(identity(n).data[i], 10));
    }
    const m = fromRows([[2, 0.5], [0.5, 1]]);
    expect(logDetSpd(m)).toBeCloseTo(Math.log(2 - 0.25), 14);
  });

  it('Cholesky (ml-matrix) and inverseSpd agree with a hand-computed 2x2 case and read only the lower triangle', () => {
    // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]; its inverse is [[3, −2], [−2, 4]] / 8.
    const l = toRows(cholesky(fromRows([[4, 999], [2, 3]])));
    expect(l[0][0]).toBeCloseTo(2, 14);
    expect(l[0][1]).toBe(0);
    expect(l[1][0]).toBeCloseTo(1, 14);
    expect(l[1][1]).toBeCloseTo(Math.SQRT2, 14);
    toRows(inverseSpd(fromRows([[4, 2], [2, 3]]))).flat().forEach((v, i) => expect(v).toBeCloseTo([3 / 8, -2 / 8, -2 / 8, 4 / 8][i], 14));
  });

  it('rejects a non-positive-definite matrix with a one-line message', () => {
    expect(() => cholesky(fromRows([[1, 2], [2, 1]]), 'q covariance')).toThrow(/q covariance is not positive definite/);
  });
});

describe('Gaussian closed forms', () => {
  it('KL(q‖q) = 0 and full KL equals the diagonal formula on diagonal covariances', () => {
    const rng = makeRng(5);
    const q = randomGaussian(4, rng);
    expect(Math.abs(klGaussian(q, q))).toBeLessThan(1e-12);
    const mq = [0.3, -1], vq = [0.5, 2], mp = [1, 0], vp = [1.5, 0.7];
    expect(klGaussian(diagGaussian(mq, vq), diagGaussian(mp, vp))).toBeCloseTo(klDiagGaussian(mq, vq, mp, vp), 13);
  });

  it('closed-form KL agrees with Monte Carlo within 4 standard errors on random Gaussians', () => {
    const rng = makeRng(11);
    for (let t = 0; t < 8; t++) {
      const d = 1 + rng.int(4);
      const q = randomGaussian(d, rng);
      const p = randomGaussian(d, rng);
      const mc = mcKl((r) => sampleGaussian(q, r), (z) => logDensity(q, z), (z) => logDensity(p, z), 4000, rng);
      expect(zScore(mc, klGaussian(q, p))).toBeLessThan(4);
    }
  });

  it('entropy = −E_q log q (Monte Carlo) and samples have the right covariance', () => {
    const rng = makeRng(2);
    const g = gaussian([1, -2], fromRows([[2, 0.8], [0.8, 1]]));
    const draws = Array.from({ length: 20000 }, () => sampleGaussian(g, rng));
    const mc = summarize(draws.map((z) => -logDensity(g, z)));
    expect(zScore(mc, entropy(g))).toBeLessThan(4);
    const c01 = summarize(draws.map((z) => (z[0] - 1) * (z[1] + 2)));
    expect(zScore(c01, 0.8)).toBeLessThan(4);
    expect(marginal(g, [1]).cov.data[0]).toBe(1);
  });

  it('is deterministic for a seed', () => {
    const g = randomGaussian(3, makeRng(9));
    expect(Array.from(sampleGaussian(g, makeRng(1)))).toEqual(Array.from(sampleGaussian(g, makeRng(1))));
  });

  it('shape mismatches are UserErrors', () => {
    expect(() => gaussian([0, 0, 0], identity(2), 'q(b|x)')).toThrow(/q\(b\|x\): mean has 3 entries but covariance is 2x2/);
  });
});
