/**
 * Seeded random parameter draws for the property checks: dense matrices, well-conditioned
 * covariance matrices and Gaussians. Same seed → same parameters.
 */
import type { Rng } from '../util/random';
import { type Gaussian, gaussian } from './gaussian';
import { type Matrix, zeros } from '../math/linalg';

/** rows × cols matrix with i.i.d. N(0, scale²) entries. */
export function randomMatrix(rows: number, cols: number, rng: Rng, scale = 1): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = scale * rng.normal();
  return m;
}

/** A vector with i.i.d. N(0, scale²) entries. */
export function randomVector(n: number, rng: Rng, scale = 1): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = scale * rng.normal();
  return v;
}

/**
 * A random symmetric positive-definite n × n matrix B Bᵀ / n + floor·I, B with N(0, scale²)
 * entries: eigenvalues are ≥ floor and typically O(scale²), so conditioning stays moderate.
 */
export function randomSpd(n: number, rng: Rng, scale = 1, floor = 0.1): Matrix {
  const b = randomMatrix(n, n, rng, scale);
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += b.data[i * n + k] * b.data[j * n + k];
      s /= n;
      m.data[i * n + j] = s;
      m.data[j * n + i] = s;
    }
    m.data[i * n + i] += floor;
  }
  return m;
}

/** N(μ, Σ) with μ ~ N(0, meanScale² I) and Σ from randomSpd. */
export function randomGaussian(d: number, rng: Rng, meanScale = 1, covScale = 1): Gaussian {
  return gaussian(randomVector(d, rng, meanScale), randomSpd(d, rng, covScale));
}

/** Uniform in [lo, hi). */
export function uniformIn(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform();
}
