/**
 * The pieces of the sparse-rho experiment (docs/design.md §Sparse base-predictors, "The paper's
 * experiment"): the correlated-latent generator has the requested correlation and uniform
 * marginals, the mixing is invertible, the closed-form ridge inner solver is the ridge solution,
 * the relaxed-Lasso probe removes the ℓ₁ shrinkage, and one run is deterministic with its fields
 * in range.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Matrix, solve } from 'ml-matrix';
import { initBackend } from '../../lib/backend/select';
import { copulaCorrelation, correlatedFactors, meanPairwiseCorrelation, mixFactors, randomMixing } from '../../lib/methods/sparse/latents';
import { ridgeGram, solveGram } from '../../lib/methods/sparse/ridge';
import { gramOf, lassoGram } from '../../lib/methods/sparse/lasso';
import { implicitSolve, ridgeHyper } from '../../lib/methods/sparse/implicit';
import { regressionScores } from '../../lib/methods/sparse/pipeline';
import { QUICK_SPARSE } from '../../lib/methods/sparse/config';
import { regressionTask } from '../../lib/methods/sparse/tasks';
import { QUICK_SPARSE_RHO, RHO_FACTORS as M, runSparseRho, sparseRhoConfig } from '../../lib/methods/sparse/rho';
import { makeRng } from '../../lib/util/random';

beforeAll(async () => {
  await initBackend();
});

/** Pearson correlation of columns j and k of row-major [n, m] values. */
function corr(z: Float64Array, n: number, m: number, j: number, k: number): number {
  let mj = 0, mk = 0;
  for (let i = 0; i < n; i++) { mj += z[i * m + j] / n; mk += z[i * m + k] / n; }
  let sjk = 0, sj = 0, sk = 0;
  for (let i = 0; i < n; i++) {
    const a = z[i * m + j] - mj, b = z[i * m + k] - mk;
    sjk += a * b; sj += a * a; sk += b * b;
  }
  return sjk / Math.sqrt(sj * sk);
}

describe('correlated latent factors (latents.ts L1)', () => {
  const n = 20_000, m = 6;

  it('the copula parameter maps to the Pearson correlation ρ of the uniform factors: (6/π)·asin(r/2) = ρ', () => {
    for (const rho of [0, 0.3, 0.6, 0.9, 0.99]) expect((6 / Math.PI) * Math.asin(copulaCorrelation(rho) / 2)).toBeCloseTo(rho, 12);
    // r ≠ ρ: drawing the Gaussian at correlation ρ itself would give a smaller correlation.
    expect(copulaCorrelation(0.6)).toBeGreaterThan(0.6 + 0.01);
  });

  it.each([0, 0.3, 0.6, 0.9])('has pairwise sample correlation ρ = %s (every pair within 0.03, the mean within 0.015) and unit uniform marginals', (rho) => {
    const z = correlatedFactors(n, m, rho, makeRng(7));
    for (let j = 0; j < m; j++) for (let k = j + 1; k < m; k++) expect(Math.abs(corr(z, n, m, j, k) - rho), `pair ${j},${k}`).toBeLessThan(0.03);
    expect(Math.abs(meanPairwiseCorrelation(z, n, m) - rho)).toBeLessThan(0.015);
    for (let j = 0; j < m; j++) {
      let mu = 0, v = 0, lo = Infinity, hi = -Infinity;
      for (let i = 0; i < n; i++) { const x = z[i * m + j]; mu += x / n; v += (x * x) / n; lo = Math.min(lo, x); hi = Math.max(hi, x); }
      expect(Math.abs(mu)).toBeLessThan(0.03);
      expect(Math.abs(v - 1)).toBeLessThan(0.03);
      expect(lo).toBeGreaterThanOrEqual(-Math.sqrt(3));
      expect(hi).toBeLessThanOrEqual(Math.sqrt(3));
      // Uniform, not Gaussian: a quarter of the mass in each quarter of [−√3, √3].
      let inner = 0;
      for (let i = 0; i < n; i++) if (Math.abs(z[i * m + j]) < Math.sqrt(3) / 2) inner++;
      expect(inner / n).toBeCloseTo(0.5, 1);
    }
  });

  it('is deterministic in the stream, and ρ outside [0, 1) is a one-line error', () => {
    expect(correlatedFactors(50, m, 0.5, makeRng(3))).toEqual(correlatedFactors(50, m, 0.5, makeRng(3)));
    expect(() => correlatedFactors(5, m, 1, makeRng(3))).toThrow(/ρ must be in \[0, 1\)/);
  });
});

