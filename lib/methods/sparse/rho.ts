/**
 * The paper's experiment of MCC against the correlation between the factors (Lachapelle et al.
 * 2023, their 3DShapes figure "MCC vs correlation"; docs/design.md §Sparse base-predictors, "The
 * paper's experiment: MCC against ρ"): one run trains the shared encoder bi-level with one inner
 * solver at one regularisation on factors correlated at ρ, and scores it.
 *
 * - Data (latents.ts): 6 factors with uniform marginals and pairwise correlation ρ (L1) observed
 *   through a random injective leaky-ReLU MLP (L2), inputs standardised with the training split's
 *   moments. Training and validation points have correlation ρ; the test points are independent
 *   (ρ = 0), as the authors evaluate on every 3DShapes image (their "uniform" distribution): MCC
 *   then measures the map from factors to codes, not the factors' correlation. The same draws
 *   (and the same mixing, `dataSeed`) for every ρ and run seed.
 * - Training: pipeline.ts `trainEncoder` — sparse regression tasks on the 6 factors (T1, |S| =
 *   `tasks.supportSize` drawn per task), inner Lasso (λ = reg·λ_max) or inner ridge
 *   (μ = reg·‖Φ‖_F²/n) with the implicit gradient, Adam on the query loss.
 * - Codes: the encoder's outputs standardised with the training points' statistics (BatchNorm's
 *   evaluation mode), so FastICA fitted on the training codes applies to the others unchanged.
 * - Scores: test MCC (Pearson, Hungarian matching; lib/eval/disentanglement/mcc.ts) of the codes
 *   against the independent test factors; on `valTasks` new sparse tasks of the validation points
 *   (each fitted on its support points, scored on its query points): `valTaskMse` with the run's
 *   own inner head (Lasso or ridge at `reg`), and the selection criterion `probeValMse` with one
 *   fixed sparse probe for every method and regularisation — the relaxed Lasso (the Lasso at
 *   `probeL1reg`·λ_max picks the support, least squares on it gives the coefficients). The own
 *   head's loss is no criterion across regularisations: its ℓ₁ shrinkage grows with λ whatever
 *   the codes, so it prefers the smallest λ (measured: docs/design.md); a ridge head is nearly
 *   blind to a rotation of the codes, so it could not tell ICA's alignment either. Ridge runs
 *   also score Ridge + ICA: FastICA fitted on the training codes (the authors fit it on
 *   in-distribution codes), applied to every split, and the same scores of the rotated codes.
 */
import * as tf from '@tensorflow/tfjs';
import { mcc } from '../../eval/disentanglement/mcc';
import { TrunkSchema } from '../../models/trunk';
import { defaultsOf, parseConfig, parseOver, withDefaults, z } from '../../util/config';
import { makeRng, mixSeed } from '../../util/random';
import type { ProgressSink } from '../../util/progress';
import { requireSyncReads } from '../../backend/select';
import { DEFAULT_SPARSE, SparseTaskSchema, sparseConfig, type SparseConfig } from './config';
import { applyFastIca, fitFastIca } from './ica';
import { correlatedFactors, meanPairwiseCorrelation, mixFactors, randomMixing } from './latents';
import { factorR2, regressionScores, trainEncoder, type EncoderStop } from './pipeline';
import { regressionTask, type FactorColumns } from './tasks';

/** The experiment's factors: 6 continuous latents (latents.ts L1), the tasks' columns and the codes. */
export const RHO_FACTORS = 6;
const M = RHO_FACTORS;

/** Model name of a sparse-rho run in `dive reproduce` records (lib/study/run/pipelineRuns.ts). */
export const SPARSE_RHO_MODEL = 'sparse-rho';

/** The three methods of the experiment's table, and the inner solver each trains with. */
export const RHO_METHODS = ['lasso', 'ridge', 'ridge-ica'] as const;
export type RhoMethod = (typeof RHO_METHODS)[number];

