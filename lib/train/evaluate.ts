/**
 * Test-split evaluation of a trained model: forecast metrics (normalised and original units),
 * reconstruction RRSE (where the model reconstructs), MIG of the latent means (vs the
 * ground-truth factors when known, else vs the labels) and cluster accuracy / NMI of the RBF
 * memberships; on sets with discrete factor levels (the shared benchmark, lib/data/benchmark.ts)
 * also the disentanglement suite (lib/eval/disentanglement: MIG, DCI, SAP, FactorVAE, MCC) on
 * the latent means [μ_a ‖ μ_b]. Used by `dive train`, `dive evaluate`, benchmarks and `dive reproduce`.
 */
import type { Scaler, WindowSet } from '../data/types';
import { forecastReport, type ForecastMetrics } from '../eval/forecast';
import { mig } from '../eval/mig';
import { argmaxRows, clusterMetrics } from '../eval/cluster';
import type { Model } from '../models/types';
import { predictSplit, type SplitOutputs } from './predict';
import { discreteFactorsOf } from '../data/benchmark';
import { disentanglementScores, floorCodes, type DisentanglementScores } from '../eval/disentanglement';

/** The four forecast numbers without the bookkeeping fields. */
export interface MetricSet {
  readonly rrse: number;
  readonly corr: number;
  readonly mse: number;
  readonly mae: number;
}

export interface TestMetrics {
  /** Windows evaluated. */
  readonly windows: number;
  readonly forecast: { readonly normalised: MetricSet; readonly original: MetricSet };
  /** RRSE of x̂ against the input window x, normalised and original units; null without a decoder. */
  readonly reconstruction: { readonly rrse: number; readonly rrseOriginal: number } | null;
  /** MIG of [μ_a ‖ μ_b] against `migAgainst`; null without a latent (or < 2 dims) or targets. */
  readonly mig: number | null;
  /** MIG of seeded Gaussian codes of the latent's shape against the same targets (floorCodes, seed 0): the noise floor of `mig`. */
  readonly migFloor?: number | null;
  readonly migAgainst: 'factors' | 'labels' | null;
  /** Per-factor normalised MI gaps (same order as the factor/label names). */
  readonly migGaps: Record<string, number> | null;
  /** Per label: clustering of argmax RBF memberships vs the labels. */
  readonly cluster: Record<string, { readonly accuracy: number; readonly plainAccuracy: number; readonly nmi: number }> | null;
  /**
   * The disentanglement suite (disentanglementScores, suite defaults, seed 0) of [μ_a ‖ μ_b]
   * against the discrete factor table; null unless the set carries discrete factors (the
   * benchmark) and the model has ≥ 2 latent dims.
   */
  readonly disentanglement: DisentanglementScores | null;
}

const pick = (m: ForecastMetrics): MetricSet => ({ rrse: m.rrse, corr: m.corr, mse: m.mse, mae: m.mae });

/** Concatenate two row-major [n, da] and [n, db] arrays column-wise. */
function concatColumns(n: number, a: Float32Array | undefined, da: number, b: Float32Array | undefined, db: number): { values: Float32Array; dims: number } {
  const dims = (a ? da : 0) + (b ? db : 0);
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    let o = i * dims;
    if (a) for (let j = 0; j < da; j++) out[o++] = a[i * da + j];
    if (b) for (let j = 0; j < db; j++) out[o++] = b[i * db + j];
  }
  return { values: out, dims };
}

/** Metrics of already collected outputs (see predictSplit). */
export function metricsOf(out: SplitOutputs, set: WindowSet, scaler: Scaler): TestMetrics {
  const C = set.channels;
  const f = forecastReport(out.forecast, out.target, C, scaler);
  let reconstruction: TestMetrics['reconstruction'] = null;
  if (out.reconstruction && out.input) {
    const r = forecastReport(out.reconstruction, out.input, C, scaler);
    reconstruction = { rrse: r.normalised.rrse, rrseOriginal: r.original.rrse };
  }
  const latent = concatColumns(out.n, out.latentA, out.latentADim, out.latentB, out.latentBDim);
  const discrete = discreteFactorsOf(set);
  let migValue: number | null = null;
  let migFloorValue: number | null = null;
  let migAgainst: TestMetrics['migAgainst'] = null;
  let migGaps: TestMetrics['migGaps'] = null;
  if (latent.dims >= 2) {
    let targets: Float32Array | undefined;
    let names: readonly string[] = [];
    if (out.factors && set.factorNames.length > 0) {
      targets = out.factors;
      names = set.factorNames;
      migAgainst = 'factors';
    } else if (out.labels.length > 0) {
      names = set.labels.map((l) => l.name);
      targets = new Float32Array(out.n * names.length);
      for (let i = 0; i < out.n; i++) for (let k = 0; k < names.length; k++) targets[i * names.length + k] = out.labels[k][i];
      migAgainst = 'labels';
    }
    if (targets) {
      const opts = migAgainst === 'labels' || discrete ? { factorKinds: 'discrete' as const } : {};
      const r = mig(latent.values, latent.dims, targets, names.length, opts);
      migValue = r.mig;
      migFloorValue = mig(floorCodes(out.n, latent.dims), latent.dims, targets, names.length, opts).mig;
      migGaps = Object.fromEntries(names.map((n, k) => [n, r.gaps[k]]));
    }
  }
  let cluster: TestMetrics['cluster'] = null;
  if (out.memberships) {
    cluster = {};
    set.labels.forEach((l, i) => {
      const K = l.classes.length;
      const c = clusterMetrics(argmaxRows(out.memberships![i], K), out.labels[i], { clusters: K, classes: K });
      cluster![l.name] = { accuracy: c.accuracy, plainAccuracy: c.plainAccuracy, nmi: c.nmi };
    });
  }
  let disentanglement: DisentanglementScores | null = null;
  if (discrete && out.factors && latent.dims >= 2) {
    const levels = Int32Array.from(out.factors, (v) => Math.round(v));
    disentanglement = disentanglementScores(latent.values, latent.dims, { values: levels, names: discrete.names, circular: discrete.circular, levels: discrete.levels });
  }
  return {
    windows: out.n,
    forecast: { normalised: pick(f.normalised), original: pick(f.original) },
    reconstruction,
    mig: migValue,
    migFloor: migFloorValue,
    migAgainst,
    migGaps,
    cluster,
    disentanglement,
  };
}

/** Predict the whole split and compute every applicable metric. */
export async function evaluateModel(model: Model, set: WindowSet, scaler: Scaler, batchSize = 256): Promise<TestMetrics> {
  return metricsOf(await predictSplit(model, set, batchSize), set, scaler);
}
