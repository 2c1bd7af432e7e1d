/**
 * E3 — the KL to a mixture prior and its cross-entropy bound, for ONE marginal dimension
 * (docs/theory.md §E3; a reconstruction, the paper's theorem text is not available).
 *
 *   p(b) = Σ_k π_k p_k(b),   r_k(b) = π_k p_k(b) / p(b),   CE(b, y) = −log r_y(b)   (RBF softmax)
 *   log p(b) = log π_y + log p_y(b) + CE(b, y)                                        (Bayes)
 *   KL(q ‖ p) = KL(q ‖ p_y) − log π_y − E_q[CE(b, y)]   ≤   KL(q ‖ p_y) − log π_y    (E3)
 *
 * The bound holds for ANY components (CE ≥ 0). What log-concavity of the components adds is
 * tested separately (lib/theory/checks.ts): for a common-scale location family, log-concave
 * ⇔ monotone likelihood ratios ⇔ every class wins on one interval (one cluster per class); the
 * bound is convex in q's mean with its minimiser at the (symmetric) component's centre; and the
 * gap E_q[CE] vanishes exponentially as centres separate. Components: Gaussian, Laplace and
 * logistic (log-concave) and the Cauchy control (Student-t with ν = 1: symmetric, unimodal, but
 * heavy-tailed and NOT log-concave).
 *
 * q(b|x) = N(m, σ²). Integrals use adaptive Gauss–Kronrod (lib/theory/quadrature.ts, ~1e-13).
 */
import { LOG_2PI, logSumExp } from '../util/math';
import type { Rng } from '../util/random';
import { UserError } from '../util/errors';
import { type McEstimate, mcExpectation } from './montecarlo';
import { type Normal1d, gaussianExpectation, erf, normal1dLogPdf } from './quadrature';

export type ComponentFamily = 'gaussian' | 'laplace' | 'logistic' | 'cauchy';

export const COMPONENT_FAMILIES: readonly ComponentFamily[] = ['gaussian', 'laplace', 'logistic', 'cauchy'];

/** Which families have a concave log-density. Cauchy is the non-log-concave control. */
export const LOG_CONCAVE: Readonly<Record<ComponentFamily, boolean>> = { gaussian: true, laplace: true, logistic: true, cauchy: false };

/**
 * One mixture component: a location-scale density. `scale` is the sd for 'gaussian', the
 * Laplace b (density e^{−|b−loc|/scale}/(2 scale)), the logistic s (variance π²s²/3), the
 * Cauchy half-width γ.
 */
export interface Component {
  readonly family: ComponentFamily;
  readonly loc: number;
  readonly scale: number;
}

/** p(b) = Σ_k `weights[k]` · `components[k](b)`; weights positive, summing to 1. */
export interface MixturePrior {
  readonly weights: readonly number[];
  readonly components: readonly Component[];
}

/** A mixture with checked weights (UserError naming the bad entry). */
export function mixture(weights: readonly number[], components: readonly Component[]): MixturePrior {
  if (weights.length !== components.length || weights.length === 0) throw new UserError(`mixture has ${weights.length} weights and ${components.length} components; give one positive weight per component`);
  weights.forEach((w, k) => {
    if (!(w > 0)) throw new UserError(`mixture weight ${k} is ${w}; weights must be positive`);
  });
  const total = weights.reduce((s, w) => s + w, 0);
  if (Math.abs(total - 1) > 1e-9) throw new UserError(`mixture weights sum to ${total}, not 1; normalise them`);
  components.forEach((c, k) => {
    if (!(c.scale > 0)) throw new UserError(`mixture component ${k} has scale ${c.scale}; give scale > 0`);
  });
  return { weights, components };
}

/** K components of one family and common scale at the given centres (the RBF layer's picture). */
export function locationMixture(family: ComponentFamily, centres: readonly number[], weights: readonly number[], scale: number): MixturePrior {
  return mixture(weights, centres.map((loc) => ({ family, loc, scale })));
}

/** log p_k(b) for one component. */
export function componentLogPdf(c: Component, b: number): number {
  const z = (b - c.loc) / c.scale;
  switch (c.family) {
    case 'gaussian':
      return -0.5 * z * z - Math.log(c.scale) - 0.5 * LOG_2PI;
    case 'laplace':
      return -Math.abs(z) - Math.log(2 * c.scale);
    case 'logistic': {
      const a = Math.abs(z);
      return -a - 2 * Math.log1p(Math.exp(-a)) - Math.log(c.scale);
    }
    case 'cauchy':
      return -Math.log1p(z * z) - Math.log(Math.PI * c.scale);
  }
}

