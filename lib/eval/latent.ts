/**
 * 2-D maps of latent codes for scatter figures ("latent space coloured by each label"):
 * - {@link pca}: principal components by ml-pca (SVD of the centred data), with our
 *   deterministic sign convention; {@link symmetricEigen} is ml-matrix's symmetric
 *   EigenvalueDecomposition;
 * - {@link tsne}: exact t-SNE (van der Maaten & Hinton 2008), O(n²) per iteration, for up to
 *   2,000 points, seeded.
 * t-SNE is ours: the npm t-SNE packages draw their initialisation from Math.random (not seedable).
 * Float64 throughout.
 */
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { PCA } from 'ml-pca';
import { UserError } from '../util/errors';
import { makeRng } from '../util/random';
import { assertFinite, assertPositiveInt, type NumericArray } from './arrays';

/** Eigen-decomposition of a real symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues in decreasing order, length d. */
  readonly values: Float64Array;
  /** Row-major [d, d]: row i is the unit eigenvector of `values[i]`. */
  readonly vectors: Float64Array;
}

/**
 * Eigen-decomposition of a symmetric row-major [d, d] matrix (the input is not modified), by
 * ml-matrix's EigenvalueDecomposition (Householder tridiagonalisation + QL, JAMA's tred2/tql2),
 * reordered largest eigenvalue first. Eigenvector signs are the library's.
 */
export function symmetricEigen(matrix: ArrayLike<number>, d: number): SymmetricEigen {
  assertPositiveInt(d, 'matrix size');
  if (matrix.length !== d * d) throw new UserError(`matrix has ${matrix.length} entries, expected ${d}×${d}`);
  const m = new MlMatrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m.set(i, j, matrix[i * d + j]);
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => lambda[j] - lambda[i]);
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((col, r) => {
    values[r] = lambda[col];
    for (let k = 0; k < d; k++) vectors[r * d + k] = vecs.get(k, col);
  });
  return { values, vectors };
}

/** A fitted PCA and the projected points. */
export interface PcaResult {
  /** Row-major [n, components] coordinates of the centred points on the components. */
  readonly projection: Float64Array;
  /** Row-major [components, dims] unit principal axes, largest variance first. */
  readonly components: Float64Array;
  /** Per-dimension mean subtracted before projecting, length dims. */
  readonly mean: Float64Array;
  /** Variance along each component (covariance eigenvalue, n − 1 denominator). */
  readonly explainedVariance: Float64Array;
  /** explainedVariance / total variance. */
  readonly explainedVarianceRatio: Float64Array;
}

/**
 * Principal component analysis of row-major [n, dims] points.
 * Sign convention (deterministic output): each component's largest-magnitude loading is positive.
 * @param components number of components kept (default 2, for scatter plots).
 */
export function pca(points: NumericArray, dims: number, components = 2): PcaResult {
  assertPositiveInt(dims, 'dims');
  assertPositiveInt(components, 'components');
  if (points.length % dims !== 0) {
    throw new UserError(`points have ${points.length} entries, not a multiple of dims=${dims}; pass the latent width`);
  }
  const n = points.length / dims;
  if (n < 2) throw new UserError('PCA needs at least 2 points');
  if (components > dims) throw new UserError(`cannot keep ${components} components of ${dims}-dimensional points; ask for at most ${dims}`);
  assertFinite(points, dims, 'points', 'the encoder produced non-finite codes');
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: dims }, (_, j) => points[i * dims + j]));
  // ml-pca: centre (no scaling), SVD of the centred data; eigenvalues = σ² / (n − 1).
  const model = new PCA(rows, { method: 'SVD', center: true, scale: false });
  const axes = model.getEigenvectors(); // [dims, min(n, dims)], column c = axis c
  const variances = model.getEigenvalues();
  if (components > axes.columns) throw new UserError(`cannot keep ${components} components of ${n} points; ask for at most ${axes.columns}`);
  const mean = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) mean[j] += points[i * dims + j];
  for (let j = 0; j < dims; j++) mean[j] /= n;
  let totalVariance = 0;
  for (const v of variances) totalVariance += v;
  const comps = new Float64Array(components * dims);
  const explainedVariance = new Float64Array(components);
  const explainedVarianceRatio = new Float64Array(components);
  for (let c = 0; c < components; c++) {
    let big = 0;
    for (let j = 0; j < dims; j++) {
      const x = axes.get(j, c);
      if (Math.abs(x) > Math.abs(big)) big = x;
    }
    const sign = big < 0 ? -1 : 1;
    for (let j = 0; j < dims; j++) comps[c * dims + j] = sign * axes.get(j, c);
    explainedVariance[c] = Math.max(0, variances[c]);
    explainedVarianceRatio[c] = totalVariance > 0 ? explainedVariance[c] / totalVariance : 0;
  }
  const projection = new Float64Array(n * components);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < components; c++) {
      let s = 0;
      for (let j = 0; j < dims; j++) s += (points[i * dims + j] - mean[j]) * comps[c * dims + j];
      projection[i * components + c] = s;
    }
  }
  return { projection, components: comps, mean, explainedVariance, explainedVarianceRatio };
}

