/**
 * Correlated latent factors and their observations, for the paper's experiment of MCC against the
 * correlation between the factors (Lachapelle et al. 2023; docs/design.md §Sparse base-predictors,
 * "The paper's experiment: MCC against ρ").
 *
 * Factors: m equicorrelated factors with uniform marginals on [−√3, √3] (mean 0, variance 1)
 * and pairwise Pearson correlation exactly ρ ∈ [0, 1), by a Gaussian copula:
 *
 *   g = √r·c·1 + √(1 − r)·e,   c ~ N(0, 1), e ~ N(0, I_m)      (Gaussian, corr(g_j, g_k) = r)
 *   z_k = √3·(2Φ(g_k) − 1),     r = 2 sin(πρ/6)                                            (L1)
 *
 * For a bivariate normal with correlation r, corr(Φ(g_j), Φ(g_k)) = (6/π)·arcsin(r/2) (Pearson,
 * 1895; the Spearman correlation of the normal), so r = 2 sin(πρ/6) gives Pearson ρ exactly.
 * ρ = 0 gives independent uniform factors — the authors' "uniform" evaluation distribution, and
 * ICA's favourable case (non-Gaussian independent sources). The authors' own correlated factors
 * are the standardised (jittered) 3DShapes factors, reweighted by an equicorrelated Gaussian
 * density (`harder_gauss_ρ`): a Gaussian truncated to the same box, whose correlation is somewhat
 * below its parameter ρ; ours keeps ρ the factors' actual correlation.
 *
 * Observations: x = f(z) ∈ R^D through a random injective leaky-ReLU MLP (ours: the authors
 * render 3DShapes images),
 *
 *   h_1 = A_1 z,   h_{l+1} = A_{l+1} σ(h_l),   x = h_L,   σ(u) = max(u, s·u)                 (L2)
 *
 * with A_1 [D, m] Gaussian (full column rank almost surely, D ≥ m) and A_2..A_L random orthogonal
 * [D, D] (Gram–Schmidt of a Gaussian matrix), so f is invertible on its image and the factors are
 * identifiable from x only up to what the learning method pins down.
 */
import { normalCdf } from '../../theory/quadrature';
import { UserError } from '../../util/errors';
import { makeRng, type Rng } from '../../util/random';

/** The copula parameter r of (L1) that gives Pearson correlation ρ between the uniform factors. */
export function copulaCorrelation(rho: number): number {
  return 2 * Math.sin((Math.PI * rho) / 6);
}

/** n rows of m factors (row-major [n, m]) with uniform marginals and pairwise correlation ρ (L1). */
export function correlatedFactors(n: number, m: number, rho: number, rng: Rng): Float64Array {
  if (!(rho >= 0 && rho < 1)) throw new UserError(`factor correlation ρ must be in [0, 1), got ${rho}`);
  const r = copulaCorrelation(rho);
  const a = Math.sqrt(r), b = Math.sqrt(1 - r);
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const c = rng.normal();
    for (let k = 0; k < m; k++) out[i * m + k] = Math.sqrt(3) * (2 * normalCdf(a * c + b * rng.normal()) - 1);
  }
  return out;
}

/** Mean pairwise Pearson correlation between the m columns of row-major [n, m] values. */
export function meanPairwiseCorrelation(z: ArrayLike<number>, n: number, m: number): number {
  const mean = new Float64Array(m), sd = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) mean[k] += z[i * m + k] / n;
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) sd[k] += (z[i * m + k] - mean[k]) ** 2 / n;
  let s = 0, pairs = 0;
  for (let j = 0; j < m; j++) for (let k = j + 1; k < m; k++) {
    let c = 0;
    for (let i = 0; i < n; i++) c += ((z[i * m + j] - mean[j]) * (z[i * m + k] - mean[k])) / n;
    s += c / Math.sqrt(sd[j] * sd[k]);
    pairs++;
  }
  return pairs > 0 ? s / pairs : 0;
}

/** A random injective leaky-ReLU MLP (L2): weights row-major, the first [D, m], the rest [D, D]. */
export interface Mixing {
  readonly factors: number;
  readonly observed: number;
  readonly slope: number;
  readonly weights: readonly Float64Array[];
}

/** Rows of a [D, D] Gaussian matrix orthonormalised (modified Gram–Schmidt; a random orthogonal matrix). */
function randomOrthogonal(D: number, rng: Rng): Float64Array {
  const q = Float64Array.from({ length: D * D }, () => rng.normal());
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < i; j++) {
      let d = 0;
      for (let k = 0; k < D; k++) d += q[i * D + k] * q[j * D + k];
      for (let k = 0; k < D; k++) q[i * D + k] -= d * q[j * D + k];
    }
    let norm = 0;
    for (let k = 0; k < D; k++) norm += q[i * D + k] ** 2;
    norm = Math.sqrt(norm);
    for (let k = 0; k < D; k++) q[i * D + k] /= norm;
  }
  return q;
}

/** The mixing (L2) of a seed: `layers` ≥ 1 linear maps with leaky ReLU (slope `slope`) between them. */
export function randomMixing(factors: number, observed: number, layers: number, slope: number, seed: number): Mixing {
  if (observed < factors) throw new UserError(`the mixing needs observed ≥ factors to be injective, got ${observed} < ${factors}`);
  if (!(slope > 0 && slope <= 1)) throw new UserError(`leaky-ReLU slope must be in (0, 1] (invertible), got ${slope}`);
  const rng = makeRng(seed);
  const first = Float64Array.from({ length: observed * factors }, () => rng.normal() / Math.sqrt(factors));
  const rest = Array.from({ length: layers - 1 }, () => randomOrthogonal(observed, rng));
  return { factors, observed, slope, weights: [first, ...rest] };
}

/** Observations x = f(z) (L2) of row-major factors [n, m]: row-major [n, D]. */
export function mixFactors(mixing: Mixing, z: ArrayLike<number>, n: number): Float64Array {
  const { factors: m, observed: D, slope, weights } = mixing;
  const out = new Float64Array(n * D);
  const h = new Float64Array(D), next = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < D; r++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += weights[0][r * m + k] * z[i * m + k];
      h[r] = s;
    }
    for (let l = 1; l < weights.length; l++) {
      const A = weights[l];
      for (let r = 0; r < D; r++) {
        let s = 0;
        for (let k = 0; k < D; k++) s += A[r * D + k] * (h[k] > 0 ? h[k] : slope * h[k]);
        next[r] = s;
      }
      h.set(next);
    }
    out.set(h, i * D);
  }
  return out;
}
