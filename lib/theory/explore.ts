/**
 * Sweeps of the E3 quantities for plots (notebook 03): curves over b and over q's mean, and
 * minimisers, so notebook cells stay one line per step. Every number comes from
 * lib/theory/mixtureKl.ts; nothing here is new theory.
 */
import {
  type ComponentFamily,
  type MixturePrior,
  componentLogPdf,
  crossEntropyBound,
  expectedCrossEntropy,
  klToMixture,
  locationMixture,
  mixtureLogPdf,
  responsibilities,
} from './mixtureKl';
import { argminScalar } from './quadrature';

/** n evenly spaced points from lo to hi inclusive. */
export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** Densities over b: the mixture p(b), each weighted component π_k p_k(b), and each r_k(b). */
export interface DensityCurves {
  readonly b: number[];
  readonly mixture: number[];
  readonly weighted: number[][];
  readonly responsibilities: number[][];
}

export function densityCurves(p: MixturePrior, b: readonly number[]): DensityCurves {
  return {
    b: [...b],
    mixture: b.map((v) => Math.exp(mixtureLogPdf(p, v))),
    weighted: p.components.map((c, k) => b.map((v) => p.weights[k] * Math.exp(componentLogPdf(c, v)))),
    responsibilities: p.components.map((_, k) => b.map((v) => responsibilities(p, v)[k])),
  };
}

/** The three E3 objectives as functions of q's mean m at fixed σ (nats). */
export interface ObjectiveCurves {
  readonly m: number[];
  /** KL(N(m,σ²) ‖ p), the true prior KL. */
  readonly kl: number[];
  /** KL(N(m,σ²) ‖ p_y) − log π_y, the bound. */
  readonly bound: number[];
  /** E_q[CE(b, y)], the RBF-softmax cross-entropy DeepDIVE trains on; bound − kl. */
  readonly expectedCe: number[];
}

export function objectiveCurves(p: MixturePrior, y: number, sd: number, m: readonly number[]): ObjectiveCurves {
  return {
    m: [...m],
    kl: m.map((v) => klToMixture({ mean: v, sd }, p)),
    bound: m.map((v) => crossEntropyBound({ mean: v, sd }, p, y)),
    expectedCe: m.map((v) => expectedCrossEntropy({ mean: v, sd }, p, y)),
  };
}

/** Where each objective is smallest over q's mean in [lo, hi] (grid + golden section). */
export interface Minimisers {
  readonly kl: number;
  readonly bound: number;
  readonly expectedCe: number;
}

export function minimisers(p: MixturePrior, y: number, sd: number, lo: number, hi: number): Minimisers {
  return {
    kl: argminScalar((m) => klToMixture({ mean: m, sd }, p), lo, hi, 61, 1e-9).x,
    bound: argminScalar((m) => crossEntropyBound({ mean: m, sd }, p, y), lo, hi, 61, 1e-9).x,
    expectedCe: argminScalar((m) => expectedCrossEntropy({ mean: m, sd }, p, y), lo, hi, 61, 1e-9).x,
  };
}

/**
 * The bound's gap E_q[CE] at q = N(μ_y, σ²) for a symmetric 3-class mixture with centres
 * −d, 0, d (label: the middle class), for each separation d (in units of the common scale 1).
 */
export function gapVsSeparation(family: ComponentFamily, separations: readonly number[], weights: readonly number[], sd: number): number[] {
  return separations.map((d) => expectedCrossEntropy({ mean: 0, sd }, locationMixture(family, [-d, 0, d], weights, 1), 1));
}
