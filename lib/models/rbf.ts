/**
 * Per-label RBF mixture layer (DeepDIVE's marginal clusters, docs/paper.md E3).
 *
 * For label i with K classes and marginal scalar b_i, the layer's logits are the log joint
 * density of the label's mixture prior, so that the softmax is exactly its Bayes posterior:
 *
 *   line   (ordinal labels):  logits_ik = log π_ik + log N(b_i; c_ik, σ_ik²)
 *                                       = log π_ik − log σ_ik − ½ log 2π − (b_i − c_ik)² / (2 σ_ik²)
 *   circle (cyclic labels):   logits_ik = log π_ik + log vM(b_i; c_ik, κ_ik),   κ_ik = 1 / σ_ik²
 *                                       = log π_ik + κ_ik cos(b_i − c_ik) − log(2π I₀(κ_ik))
 *   r_i = softmax_k(logits_i) = π_k p_k(b) / Σ_j π_j p_j(b),   log p(b) = logsumexp_k logits_ik
 *
 * The −log σ_k (or −log I₀(κ_k)) normaliser matters whenever widths differ between classes:
 * without it the effective mixture weights become ∝ π_k σ_k. Cyclic labels (hour, weekday,
 * month) read b_i as an angle in radians, with von Mises components whose centres start evenly
 * on the circle, so that the last class neighbours the first (docs/design.md, "Cyclic labels").
 *
 * Centres c_ik are learnable, initialised evenly spaced on [−span, +span] (line) or at 2πk/K
 * (circle); log-widths log σ_ik are learnable, initialised to log(spacing) so neighbouring
 * components overlap at ≈ one σ — one per class, or with `sharedWidth` one per label (σ_ik = σ_i,
 * so the K components differ only in centre and prior and each decision region is a single
 * interval or arc, E3); log π_ik are fixed offsets from the training-set class frequencies.
 */
import { LOG_2PI } from '../util/math';
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './nn';
import { defineOp } from '../backend/ops';

/** Smallest class frequency used for log π (absent classes must not give −∞). */
const MIN_FREQUENCY = 1e-6;

/** How a label's classes are laid out: on a line (ordinal) or on a circle (cyclic). */
export type RbfGeometry = 'line' | 'circle';

export interface RbfOptions {
  /** RBF centres start evenly spaced on [−span, span] (line geometry). */
  readonly span: number;
  /** One width per label instead of one per class. */
  readonly sharedWidth?: boolean;
  /** 'line' (default) or 'circle' (von Mises components; b read as an angle). */
  readonly geometry?: RbfGeometry;
}

/**
 * log I₀(κ), the modified Bessel function of the first kind of order 0, as differentiable tf ops
 * (Abramowitz & Stegun 9.8.1 for κ ≤ 3.75 and 9.8.2 above; relative error of I₀ < 2·10⁻⁷).
 * Each branch reads κ clamped to its own range, so the unused branch never produces NaN
 * gradients.
 */
export function logBesselI0(kappa: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const small = tf.div(tf.minimum(kappa, 3.75), 3.75);
    const t2 = tf.square(small);
    // 1 + 3.5156229 t² + 3.0899424 t⁴ + 1.2067492 t⁶ + 0.2659732 t⁸ + 0.0360768 t¹⁰ + 0.0045813 t¹²
    const c1 = [0.0045813, 0.0360768, 0.2659732, 1.2067492, 3.0899424, 3.5156229, 1];
    let p1: tf.Tensor = tf.scalar(c1[0]);
    for (const c of c1.slice(1)) p1 = tf.add(tf.mul(p1, t2), c);
    const large = tf.maximum(kappa, 3.75);
    const u = tf.div(3.75, large);
    // I₀(κ) = κ^{−½} e^κ (0.39894228 + 0.01328592 u + … + 0.00392377 u⁸), u = 3.75/κ
    const c2 = [0.00392377, -0.01647633, 0.02635537, -0.02057706, 0.00916281, -0.00157565, 0.00225319, 0.01328592, 0.39894228];
    let p2: tf.Tensor = tf.scalar(c2[0]);
    for (const c of c2.slice(1)) p2 = tf.add(tf.mul(p2, u), c);
    const logLarge = tf.add(tf.sub(large, tf.mul(0.5, tf.log(large))), tf.log(p2));
    // Branch mask by tf.step (zero gradient), not tf.where: LessEqual has no gradient in tfjs.
    const small01 = tf.step(tf.sub(3.75, kappa));
    return tf.add(tf.mul(small01, tf.log(p1)), tf.mul(tf.sub(1, small01), logLarge));
  });
}

