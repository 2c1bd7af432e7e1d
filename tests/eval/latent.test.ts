import { describe, expect, it } from 'vitest';
import {
  conditionalProbabilities,
  jointProbabilities,
  klDivergence,
  klGradient,
  pca,
  squaredDistances,
  symmetricEigen,
  tsne,
} from '../../lib/eval/latent';
import { makeRng, type Rng } from '../../lib/util/random';

/** A random orthonormal d×d matrix (Gram–Schmidt of normals), row-major, rows = basis vectors. */
function randomRotation(d: number, rng: Rng): Float64Array {
  const q = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    const v = Float64Array.from({ length: d }, () => rng.normal());
    for (let s = 0; s < r; s++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += v[k] * q[s * d + k];
      for (let k = 0; k < d; k++) v[k] -= dot * q[s * d + k];
    }
    const norm = Math.hypot(...v);
    for (let k = 0; k < d; k++) q[r * d + k] = v[k] / norm;
  }
  return q;
}

/** Labelled Gaussian blobs in `dims` dimensions, centres `spacing` apart along random directions. */
function blobs(k: number, perCluster: number, dims: number, spacing: number, rng: Rng) {
  const n = k * perCluster;
  const points = new Float64Array(n * dims);
  const labels = new Int32Array(n);
  const centres = Array.from({ length: k }, () => Float64Array.from({ length: dims }, () => spacing * rng.normal()));
  for (let i = 0; i < n; i++) {
    labels[i] = i % k;
    for (let j = 0; j < dims; j++) points[i * dims + j] = centres[labels[i]][j] + rng.normal();
  }
  return { points, labels, n };
}

/** Fraction of points whose `k` nearest embedded neighbours mostly share their label. */
function knnAgreement(embedding: Float64Array, labels: Int32Array, k: number): number {
  const n = labels.length;
  const d = squaredDistances(embedding, 2);
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const nearest = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((a, b) => d[i * n + a] - d[i * n + b])
      .slice(0, k);
    agree += nearest.filter((j) => labels[j] === labels[i]).length / k;
  }
  return agree / n;
}

describe('symmetricEigen', () => {
  it('diagonalises a random symmetric matrix with orthonormal eigenvectors', () => {
    const rng = makeRng(1);
    const d = 7;
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) a[i * d + j] = a[j * d + i] = rng.normal();
    const { values, vectors } = symmetricEigen(a, d);
    for (let r = 0; r < d; r++) {
      if (r > 0) expect(values[r]).toBeLessThanOrEqual(values[r - 1]);
      for (let i = 0; i < d; i++) {
        let av = 0;
        for (let j = 0; j < d; j++) av += a[i * d + j] * vectors[r * d + j];
        expect(av).toBeCloseTo(values[r] * vectors[r * d + i], 10);
      }
      for (let s = 0; s < d; s++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += vectors[r * d + k] * vectors[s * d + k];
        expect(dot).toBeCloseTo(r === s ? 1 : 0, 10);
      }
    }
    let trace = 0;
    for (let i = 0; i < d; i++) trace += a[i * d + i];
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 10);
  });
});

describe('pca', () => {
  it('recovers known principal axes and variances of rotated anisotropic data', () => {
    const rng = makeRng(2);
    const d = 4;
    const n = 4000;
    const sd = [5, 2, 0.5, 0.1];
    const rot = randomRotation(d, rng);
    const x = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const latent = sd.map((s) => s * rng.normal());
      for (let j = 0; j < d; j++) {
        let v = 10 - j; // non-zero mean
        for (let a = 0; a < d; a++) v += latent[a] * rot[a * d + j];
        x[i * d + j] = v;
      }
    }
    const r = pca(x, d, 2);
    for (let c = 0; c < 2; c++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += r.components[c * d + j] * rot[c * d + j];
      expect(Math.abs(dot)).toBeGreaterThan(0.999);
      // Sample variance of n normals: relative standard error sqrt(2/n) ≈ 2.2%.
      expect(Math.abs(r.explainedVariance[c] / sd[c] ** 2 - 1)).toBeLessThan(0.07);
    }
    const total = sd.reduce((s, v) => s + v * v, 0);
    expect(Math.abs(r.explainedVarianceRatio[0] / (25 / total) - 1)).toBeLessThan(0.03);
    expect(r.mean[0]).toBeCloseTo(10, 0);
    // Projected coordinates are uncorrelated with the component variances.
    let v0 = 0;
    let c01 = 0;
    for (let i = 0; i < n; i++) {
      v0 += r.projection[i * 2] ** 2;
      c01 += r.projection[i * 2] * r.projection[i * 2 + 1];
    }
    expect(v0 / (n - 1)).toBeCloseTo(r.explainedVariance[0], 8);
    expect(c01 / (n - 1)).toBeCloseTo(0, 8);
  });

  it('uses a deterministic sign and rejects bad shapes', () => {
    const x = [0, 0, 1, 2, 2, 4, 3, 6];
    const r = pca(x, 2, 1);
    expect(r.components[0]).toBeCloseTo(1 / Math.sqrt(5), 12);
    expect(r.components[1]).toBeCloseTo(2 / Math.sqrt(5), 12);
    expect(() => pca(x, 2, 3)).toThrow(/at most 2/);
    expect(() => pca(x, 3)).toThrow(/not a multiple of dims=3/);
    expect(() => pca([1, 2], 2)).toThrow(/at least 2 points/);
  });
});

