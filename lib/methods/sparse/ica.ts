/**
 * FastICA (Hyvärinen 1999) for the ridge + ICA baseline (docs/design.md §Sparse base-predictors,
 * S6): the parallel (symmetric) algorithm with the logcosh contrast, as scikit-learn's
 * `FastICA(algorithm='parallel', fun='logcosh')`, in float64 TypeScript, seeded.
 *
 *   whitening:  z = D^{-1/2} Eᵀ (x − x̄),  Cov(x) = E D Eᵀ
 *   update:     W⁺ = E[g(Wz) zᵀ] − diag(E[g′(Wz)]) W,  g(u) = tanh(u), g′(u) = 1 − tanh²(u)
 *   decorrelate W ← (WWᵀ)^{-1/2} W;  stop when max_i |1 − |⟨w_i⁺, w_i⟩|| < tol
 *
 * The fitted map is affine, s = K (x − x̄) with K = W D^{-1/2} Eᵀ, so it applies to new points.
 */
import { symmetricEigen } from '../../eval/latent';
import { UserError } from '../../util/errors';
import { makeRng } from '../../util/random';
import { defaultsOf, parseConfig, z } from '../../util/config';

export const FastIcaSchema = z.strictObject({
  maxIter: z.int().min(1).default(200).describe('Iterations at most (scikit-learn).'),
  tol: z.number().positive().default(1e-4).describe('Convergence tolerance (scikit-learn).'),
  seed: z.int().default(0).describe('Seed of the initial unmixing matrix.'),
});
export type FastIcaConfig = z.output<typeof FastIcaSchema>;
export const DEFAULT_FAST_ICA: FastIcaConfig = defaultsOf(FastIcaSchema);

export interface FastIcaModel {
  readonly d: number;
  readonly mean: Float64Array;
  /** Row-major [d, d] map K: s = K (x − x̄). */
  readonly unmixing: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}

/** (M Mᵀ)^{-1/2} M for a row-major [d, d] matrix M. */
function symmetricDecorrelation(M: Float64Array, d: number): Float64Array {
  const mmt = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += M[i * d + k] * M[j * d + k];
    mmt[i * d + j] = s;
  }
  const { values, vectors } = symmetricEigen(mmt, d);
  // (MMᵀ)^{-1/2} = Σ_r u_r u_rᵀ / √λ_r (rows of `vectors` are eigenvectors).
  const inv = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    const f = 1 / Math.sqrt(Math.max(values[r], 1e-300));
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) inv[i * d + j] += f * vectors[r * d + i] * vectors[r * d + j];
  }
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += inv[i * d + k] * M[k * d + j];
    out[i * d + j] = s;
  }
  return out;
}

/** Fit FastICA on row-major points [n, d]. */
export function fitFastIca(x: ArrayLike<number>, n: number, d: number, partial: Partial<FastIcaConfig> = {}): FastIcaModel {
  const cfg = parseConfig(FastIcaSchema, partial, 'fastIca');
  if (n < d + 1) throw new UserError(`FastICA needs more points than dimensions (${n} points, ${d} dims); pass more codes`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] += ((x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b])) / n;
  const eig = symmetricEigen(cov, d);
  if (!(eig.values[d - 1] > 1e-12 * Math.max(eig.values[0], 1e-300))) throw new UserError(`FastICA: the ${d} code dimensions are linearly dependent (smallest variance ${eig.values[d - 1]}); use fewer codes`);
  // Whitening matrix P = D^{-1/2} Eᵀ: row r = u_r / √λ_r.
  const P = new Float64Array(d * d);
  for (let r = 0; r < d; r++) for (let j = 0; j < d; j++) P[r * d + j] = eig.vectors[r * d + j] / Math.sqrt(eig.values[r]);
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let r = 0; r < d; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += P[r * d + j] * (x[i * d + j] - mean[j]);
    z[i * d + r] = s;
  }
  const rng = makeRng(cfg.seed);
  let W = symmetricDecorrelation(Float64Array.from({ length: d * d }, () => rng.normal()), d);
  let it = 0, converged = false;
  const u = new Float64Array(d);
  for (; it < cfg.maxIter && !converged; it++) {
    const next = new Float64Array(d * d), gp = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < d; r++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += W[r * d + j] * z[i * d + j];
        u[r] = Math.tanh(s);
        gp[r] += (1 - u[r] * u[r]) / n;
      }
      for (let r = 0; r < d; r++) for (let j = 0; j < d; j++) next[r * d + j] += (u[r] * z[i * d + j]) / n;
    }
    for (let r = 0; r < d; r++) for (let j = 0; j < d; j++) next[r * d + j] -= gp[r] * W[r * d + j];
    const Wn = symmetricDecorrelation(next, d);
    let lim = 0;
    for (let r = 0; r < d; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Wn[r * d + j] * W[r * d + j];
      lim = Math.max(lim, Math.abs(Math.abs(s) - 1));
    }
    W = Wn;
    converged = lim < cfg.tol;
  }
  const K = new Float64Array(d * d);
  for (let r = 0; r < d; r++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += W[r * d + k] * P[k * d + j];
    K[r * d + j] = s;
  }
  return { d, mean, unmixing: K, iterations: it, converged };
}

/** Sources of points [n, d] under a fitted model: s = K (x − x̄). */
export function applyFastIca(model: FastIcaModel, x: ArrayLike<number>, n: number): Float64Array {
  const d = model.d;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let r = 0; r < d; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += model.unmixing[r * d + j] * (x[i * d + j] - model.mean[j]);
    out[i * d + r] = s;
  }
  return out;
}
