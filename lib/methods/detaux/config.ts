/**
 * Detaux (Skenderi et al., arXiv 2310.09278) on windows: the typed config of all three stages,
 * its documented defaults (the authors' code defaults where they transfer, docs/design.md
 * §Detaux), a tiny `QUICK` preset for tests and smoke runs, and the checker of user overrides
 * (`--config FILE`: unknown fields and wrong types are a UserError naming the field).
 */
import { DEFAULT_BENCHMARK, type BenchmarkConfig } from '../../data/benchmark';
import type { TrunkConfig } from '../../models/trunk';
import { UserError } from '../../util/errors';

/** Stage 1: the weakly supervised product-space auto-encoder. */
export interface Stage1Config {
  /** Latent width d of the encoder output and of every subspace. Default 10. */
  latentDim: number;
  /** Number of subspaces k (projector heads); subspace 0 is the principal one. Default 5. */
  subspaces: number;
  /** Encoder trunk before the linear map to d. Default MLP 2 × 128 (ReLU). */
  trunk: TrunkConfig;
  /** Hidden widths of the decoder d → … → L (ReLU; linear output). Default [64, 128]. */
  decoderHidden: number[];
  /** λ_dist. Default 0.1 (authors' code). */
  lambdaDistance: number;
  /** λ_sp. Default 0.1. */
  lambdaSparsity: number;
  /** λ_cons. Default 100. */
  lambdaConsistency: number;
  /** λ_distr. Default 1e-4. */
  lambdaDistribution: number;
  /** Margin of the selected subspace's move in L_dist. Default 0.05. */
  margin: number;
  /** Weight of the margin term inside L_dist. Default 10. */
  marginWeight: number;
  /** Weight inside L_reg (balance of the selections). Default 100. */
  balanceWeight: number;
  /**
   * Selection of the moved subspace: null = hard argmax (the authors' softmax(1e6·δ̃), detached;
   * L_reg then carries no gradient and is only logged); a number τ > 0 = softmax(δ̃/τ), which
   * lets L_reg act on the encoder (L_dist still uses the detached selection).
   */
  selectionTemperature: number | null;
  /** Pairs: `principal` (x′ of another regime with p, else same regime) or `one-factor`. */
  pairs: 'principal' | 'one-factor';
  /** Probability that x′ has another regime (principal pairs). Default 0.5. */
  differentPrincipalProbability: number;
  /** Adam learning rate. Default 5e-4. */
  lr: number;
  /** Decoupled weight decay of weight matrices. Default 1e-6. */
  weightDecay: number;
  /** Pairs per step (2B inputs). Default 32. */
  batchPairs: number;
  /** Epochs E of the β schedule. Default 20. */
  epochs: number;
  /** Steps per epoch. Default 40. */
  stepsPerEpoch: number;
  /** Global gradient-norm clip (≤ 0: off). Default 5. */
  clipNorm: number;
}

/** Stage 2: choosing the auxiliary subspace and clustering it. */
export interface Stage2Config {
  /** Subspace to cluster; null = s* = argmin_{s≥1} |mean ⟨z_s, z_0⟩|. Default null. */
  subspace: number | null;
  /** `kmeans` (K by silhouette) or `hdbscan` (hdbscan-ts; noise → its own class). Default kmeans. */
  method: 'kmeans' | 'hdbscan';
  /** K range for the silhouette search. Default 2..8. */
  kMin: number;
  kMax: number;
  /** k-means restarts (k-means++ seeding), best inertia kept. Default 4. */
  restarts: number;
  /** Lloyd iterations at most. Default 300. */
  maxIter: number;
  /** Points on which the silhouette is computed (seeded subsample; O(n²)). Default 1,000. */
  silhouettePoints: number;
  /** HDBSCAN min_cluster_size; null = 2 % of the fitted points. Default null. */
  minClusterSize: number | null;
  /** hdbscan-ts scales ≈ O(n³) (timings in docs/design.md §Detaux): it is fitted on at most this many windows, the rest get the nearest fitted point's label. Default 300. */
  hdbscanPoints: number;
}

/** Stage 3: hard-parameter-sharing multi-task learning and its controls. */
export interface Stage3Config {
  /** Shared trunk. Default MLP 2 × 128. */
  trunk: TrunkConfig;
  /** Width of each head's hidden layer (→64–Dropout–ReLU→C). Default 64. */
  headHidden: number;
  /** Dropout in each head. Default 0.1. */
  dropout: number;
  /** Weight of the auxiliary cross-entropy. Default 1 (CE + CE). */
  auxWeight: number;
  /** Adam learning rate. Default 1e-3. */
  lr: number;
  /** Decoupled weight decay (AdamW). Default 5e-3 (authors' code). */
  weightDecay: number;
  /** Epochs over the training windows. Default 6. */
  epochs: number;
  /** Default 64 (the authors use 32; 64 halves the steps of the 12 stage-3 runs). */
  batchSize: number;
  /** Seeds per arm (mean ± std). Default 3. */
  seeds: number;
  /** The oracle auxiliary task: a true non-principal factor. Default frequency. */
  oracleFactor: 'frequency' | 'amplitude' | 'phase' | 'trend';
  /** Global gradient-norm clip. Default 5. */
  clipNorm: number;
}

