import { describe, expect, it } from 'vitest';
import { makeRng } from '../../lib/util/random';
import { klGaussian } from '../../lib/theory/gaussian';
import { elboTerms, interpolateGaussian, logEvidence, mcElbo, posterior, randomLinearGaussianModel, sampleJoint } from '../../lib/theory/linearGaussian';
import { summarize, zScore } from '../../lib/theory/montecarlo';
import { randomGaussian } from '../../lib/theory/randomParams';

const dims = { dimA: 2, dimB: 2, dimX: 3, dimY: 2 };

describe('E1 on a linear-Gaussian model', () => {
  it('log p(x,y) = L + KL(q‖posterior) for random models and arbitrary Gaussian q (rel. error ≤ 1e-9)', () => {
    const rng = makeRng(21);
    for (let t = 0; t < 20; t++) {
      const m = randomLinearGaussianModel({ dimA: 1 + rng.int(3), dimB: 1 + rng.int(3), dimX: 1 + rng.int(4), dimY: 1 + rng.int(3) }, rng, t % 2 === 0);
      const { x, y } = sampleJoint(m, rng);
      const q = randomGaussian(m.dimA + m.dimB, rng);
      const e = elboTerms(m, x, y, q);
      expect(e.relError).toBeLessThan(1e-9);
      expect(e.elbo).toBeLessThanOrEqual(e.logEvidence + 1e-9);
      expect(e.posteriorKl).toBeGreaterThan(0);
    }
  });

  it('the analytic ELBO matches a Monte Carlo ELBO within 4 standard errors', () => {
    const rng = makeRng(22);
    for (let t = 0; t < 5; t++) {
      const m = randomLinearGaussianModel(dims, rng);
      const { x, y } = sampleJoint(m, rng);
      const q = randomGaussian(4, rng);
      expect(zScore(mcElbo(m, x, y, q, 3000, rng), elboTerms(m, x, y, q).elbo)).toBeLessThan(4);
    }
  });

  it('the exact posterior attains the bound, and the gap falls monotonically along q_t', () => {
    const rng = makeRng(23);
    const m = randomLinearGaussianModel(dims, rng, true);
    const { x, y } = sampleJoint(m, rng);
    const post = posterior(m, x, y);
    const atPost = elboTerms(m, x, y, post);
    expect(Math.abs(atPost.elbo - atPost.logEvidence)).toBeLessThan(1e-10 * Math.max(1, Math.abs(atPost.logEvidence)));
    const q = randomGaussian(4, rng, 2, 1);
    let prev = Infinity;
    for (let k = 0; k <= 20; k++) {
      const gap = klGaussian(interpolateGaussian(q, post, k / 20), post);
      expect(gap).toBeLessThanOrEqual(prev + 1e-12);
      prev = gap;
    }
    expect(prev).toBeLessThan(1e-12);
  });

  it('the posterior is right: its mean matches E[z | x, y] estimated by importance weighting', () => {
    // Self-normalised importance sampling from the prior: weights p(x,y|z).
    const rng = makeRng(24);
    const m = randomLinearGaussianModel({ dimA: 1, dimB: 1, dimX: 1, dimY: 1 }, rng);
    const { x, y } = sampleJoint(m, rng);
    const post = posterior(m, x, y);
    const ev = logEvidence(m, x, y);
    // E_prior[p(x,y|z)] = p(x,y): a Monte Carlo check of log p(x,y) itself.
    const zs = Array.from({ length: 40000 }, () => Float64Array.of(rng.normal(), rng.normal()));
    const lik = zs.map((z) => {
      const mx = m.Wx.data[0] * z[0] + m.Wx.data[1] * z[1] + m.cx[0];
      const my = m.Wy.data[0] * z[0] + m.Wy.data[1] * z[1] + m.V.data[0] * x[0] + m.cy[0];
      const lx = -0.5 * (Math.log(2 * Math.PI * m.Rx.data[0]) + (x[0] - mx) ** 2 / m.Rx.data[0]);
      const ly = -0.5 * (Math.log(2 * Math.PI * m.Ry.data[0]) + (y[0] - my) ** 2 / m.Ry.data[0]);
      return Math.exp(lx + ly);
    });
    expect(zScore(summarize(lik), Math.exp(ev))).toBeLessThan(4);
    const total = lik.reduce((s, v) => s + v, 0);
    const mean0 = zs.reduce((s, z, i) => s + z[0] * lik[i], 0) / total;
    expect(Math.abs(mean0 - post.mean[0])).toBeLessThan(0.05 * Math.max(1, Math.sqrt(post.cov.data[0])));
  });

  it('rejects a q of the wrong dimension', () => {
    const rng = makeRng(25);
    const m = randomLinearGaussianModel(dims, rng);
    const { x, y } = sampleJoint(m, rng);
    expect(() => elboTerms(m, x, y, randomGaussian(3, rng))).toThrow(/q\(a,b\|x\) has dimension 3, expected dimA\+dimB = 4/);
  });
});