/** log(π_k p_k(b)) for every k: the RBF logits. */
export function logits(p: MixturePrior, b: number): number[] {
  return p.components.map((c, k) => Math.log(p.weights[k]) + componentLogPdf(c, b));
}

/** log p(b) = log Σ_k π_k p_k(b). */
export function mixtureLogPdf(p: MixturePrior, b: number): number {
  return logSumExp(logits(p, b));
}

/** Responsibilities r_k(b) = π_k p_k(b) / p(b) (the softmax of the logits). */
export function responsibilities(p: MixturePrior, b: number): number[] {
  const l = logits(p, b);
  const lse = logSumExp(l);
  return l.map((v) => Math.exp(v - lse));
}

/** CE(b, y) = −log r_y(b), computed as log1p(Σ_{k≠y} e^{ℓ_k−ℓ_y}) so tiny values keep full precision. */
export function crossEntropy(p: MixturePrior, b: number, y: number): number {
  const l = logits(p, b);
  let s = 0;
  let maxDiff = -Infinity;
  for (let k = 0; k < l.length; k++) if (k !== y) maxDiff = Math.max(maxDiff, l[k] - l[y]);
  if (maxDiff > 700) return logSumExp(l) - l[y];
  for (let k = 0; k < l.length; k++) if (k !== y) s += Math.exp(l[k] - l[y]);
  return Math.log1p(s);
}

/** Kinks and features of the integrands: the component centres. */
function breakpoints(p: MixturePrior): number[] {
  return p.components.map((c) => c.loc);
}

/** Differential entropy of N(m, σ²): ½ log(2πe σ²). */
function normalEntropy(q: Normal1d): number {
  return 0.5 * Math.log(2 * Math.PI * Math.E * q.sd * q.sd);
}

/**
 * KL(q ‖ p_k) for one component: closed form for Gaussian and Laplace
 * (KL = −H(q) + log 2s + E|b−μ|/s, E|b−μ| = σ√(2/π) e^{−δ²/2σ²} + δ erf(δ/σ√2), δ = m − μ),
 * quadrature of −H(q) − E_q log p_k for logistic and Cauchy.
 */
export function klToComponent(q: Normal1d, c: Component): number {
  const delta = q.mean - c.loc;
  switch (c.family) {
    case 'gaussian': {
      const v = q.sd * q.sd;
      const s2 = c.scale * c.scale;
      return 0.5 * (v / s2 + (delta * delta) / s2 - 1 + Math.log(s2 / v));
    }
    case 'laplace': {
      const eAbs = q.sd * Math.sqrt(2 / Math.PI) * Math.exp(-(delta * delta) / (2 * q.sd * q.sd)) + delta * erf(delta / (q.sd * Math.SQRT2));
      return -normalEntropy(q) + Math.log(2 * c.scale) + eAbs / c.scale;
    }
    default:
      return -normalEntropy(q) - gaussianExpectation(q, (b) => componentLogPdf(c, b), { breakpoints: [c.loc] });
  }
}

/** KL(q ‖ p) to the whole mixture, by quadrature of q(b) [log q(b) − log p(b)]. */
export function klToMixture(q: Normal1d, p: MixturePrior): number {
  return gaussianExpectation(q, (b) => normal1dLogPdf(q, b) - mixtureLogPdf(p, b), { breakpoints: breakpoints(p) });
}

/** E_q[CE(b, y)], by quadrature. */
export function expectedCrossEntropy(q: Normal1d, p: MixturePrior, y: number): number {
  return gaussianExpectation(q, (b) => crossEntropy(p, b, y), { breakpoints: breakpoints(p) });
}

/** The E3 upper bound U_y(q) = KL(q ‖ p_y) − log π_y. */
export function crossEntropyBound(q: Normal1d, p: MixturePrior, y: number): number {
  checkLabel(p, y);
  return klToComponent(q, p.components[y]) - Math.log(p.weights[y]);
}

