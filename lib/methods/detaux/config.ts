/**
 * Detaux (Skenderi et al., arXiv 2310.09278) on windows: the config schema of all three stages
 * with its documented defaults (the authors' code defaults where they transfer, docs/design.md
 * §Detaux), a tiny `QUICK` preset for tests and smoke runs, and `detauxConfig`, which lays user
 * overrides (`--config FILE`) over a preset: unknown fields and bad values are a one-line
 * UserError naming the field.
 */
import { BenchmarkSchema } from '../../data/benchmark';
import { TrunkSchema } from '../../models/trunk';
import { defaultsOf, parseConfig, parseOver, z } from '../../util/config';

/** Stage 1: the weakly supervised product-space auto-encoder. */
export const Stage1Schema = z.strictObject({
  latentDim: z.int().min(1).default(10).describe('Latent width d of the encoder output and of every subspace.'),
  subspaces: z.int().min(2).default(5).describe('Number of subspaces k (projector heads); subspace 0 is the principal one.'),
  trunk: TrunkSchema.prefault({}).describe('Encoder trunk before the linear map to d (MLP, ReLU).'),
  decoderHidden: z.array(z.int().min(1)).default([64, 128]).describe('Hidden widths of the decoder d → … → L (ReLU; linear output).'),
  lambdaDistance: z.number().min(0).default(0.1).describe("λ_dist (authors' code)."),
  lambdaSparsity: z.number().min(0).default(0.1).describe('λ_sp.'),
  lambdaConsistency: z.number().min(0).default(100).describe('λ_cons.'),
  lambdaDistribution: z.number().min(0).default(1e-4).describe('λ_distr.'),
  margin: z.number().min(0).default(0.05).describe("Margin of the selected subspace's move in L_dist."),
  marginWeight: z.number().min(0).default(10).describe('Weight of the margin term inside L_dist.'),
  balanceWeight: z.number().min(0).default(100).describe('Weight inside L_reg (balance of the selections).'),
  selectionTemperature: z.number().positive().nullable().default(null).describe(
    "Selection of the moved subspace: null = hard argmax (the authors' softmax(1e6·δ̃), detached; L_reg then carries no gradient and is only logged); a number τ > 0 = softmax(δ̃/τ), which lets L_reg act on the encoder (L_dist still uses the detached selection).",
  ),
  pairs: z.enum(['principal', 'one-factor']).default('principal').describe('Pairs: `principal` (x′ of another regime with probability differentPrincipalProbability, else same regime) or `one-factor`.'),
  differentPrincipalProbability: z.number().min(0).max(1).default(0.5).describe('Probability that x′ has another regime (principal pairs).'),
  lr: z.number().positive().default(5e-4).describe('Adam learning rate.'),
  weightDecay: z.number().min(0).default(1e-6).describe('Decoupled weight decay of weight matrices.'),
  batchPairs: z.int().min(1).default(32).describe('Pairs per step (2B inputs).'),
  epochs: z.int().min(1).default(20).describe('Epochs E of the β schedule (then training goes on at full weights until the convergence criterion holds).'),
  patience: z.int().min(0).default(5).describe(
    'Convergence criterion: after the schedule, stop when the validation objective (every term at full weight, on fixed validation pairs) has not improved by more than minRelDelta (relative) for this many epochs; 0 = stop at E, the earlier fixed budget.',
  ),
  minRelDelta: z.number().min(0).default(1e-3).describe('Smallest relative improvement of the validation objective that counts.'),
  maxEpochs: z.int().min(1).default(400).describe('Epoch cap including the schedule: a run that reaches it has not converged (the report says so).'),
  valPairs: z.int().min(1).default(256).describe('Fixed (seeded) validation pairs of the convergence criterion.'),
  stepsPerEpoch: z.int().min(1).default(40).describe('Steps per epoch.'),
  clipNorm: z.number().default(5).describe('Global gradient-norm clip (≤ 0: off).'),
});
export type Stage1Config = z.output<typeof Stage1Schema>;

/** Stage 2: choosing the auxiliary subspace and clustering it. */
export const Stage2Schema = z
  .strictObject({
    subspace: z.int().min(1).nullable().default(null).describe('Subspace to cluster (< stage1.subspaces; 0 is the principal one); null = the least aligned one by `choice`.'),
    minRelativeRms: z.number().min(0).max(1).default(0.1).describe(
      "With choice 'normalised': subspaces whose RMS is below this fraction of the largest auxiliary subspace's RMS have collapsed and are not candidates (0 = every subspace).",
    ),
    choice: z.enum(['normalised', 'raw']).default('normalised').describe(
      "How 'least aligned' is measured: 'normalised' = |mean ⟨z_s, z_0⟩| / (rms_s · rms_0), scale-free (default: the raw rule picks collapsed subspaces, docs/design.md §Detaux D7); 'raw' = |mean ⟨z_s, z_0⟩| (the authors' clustering.py).",
    ),
    method: z.enum(['kmeans', 'hdbscan']).default('kmeans').describe('`kmeans` (K by silhouette) or `hdbscan` (hdbscan-ts; noise → its own class).'),
    kMin: z.int().min(2).default(2).describe('Smallest K of the silhouette search.'),
    kMax: z.int().min(2).default(8).describe('Largest K of the silhouette search (≥ kMin).'),
    restarts: z.int().min(1).default(4).describe('k-means restarts (k-means++ seeding), best inertia kept.'),
    maxIter: z.int().min(1).default(300).describe('Lloyd iterations at most.'),
    silhouettePoints: z.int().min(1).default(1000).describe('Points on which the silhouette is computed (seeded subsample; O(n²)).'),
    minClusterSize: z.int().min(1).nullable().default(null).describe('HDBSCAN min_cluster_size; null = 2 % of the fitted points.'),
    hdbscanPoints: z.int().min(1).default(300).describe(
      "hdbscan-ts scales ≈ O(n³) (timings in docs/design.md §Detaux): it is fitted on at most this many windows, the rest get the nearest fitted point's label.",
    ),
  })
  .refine((s) => s.kMax >= s.kMin, { path: ['kMax'], message: 'must be ≥ stage2.kMin' });
