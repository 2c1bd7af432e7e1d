import { describe, expect, it } from 'vitest';
import { makeRng } from '../../lib/util/random';
import { gaussian } from '../../lib/theory/gaussian';
import { zScore } from '../../lib/theory/montecarlo';
import {
  correlatedCov2d,
  mcTotalCorrelation,
  naiveBayesDecomposition,
  randomFactorisedPosterior,
  randomFactorisedPrior,
  standardPrior,
  totalCorrelation,
  totalCorrelation2d,
} from '../../lib/theory/naiveBayes';
import { klGaussian } from '../../lib/theory/gaussian';
import { identity } from '../../lib/math/linalg';

describe('E2: Naive-Bayes split of the prior KL', () => {
  it('holds exactly when q(b|x) factorises', () => {
    const rng = makeRng(31);
    for (let t = 0; t < 20; t++) {
      const dA = 1 + rng.int(3), dB = 1 + rng.int(4);
      const d = naiveBayesDecomposition(randomFactorisedPosterior(dA, dB, rng, true), randomFactorisedPrior(dA, dB, rng));
      expect(Math.abs(d.gap) / Math.max(1, d.jointKl)).toBeLessThan(1e-9);
      expect(d.totalCorrelation).toBeLessThan(1e-12);
    }
  });

  it('misses exactly the total correlation when q(b|x) is correlated', () => {
    const rng = makeRng(32);
    for (let t = 0; t < 20; t++) {
      const dA = 1 + rng.int(3), dB = 2 + rng.int(3);
      const d = naiveBayesDecomposition(randomFactorisedPosterior(dA, dB, rng, false), randomFactorisedPrior(dA, dB, rng));
      expect(d.relError).toBeLessThan(1e-9);
      expect(d.gap).toBeGreaterThan(1e-6); // the Naive-Bayes form is then NOT exact
    }
  });

  it('TC of a bivariate Gaussian is −½ log(1−ρ²): 0 at ρ = 0, growing with |ρ|, matching Monte Carlo', () => {
    const rng = makeRng(33);
    let prev = -1;
    for (const rho of [0, 0.2, 0.5, 0.8, 0.95]) {
      const tc = totalCorrelation(correlatedCov2d(rho, 0.5, 3));
      expect(tc).toBeCloseTo(totalCorrelation2d(rho), 13);
      expect(tc).toBeGreaterThan(prev);
      prev = tc;
      if (rho > 0) expect(zScore(mcTotalCorrelation(gaussian([0, 1], correlatedCov2d(rho, 0.5, 3)), 5000, rng), tc)).toBeLessThan(4);
    }
    expect(() => totalCorrelation2d(1)).toThrow(/outside \(-1, 1\)/);
  });

  it("DeepDIVE's case (a from x only, p(a|b) = N(0,I)): the conditional term is KL(q(a|x)‖N(0,I))", () => {
    const rng = makeRng(34);
    const q = randomFactorisedPosterior(3, 2, rng, true);
    const qA0 = { ...q, A: { rows: 3, cols: 2, data: new Float64Array(6) } };
    const d = naiveBayesDecomposition(qA0, standardPrior(3, 2));
    expect(d.conditionalTerm).toBeCloseTo(klGaussian(gaussian(q.e, q.Sa), gaussian(new Float64Array(3), identity(3))), 12);
  });
});