export interface DetauxConfig {
  data: BenchmarkConfig;
  stage1: Stage1Config;
  stage2: Stage2Config;
  stage3: Stage3Config;
  /** Seed of stage 1, the clustering and (mixed with the arm seed index) stage 3. Default 0. */
  seed: number;
}

export const DEFAULT_DETAUX: DetauxConfig = {
  data: { ...DEFAULT_BENCHMARK },
  stage1: {
    latentDim: 10,
    subspaces: 5,
    trunk: { kind: 'mlp', hidden: 128, layers: 2 },
    decoderHidden: [64, 128],
    lambdaDistance: 0.1,
    lambdaSparsity: 0.1,
    lambdaConsistency: 100,
    lambdaDistribution: 1e-4,
    margin: 0.05,
    marginWeight: 10,
    balanceWeight: 100,
    selectionTemperature: null,
    pairs: 'principal',
    differentPrincipalProbability: 0.5,
    lr: 5e-4,
    weightDecay: 1e-6,
    batchPairs: 32,
    epochs: 20,
    stepsPerEpoch: 40,
    clipNorm: 5,
  },
  stage2: { subspace: null, method: 'kmeans', kMin: 2, kMax: 8, restarts: 4, maxIter: 300, silhouettePoints: 1000, minClusterSize: null, hdbscanPoints: 300 },
  stage3: {
    trunk: { kind: 'mlp', hidden: 128, layers: 2 },
    headHidden: 64,
    dropout: 0.1,
    auxWeight: 1,
    lr: 1e-3,
    weightDecay: 5e-3,
    epochs: 6,
    batchSize: 64,
    seeds: 3,
    oracleFactor: 'frequency',
    clipNorm: 5,
  },
  seed: 0,
};

/** Tiny settings (a few seconds): tests, `dive train --model detaux --quick`, notebooks under DIVE_QUICK=1. */
export const QUICK_DETAUX: DetauxConfig = {
  data: { ...DEFAULT_BENCHMARK, trainWindows: 600, valWindows: 100, testWindows: 200, oodWindows: 200 },
  stage1: { ...DEFAULT_DETAUX.stage1, trunk: { kind: 'mlp', hidden: 32, layers: 1 }, decoderHidden: [32, 32], latentDim: 6, subspaces: 3, epochs: 8, stepsPerEpoch: 12, batchPairs: 16, lr: 2e-3 },
  stage2: { ...DEFAULT_DETAUX.stage2, kMax: 5, restarts: 2, silhouettePoints: 300 },
  stage3: { ...DEFAULT_DETAUX.stage3, trunk: { kind: 'mlp', hidden: 32, layers: 1 }, headHidden: 16, epochs: 3, seeds: 2, lr: 3e-3 },
  seed: 0,
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merge `raw` over `base` field by field, checking names and types against `base`. */
function mergeChecked(base: unknown, raw: unknown, where: string): unknown {
  if (isPlainObject(base)) {
    if (!isPlainObject(raw)) throw new UserError(`${where} must be an object like ${JSON.stringify(base).slice(0, 60)}…`);
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(raw)) {
      if (!(k in base)) throw new UserError(`unknown config field ${where}.${k}; known: ${Object.keys(base).join(', ')}`);
      out[k] = mergeChecked(base[k], v, `${where}.${k}`);
    }
    return out;
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(raw) || raw.some((x) => typeof x !== typeof (base[0] ?? 0))) throw new UserError(`config field ${where} must be an array of ${typeof (base[0] ?? 0)}s, got ${JSON.stringify(raw)}`);
    return raw.slice();
  }
  if (base === null) {
    if (raw !== null && typeof raw !== 'number') throw new UserError(`config field ${where} must be null or a number, got ${JSON.stringify(raw)}`);
    return raw;
  }
  if (typeof raw !== typeof base && !(typeof base === 'number' && raw === null)) throw new UserError(`config field ${where} must be a ${typeof base}, got ${JSON.stringify(raw)}`);
  return raw;
}

const NULLABLE = new Set(['selectionTemperature', 'subspace', 'minClusterSize']);

