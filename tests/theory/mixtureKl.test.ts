import { describe, expect, it } from 'vitest';
import { makeRng } from '../../lib/util/random';
import { zScore } from '../../lib/theory/montecarlo';
import {
  COMPONENT_FAMILIES,
  LOG_CONCAVE,
  boundAlongMean,
  componentLogPdf,
  crossEntropy,
  decisionRegions,
  expectedCrossEntropy,
  klToComponent,
  klToMixture,
  locationMixture,
  mcKlToMixture,
  minSecondDifference,
  mixture,
  mixtureKlDecomposition,
  responsibilities,
  type ComponentFamily,
} from '../../lib/theory/mixtureKl';
import { argminScalar, erf, gaussianExpectation, integrate, normalCdf } from '../../lib/theory/quadrature';

describe('quadrature', () => {
  it('integrates to ~1e-13 and erf/Φ are double precision', () => {
    expect(Math.abs(integrate((x) => Math.exp(-x * x), -12, 12).value - Math.sqrt(Math.PI))).toBeLessThan(1e-13);
    expect(Math.abs(integrate((x) => Math.abs(x - 0.3), -1, 1, { breakpoints: [0.3] }).value - (1.3 ** 2 + 0.7 ** 2) / 2)).toBeLessThan(1e-14);
    expect(Math.abs(erf(0.5) - 0.5204998778130465)).toBeLessThan(1e-15);
    expect(Math.abs(normalCdf(-3) - 0.0013498980316300946) / 0.0013498980316300946).toBeLessThan(1e-13);
    expect(Math.abs(gaussianExpectation({ mean: 1, sd: 2 }, (b) => b * b) - 5)).toBeLessThan(1e-12);
  });

  it('every component density integrates to 1', () => {
    for (const family of COMPONENT_FAMILIES) {
      const c = { family, loc: 0.4, scale: 0.8 };
      const R = family === 'cauchy' ? 1e7 : 60;
      // Cauchy: integrate in u = atan-like variable to reach the heavy tails.
      const total = family === 'cauchy'
        ? integrate((t) => Math.exp(componentLogPdf(c, 0.4 + 0.8 * Math.tan(t))) * 0.8 / Math.cos(t) ** 2, -Math.PI / 2 + 1e-12, Math.PI / 2 - 1e-12).value
        : integrate((b) => Math.exp(componentLogPdf(c, b)), -R, R, { breakpoints: [0.4] }).value;
      expect(Math.abs(total - 1)).toBeLessThan(1e-9);
    }
  });
});

function randomMixture(seed: number) {
  const rng = makeRng(seed);
  const K = 2 + rng.int(3);
  const w = Array.from({ length: K }, () => 0.1 + rng.uniform());
  const s = w.reduce((a, b) => a + b, 0);
  const weights = w.map((v) => v / s);
  weights[K - 1] = 1 - weights.slice(0, K - 1).reduce((a, b) => a + b, 0);
  const components = weights.map(() => ({ family: COMPONENT_FAMILIES[rng.int(4)], loc: 6 * rng.uniform() - 3, scale: 0.3 + 1.5 * rng.uniform() }));
  return { p: mixture(weights, components), y: rng.int(K), q: { mean: 6 * rng.uniform() - 3, sd: 0.2 + 1.5 * rng.uniform() }, rng };
}

