/**
 * A registry of named numerical checks of E1–E3 (docs/theory.md). Each check draws a seeded
 * grid of random parameters (same seed → same numbers), measures an error and compares it
 * with a tolerance.
 *
 * Two kinds of check:
 *  - expectation 'holds': an identity or property the derivation proves. `maxError` is the
 *    largest error over the trials; passed ⇔ maxError ≤ tolerance.
 *  - expectation 'violated-or-loose': a property the derivation says FAILS here (the bound is
 *    loose, a non-log-concave component breaks one-cluster-per-class, …). `maxError` is then the
 *    WEAKEST violation seen over the trials (e.g. the smallest gap); passed ⇔ maxError >
 *    tolerance, i.e. the violation was detected in every trial. Such a check fails if the
 *    property unexpectedly held — so neither kind can pass vacuously.
 */
import { makeRng, type Rng } from '../util/random';
import { UserError } from '../util/errors';
import { defaultsOf, parseConfig, z } from '../util/config';
import { klGaussian } from './gaussian';
import { elboTerms, interpolateGaussian, mcElbo, posterior, randomLinearGaussianModel, sampleJoint } from './linearGaussian';
import { zScore } from './montecarlo';
import { mcTotalCorrelation, naiveBayesDecomposition, randomFactorisedPosterior, randomFactorisedPrior } from './naiveBayes';
import {
  type Component,
  type ComponentFamily,
  type MixturePrior,
  boundAlongMean,
  crossEntropyBound,
  decisionRegions,
  expectedCrossEntropy,
  locationMixture,
  mcKlToMixture,
  minSecondDifference,
  mixture,
  mixtureKlDecomposition,
  klToMixture,
  COMPONENT_FAMILIES,
} from './mixtureKl';
import { argminScalar, type Normal1d } from './quadrature';
import { layerE3, layerMemberships, rbfLayerOf } from './modelLayer';
import { linspace } from './explore';
import { responsibilities } from './mixtureKl';
import { randomGaussian, uniformIn } from './randomParams';

export type Equation = 'E1' | 'E2' | 'E3';
export type Expectation = 'holds' | 'violated-or-loose';

export interface CheckResult {
  readonly name: string;
  readonly equation: Equation;
  /** 'holds': the largest error over trials. 'violated-or-loose': the weakest violation over trials. */
  readonly maxError: number;
  readonly tolerance: number;
  readonly passed: boolean;
  readonly expectation: Expectation;
  /** One line: what was measured and where the extreme trial was. */
  readonly detail: string;
  readonly trials: number;
}

export const CheckOptionsSchema = z.strictObject({
  seed: z.int().default(1).describe('Base seed; each check derives its own stream from it and its name.'),
  trials: z.int().min(1).max(10_000).default(12).describe('Random parameter draws per check.'),
});
/** What a caller passes (every field optional); parsed, it is `CheckConfig`. */
export type CheckOptions = z.input<typeof CheckOptionsSchema>;
export type CheckConfig = z.output<typeof CheckOptionsSchema>;
export const DEFAULT_CHECK_OPTIONS: CheckConfig = defaultsOf(CheckOptionsSchema);

export interface TheoryCheck {
  readonly name: string;
  readonly equation: Equation;
  readonly expectation: Expectation;
  readonly tolerance: number;
  /** What is measured, in one sentence. */
  readonly description: string;
  /** Per trial: the measured error (or violation) and a short description of the parameters. */
  trial(rng: Rng, index: number): { value: number; where: string };
}

export const DEFAULT_TRIALS = DEFAULT_CHECK_OPTIONS.trials;

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

const fmt = (v: number): string => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4) || v === 0 ? v.toFixed(4) : v.toExponential(2);

function randomDims(rng: Rng): { dimA: number; dimB: number; dimX: number; dimY: number } {
  return { dimA: 1 + rng.int(3), dimB: 1 + rng.int(3), dimX: 1 + rng.int(4), dimY: 1 + rng.int(3) };
}