/** Validate value ranges of a merged config (one-line UserErrors naming the field). */
export function checkDetauxConfig(c: DetauxConfig): DetauxConfig {
  const posInt = (v: number, name: string): void => {
    if (!(Number.isInteger(v) && v >= 1)) throw new UserError(`config field ${name} must be a whole number ≥ 1, got ${v}`);
  };
  const s1 = c.stage1, s2 = c.stage2, s3 = c.stage3;
  posInt(s1.latentDim, 'stage1.latentDim');
  if (!(Number.isInteger(s1.subspaces) && s1.subspaces >= 2)) throw new UserError(`config field stage1.subspaces must be a whole number ≥ 2 (subspace 0 is the principal one), got ${s1.subspaces}`);
  for (const k of ['batchPairs', 'epochs', 'stepsPerEpoch'] as const) posInt(s1[k], `stage1.${k}`);
  for (const k of ['lambdaDistance', 'lambdaSparsity', 'lambdaConsistency', 'lambdaDistribution', 'margin', 'marginWeight', 'balanceWeight', 'weightDecay'] as const) {
    if (!(Number.isFinite(s1[k]) && s1[k] >= 0)) throw new UserError(`config field stage1.${k} must be a number ≥ 0, got ${s1[k]}`);
  }
  if (!(s1.lr > 0)) throw new UserError(`config field stage1.lr must be > 0, got ${s1.lr}`);
  if (s1.selectionTemperature !== null && !(s1.selectionTemperature > 0)) throw new UserError(`config field stage1.selectionTemperature must be null (hard) or > 0, got ${s1.selectionTemperature}`);
  if (s1.pairs !== 'principal' && s1.pairs !== 'one-factor') throw new UserError(`config field stage1.pairs must be 'principal' or 'one-factor', got '${s1.pairs}'`);
  if (!(s1.differentPrincipalProbability >= 0 && s1.differentPrincipalProbability <= 1)) throw new UserError(`config field stage1.differentPrincipalProbability must be in [0, 1], got ${s1.differentPrincipalProbability}`);
  s1.decoderHidden.forEach((w, i) => posInt(w, `stage1.decoderHidden[${i}]`));
  if (s2.subspace !== null && !(Number.isInteger(s2.subspace) && s2.subspace >= 1 && s2.subspace < s1.subspaces)) throw new UserError(`config field stage2.subspace must be null or 1..${s1.subspaces - 1} (0 is the principal subspace), got ${s2.subspace}`);
  if (s2.method !== 'kmeans' && s2.method !== 'hdbscan') throw new UserError(`config field stage2.method must be 'kmeans' or 'hdbscan', got '${s2.method}'`);
  if (!(Number.isInteger(s2.kMin) && s2.kMin >= 2 && Number.isInteger(s2.kMax) && s2.kMax >= s2.kMin)) throw new UserError(`config fields stage2.kMin/kMax must be whole numbers with 2 ≤ kMin ≤ kMax, got ${s2.kMin}, ${s2.kMax}`);
  for (const k of ['restarts', 'maxIter', 'silhouettePoints', 'hdbscanPoints'] as const) posInt(s2[k], `stage2.${k}`);
  if (s2.minClusterSize !== null) posInt(s2.minClusterSize, 'stage2.minClusterSize');
  for (const k of ['headHidden', 'epochs', 'batchSize', 'seeds'] as const) posInt(s3[k], `stage3.${k}`);
  if (!(s3.dropout >= 0 && s3.dropout < 1)) throw new UserError(`config field stage3.dropout must be in [0, 1), got ${s3.dropout}`);
  if (!(s3.lr > 0 && s3.weightDecay >= 0 && s3.auxWeight >= 0)) throw new UserError(`config fields stage3.lr > 0, stage3.weightDecay ≥ 0, stage3.auxWeight ≥ 0 required, got ${s3.lr}, ${s3.weightDecay}, ${s3.auxWeight}`);
  if (!['frequency', 'amplitude', 'phase', 'trend'].includes(s3.oracleFactor)) throw new UserError(`config field stage3.oracleFactor must be frequency, amplitude, phase or trend, got '${s3.oracleFactor}'`);
  if (!Number.isInteger(c.seed)) throw new UserError(`config field seed must be a whole number, got ${c.seed}`);
  if (c.data.split === 'iid') throw new UserError("config field data.split must be 'ood' for detaux (it reports i.i.d. and OOD test scores)");
  return c;
}

/**
 * `base` overridden by a user JSON {data?, stage1?, stage2?, stage3?, seed?}; `where` names the
 * source in errors (e.g. "config file x.json").
 */
export function detauxConfig(raw: unknown, base: DetauxConfig = DEFAULT_DETAUX, where = 'detaux config'): DetauxConfig {
  if (raw === undefined || raw === null) return checkDetauxConfig(structuredClone(base));
  if (!isPlainObject(raw)) throw new UserError(`${where} must be a JSON object {"data": …, "stage1": …, "stage2": …, "stage3": …}`);
  const merged = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in merged)) throw new UserError(`unknown config field ${k} in ${where}; known: data, stage1, stage2, stage3, seed`);
    const b = merged[k];
    if (isPlainObject(b) && isPlainObject(v)) {
      const out: Record<string, unknown> = { ...b };
      for (const [f, fv] of Object.entries(v)) {
        if (!(f in b)) throw new UserError(`unknown config field ${k}.${f} in ${where}; known: ${Object.keys(b).join(', ')}`);
        out[f] = NULLABLE.has(f) && (fv === null || typeof fv === 'number') ? fv : mergeChecked(b[f], fv, `${k}.${f}`);
      }
      merged[k] = out;
    } else merged[k] = mergeChecked(b, v, k);
  }
  return checkDetauxConfig(merged as unknown as DetauxConfig);
}