function checkLabel(p: MixturePrior, y: number): void {
  if (!Number.isInteger(y) || y < 0 || y >= p.weights.length) throw new UserError(`label ${y} is not a component index 0..${p.weights.length - 1}`);
}

/** The pieces of E3 for one q, prior and label, in nats. */
export interface MixtureKlDecomposition {
  /** KL(q ‖ p), by direct quadrature of q log(q/p). */
  readonly kl: number;
  /** KL(q ‖ p_y). */
  readonly klComponent: number;
  /** log π_y. */
  readonly logWeight: number;
  /** E_q[CE(b, y)] = E_q[−log r_y(b)] ≥ 0: the bound's gap. */
  readonly expectedCe: number;
  /** KL(q ‖ p_y) − log π_y. */
  readonly bound: number;
  /** bound − kl (≥ 0). */
  readonly gap: number;
  /** |kl − (klComponent − logWeight − expectedCe)| / max(1, |kl|): error of the exact identity. */
  readonly relError: number;
}

export function mixtureKlDecomposition(q: Normal1d, p: MixturePrior, y: number): MixtureKlDecomposition {
  checkLabel(p, y);
  const kl = klToMixture(q, p); // E3: KL(q(b|x) ‖ Σ_k π_k p_k)
  const klComponent = klToComponent(q, p.components[y]); // E3: KL(q(b|x) ‖ p_y)
  const logWeight = Math.log(p.weights[y]); // E3: log π_y
  const expectedCe = expectedCrossEntropy(q, p, y); // E3: E_q[CE(b, y)], CE = −log r_y(b)
  const bound = klComponent - logWeight; // E3: the cross-entropy bound's right side
  return { kl, klComponent, logWeight, expectedCe, bound, gap: bound - kl, relError: Math.abs(kl - (bound - expectedCe)) / Math.max(1, Math.abs(kl)) };
}

/** Monte Carlo KL(q ‖ p) = E_q[log q − log p] from n seeded draws. */
export function mcKlToMixture(q: Normal1d, p: MixturePrior, n: number, rng: Rng): McEstimate {
  return mcExpectation(
    (r) => q.mean + q.sd * r.normal(),
    (b) => normal1dLogPdf(q, b) - mixtureLogPdf(p, b),
    n,
    rng,
  );
}

/**
 * The decision regions of the RBF softmax: for each class, how many maximal intervals of the
 * real line it wins (argmax_k r_k(b)), found on a grid b = c + L·sinh(t) that is fine near the
 * centres and reaches ±1e6·L (L = spread of centres + largest scale), so far tails are seen.
 * Under "one cluster per class" every class that wins anywhere wins exactly one interval.
 */
export function decisionRegions(p: MixturePrior, points = 20001): number[] {
  const locs = p.components.map((c) => c.loc);
  const centre = 0.5 * (Math.min(...locs) + Math.max(...locs));
  const L = Math.max(...locs) - Math.min(...locs) + Math.max(...p.components.map((c) => c.scale));
  const tMax = Math.asinh(1e6);
  const runs = new Array<number>(p.weights.length).fill(0);
  let prev = -1;
  for (let i = 0; i < points; i++) {
    const b = centre + L * Math.sinh(-tMax + (2 * tMax * i) / (points - 1));
    const l = logits(p, b);
    let arg = 0;
    for (let k = 1; k < l.length; k++) if (l[k] > l[arg]) arg = k;
    if (arg !== prev) runs[arg]++;
    prev = arg;
  }
  return runs;
}

/**
 * The bound as a function of q's mean at fixed σ: U(m) = KL(N(m, σ²) ‖ p_y) − log π_y, on the
 * grid `ms`. For log-concave p_y it is convex in m (E_q log p_y is a Gaussian smoothing of a
 * concave function).
 */
export function boundAlongMean(p: MixturePrior, y: number, sd: number, ms: readonly number[]): number[] {
  return ms.map((m) => crossEntropyBound({ mean: m, sd }, p, y));
}

/** Smallest second difference (f[i−1] − 2f[i] + f[i+1]) / h² of values on a uniform grid of step h. */
export function minSecondDifference(values: readonly number[], h: number): number {
  let min = Infinity;
  for (let i = 1; i + 1 < values.length; i++) min = Math.min(min, (values[i - 1] - 2 * values[i] + values[i + 1]) / (h * h));
  return min;
}