describe('tsne', () => {
  it('calibrates each conditional distribution to the requested perplexity', () => {
    const { points, n } = blobs(3, 40, 5, 6, makeRng(3));
    const p = conditionalProbabilities(squaredDistances(points, 5), n, 15);
    for (const i of [0, 17, 119]) {
      let sum = 0;
      let h = 0;
      for (let j = 0; j < n; j++) {
        sum += p[i * n + j];
        if (p[i * n + j] > 0) h -= p[i * n + j] * Math.log(p[i * n + j]);
      }
      expect(sum).toBeCloseTo(1, 12);
      expect(Math.exp(h)).toBeCloseTo(15, 3);
    }
  });

  it('has an analytic KL gradient that matches central finite differences', () => {
    const { points, n } = blobs(2, 10, 3, 3, makeRng(8));
    const P = jointProbabilities(points, 3, 5);
    const rng = makeRng(9);
    const y = new Float64Array(2 * n).map(() => rng.normal());
    const grad = new Float64Array(2 * n);
    klGradient(P, y, n, grad);
    const h = 1e-6;
    for (const k of [0, 5, 17, 2 * n - 1]) {
      const yp = y.slice();
      const ym = y.slice();
      yp[k] += h;
      ym[k] -= h;
      const numeric = (klDivergence(P, yp, n) - klDivergence(P, ym, n)) / (2 * h);
      expect(grad[k]).toBeCloseTo(numeric, 6);
    }
    let total = 0;
    for (let i = 0; i < P.length; i++) total += P[i];
    expect(total).toBeCloseTo(1, 8);
  });

  it('keeps well-separated clusters separated (kNN label agreement > 0.9)', () => {
    const { points, labels } = blobs(3, 50, 10, 8, makeRng(4));
    const r = tsne(points, 10, { iterations: 400, seed: 5 });
    expect(knnAgreement(r.embedding, labels, 5)).toBeGreaterThan(0.9);
    expect(r.klDivergence).toBeGreaterThan(0);
    expect(r.klDivergence).toBeLessThan(2);
    // Random data with random labels does not get that agreement: the check can fail.
    const noise = tsne(blobs(3, 50, 10, 0, makeRng(6)).points, 10, { iterations: 200, seed: 5 });
    expect(knnAgreement(noise.embedding, labels, 5)).toBeLessThan(0.6);
  });

  it('is reproducible for a seed and changes with it', () => {
    const { points } = blobs(2, 30, 4, 5, makeRng(7));
    const a = tsne(points, 4, { perplexity: 10, iterations: 100, seed: 1 });
    const b = tsne(points, 4, { perplexity: 10, iterations: 100, seed: 1 });
    const c = tsne(points, 4, { perplexity: 10, iterations: 100, seed: 2 });
    expect(Array.from(a.embedding)).toEqual(Array.from(b.embedding));
    expect(Array.from(a.embedding)).not.toEqual(Array.from(c.embedding));
    const p = tsne(points, 4, { perplexity: 10, iterations: 100, init: 'pca' });
    expect(p.embedding.every(Number.isFinite)).toBe(true);
  });

  it('rejects too many points and impossible perplexities', () => {
    const x = new Float64Array(20 * 3).map((_, i) => Math.sin(i));
    expect(() => tsne(x, 3)).toThrow(/perplexity 30 must be in \(1, n − 1\) = \(1, 19\)/);
    expect(() => tsne(x, 3, { perplexity: 5, maxPoints: 10 })).toThrow(/subsample to at most 10 points/);
  });
});