export const SparseRhoSchema = z
  .strictObject({
    rho: z.number().min(0).lt(1).default(0).describe('Correlation ρ between every pair of the 6 factors of the training and validation points (latents.ts L1); the test factors are independent.'),
    inner: z.enum(['lasso', 'ridge']).default('lasso').describe('Inner problem: `lasso` (S1) or `ridge` (S4; the run also scores Ridge + ICA).'),
    reg: z.number().positive().default(0.1).describe('Regularisation: l1reg of the Lasso (λ = reg·λ_max, < 1) or l2reg of the ridge (μ = reg·‖Φ‖_F²/n).'),
    observed: z.int().min(6).default(16).describe('Dimension D of the observations x = f(z) (latents.ts L2).'),
    mixingLayers: z.int().min(1).default(3).describe('Linear layers of the mixing f (leaky ReLU between them).'),
    slope: z.number().gt(0).max(1).default(0.2).describe('Negative slope of the mixing\'s leaky ReLU (invertible for > 0).'),
    trainPoints: z.int().min(60).default(4000).describe('Training points (tasks are drawn from them; FastICA is fitted on their codes).'),
    valPoints: z.int().min(60).default(1000).describe('Validation points (correlation ρ): the validation tasks.'),
    testPoints: z.int().min(10).default(2000).describe('Test points (independent factors): the MCC.'),
    dataSeed: z.int().default(0).describe('Seed of the mixing and of the factor draws (the same for every ρ and run seed).'),
    trunk: withDefaults(TrunkSchema, { hidden: 64 }).prefault({}).describe('Encoder trunk (MLP, ReLU) before the linear map to the 6 codes.'),
    steps: z.int().min(1).default(40000).describe("Cap on the outer (meta) steps of Adam (twice the authors' fixed 20,000, as the bilevel pipeline's); the stopping rule ends a run sooner."),
    evalEvery: z.int().min(1).default(200).describe('Outer steps between checks of the stopping rule (the outer loss of the validation tasks).'),
    patience: z.int().min(0).default(10).describe("Checks without a lower validation outer loss before training stops (the best check's weights are kept); 0 = off: run `steps` steps."),
    lr: z.number().positive().default(3e-3).describe('Adam learning rate.'),
    clipNorm: z.number().default(5).describe('Global gradient-norm clip (≤ 0: off).'),
    tasksPerBatch: z.int().min(1).default(8).describe('Tasks per meta-batch (authors).'),
    tasks: SparseTaskSchema.prefault({}),
    valTasks: z.int().min(1).default(200).describe('Validation tasks of the selection criterion and of the stopping rule.'),
    probeL1reg: z.number().gt(0).lt(1).default(0.1).describe('l1reg of the sparse probe (relaxed Lasso) whose validation-task MSE is the selection criterion of every method.'),
    seed: z.int().default(0).describe('Seed of the encoder, the training and validation tasks and FastICA.'),
  })
  .superRefine((c, ctx) => {
    if (c.tasks.supportSize > RHO_FACTORS) ctx.addIssue({ code: 'custom', path: ['tasks', 'supportSize'], message: `must be ≤ ${RHO_FACTORS} (the factors)` });
    if (c.inner === 'lasso' && c.reg >= 1) ctx.addIssue({ code: 'custom', path: ['reg'], message: 'must be < 1 for the Lasso (λ = reg·λ_max; λ_max already zeroes every coefficient)' });
    const perTask = c.tasks.supportPoints + c.tasks.queryPoints;
    for (const key of ['trainPoints', 'valPoints'] as const) {
      if (c[key] < perTask) ctx.addIssue({ code: 'custom', path: [key], message: `must be ≥ ${perTask} (tasks.supportPoints + tasks.queryPoints)` });
    }
  });
export type SparseRhoConfig = z.output<typeof SparseRhoSchema>;

export const DEFAULT_SPARSE_RHO: SparseRhoConfig = defaultsOf(SparseRhoSchema);

/** Seconds-scale settings: `dive reproduce --quick --only sparse-rho`, tests. */
export const QUICK_SPARSE_RHO: SparseRhoConfig = parseConfig(
  SparseRhoSchema,
  { trainPoints: 600, valPoints: 300, testPoints: 400, trunk: { hidden: 16, layers: 1 }, steps: 40, evalEvery: 10, patience: 3, valTasks: 20 },
  'QUICK_SPARSE_RHO',
);

/** `base` overridden by `raw` (same shape as {@link SparseRhoConfig}); unknown fields and bad values are one-line UserErrors. */
export function sparseRhoConfig(raw: unknown, base: SparseRhoConfig = DEFAULT_SPARSE_RHO, where = 'sparse-rho config'): SparseRhoConfig {
  return parseOver(SparseRhoSchema, base, raw, where);
}