function randomLinearSetting(rng: Rng, index: number) {
  const dims = randomDims(rng);
  const model = randomLinearGaussianModel(dims, rng, index % 2 === 1);
  const { x, y } = sampleJoint(model, rng);
  const q = randomGaussian(dims.dimA + dims.dimB, rng, 1, 0.8);
  const where = `dA=${dims.dimA} dB=${dims.dimB} dX=${dims.dimX} dY=${dims.dimY}${index % 2 === 1 ? ' general prior' : ''}`;
  return { model, x, y, q, where };
}

/** K sorted centres with gaps drawn in [minGap, maxGap]·scale, starting at a random offset. */
function centresWithGaps(rng: Rng, K: number, scale: number, minGap: number, maxGap: number): number[] {
  const c = [uniformIn(rng, -2, 2)];
  for (let k = 1; k < K; k++) c.push(c[k - 1] + scale * uniformIn(rng, minGap, maxGap));
  return c;
}

function randomWeights(rng: Rng, K: number, lo = 0.1, hi = 1): number[] {
  const w = Array.from({ length: K }, () => uniformIn(rng, lo, hi));
  const s = w.reduce((a, b) => a + b, 0);
  const n = w.map((v) => v / s);
  // Normalise exactly to 1 in floating point.
  n[K - 1] = 1 - n.slice(0, K - 1).reduce((a, b) => a + b, 0);
  return n;
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)];
}

const LOG_CONCAVE_FAMILIES: readonly ComponentFamily[] = ['gaussian', 'laplace', 'logistic'];

/** A random mixture of mixed families and scales (the identity and the bound need nothing more). */
function randomAnyMixture(rng: Rng): MixturePrior {
  const K = 2 + rng.int(3);
  const components: Component[] = Array.from({ length: K }, () => ({ family: pick(rng, COMPONENT_FAMILIES), loc: uniformIn(rng, -3, 3), scale: uniformIn(rng, 0.3, 2) }));
  return mixture(randomWeights(rng, K), components);
}

function describeMixture(p: MixturePrior): string {
  const fams = [...new Set(p.components.map((c) => c.family))].join('+');
  return `K=${p.weights.length} ${fams}`;
}

/** A random E2 case: dims of a (1–3) and b (bMin–bMin+2), q(b|x) factorised or correlated, and its decomposition. */
function randomE2Case(rng: Rng, bMin: number, factorised: boolean) {
  const dA = 1 + rng.int(3);
  const dB = bMin + rng.int(3);
  const d = naiveBayesDecomposition(randomFactorisedPosterior(dA, dB, rng, factorised), randomFactorisedPrior(dA, dB, rng));
  return { dA, dB, d };
}