/** Options of {@link tsne}; every field has a documented default. */
export interface TsneConfig {
  /** Effective number of neighbours of each point (default 30); must be < n − 1. */
  readonly perplexity?: number;
  /** Gradient-descent iterations (default 1000). */
  readonly iterations?: number;
  /** Step size; default 'auto' = max(n / earlyExaggeration / 4, 50) (Belkina et al. 2019, as sklearn). */
  readonly learningRate?: number | 'auto';
  /** Factor multiplying P during the first iterations (default 12). */
  readonly earlyExaggeration?: number;
  /** Number of exaggerated iterations, also when momentum rises 0.5 → 0.8 (default 250). */
  readonly exaggerationIterations?: number;
  /** 'random': N(0, 1e-4²) seeded (default); 'pca': first two PCs scaled to std 1e-4. */
  readonly init?: 'random' | 'pca';
  /** Seed of the random initialisation (default 0). */
  readonly seed?: number;
  /** Refuse inputs with more points than this (default 2000): exact t-SNE is O(n²). */
  readonly maxPoints?: number;
}

export const TSNE_DEFAULTS = {
  perplexity: 30,
  iterations: 1000,
  earlyExaggeration: 12,
  exaggerationIterations: 250,
  init: 'random',
  seed: 0,
  maxPoints: 2000,
} as const;

/** A t-SNE embedding. */
export interface TsneResult {
  /** Row-major [n, 2] embedding coordinates (centred). */
  readonly embedding: Float64Array;
  /** Final KL(P || Q) in nats (without exaggeration). */
  readonly klDivergence: number;
  /** The learning rate used (resolves 'auto'). */
  readonly learningRate: number;
}

/** Squared Euclidean distances between the rows of a row-major [n, dims] array, [n, n]. */
export function squaredDistances(points: NumericArray, dims: number): Float64Array {
  const n = points.length / dims;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dims; k++) {
        const e = points[i * dims + k] - points[j * dims + k];
        s += e * e;
      }
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/**
 * Conditional neighbour probabilities p_{j|i} ∝ exp(−β_i ‖x_i − x_j‖²), with each β_i found by
 * bisection so that the row's entropy is log(perplexity) nats (to 1e-5).
 * @param distSq [n, n] squared distances.
 * @returns row-major [n, n] rows summing to 1, zero diagonal.
 */
export function conditionalProbabilities(distSq: Float64Array, n: number, perplexity: number): Float64Array {
  const target = Math.log(perplexity);
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = 0;
    let hi = Infinity;
    // Shift by the nearest neighbour's distance so exp() never underflows the whole row.
    let dmin = Infinity;
    for (let j = 0; j < n; j++) if (j !== i && distSq[i * n + j] < dmin) dmin = distSq[i * n + j];
    for (let it = 0; it < 200; it++) {
      let sum = 0;
      let dsum = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const d = distSq[i * n + j] - dmin;
        const e = Math.exp(-beta * d);
        p[i * n + j] = e;
        sum += e;
        dsum += d * e;
      }
      // H = log Σ e + β Σ d e / Σ e
      const h = Math.log(sum) + (beta * dsum) / sum;
      for (let j = 0; j < n; j++) p[i * n + j] /= sum;
      if (Math.abs(h - target) < 1e-5) break;
      if (h > target) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = (beta + lo) / 2;
      }
    }
    p[i * n + i] = 0;
  }
  return p;
}