/** The scores of one method's codes. */
export interface RhoScores {
  /** Test MCC against the independent test factors. */
  readonly mcc: { readonly pearson: number; readonly spearman: number };
  /** Mean query MSE of the validation tasks fitted by the run's own inner head (Lasso or ridge at `reg`; for Ridge + ICA the ridge head on the ICA codes). */
  readonly valTaskMse: number;
  /** Mean query R² of the same tasks. */
  readonly valTaskR2: number;
  /** The selection criterion: mean query MSE of the same tasks fitted by the fixed sparse probe (relaxed Lasso at `probeL1reg`). */
  readonly probeValMse: number;
  /** Mean number of codes the probe uses per task (the tasks use `tasks.supportSize` factors). */
  readonly probeSupport: number;
  /** Mean over the factors of the test R² of an OLS fit of the factor on the codes (fitted on the training points). */
  readonly r2: number;
}

export interface SparseRhoReport {
  readonly model: typeof SPARSE_RHO_MODEL;
  readonly rho: number;
  readonly inner: 'lasso' | 'ridge';
  readonly reg: number;
  readonly seed: number;
  /** Mean pairwise sample correlation of the training factors (≈ ρ). */
  readonly realisedRho: number;
  /** The codes of the run's own method (inner Lasso or inner Ridge). */
  readonly own: RhoScores;
  /** Ridge + ICA (ridge runs only), with FastICA's convergence. */
  readonly ica?: RhoScores & { readonly converged: boolean; readonly iterations: number };
  /** Outer loss, mean over blocks of steps. */
  readonly history: { step: number; loss: number }[];
  /** How the encoder's training ended (the stopping rule on the validation points' tasks). */
  readonly stop: EncoderStop;
  readonly backend: string;
  readonly seconds: number;
}

/** Standardise row-major [n, d] values with the mean and std of `ref` [nRef, d] (float64). */
function standardiseWith(ref: ArrayLike<number>, nRef: number, d: number, ...sets: { x: ArrayLike<number>; n: number }[]): Float64Array[] {
  const mu = new Float64Array(d), sd = new Float64Array(d);
  for (let i = 0; i < nRef; i++) for (let j = 0; j < d; j++) mu[j] += ref[i * d + j] / nRef;
  for (let i = 0; i < nRef; i++) for (let j = 0; j < d; j++) sd[j] += (ref[i * d + j] - mu[j]) ** 2 / nRef;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j] + 1e-12);
  return sets.map(({ x, n }) => Float64Array.from({ length: n * d }, (_, k) => (x[k] - mu[k % d]) / sd[k % d]));
}

/** The data of a run: factors and standardised observations of the three splits. */
export function sparseRhoData(cfg: SparseRhoConfig): { z: { train: Float64Array; val: Float64Array; test: Float64Array }; x: { train: Float32Array; val: Float32Array; test: Float32Array } } {
  const mixing = randomMixing(M, cfg.observed, cfg.mixingLayers, cfg.slope, mixSeed(cfg.dataSeed, 1));
  // One stream per split, independent of ρ: the same draws at every correlation (common random numbers).
  const z = {
    train: correlatedFactors(cfg.trainPoints, M, cfg.rho, makeRng(mixSeed(cfg.dataSeed, 2))),
    val: correlatedFactors(cfg.valPoints, M, cfg.rho, makeRng(mixSeed(cfg.dataSeed, 3))),
    test: correlatedFactors(cfg.testPoints, M, 0, makeRng(mixSeed(cfg.dataSeed, 4))),
  };
  const raw = { train: mixFactors(mixing, z.train, cfg.trainPoints), val: mixFactors(mixing, z.val, cfg.valPoints), test: mixFactors(mixing, z.test, cfg.testPoints) };
  const [train, val, test] = standardiseWith(raw.train, cfg.trainPoints, cfg.observed, { x: raw.train, n: cfg.trainPoints }, { x: raw.val, n: cfg.valPoints }, { x: raw.test, n: cfg.testPoints });
  return { z, x: { train: Float32Array.from(train), val: Float32Array.from(val), test: Float32Array.from(test) } };
}

