/**
 * Sparse base-predictors (Lachapelle et al., ICML 2023, arXiv 2211.14666) on the shared benchmark:
 * the config schema of the bi-level pipeline with its documented defaults (docs/design.md §Sparse
 * base-predictors; the authors' regression defaults where they transfer), a `QUICK` preset for
 * tests, and `sparseConfig`, which lays user overrides over a preset (unknown fields and bad
 * values are a one-line UserError naming the field).
 */
import { BenchmarkSchema } from '../../data/benchmark';
import { TrunkSchema } from '../../models/trunk';
import { defaultsOf, parseConfig, parseOver, withDefaults, z } from '../../util/config';
import { REGIME_ENCODINGS, taskColumns } from './tasks';

/** How the inner problem is solved and differentiated. */
export type InnerMode = 'implicit' | 'unrolled';

/** The arms one run trains and scores. */
export const SPARSE_ARMS = ['sparse', 'dense-control', 'ridge', 'ridge-ica'] as const;
export type SparseArm = (typeof SPARSE_ARMS)[number];

export const SparseTaskSchema = z.strictObject({
  supportSize: z.int().min(1).default(2).describe('Factor columns a sparse task depends on (|S| of the m factor columns, drawn uniformly per task; at most m).'),
  noiseScale: z.number().min(0).default(0.1).describe("Noise scale of y = v_Sᵀw + scale·(‖Vw‖/‖ε‖)ε (the authors' SNR-scaled noise)."),
  supportPoints: z.int().min(2).default(25).describe('Support (inner) points per task (authors: shots 25).'),
  queryPoints: z.int().min(1).default(25).describe('Query (outer) points per task (authors: test_shots 25).'),
  classes: z.int().min(2).default(3).describe('Classes of the few-shot classification tasks (argmax of a sparse linear teacher).'),
});
export type SparseTaskConfig = z.output<typeof SparseTaskSchema>;

export const SparseSchema = z
  .strictObject({
    data: withDefaults(BenchmarkSchema, { trainWindows: 4000, valWindows: 500, testWindows: 1000, oodWindows: 100, split: 'iid' })
      .prefault({})
      .describe("The benchmark windows (lib/data/benchmark.ts), i.i.d. split; the validation windows serve the stopping rule's tasks, few OOD windows."),
    tasks: SparseTaskSchema.prefault({}),
    trunk: TrunkSchema.prefault({}).describe("Encoder trunk before the linear map to m′ codes (MLP, ReLU)."),
    regime: z
      .enum(REGIME_ENCODINGS)
      .default('one-hot')
      .describe("How the categorical regime (the waveform kind) enters the factor columns of the tasks, MCC and R²: `one-hot`, one standardised indicator per level (m = 9 columns), or `ordinal`, its level index as one column (m = 6; the old treatment, kept for comparison)."),
    codes: z.int().min(1).nullable().default(null).describe('Code width m′ (null = the number of factor columns m under `regime`, so codes can match them one to one).'),
    l1reg: z.number().gt(0).lt(1).default(0.3).describe("λ = l1reg·λ_max, λ_max = ‖Φᵀy‖_∞/n (stop-gradient), a fraction of λ_max (authors' Fig. 4 command)."),
    l2reg: z.number().positive().default(0.01).describe('Ridge arm: μ = l2reg·‖Φ‖_F²/n.'),
    inner: z.enum(['implicit', 'unrolled']).default('implicit').describe("`implicit` (the authors' default: solve off-tape, differentiate on the support) or `unrolled` FISTA."),
    unrollSteps: z.int().min(1).default(60).describe('FISTA steps when unrolled (and of the few-shot group-Lasso head).'),
    steps: z.int().min(1).default(40000).describe("Cap on the outer (meta) steps of Adam (twice the authors' fixed 20,000); the stopping rule ends a run sooner."),
    evalEvery: z.int().min(1).default(200).describe('Outer steps between checks of the stopping rule (validation outer loss).'),
    patience: z.int().min(0).default(10).describe('Checks without a lower validation outer loss before training stops (the best check\'s weights are kept); 0 = off: run `steps` steps.'),
    valTasks: z.int().min(1).default(200).describe("Fixed tasks on the validation windows (of each arm's kind, drawn once) whose outer loss the stopping rule reads."),
    tasksPerBatch: z.int().min(1).default(8).describe('Tasks per meta-batch (authors).'),
    lr: z.number().positive().default(1e-3).describe("Adam learning rate (authors' meta_lr)."),
    clipNorm: z.number().default(5).describe('Global gradient-norm clip (≤ 0: off).'),
    evalTasks: z.int().min(1).default(100).describe('Held-out tasks for the task error and for each few-shot k.'),
    fewShot: z.array(z.int().min(2)).default([10, 25]).describe('Few-shot sizes k (support points of a new task; query = `tasks.queryPoints` × 4).'),
    arms: z
      .array(z.enum(SPARSE_ARMS))
      .min(1)
      .refine((a) => !a.includes('ridge-ica') || a.includes('ridge'), "must list 'ridge' too when it lists 'ridge-ica' (which reuses the ridge encoder)")
      .default([...SPARSE_ARMS])
      .describe('Arms to train and score; the first is reported at top level.'),
    seed: z.int().default(0).describe('Seed of the encoders, the task draws and the ICA (the windows have data.seed).'),
  })
  .superRefine((c, ctx) => {
    const m = taskColumns(c.regime).length;
    if (c.tasks.supportSize > m) ctx.addIssue({ code: 'custom', path: ['tasks', 'supportSize'], message: `must be ≤ ${m} (the factor columns with regime '${c.regime}')` });
    const perTask = c.tasks.supportPoints + c.tasks.queryPoints;
    if (c.data.trainWindows < perTask) ctx.addIssue({ code: 'custom', path: ['data', 'trainWindows'], message: `must be ≥ ${perTask} (tasks.supportPoints + tasks.queryPoints)` });
    const perNewTask = Math.max(perTask, ...c.fewShot.map((k) => k + 4 * c.tasks.queryPoints));
    if (c.data.testWindows < perNewTask) ctx.addIssue({ code: 'custom', path: ['data', 'testWindows'], message: `must be ≥ ${perNewTask} (the largest few-shot k + 4 × tasks.queryPoints query points)` });
  });
export type SparseConfig = z.output<typeof SparseSchema>;

export const DEFAULT_SPARSE: SparseConfig = defaultsOf(SparseSchema);

/** Tiny settings (seconds): tests, `dive train --model sparse-bilevel --quick`. */
export const QUICK_SPARSE: SparseConfig = parseConfig(
  SparseSchema,
  { data: { trainWindows: 600, valWindows: 100, testWindows: 300 }, trunk: { hidden: 32, layers: 1 }, steps: 60, evalEvery: 10, patience: 3, valTasks: 8, lr: 3e-3, evalTasks: 20, unrollSteps: 30 },
  'QUICK_SPARSE',
);

/** The code width m′ of a config: `codes`, or the number of factor columns under its `regime` encoding. */
export function codeWidth(cfg: Pick<SparseConfig, 'codes' | 'regime'>): number {
  return cfg.codes ?? taskColumns(cfg.regime).length;
}

/** `base` overridden by a user JSON (same shape as {@link SparseConfig}), field by field; `where` names the source. */
export function sparseConfig(raw: unknown, base: SparseConfig = DEFAULT_SPARSE, where = 'sparse-bilevel config'): SparseConfig {
  return parseOver(SparseSchema, base, raw, where);
}