export const CHECKS: readonly TheoryCheck[] = [
  {
    name: 'e1-identity-analytic',
    equation: 'E1',
    expectation: 'holds',
    tolerance: 1e-9,
    description: 'log p(x,y) = forecast + reconstruction − KL(q‖p(a,b)) + KL(q‖p(a,b|x,y)) for random linear-Gaussian models and Gaussian q (relative error)',
    trial(rng, i) {
      const s = randomLinearSetting(rng, i);
      return { value: elboTerms(s.model, s.x, s.y, s.q).relError, where: s.where };
    },
  },
  {
    name: 'e1-elbo-montecarlo',
    equation: 'E1',
    expectation: 'holds',
    tolerance: 4,
    description: 'analytic ELBO L vs a 2000-draw Monte Carlo estimate of E_q[log p(x,y,a,b) − log q], in standard errors',
    trial(rng, i) {
      const s = randomLinearSetting(rng, i);
      const terms = elboTerms(s.model, s.x, s.y, s.q);
      return { value: zScore(mcElbo(s.model, s.x, s.y, s.q, 2000, rng), terms.elbo), where: s.where };
    },
  },
  {
    name: 'e1-tight-at-posterior',
    equation: 'E1',
    expectation: 'holds',
    tolerance: 1e-9,
    description: 'along q_t = (1−t)·q + t·posterior, log p(x,y) − L(q_t) (the ELBO from its three terms, against the marginal likelihood) never increases and is 0 at t = 1 (largest increase or final gap, relative)',
    trial(rng, i) {
      const s = randomLinearSetting(rng, i);
      const post = posterior(s.model, s.x, s.y);
      // The gap from the ELBO's own terms: forecast + reconstruction − KL(q ‖ prior) against log N(x, y),
      // neither of which uses the posterior, so reaching 0 at t = 1 checks the posterior and the terms.
      const gapOf = (t: number): { gap: number; scale: number } => {
        const e = elboTerms(s.model, s.x, s.y, interpolateGaussian(s.q, post, t));
        return { gap: e.logEvidence - e.elbo, scale: Math.max(1, Math.abs(e.logEvidence)) };
      };
      let worst = 0;
      let prev = Infinity;
      const g0 = gapOf(0).gap;
      for (let k = 0; k <= 10; k++) {
        const { gap, scale } = gapOf(k / 10);
        if (gap > prev) worst = Math.max(worst, (gap - prev) / Math.max(scale, g0));
        prev = gap;
        if (k === 10) worst = Math.max(worst, Math.abs(gap) / scale);
      }
      return { value: worst, where: `${s.where} initial gap ${fmt(g0)}` };
    },
  },
  {
    name: 'e2-naive-bayes-factorised',
    equation: 'E2',
    expectation: 'holds',
    tolerance: 1e-9,
    description: 'with a diagonal q(b|x): KL(q(a,b|x)‖p(a,b)) = E_q(b) KL(q(a|x,b)‖p(a|b)) + Σ_i KL(q(b_i|x)‖p(b_i)) (relative error)',
    trial(rng) {
      const dA = 1 + rng.int(3);
      const dB = 1 + rng.int(4);
      const d = naiveBayesDecomposition(randomFactorisedPosterior(dA, dB, rng, true), randomFactorisedPrior(dA, dB, rng));
      return { value: Math.abs(d.jointKl - d.naiveBayes) / Math.max(1, d.jointKl), where: `dA=${dA} dB=${dB}` };
    },
  },
  {
    name: 'e2-gap-is-total-correlation',
    equation: 'E2',
    expectation: 'holds',
    tolerance: 1e-9,
    description: 'with a correlated q(b|x): KL(q‖p) − (Naive-Bayes sum) = TC(q(b|x)) = ½(Σ log Σ_ii − log det Σ) (relative error)',
    trial(rng) {
      const { dA, dB, d } = randomE2Case(rng, 2, false);
      return { value: d.relError, where: `dA=${dA} dB=${dB} TC=${fmt(d.totalCorrelation)}` };
    },
  },
  {
    name: 'e2-naive-bayes-misses-correlation',
    equation: 'E2',
    expectation: 'violated-or-loose',
    tolerance: 1e-9,
    description: 'with a correlated q(b|x) the Naive-Bayes sum under-states the prior KL: smallest gap (nats) over trials must be > 0',
    trial(rng) {
      const { dA, dB, d } = randomE2Case(rng, 2, false);
      return { value: d.gap, where: `dA=${dA} dB=${dB} KL=${fmt(d.jointKl)}` };
    },
  },
  {
    name: 'e2-total-correlation-montecarlo',
    equation: 'E2',
    expectation: 'holds',
    tolerance: 4,
    description: 'analytic TC(q(b|x)) vs a 4000-draw Monte Carlo estimate of E_q[log q(b) − Σ log q(b_i)], in standard errors',
    trial(rng) {
      const dB = 2 + rng.int(3);
      const qb = randomGaussian(dB, rng, 1, 1);
      const d = naiveBayesDecomposition(
        { qb, A: { rows: 1, cols: dB, data: new Float64Array(dB) }, e: new Float64Array(1), Sa: { rows: 1, cols: 1, data: Float64Array.of(1) } },
        randomFactorisedPrior(1, dB, rng),
      );
      return { value: zScore(mcTotalCorrelation(qb, 4000, rng), d.totalCorrelation), where: `dB=${dB} TC=${fmt(d.totalCorrelation)}` };
    },
  },
  {
    name: 'e3-identity',
    equation: 'E3',
    expectation: 'holds',
    tolerance: 1e-9,
    description: 'KL(q‖Σπ_k p_k) = KL(q‖p_y) − log π_y − E_q[CE(b,y)] for mixed Gaussian/Laplace/logistic/Cauchy mixtures (relative error; KL by quadrature, KL(q‖p_y) closed-form where it exists)',
    trial(rng) {
      const p = randomAnyMixture(rng);
      const y = rng.int(p.weights.length);
      const q: Normal1d = { mean: uniformIn(rng, -3, 3), sd: uniformIn(rng, 0.2, 2) };
      return { value: mixtureKlDecomposition(q, p, y).relError, where: `${describeMixture(p)} y=${y}` };
    },
  },
  {
    name: 'e3-model-layer-bayes-posterior',
    equation: 'E3',
    expectation: 'holds',
    tolerance: 2e-5,
    description: "the model's RBF layer (lib/models/rbf.ts, float32) gives the Bayes posterior π_k p_k(b)/p(b) of its Gaussian mixture for unequal widths and priors (largest |r_layer − r_Bayes| over b ∈ [−6, 6])",
    trial(rng) {
      const K = 2 + rng.int(4);
      const p = mixture(randomWeights(rng, K), Array.from({ length: K }, () => ({ family: 'gaussian' as const, loc: uniformIn(rng, -3, 3), scale: uniformIn(rng, 0.3, 2) })));
      const { layer, dispose } = rbfLayerOf(p);
      try {
        const b = linspace(-6, 6, 241);
        const r = layerMemberships(layer, b);
        let worst = 0;
        b.forEach((v, i) => responsibilities(p, v).forEach((want, k) => (worst = Math.max(worst, Math.abs(r[i][k] - want)))));
        return { value: worst, where: `K=${K} widths ${p.components.map((c) => c.scale.toFixed(2)).join('/')}` };
      } finally {
        dispose();
      }
    },
  },
  {
    name: 'e3-model-layer-identity',
    equation: 'E3',
    expectation: 'holds',
    tolerance: 1e-4,
    description: "E3 on the model's RBF layer: KL(q ‖ p) with log p = logsumexp(layer logits) equals the float64 mixture KL, and equals KL(q‖p_y) − log π_y − E_q[CE] from the layer's componentKl and softmax (largest relative error)",
    trial(rng) {
      const K = 2 + rng.int(3);
      const p = mixture(randomWeights(rng, K), Array.from({ length: K }, () => ({ family: 'gaussian' as const, loc: uniformIn(rng, -3, 3), scale: uniformIn(rng, 0.3, 2) })));
      const y = rng.int(K);
      const q: Normal1d = { mean: uniformIn(rng, -3, 3), sd: uniformIn(rng, 0.2, 2) };
      const { layer, dispose } = rbfLayerOf(p);
      try {
        const e = layerE3(layer, q, y);
        const ref = klToMixture(q, p);
        const scale = Math.max(1, Math.abs(ref));
        const vsReference = Math.abs(e.kl - ref) / scale;
        const identity = Math.abs(e.kl - (e.klComponent - e.logWeight - e.expectedCe)) / scale;
        return { value: Math.max(vsReference, identity), where: `K=${K} y=${y} KL=${fmt(ref)}` };
      } finally {
        dispose();
      }
    },
  },
  {
    name: 'e3-kl-montecarlo',
    equation: 'E3',
    expectation: 'holds',
    tolerance: 4,
    description: 'quadrature KL(q‖Σπ_k p_k) vs a 4000-draw Monte Carlo estimate, in standard errors',
    trial(rng) {
      const p = randomAnyMixture(rng);
      const q: Normal1d = { mean: uniformIn(rng, -3, 3), sd: uniformIn(rng, 0.2, 2) };
      return { value: zScore(mcKlToMixture(q, p, 4000, rng), klToMixture(q, p)), where: describeMixture(p) };
    },
  },
  {
    name: 'e3-bound-any-mixture',
    equation: 'E3',
    expectation: 'holds',
    tolerance: 1e-12,
    description: 'KL(q‖p) ≤ KL(q‖p_y) − log π_y for ANY components, log-concave or not (largest KL − bound, nats)',
    trial(rng) {
      const p = randomAnyMixture(rng);
      const y = rng.int(p.weights.length);
      const q: Normal1d = { mean: uniformIn(rng, -3, 3), sd: uniformIn(rng, 0.2, 2) };
      const d = mixtureKlDecomposition(q, p, y);
      return { value: Math.max(0, d.kl - d.bound), where: `${describeMixture(p)} y=${y} gap=${fmt(d.gap)}` };
    },
  },
  {
    name: 'e3-one-cluster-per-class-logconcave',
    equation: 'E3',
    expectation: 'holds',
    tolerance: 0,
    description: 'common-scale log-concave components (Gaussian RBF, Laplace, logistic): every class wins one interval of b under the RBF softmax (extra intervals)',
    trial(rng) {
      const family = pick(rng, LOG_CONCAVE_FAMILIES);
      const K = 2 + rng.int(4);
      const scale = uniformIn(rng, 0.3, 2);
      const p = locationMixture(family, centresWithGaps(rng, K, scale, 0.2, 4), randomWeights(rng, K, 0.05, 1), scale);
      const runs = decisionRegions(p);
      return { value: Math.max(...runs.map((r) => Math.max(0, r - 1))), where: `${family} K=${K} runs=[${runs.join(',')}]` };
    },
  },
  {
    name: 'e3-one-cluster-fails-cauchy',
    equation: 'E3',
    expectation: 'violated-or-loose',
    tolerance: 0,
    description: 'Cauchy control (not log-concave): the heaviest class also wins both far tails, so some class wins > 1 interval (extra intervals, weakest trial)',
    trial(rng) {
      const K = 2 + rng.int(3);
      const scale = uniformIn(rng, 0.3, 2);
      const p = locationMixture('cauchy', centresWithGaps(rng, K, scale, 3, 6), randomWeights(rng, K, 0.2, 1), scale);
      const runs = decisionRegions(p);
      return { value: Math.max(...runs.map((r) => Math.max(0, r - 1))), where: `K=${K} runs=[${runs.join(',')}]` };
    },
  },
  {
    name: 'e3-one-cluster-fails-unequal-widths',
    equation: 'E3',
    expectation: 'violated-or-loose',
    tolerance: 0,
    description: 'Gaussian RBFs with unequal widths (learnable log-widths): the wider class wins both tails, so one cluster per class needs equal widths (extra intervals, weakest trial)',
    trial(rng) {
      const narrow = { family: 'gaussian' as const, loc: 0, scale: 1 };
      const wide = { family: 'gaussian' as const, loc: uniformIn(rng, 1, 4), scale: uniformIn(rng, 2.5, 4) };
      const pn = uniformIn(rng, 0.3, 0.7);
      const p = mixture([pn, 1 - pn], [narrow, wide]);
      const runs = decisionRegions(p);
      return { value: Math.max(...runs.map((r) => Math.max(0, r - 1))), where: `widths 1 vs ${fmt(wide.scale)} runs=[${runs.join(',')}]` };
    },
  },
  {
    name: 'e3-bound-convex-minimised-at-mode',
    equation: 'E3',
    expectation: 'holds',
    tolerance: 1e-5,
    description: 'log-concave symmetric p_y: the bound U(m) = KL(N(m,σ²)‖p_y) − log π_y is convex in q\'s mean and minimised at p_y\'s centre (max of |m*−μ_y|/scale and negative curvature)',
    trial(rng) {
      const family = pick(rng, LOG_CONCAVE_FAMILIES);
      const scale = uniformIn(rng, 0.3, 2);
      const sd = uniformIn(rng, 0.1, 2);
      const p = locationMixture(family, centresWithGaps(rng, 3, scale, 0.5, 3), randomWeights(rng, 3), scale);
      const y = rng.int(3);
      const mu = p.components[y].loc;
      const R = 5 * Math.max(scale, sd);
      const ms = Array.from({ length: 41 }, (_, i) => mu - R + (2 * R * i) / 40);
      const curvature = minSecondDifference(boundAlongMean(p, y, sd, ms), (2 * R) / 40);
      const best = argminScalar((m) => crossEntropyBound({ mean: m, sd }, p, y), mu - R, mu + R, 41, 1e-10);
      return { value: Math.max(Math.abs(best.x - mu) / scale, Math.max(0, -curvature)), where: `${family} σ/scale=${fmt(sd / scale)} m*−μ=${fmt(best.x - mu)} min U''=${fmt(curvature)}` };
    },
  },
  {
    name: 'e3-bound-nonconvex-cauchy',
    equation: 'E3',
    expectation: 'violated-or-loose',
    tolerance: 1e-6,
    description: 'Cauchy control: U(m) is NOT convex in q\'s mean (negative curvature away from the centre, gradient → 0 like 2/|m|) even though its minimiser stays at the centre (most negative U\'\'·scale², weakest trial)',
    trial(rng) {
      const scale = uniformIn(rng, 0.3, 2);
      const sd = uniformIn(rng, 0.1, 2);
      const p = locationMixture('cauchy', centresWithGaps(rng, 3, scale, 0.5, 3), randomWeights(rng, 3), scale);
      const y = rng.int(3);
      const mu = p.components[y].loc;
      const R = 5 * Math.max(scale, sd);
      const ms = Array.from({ length: 41 }, (_, i) => mu - R + (2 * R * i) / 40);
      const curvature = minSecondDifference(boundAlongMean(p, y, sd, ms), (2 * R) / 40);
      const best = argminScalar((m) => crossEntropyBound({ mean: m, sd }, p, y), mu - R, mu + R, 41, 1e-10);
      return { value: Math.max(0, -curvature * scale * scale), where: `σ/scale=${fmt(sd / scale)} min U''=${fmt(curvature)} m*−μ=${fmt(best.x - mu)}` };
    },
  },
  {
    name: 'e3-gap-vanishes-separated-logconcave',
    equation: 'E3',
    expectation: 'holds',
    tolerance: 1e-8,
    description: 'log-concave components 30 scales apart, q = N(μ_y, σ²), σ ≤ scale: the bound is tight, gap E_q[CE] ≤ 1e-8 nats (exponential tails)',
    trial(rng) {
      const family = pick(rng, LOG_CONCAVE_FAMILIES);
      const scale = uniformIn(rng, 0.3, 2);
      const K = 2 + rng.int(3);
      const p = locationMixture(family, centresWithGaps(rng, K, scale, 30, 30), randomWeights(rng, K), scale);
      const y = rng.int(K);
      const q: Normal1d = { mean: p.components[y].loc, sd: scale * uniformIn(rng, 0.2, 1) };
      return { value: expectedCrossEntropy(q, p, y), where: `${family} K=${K} y=${y}` };
    },
  },
  {
    name: 'e3-gap-persists-separated-cauchy',
    equation: 'E3',
    expectation: 'violated-or-loose',
    tolerance: 1e-8,
    description: 'Cauchy control 30 scales apart: the gap E_q[CE] decays only polynomially (~π_k/π_y/d²), so the bound stays loose (smallest gap, nats)',
    trial(rng) {
      const scale = uniformIn(rng, 0.3, 2);
      const K = 2 + rng.int(3);
      const p = locationMixture('cauchy', centresWithGaps(rng, K, scale, 30, 30), randomWeights(rng, K), scale);
      const y = rng.int(K);
      const q: Normal1d = { mean: p.components[y].loc, sd: scale * uniformIn(rng, 0.2, 1) };
      return { value: expectedCrossEntropy(q, p, y), where: `K=${K} y=${y}` };
    },
  },
  {
    name: 'e3-bound-loose-at-overlap',
    equation: 'E3',
    expectation: 'violated-or-loose',
    tolerance: 0.05,
    description: 'ALL families, centres 0.5 scale apart, q at p_y\'s centre: the bound is loose by E_q[CE] > 0.05 nats even for log-concave components (smallest gap)',
    trial(rng) {
      const family = pick(rng, COMPONENT_FAMILIES);
      const scale = uniformIn(rng, 0.3, 2);
      const K = 2 + rng.int(3);
      const p = locationMixture(family, centresWithGaps(rng, K, scale, 0.5, 0.5), randomWeights(rng, K, 0.2, 1), scale);
      const y = rng.int(K);
      const q: Normal1d = { mean: p.components[y].loc, sd: scale * uniformIn(rng, 0.2, 1) };
      const d = mixtureKlDecomposition(q, p, y);
      return { value: d.gap, where: `${family} K=${K} bound=${fmt(d.bound)} KL=${fmt(d.kl)}` };
    },
  },
  {
    name: 'e3-ce-minimiser-approaches-mode',
    equation: 'E3',
    expectation: 'holds',
    tolerance: 1e-4,
    description: 'equal-width Gaussian RBFs, middle label, σ = 0.2·scale: argmin_m E_q[CE] = μ_y + scale²·log(π_L/π_R)/(2d) → μ_y as the separation d grows (error of the offset / scale)',
    trial(rng) {
      const scale = uniformIn(rng, 0.3, 2);
      const d = scale * uniformIn(rng, 6, 10);
      const w = randomWeights(rng, 3, 0.1, 1);
      const p = locationMixture('gaussian', [-d, 0, d], w, scale);
      const sd = 0.2 * scale;
      const best = argminScalar((m) => expectedCrossEntropy({ mean: m, sd }, p, 1), -d / 2, d / 2, 41, 1e-12);
      const predicted = ((scale * scale) / (2 * d)) * Math.log(w[0] / w[2]);
      return { value: Math.abs(best.x - predicted) / scale, where: `d/scale=${fmt(d / scale)} m*=${fmt(best.x)} predicted=${fmt(predicted)}` };
    },
  },
];