/** The pipeline config `trainEncoder` reads, from a sparse-rho config. */
export function encoderConfig(cfg: SparseRhoConfig): SparseConfig {
  return sparseConfig(
    {
      trunk: cfg.trunk, codes: M, inner: 'implicit', steps: cfg.steps, evalEvery: cfg.evalEvery, patience: cfg.patience, valTasks: cfg.valTasks,
      lr: cfg.lr, clipNorm: cfg.clipNorm, tasksPerBatch: cfg.tasksPerBatch, tasks: cfg.tasks, seed: cfg.seed,
      ...(cfg.inner === 'lasso' ? { l1reg: cfg.reg } : { l2reg: cfg.reg }),
    },
    DEFAULT_SPARSE,
    'sparse-rho encoder config',
  );
}

/** Train and score one (ρ, inner, reg, seed) run (a checked, complete config). */
export function runSparseRho(cfg: SparseRhoConfig, onProgress?: ProgressSink): SparseRhoReport {
  requireSyncReads('runSparseRho');
  const t0 = Date.now();
  const { z, x } = sparseRhoData(cfg);
  const n = { train: cfg.trainPoints, val: cfg.valPoints, test: cfg.testPoints };
  const cols = { train: { values: z.train, columns: M }, val: { values: z.val, columns: M }, test: { values: z.test, columns: M } } satisfies Record<string, FactorColumns>;
  const enc = encoderConfig(cfg);
  const validation = { pool: { n: n.val, x: x.val }, columns: cols.val };
  const { encoder, history, stop } = trainEncoder({ config: { inputLength: cfg.observed }, train: { n: n.train, x: x.train } }, cols.train, enc, 'sparse', cfg.inner, `sparse-rho ${cfg.inner} ρ=${cfg.rho} reg=${cfg.reg}`, onProgress, validation);
  let raw: { train: Float32Array; val: Float32Array; test: Float32Array };
  try {
    raw = { train: encoder.rawCodesOf(x.train, n.train), val: encoder.rawCodesOf(x.val, n.val), test: encoder.rawCodesOf(x.test, n.test) };
  } finally {
    encoder.dispose();
  }
  const [train, val, test] = standardiseWith(raw.train, n.train, M, { x: raw.train, n: n.train }, { x: raw.val, n: n.val }, { x: raw.test, n: n.test });
  const rng = makeRng(mixSeed(cfg.seed, 30));
  const tc = cfg.tasks;
  const valTasks = Array.from({ length: cfg.valTasks }, () => regressionTask({ n: n.val }, cols.val, 'sparse', tc.supportSize, tc.noiseScale, tc.supportPoints, tc.queryPoints, rng));
  const score = (codes: { train: ArrayLike<number>; val: ArrayLike<number>; test: ArrayLike<number> }, inner: 'lasso' | 'ridge'): RhoScores => {
    const m = mcc(codes.test, M, z.test, M);
    const v = regressionScores(codes.val, M, valTasks, inner, enc);
    const probe = regressionScores(codes.val, M, valTasks, 'lasso', { ...enc, l1reg: cfg.probeL1reg }, true);
    const r2 = factorR2(codes.train, cols.train, n.train, codes.test, cols.test, n.test, M);
    return { mcc: { pearson: m.pearson, spearman: m.spearman }, valTaskMse: v.mse, valTaskR2: v.r2, probeValMse: probe.mse, probeSupport: probe.meanSupport, r2: r2.reduce((s, r) => s + r, 0) / r2.length };
  };
  const own = score({ train, val, test }, cfg.inner);
  let ica: SparseRhoReport['ica'];
  if (cfg.inner === 'ridge') {
    const model = fitFastIca(train, n.train, M, { seed: cfg.seed });
    const codes = { train: applyFastIca(model, train, n.train), val: applyFastIca(model, val, n.val), test: applyFastIca(model, test, n.test) };
    ica = { ...score(codes, 'ridge'), converged: model.converged, iterations: model.iterations };
  }
  return {
    model: SPARSE_RHO_MODEL, rho: cfg.rho, inner: cfg.inner, reg: cfg.reg, seed: cfg.seed,
    realisedRho: meanPairwiseCorrelation(z.train, n.train, M),
    own, ...(ica ? { ica } : {}), history, stop, backend: tf.getBackend(), seconds: (Date.now() - t0) / 1000,
  };
}