export class RbfLayer {
  /** c_i [K] (radians on the circle geometry) */
  readonly centres: tf.Variable;
  /** log σ_i [K], or [1] with a shared width (broadcast over the K classes) */
  readonly logWidths: tf.Variable;
  /** log π_i [K] (constant) */
  readonly logPrior: tf.Tensor1D;
  readonly classes: number;
  readonly geometry: RbfGeometry;

  constructor(store: ParamStore, group: string, name: string, frequencies: readonly number[], options: RbfOptions) {
    const K = frequencies.length;
    if (K < 1) throw new Error(`RBF layer ${name} needs at least one class`);
    this.classes = K;
    this.geometry = options.geometry ?? 'line';
    const c = new Float32Array(K);
    let spacing: number;
    if (this.geometry === 'circle') {
      spacing = (2 * Math.PI) / K;
      for (let k = 0; k < K; k++) c[k] = k * spacing;
    } else {
      spacing = K > 1 ? (2 * options.span) / (K - 1) : options.span;
      for (let k = 0; k < K; k++) c[k] = K > 1 ? -options.span + k * spacing : 0;
    }
    this.centres = store.add(group, `${name}/centres`, [K], c);
    this.logWidths = store.constant(group, `${name}/logWidths`, [options.sharedWidth ? 1 : K], Math.log(spacing));
    const total = frequencies.reduce((a, b) => a + b, 0);
    const lp = new Float32Array(K);
    for (let k = 0; k < K; k++) lp[k] = Math.log(Math.max(total > 0 ? frequencies[k] / total : 1 / K, MIN_FREQUENCY));
    this.logPrior = tf.keep(tf.tensor1d(lp));
  }

  /** log p_k(b) [B, K]: each component's normalised log density at b [B] (`rbfComponentLogDensity`). */
  componentLogDensity(b: tf.Tensor1D): tf.Tensor2D {
    return rbfComponentLogDensity(b, this.centres as tf.Tensor1D, this.logWidths as tf.Tensor1D, this.geometry);
  }

  /**
   * b: [B] marginal scalars → logits [B, K] = log π_k + log p_k(b) (the named op `rbfLogits`). A
   * subclass that redefines `componentLogDensity` (the theory checks' controls) gets
   * `composedLogits` with its own densities instead.
   */
  logits(b: tf.Tensor1D): tf.Tensor2D {
    if (this.componentLogDensity !== RbfLayer.prototype.componentLogDensity) return this.composedLogits(b);
    return rbfLogits(b, this.centres as tf.Tensor1D, this.logWidths as tf.Tensor1D, this.logPrior, this.geometry);
  }

  /** `logits` as plain tfjs, whatever is registered: the definition of `rbfLogits` (by this layer's `componentLogDensity`). */
  composedLogits(b: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => tf.add(this.componentLogDensity(b), this.logPrior) as tf.Tensor2D);
  }

  /** Memberships r = softmax(logits) [B, K]: the Bayes posterior of the class given b. */
  memberships(b: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.logits(b)));
  }

  /** docs/paper.md E3: KL(q(b|x) ‖ p_y) per window [B] (`rbfComponentKl`). */
  componentKl(mu: tf.Tensor1D, logvar: tf.Tensor1D, labels: tf.Tensor1D): tf.Tensor1D {
    return rbfComponentKl(mu, logvar, labels, this.centres as tf.Tensor1D, this.logWidths as tf.Tensor1D, this.geometry);
  }

  /** docs/paper.md E3: the batch mean of `componentKl` (a scalar; the named op `rbfMeanComponentKl`). */
  meanComponentKl(mu: tf.Tensor1D, logvar: tf.Tensor1D, labels: tf.Tensor1D): tf.Scalar {
    return rbfMeanComponentKl(mu, logvar, labels, this.centres as tf.Tensor1D, this.logWidths as tf.Tensor1D, this.geometry);
  }

  dispose(): void {
    this.logPrior.dispose();
  }
}

/**
 * log p_k(b) [B, K]: each component's normalised log density at b [B], for centres [K] and
 * log-widths [K] or [1] (E3, line or circle).
 */