/** Run one check over `trials` seeded draws. */
export function runCheck(check: TheoryCheck, opts: CheckOptions = {}): CheckResult {
  const { seed, trials } = parseConfig(CheckOptionsSchema, opts, 'theory');
  const rng = makeRng((seed ^ hashName(check.name)) >>> 0);
  const holds = check.expectation === 'holds';
  let extreme = holds ? -Infinity : Infinity;
  let where = '';
  for (let i = 0; i < trials; i++) {
    const { value, where: w } = check.trial(rng, i);
    const v = Number.isNaN(value) ? (holds ? Infinity : -Infinity) : value;
    if (holds ? v > extreme : v < extreme) {
      extreme = v;
      where = w;
    }
  }
  const passed = holds ? extreme <= check.tolerance : extreme > check.tolerance;
  const detail = `${holds ? 'largest error' : 'weakest violation'} ${fmt(extreme)} at ${where}`;
  return { name: check.name, equation: check.equation, maxError: extreme, tolerance: check.tolerance, passed, expectation: check.expectation, detail, trials };
}

/** Run every check (or those whose names are listed). Unknown names are a UserError. */
export function runChecks(opts: CheckOptions = {}, names?: readonly string[]): CheckResult[] {
  const chosen = names && names.length ? names.map((n) => {
    const c = CHECKS.find((k) => k.name === n);
    if (!c) throw new UserError(`unknown theory check '${n}' (known: ${CHECKS.map((k) => k.name).join(', ')})`);
    return c;
  }) : CHECKS;
  return chosen.map((c) => runCheck(c, opts));
}