describe('E3: KL to a mixture prior and the cross-entropy bound', () => {
  it('the exact identity KL(q‖p) = KL(q‖p_y) − log π_y − E_q[CE] holds to 1e-9 for every family mix', () => {
    for (let seed = 0; seed < 25; seed++) {
      const { p, y, q } = randomMixture(seed);
      const d = mixtureKlDecomposition(q, p, y);
      expect(d.relError).toBeLessThan(1e-9);
      expect(d.expectedCe).toBeGreaterThanOrEqual(0);
      // The bound holds for ANY components (CE ≥ 0), including the Cauchy control.
      expect(d.kl).toBeLessThanOrEqual(d.bound + 1e-12);
    }
  });

  it('quadrature KL agrees with Monte Carlo within 4 standard errors', () => {
    for (let seed = 100; seed < 106; seed++) {
      const { p, q, rng } = randomMixture(seed);
      expect(zScore(mcKlToMixture(q, p, 5000, rng), klToMixture(q, p))).toBeLessThan(4);
    }
  });

  it('closed-form KL(q‖Gaussian) and KL(q‖Laplace) match quadrature', () => {
    for (const family of ['gaussian', 'laplace'] as const) {
      for (const [m, sd] of [[0, 1], [2.5, 0.3], [-4, 2]]) {
        const c = { family, loc: 0.7, scale: 1.3 };
        const q = { mean: m, sd };
        const quad = -0.5 * Math.log(2 * Math.PI * Math.E * sd * sd) - gaussianExpectation(q, (b) => componentLogPdf(c, b), { breakpoints: [0.7] });
        expect(Math.abs(klToComponent(q, c) - quad)).toBeLessThan(1e-11);
      }
    }
  });

  it('responsibilities are a softmax and CE = −log r_y keeps precision when tiny', () => {
    const p = locationMixture('gaussian', [-30, 0, 30], [0.2, 0.5, 0.3], 1);
    const r = responsibilities(p, 0.3);
    expect(r.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    const ce = crossEntropy(p, 0, 1);
    expect(ce).toBeGreaterThan(0);
    expect(Math.abs(ce / ((0.2 / 0.5) * Math.exp(-450) + (0.3 / 0.5) * Math.exp(-450)) - 1)).toBeLessThan(1e-12);
  });

  it('log-concave common-scale components give one cluster per class; Cauchy and unequal widths do not', () => {
    const rng = makeRng(7);
    for (let t = 0; t < 15; t++) {
      const family = (['gaussian', 'laplace', 'logistic'] as ComponentFamily[])[t % 3];
      const K = 2 + rng.int(4);
      const centres = [0];
      for (let k = 1; k < K; k++) centres.push(centres[k - 1] + 0.2 + 3 * rng.uniform());
      const w = Array.from({ length: K }, () => 0.05 + rng.uniform());
      const s = w.reduce((a, b) => a + b, 0);
      const weights = w.map((v) => v / s);
      weights[K - 1] = 1 - weights.slice(0, K - 1).reduce((a, b) => a + b, 0);
      for (const runs of [decisionRegions(locationMixture(family, centres, weights, 1))]) expect(Math.max(...runs)).toBeLessThanOrEqual(1);
    }
    // Cauchy (not log-concave): the heaviest class reclaims both tails.
    expect(decisionRegions(locationMixture('cauchy', [0, 4, 8], [0.5, 0.3, 0.2], 1))).toEqual([2, 1, 1]);
    expect(decisionRegions(locationMixture('cauchy', [0, 4, 8], [0.3, 0.4, 0.3], 1))).toEqual([1, 3, 1]);
    // Same centres and weights, log-concave families: one interval each.
    for (const f of ['gaussian', 'laplace', 'logistic'] as const) expect(decisionRegions(locationMixture(f, [0, 4, 8], [0.5, 0.3, 0.2], 1))).toEqual([1, 1, 1]);
    // Gaussian RBFs with unequal widths: the wide one wins both tails.
    expect(decisionRegions(mixture([0.5, 0.5], [{ family: 'gaussian', loc: 0, scale: 1 }, { family: 'gaussian', loc: 2, scale: 3 }]))).toEqual([1, 2]);
    expect(LOG_CONCAVE.cauchy).toBe(false);
  });

  it('the bound is convex in q\'s mean with minimiser at the centre for log-concave p_y, non-convex for Cauchy', () => {
    const ms = Array.from({ length: 61 }, (_, i) => -6 + 0.2 * i);
    for (const family of COMPONENT_FAMILIES) {
      const p = locationMixture(family, [-2, 0, 2.5], [0.3, 0.4, 0.3], 1);
      const curvature = minSecondDifference(boundAlongMean(p, 1, 0.5, ms), 0.2);
      const best = argminScalar((m) => boundAlongMean(p, 1, 0.5, [m])[0], -6, 6, 61, 1e-10);
      expect(Math.abs(best.x)).toBeLessThan(1e-5); // symmetric component: mode at its centre either way
      if (LOG_CONCAVE[family]) expect(curvature).toBeGreaterThan(-1e-8);
      else expect(curvature).toBeLessThan(-0.01);
    }
  });

  it('the gap E_q[CE] vanishes exponentially with separation for log-concave components, polynomially for Cauchy', () => {
    const gap = (family: ComponentFamily, d: number) => expectedCrossEntropy({ mean: 0, sd: 0.5 }, locationMixture(family, [-d, 0, d], [0.3, 0.4, 0.3], 1), 1);
    for (const family of COMPONENT_FAMILIES) {
      const ratio = gap(family, 20) / gap(family, 10);
      if (LOG_CONCAVE[family]) expect(ratio).toBeLessThan(1e-3);
      else expect(ratio).toBeGreaterThan(0.2); // ≈ (10/20)² = 0.25
    }
    // Overlapping centres: loose for every family.
    for (const family of COMPONENT_FAMILIES) expect(gap(family, 0.5)).toBeGreaterThan(0.3);
  });

  it('the CE minimiser over q\'s mean approaches the mode like scale²·log(π_L/π_R)/(2d)', () => {
    const w = [0.2, 0.5, 0.3];
    let prevOffset = Infinity;
    for (const d of [4, 6, 8, 12]) {
      const p = locationMixture('gaussian', [-d, 0, d], w, 1);
      const best = argminScalar((m) => expectedCrossEntropy({ mean: m, sd: 0.2 }, p, 1), -d / 2, d / 2, 41, 1e-12);
      expect(Math.abs(best.x - Math.log(w[0] / w[2]) / (2 * d))).toBeLessThan(1e-4);
      expect(Math.abs(best.x)).toBeLessThan(prevOffset);
      prevOffset = Math.abs(best.x);
    }
  });

  it('bad mixtures are one-line UserErrors', () => {
    expect(() => mixture([0.5, 0.6], [{ family: 'gaussian', loc: 0, scale: 1 }, { family: 'gaussian', loc: 1, scale: 1 }])).toThrow(/sum to 1.1, not 1/);
    expect(() => mixture([1], [{ family: 'laplace', loc: 0, scale: 0 }])).toThrow(/component 0 has scale 0/);
    expect(() => mixtureKlDecomposition({ mean: 0, sd: 1 }, locationMixture('gaussian', [0, 1], [0.5, 0.5], 1), 2)).toThrow(/label 2 is not a component index 0..1/);
  });
});
