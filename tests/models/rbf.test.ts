import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { ParamStore } from '../../lib/models/nn';
import { RbfLayer, logBesselI0 } from '../../lib/models/rbf';
import { mixture, responsibilities } from '../../lib/theory/mixtureKl';

/** I₀(κ) by its power series Σ (κ/2)^{2m} / (m!)², in float64 (independent of the layer's approximation). */
function besselI0(k: number): number {
  let term = 1;
  let sum = 1;
  for (let m = 1; m < 200; m++) {
    term *= (k / 2) ** 2 / (m * m);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

function layer(freq: number[], centres: number[], widths: number[], geometry: 'line' | 'circle' = 'line'): { rbf: RbfLayer; store: ParamStore } {
  const store = new ParamStore(0);
  const rbf = new RbfLayer(store, 'rbf', 'r', freq, { span: 3, geometry });
  rbf.centres.assign(tf.tensor1d(centres));
  rbf.logWidths.assign(tf.tensor1d(widths.map(Math.log)));
  return { rbf, store };
}

describe('RBF layer is the Bayes posterior of its mixture (docs/paper.md E3)', () => {
  it('memberships equal the Bayes posterior for unequal widths (centres ±1, σ = 0.5 and 2, b = 0 → r₀ = 0.380)', () => {
    const { rbf, store } = layer([1, 1], [-1, 1], [0.5, 2]);
    const r = tf.tidy(() => rbf.memberships(tf.tensor1d([0])).arraySync());
    // By hand: N(0; −1, 0.25) = e^{−2}/(0.5√(2π)), N(0; 1, 4) = e^{−1/8}/(2√(2π)).
    const p0 = Math.exp(-2) / 0.5;
    const p1 = Math.exp(-1 / 8) / 2;
    expect(r[0][0]).toBeCloseTo(p0 / (p0 + p1), 5);
    expect(r[0][0]).toBeCloseTo(0.38, 2);
    // Control: without the −log σ_k normaliser the softmax gives 0.133 here.
    const unnormalised = Math.exp(-2) / (Math.exp(-2) + Math.exp(-1 / 8));
    expect(unnormalised).toBeCloseTo(0.133, 3);
    expect(Math.abs(r[0][0] - unnormalised)).toBeGreaterThan(0.2);
    rbf.dispose();
    store.dispose();
  });

  it('memberships match the float64 mixture of lib/theory for random unequal widths and priors', () => {
    const K = 4;
    const freq = [1, 2, 3, 4];
    const centres = [-2.2, -0.4, 0.9, 2.5];
    const widths = [0.3, 1.7, 0.6, 1.1];
    const { rbf, store } = layer(freq, centres, widths);
    const total = freq.reduce((s, v) => s + v, 0);
    const prior = mixture(freq.map((f) => f / total), centres.map((c, k) => ({ family: 'gaussian' as const, loc: c, scale: widths[k] })));
    const grid = Array.from({ length: 81 }, (_, i) => -5 + i / 8);
    const got = tf.tidy(() => rbf.memberships(tf.tensor1d(grid)).arraySync());
    grid.forEach((b, i) => {
      const want = responsibilities(prior, b);
      for (let k = 0; k < K; k++) expect(Math.abs(got[i][k] - want[k])).toBeLessThan(2e-5);
    });
    rbf.dispose();
    store.dispose();
  });

  it('logsumexp of the logits is the normalised mixture log density (integrates to 1)', () => {
    const { rbf, store } = layer([1, 3], [-1, 1.5], [0.4, 1.3]);
    const grid = Array.from({ length: 4001 }, (_, i) => -12 + (24 * i) / 4000);
    const logp = tf.tidy(() => tf.logSumExp(rbf.logits(tf.tensor1d(grid)), 1).arraySync() as number[]);
    const h = 24 / 4000;
    const mass = logp.reduce((s, v) => s + Math.exp(v), 0) * h;
    expect(mass).toBeCloseTo(1, 4);
    rbf.dispose();
    store.dispose();
  });
});

describe('cyclic labels: von Mises components on a circle', () => {
  it('log I₀ matches the power series from 10⁻³ to 60 (both branches)', () => {
    const ks = [1e-3, 0.1, 1, 2.5, 3.74, 3.76, 5, 10, 25, 60];
    const got = tf.tidy(() => logBesselI0(tf.tensor1d(ks)).arraySync() as number[]);
    ks.forEach((k, i) => expect(Math.abs(got[i] - Math.log(besselI0(k)))).toBeLessThan(2e-6 * Math.max(1, Math.log(besselI0(k)))));
    // Gradients are finite on both sides of the branch point (d/dκ log I₀ = I₁/I₀ ∈ (0, 1)).
    const g = tf.tidy(() => tf.grad((k: tf.Tensor) => tf.sum(logBesselI0(k)))(tf.tensor1d(ks)).arraySync() as number[]);
    g.forEach((v) => expect(v > 0 && v < 1).toBe(true));
  });

  it('centres start on the circle and the last hour neighbours the first', () => {
    const K = 24;
    const store = new ParamStore(0);
    const rbf = new RbfLayer(store, 'rbf', 'hour', new Array<number>(K).fill(1), { span: 3, geometry: 'circle' });
    const c = Array.from(rbf.centres.dataSync());
    expect(c[0]).toBe(0);
    expect(c[K - 1]).toBeCloseTo((2 * Math.PI * (K - 1)) / K, 5);
    // Halfway between hour 23 and hour 0 (angle 2π − π/24): the two are tied and the most likely.
    const r = tf.tidy(() => rbf.memberships(tf.tensor1d([2 * Math.PI - Math.PI / K])).arraySync()[0]);
    expect(r[0]).toBeCloseTo(r[K - 1], 5);
    const order = r.map((v, k) => [v, k]).sort((a, b) => b[0] - a[0]).map(([, k]) => k);
    expect(new Set(order.slice(0, 2))).toEqual(new Set([0, K - 1]));
    // A line of centres instead puts hour 23 as far from hour 0 as it can be.
    rbf.dispose();
    store.dispose();
  });

  it('memberships equal the von Mises mixture posterior for unequal concentrations', () => {
    const centres = [0.3, 2.0, 4.1];
    const widths = [0.4, 1.2, 0.7];
    const freq = [2, 1, 1];
    const { rbf, store } = layer(freq, centres, widths, 'circle');
    const grid = Array.from({ length: 50 }, (_, i) => -7 + (14 * i) / 49);
    const got = tf.tidy(() => rbf.memberships(tf.tensor1d(grid)).arraySync());
    grid.forEach((b, i) => {
      const w = centres.map((c, k) => {
        const kappa = 1 / widths[k] ** 2;
        return (freq[k] / 4) * Math.exp(kappa * Math.cos(b - c)) / (2 * Math.PI * besselI0(kappa));
      });
      const z = w.reduce((s, v) => s + v, 0);
      w.forEach((v, k) => expect(Math.abs(got[i][k] - v / z)).toBeLessThan(1e-4));
    });
    rbf.dispose();
    store.dispose();
  });
});

describe('KL(q(b|x) ‖ p_y) of the labelled component', () => {
  /** ∫ q log(q/p) by the trapezoid rule on a wide grid, float64. */
  function numericKl(mu: number, sd: number, logp: (b: number) => number, lo: number, hi: number, wrap = false): number {
    const n = 20000;
    const h = (hi - lo) / n;
    let s = 0;
    for (let i = 0; i <= n; i++) {
      const b = lo + i * h;
      let q = 0;
      const wraps = wrap ? [-3, -2, -1, 0, 1, 2, 3] : [0];
      for (const j of wraps) q += Math.exp(-((b + 2 * Math.PI * j - mu) ** 2) / (2 * sd * sd)) / (sd * Math.sqrt(2 * Math.PI));
      if (q > 0) s += (i === 0 || i === n ? 0.5 : 1) * q * (Math.log(q) - logp(b));
    }
    return s * h;
  }

  it('line: closed form equals the integral', () => {
    const { rbf, store } = layer([1, 1, 1], [-2, 0, 2], [0.7, 1.5, 0.4]);
    const cases = [{ mu: 0.3, sd: 0.5, y: 0 }, { mu: -1, sd: 1.2, y: 1 }, { mu: 2.2, sd: 0.1, y: 2 }];
    const got = tf.tidy(() => rbf.componentKl(tf.tensor1d(cases.map((c) => c.mu)), tf.tensor1d(cases.map((c) => 2 * Math.log(c.sd))), tf.tensor1d(cases.map((c) => c.y), 'int32')).arraySync() as number[]);
    const centres = [-2, 0, 2];
    const widths = [0.7, 1.5, 0.4];
    cases.forEach((c, i) => {
      const logp = (b: number): number => -((b - centres[c.y]) ** 2) / (2 * widths[c.y] ** 2) - Math.log(widths[c.y]) - 0.5 * Math.log(2 * Math.PI);
      expect(got[i]).toBeCloseTo(numericKl(c.mu, c.sd, logp, c.mu - 12 * c.sd, c.mu + 12 * c.sd), 4);
    });
    rbf.dispose();
    store.dispose();
  });

  it('circle: the KL of the wrapped q with the von Mises component, for σ ≤ 0.5 rad (the clip), and not beyond', () => {
    const centres = [0, 2.1, 4.2];
    const widths = [0.5, 0.9, 1.4];
    const { rbf, store } = layer([1, 1, 1], centres, widths, 'circle');
    const cases = [{ mu: 0.4, sd: 0.3, y: 0 }, { mu: 6.5, sd: 0.5, y: 0 }, { mu: 1.0, sd: 0.5, y: 2 }, { mu: 1.0, sd: 1.0, y: 2 }];
    const got = tf.tidy(() => rbf.componentKl(tf.tensor1d(cases.map((c) => c.mu)), tf.tensor1d(cases.map((c) => 2 * Math.log(c.sd))), tf.tensor1d(cases.map((c) => c.y), 'int32')).arraySync() as number[]);
    cases.forEach((c, i) => {
      const kappa = 1 / widths[c.y] ** 2;
      const logp = (b: number): number => kappa * Math.cos(b - centres[c.y]) - Math.log(2 * Math.PI * besselI0(kappa));
      const want = numericKl(c.mu, c.sd, logp, 0, 2 * Math.PI, true);
      // Within the clip the Gaussian entropy is the wrapped one; at σ = 1 rad it is not (why the clip).
      if (c.sd <= 0.5) expect(Math.abs(got[i] - want)).toBeLessThan(2e-5);
      else expect(Math.abs(got[i] - want)).toBeGreaterThan(1e-4);
    });
    rbf.dispose();
    store.dispose();
  });
});