/**
 * Gradient of KL(αP || Q) with respect to the 2-D embedding y (α = exaggeration, 1 = plain):
 *
 *     ∂KL/∂y_i = 4 Σ_j (α p_ij − q_ij) w_ij (y_i − y_j),   w_ij = 1 / (1 + ‖y_i − y_j‖²),  q_ij = w_ij / Z
 *
 * One pass over pairs accumulates the attractive part Σ α p_ij w_ij (y_i − y_j), the repulsive
 * part Σ w_ij² (y_i − y_j) and Z = Σ_{i≠j} w_ij, combined at the end.
 * @param P symmetric row-major [n, n] joint probabilities.
 * @param y row-major [n, 2] embedding.
 * @param grad output, length 2n (overwritten).
 */
export function klGradient(
  P: Float64Array,
  y: Float64Array,
  n: number,
  grad: Float64Array,
  exaggeration = 1,
  attract = new Float64Array(2 * n),
  repel = new Float64Array(2 * n),
): void {
  attract.fill(0);
  repel.fill(0);
  let z = 0;
  for (let i = 0; i < n; i++) {
    const yi0 = y[2 * i];
    const yi1 = y[2 * i + 1];
    let ax = 0;
    let ay = 0;
    let rx = 0;
    let ry = 0;
    for (let j = i + 1; j < n; j++) {
      const dx = yi0 - y[2 * j];
      const dy = yi1 - y[2 * j + 1];
      const w = 1 / (1 + dx * dx + dy * dy);
      z += 2 * w;
      const a = exaggeration * P[i * n + j] * w;
      const r = w * w;
      ax += a * dx;
      ay += a * dy;
      rx += r * dx;
      ry += r * dy;
      attract[2 * j] -= a * dx;
      attract[2 * j + 1] -= a * dy;
      repel[2 * j] -= r * dx;
      repel[2 * j + 1] -= r * dy;
    }
    attract[2 * i] += ax;
    attract[2 * i + 1] += ay;
    repel[2 * i] += rx;
    repel[2 * i + 1] += ry;
  }
  for (let k = 0; k < 2 * n; k++) grad[k] = 4 * (attract[k] - repel[k] / z);
}

/** KL(P || Q) in nats of joint probabilities P ([n, n]) and the Student-t similarities Q of y ([n, 2]). */
export function klDivergence(P: Float64Array, y: Float64Array, n: number): number {
  let z = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = y[2 * i] - y[2 * j];
      const dy = y[2 * i + 1] - y[2 * j + 1];
      z += 2 / (1 + dx * dx + dy * dy);
    }
  }
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = P[i * n + j];
      if (j === i || p <= 0) continue;
      const dx = y[2 * i] - y[2 * j];
      const dy = y[2 * i + 1] - y[2 * j + 1];
      const q = Math.max(1 / (1 + dx * dx + dy * dy) / z, 1e-300);
      kl += p * Math.log(p / q);
    }
  }
  return kl;
}

/**
 * Symmetrised joint probabilities P_ij = max((p_{j|i} + p_{i|j}) / 2n, 1e-12), zero diagonal,
 * from row-major [n, dims] points at the given perplexity.
 */
export function jointProbabilities(points: NumericArray, dims: number, perplexity: number): Float64Array {
  const n = points.length / dims;
  const cond = conditionalProbabilities(squaredDistances(points, dims), n, perplexity);
  const P = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) P[i * n + j] = Math.max((cond[i * n + j] + cond[j * n + i]) / (2 * n), 1e-12);
    P[i * n + i] = 0;
  }
  return P;
}