export type Stage2Config = z.output<typeof Stage2Schema>;

/** Stage 3: hard-parameter-sharing multi-task learning and its controls. */
export const Stage3Schema = z.strictObject({
  trunk: TrunkSchema.prefault({}).describe('Shared trunk (MLP, ReLU).'),
  headHidden: z.int().min(1).default(64).describe("Width of each head's hidden layer (→64–Dropout–ReLU→C)."),
  dropout: z.number().min(0).lt(1).default(0.1).describe('Dropout in each head.'),
  auxWeight: z.number().min(0).default(1).describe('Weight of the auxiliary cross-entropy (1: CE + CE).'),
  lr: z.number().positive().default(1e-3).describe('Adam learning rate.'),
  weightDecay: z.number().min(0).default(5e-3).describe("Decoupled weight decay (AdamW; authors' code)."),
  epochs: z.int().min(1).default(100).describe('Epoch cap over the training windows (a run that reaches it while patience > 0 has not converged).'),
  patience: z.int().min(0).default(5).describe(
    "Early stopping: stop when the principal head's cross-entropy on the validation windows has not improved for this many epochs, and keep the best epoch's weights; 0 = train all `epochs` (the earlier fixed budget of 6).",
  ),
  batchSize: z.int().min(1).default(64).describe('Windows per step (the authors use 32; 64 halves the steps of the 12 stage-3 runs).'),
  seeds: z.int().min(1).default(3).describe('Seeds per arm (mean ± std).'),
  oracleFactor: z.enum(['frequency', 'amplitude', 'phase', 'trend']).default('frequency').describe('The oracle auxiliary task: a true non-principal factor.'),
  clipNorm: z.number().default(5).describe('Global gradient-norm clip (≤ 0: off).'),
});
export type Stage3Config = z.output<typeof Stage3Schema>;

export const DetauxSchema = z
  .strictObject({
    data: BenchmarkSchema.refine((d) => d.split === 'ood', { path: ['split'], message: "must be 'ood' for detaux (it reports i.i.d. and OOD test scores)" })
      .prefault({})
      .describe('The benchmark windows (lib/data/benchmark.ts).'),
    stage1: Stage1Schema.prefault({}),
    stage2: Stage2Schema.prefault({}),
    stage3: Stage3Schema.prefault({}),
    seed: z.int().default(0).describe('Seed of stage 1, the clustering and (mixed with the arm seed index) stage 3.'),
  })
  .refine((c) => c.stage1.maxEpochs >= c.stage1.epochs, { path: ['stage1', 'maxEpochs'], message: 'must be ≥ stage1.epochs (the schedule runs whole)' })
  .refine((c) => c.stage2.subspace === null || c.stage2.subspace < c.stage1.subspaces, {
    path: ['stage2', 'subspace'],
    message: 'must be null or less than stage1.subspaces (subspaces 1 … k−1; 0 is the principal one)',
  });
export type DetauxConfig = z.output<typeof DetauxSchema>;

export const DEFAULT_DETAUX: DetauxConfig = defaultsOf(DetauxSchema);

/** Tiny settings (a few seconds): tests, `dive train --model detaux --quick`, notebooks under DIVE_QUICK=1. */
export const QUICK_DETAUX: DetauxConfig = parseConfig(
  DetauxSchema,
  {
    data: { trainWindows: 600, valWindows: 100, testWindows: 200, oodWindows: 200 },
    stage1: { trunk: { hidden: 32, layers: 1 }, decoderHidden: [32, 32], latentDim: 6, subspaces: 3, epochs: 8, stepsPerEpoch: 12, batchPairs: 16, lr: 2e-3, patience: 2, maxEpochs: 12, valPairs: 64 },
    stage2: { kMax: 5, restarts: 2, silhouettePoints: 300 },
    stage3: { trunk: { hidden: 32, layers: 1 }, headHidden: 16, epochs: 3, patience: 0, seeds: 2, lr: 3e-3 },
  },
  'QUICK_DETAUX',
);

/**
 * `base` overridden by a user JSON {data?, stage1?, stage2?, stage3?, seed?}, field by field;
 * `where` names the source in errors (e.g. "config file x.json").
 */
export function detauxConfig(raw: unknown, base: DetauxConfig = DEFAULT_DETAUX, where = 'detaux config'): DetauxConfig {
  return parseOver(DetauxSchema, base, raw, where);
}