describe('the mixing (latents.ts L2)', () => {
  it('is invertible: undoing the orthogonal layers and the leaky ReLU, then least squares on the first layer, recovers z', () => {
    const m = 6, D = 16, n = 50;
    const mix = randomMixing(m, D, 3, 0.2, 5);
    const z = correlatedFactors(n, m, 0.6, makeRng(9));
    const x = mixFactors(mix, z, n);
    const A1 = new Matrix(Array.from({ length: D }, (_, r) => Array.from(mix.weights[0].subarray(r * m, (r + 1) * m))));
    for (let i = 0; i < n; i++) {
      let h = Array.from(x.subarray(i * D, (i + 1) * D));
      for (let l = mix.weights.length - 1; l >= 1; l--) {
        const A = mix.weights[l];
        const back = Array.from({ length: D }, (_, k) => h.reduce((s, v, r) => s + A[r * D + k] * v, 0)); // Aᵀh (A orthogonal)
        h = back.map((u) => (u > 0 ? u : u / mix.slope));
      }
      const zi = solve(A1, Matrix.columnVector(h)).to1DArray();
      for (let k = 0; k < m; k++) expect(zi[k]).toBeCloseTo(z[i * m + k], 9);
    }
  });
});

describe('the closed-form ridge inner solver (ridge.ts, S4)', () => {
  const T = 3, n = 25, m = 6;
  const r = makeRng(21);
  const phi = Float64Array.from({ length: T * n * m }, () => r.normal());
  const y = Float64Array.from({ length: T * n }, () => r.normal());
  const g = gramOf(phi, y, T, n, m);
  const { mu } = ridgeHyper(0.05)(g);

  it("uses the authors' λ₂ scaling μ = l2reg·‖Φ‖_F²/n", () => {
    for (let t = 0; t < T; t++) {
      let fro = 0;
      for (let k = 0; k < n * m; k++) fro += phi[t * n * m + k] ** 2;
      expect(mu[t]).toBeCloseTo((0.05 * fro) / n, 10);
    }
  });

  it('matches the ridge regression closed form, solved independently as least squares on [Φ/√n; √μ I] w = [y/√n; 0] (ml-matrix QR)', () => {
    const sol = ridgeGram(g, mu);
    for (let t = 0; t < T; t++) {
      const rows = [
        ...Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, a) => phi[(t * n + i) * m + a] / Math.sqrt(n))),
        ...Array.from({ length: m }, (_, a) => Array.from({ length: m }, (_, b) => (a === b ? Math.sqrt(mu[t]) : 0))),
      ];
      const rhs = [...Array.from({ length: n }, (_, i) => y[t * n + i] / Math.sqrt(n)), ...new Array<number>(m).fill(0)];
      const w = solve(new Matrix(rows), Matrix.columnVector(rhs)).to1DArray();
      for (let a = 0; a < m; a++) expect(sol.w[t * m + a]).toBeCloseTo(w[a], 10);
      expect(Array.from(sol.support[t])).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it('is what solveGram and the implicit inner solve use for ridge, and what coordinate descent converges to', () => {
    const closed = ridgeGram(g, mu);
    expect(solveGram(g, new Float64Array(T), mu).w).toEqual(closed.w);
    const cd = lassoGram(g, new Float64Array(T), mu);
    for (let k = 0; k < T * m; k++) expect(cd.w[k]).toBeCloseTo(closed.w[k], 9);
    const w = tf.tidy(() => implicitSolve(tf.tensor3d(Float32Array.from(phi), [T, n, m]), tf.tensor3d(Float32Array.from(y), [T, n, 1]), ridgeHyper(0.05)).dataSync());
    for (let k = 0; k < T * m; k++) expect(w[k]).toBeCloseTo(closed.w[k], 4);
  });
});