/**
 * Exact t-SNE of row-major [n, dims] points to 2-D.
 * Joint P from {@link jointProbabilities}, Student-t (1 dof) similarities in the embedding,
 * gradient descent on KL(P || Q) ({@link klGradient}) with momentum (0.5 then 0.8),
 * per-parameter gains (Jacobs 1988) and early exaggeration, re-centred every step.
 * Same points + config + seed → the same embedding. Cost: O(n²) memory and time per
 * iteration (measured ≈ 17 ms per iteration at 1,000 points on one core, so roughly 1–2 min for
 * 2,000 points × 1,000 iterations).
 */
export function tsne(points: NumericArray, dims: number, config: TsneConfig = {}): TsneResult {
  assertPositiveInt(dims, 'dims');
  if (points.length % dims !== 0) {
    throw new UserError(`points have ${points.length} entries, not a multiple of dims=${dims}; pass the latent width`);
  }
  const n = points.length / dims;
  const perplexity = config.perplexity ?? TSNE_DEFAULTS.perplexity;
  const iterations = config.iterations ?? TSNE_DEFAULTS.iterations;
  const exaggeration = config.earlyExaggeration ?? TSNE_DEFAULTS.earlyExaggeration;
  const exIters = config.exaggerationIterations ?? TSNE_DEFAULTS.exaggerationIterations;
  const maxPoints = config.maxPoints ?? TSNE_DEFAULTS.maxPoints;
  if (n > maxPoints) {
    throw new UserError(`exact t-SNE of ${n} points is too slow (O(n²)); subsample to at most ${maxPoints} points or raise maxPoints`);
  }
  if (!(perplexity > 1 && perplexity < n - 1)) {
    throw new UserError(`t-SNE perplexity ${perplexity} must be in (1, n − 1) = (1, ${n - 1}); lower it or pass more points`);
  }
  assertPositiveInt(iterations, 'iterations');
  assertFinite(points, dims, 'points', 'the encoder produced non-finite codes');
  const lrIn = config.learningRate ?? 'auto';
  const lr = lrIn === 'auto' ? Math.max(n / exaggeration / 4, 50) : lrIn;
  if (!(lr > 0)) throw new UserError(`t-SNE learningRate must be positive, got ${lr}`);

  const P = jointProbabilities(points, dims, perplexity);

  const y = new Float64Array(n * 2);
  if ((config.init ?? TSNE_DEFAULTS.init) === 'pca' && dims >= 2) {
    const proj = pca(points, dims, 2).projection;
    let sd = 0;
    for (let i = 0; i < n; i++) sd += proj[i * 2] * proj[i * 2];
    sd = Math.sqrt(sd / (n - 1)) || 1;
    for (let i = 0; i < 2 * n; i++) y[i] = (proj[i] / sd) * 1e-4;
  } else {
    const rng = makeRng(config.seed ?? TSNE_DEFAULTS.seed);
    for (let i = 0; i < 2 * n; i++) y[i] = 1e-4 * rng.normal();
  }

  const update = new Float64Array(n * 2);
  const gains = new Float64Array(n * 2).fill(1);
  const grad = new Float64Array(n * 2);
  // Scratch buffers of klGradient, allocated once.
  const attract = new Float64Array(n * 2);
  const repel = new Float64Array(n * 2);
  for (let it = 0; it < iterations; it++) {
    const exag = it < exIters ? exaggeration : 1;
    const momentum = it < exIters ? 0.5 : 0.8;
    klGradient(P, y, n, grad, exag, attract, repel);
    for (let k = 0; k < 2 * n; k++) {
      // Gains grow while the step keeps going downhill (update and gradient of opposite sign).
      gains[k] = Math.sign(grad[k]) !== Math.sign(update[k]) ? gains[k] + 0.2 : Math.max(gains[k] * 0.8, 0.01);
      update[k] = momentum * update[k] - lr * gains[k] * grad[k];
      y[k] += update[k];
    }
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
      mx += y[2 * i];
      my += y[2 * i + 1];
    }
    mx /= n;
    my /= n;
    for (let i = 0; i < n; i++) {
      y[2 * i] -= mx;
      y[2 * i + 1] -= my;
    }
  }
  return { embedding: y, klDivergence: klDivergence(P, y, n), learningRate: lr };
}