export function rbfComponentLogDensity(b: tf.Tensor1D, centres: tf.Tensor1D, logWidths: tf.Tensor1D, geometry: RbfGeometry): tf.Tensor2D {
  return tf.tidy(() => {
    const d = tf.sub(tf.reshape(b, [-1, 1]), tf.reshape(centres, [1, -1]));
    const inv2var = tf.div(0.5, tf.exp(tf.mul(2, logWidths))); // 1/(2σ²)
    if (geometry === 'circle') {
      const kappa = tf.mul(2, inv2var); // κ = 1/σ²
      // E3 (circle): log vM(b; c, κ) = κ cos(b − c) − log 2π − log I₀(κ)
      return tf.sub(tf.mul(kappa, tf.cos(d)), tf.add(LOG_2PI, logBesselI0(kappa))) as tf.Tensor2D;
    }
    // E3 (line): log N(b; c, σ²) = −(b − c)²/(2σ²) − log σ − ½ log 2π
    return tf.sub(tf.neg(tf.mul(tf.square(d), inv2var)), tf.add(logWidths, 0.5 * LOG_2PI)) as tf.Tensor2D;
  });
}

/**
 * E3's logits [B, K] = log π_k + log p_k(b) (π_k p_k(b) in log space) of b [B], for centres [K],
 * log-widths [K] or [1] and log-priors [K]. A named op (lib/backend/ops.ts); the speed lab's
 * implementation is one kernel with its own gradient.
 */
export const rbfLogits = defineOp('rbfLogits', (b: tf.Tensor1D, centres: tf.Tensor1D, logWidths: tf.Tensor1D, logPrior: tf.Tensor1D, geometry: RbfGeometry): tf.Tensor2D =>
  tf.tidy(() => tf.add(rbfComponentLogDensity(b, centres, logWidths, geometry), logPrior) as tf.Tensor2D),
);

/**
 * docs/paper.md E3: KL(q(b|x) ‖ p_y) per window [B], for q = N(μ, σ²) (mu, logvar [B]) and the
 * labelled class's component p_y (labels int32 [B]; centres [K], log-widths [K] or [1]).
 *   line:   ½ [log σ_y² − log σ² + (σ² + (μ − c_y)²)/σ_y² − 1]
 *   circle: −½ log(2πe σ²) − κ_y e^{−σ²/2} cos(μ − c_y) + log 2π + log I₀(κ_y)
 * On the circle this is the KL of the wrapped q with the Gaussian entropy standing in for the
 * wrapped one; DeepDive clips σ ≤ 0.5 rad there (q's mass beyond ±π is then < 10⁻⁹, so the two
 * agree to 10⁻⁷; docs/design.md).
 */
export function rbfComponentKl(mu: tf.Tensor1D, logvar: tf.Tensor1D, labels: tf.Tensor1D, centres: tf.Tensor1D, logWidths: tf.Tensor1D, geometry: RbfGeometry): tf.Tensor1D {
  return tf.tidy(() => {
    const K = centres.shape[0];
    const onehot = tf.oneHot(tf.cast(labels, 'int32'), K);
    const pick = (v: tf.Tensor): tf.Tensor1D => tf.sum(tf.mul(onehot, tf.reshape(tf.broadcastTo(v, [K]), [1, K])), 1) as tf.Tensor1D;
    const cY = pick(centres);
    const logSigmaY = pick(logWidths);
    const varQ = tf.exp(logvar);
    if (geometry === 'circle') {
      const kappaY = tf.exp(tf.mul(-2, logSigmaY));
      const negEntropy = tf.mul(-0.5, tf.add(logvar, LOG_2PI + 1));
      const attraction = tf.mul(tf.mul(kappaY, tf.exp(tf.mul(-0.5, varQ))), tf.cos(tf.sub(mu, cY)));
      return tf.add(tf.sub(negEntropy, attraction), tf.add(LOG_2PI, logBesselI0(kappaY))) as tf.Tensor1D;
    }
    const logVarY = tf.mul(2, logSigmaY);
    const ratio = tf.div(tf.add(varQ, tf.square(tf.sub(mu, cY))), tf.exp(logVarY));
    return tf.mul(0.5, tf.sub(tf.add(tf.sub(logVarY, logvar), ratio), 1)) as tf.Tensor1D;
  });
}

/**
 * docs/paper.md E3: the batch mean of `rbfComponentKl` (a scalar). A named op
 * (lib/backend/ops.ts); the speed lab's implementation is one kernel with its own gradient.
 */
export const rbfMeanComponentKl = defineOp('rbfMeanComponentKl', (mu: tf.Tensor1D, logvar: tf.Tensor1D, labels: tf.Tensor1D, centres: tf.Tensor1D, logWidths: tf.Tensor1D, geometry: RbfGeometry): tf.Scalar =>
  tf.tidy(() => tf.mean(rbfComponentKl(mu, logvar, labels, centres, logWidths, geometry))),
);