describe('the validation probe (relaxed Lasso, pipeline.ts regressionScores refit)', () => {
  it('fits noiseless sparse tasks on the true factors exactly wherever the Lasso found the support, where the Lasso head pays its shrinkage', () => {
    const n = 400;
    const z = correlatedFactors(n, M, 0.3, makeRng(2));
    const rng = makeRng(4);
    const tasks = Array.from({ length: 20 }, () => regressionTask({ n }, { values: z, columns: M }, 'sparse', 2, 0, 25, 25, rng));
    const lasso = regressionScores(z, M, tasks, 'lasso', { ...QUICK_SPARSE, l1reg: 0.1 });
    const relaxed = regressionScores(z, M, tasks, 'lasso', { ...QUICK_SPARSE, l1reg: 0.1 }, true);
    expect(relaxed.meanSupport).toBe(lasso.meanSupport);
    // Per task: exact where the chosen support holds the true one (a weak true coefficient may be dropped at 0.1·λ_max).
    let exact = 0;
    for (const t of tasks) {
      const one = regressionScores(z, M, [t], 'lasso', { ...QUICK_SPARSE, l1reg: 0.1 }, true);
      const shrunk = regressionScores(z, M, [t], 'lasso', { ...QUICK_SPARSE, l1reg: 0.1 });
      if (one.mse < 1e-10) exact++;
      else expect(one.meanSupport).toBeLessThan(2);
      expect(shrunk.mse).toBeGreaterThan(1e-4);
    }
    expect(exact).toBeGreaterThanOrEqual(15);
    expect(relaxed.mse).toBeLessThan(lasso.mse / 5);
  });
});

describe('one sparse-rho run (QUICK settings)', () => {
  it('scores its codes, adds Ridge + ICA for a ridge run only, and is deterministic', () => {
    const tensors = tf.memory().numTensors;
    const cfg = sparseRhoConfig({ rho: 0.6, inner: 'ridge', reg: 0.01, seed: 1 }, QUICK_SPARSE_RHO);
    const a = runSparseRho(cfg);
    const b = runSparseRho(cfg);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(a.own).toEqual(b.own);
    expect(a.ica).toEqual(b.ica);
    expect(Math.abs(a.realisedRho - 0.6)).toBeLessThan(0.06);
    for (const s of [a.own, a.ica!]) {
      expect(s.mcc.pearson).toBeGreaterThan(0);
      expect(s.mcc.pearson).toBeLessThanOrEqual(1);
      expect(s.probeValMse).toBeGreaterThan(0);
      expect(s.valTaskMse).toBeGreaterThan(0);
    }
    // Training is stopped by the validation tasks' outer loss: checked from step 0, every evalEvery steps, within the cap.
    expect(a.stop).toEqual(b.stop);
    expect(a.stop.checks.map((c) => c.step)).toEqual(Array.from({ length: a.stop.checks.length }, (_, i) => i * cfg.evalEvery));
    expect(a.stop.steps).toBeLessThanOrEqual(cfg.steps);
    expect(a.stop.converged).toBe(a.stop.steps < cfg.steps);
    const lasso = runSparseRho(sparseRhoConfig({ rho: 0.6, inner: 'lasso', reg: 0.1, seed: 1 }, QUICK_SPARSE_RHO));
    expect(lasso.ica).toBeUndefined();
    expect(() => sparseRhoConfig({ inner: 'lasso', reg: 1 })).toThrow(/reg must be < 1/);
    expect(() => sparseRhoConfig({ rho: 1 })).toThrow(/rho/);
    expect(() => sparseRhoConfig({ tasks: { supportSize: 7 } })).toThrow(/tasks.supportSize must be ≤ 6 \(the factors\)/);
  });
});
