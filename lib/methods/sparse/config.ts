/**
 * Sparse base-predictors (Lachapelle et al., ICML 2023, arXiv 2211.14666) on the shared benchmark:
 * the typed config of the bi-level pipeline, its documented defaults (docs/design.md §Sparse
 * base-predictors; the authors' regression defaults where they transfer), a `QUICK` preset for
 * tests, and the checker of user overrides (unknown fields and wrong types are a UserError).
 */
import { DEFAULT_BENCHMARK, type BenchmarkConfig } from '../../data/benchmark';
import type { TrunkConfig } from '../../models/trunk';
import { UserError } from '../../util/errors';

/** How the inner problem is solved and differentiated. */
export type InnerMode = 'implicit' | 'unrolled';

/** The arms one run trains and scores. */
export const SPARSE_ARMS = ['sparse', 'dense-control', 'ridge', 'ridge-ica'] as const;
export type SparseArm = (typeof SPARSE_ARMS)[number];

export interface SparseTaskConfig {
  /** Factor columns a sparse task depends on (|S|, drawn uniformly per task). Default 2 (of 6). */
  supportSize: number;
  /** Noise scale of y = v_Sᵀw + scale·(‖Vw‖/‖ε‖)ε (the authors' SNR-scaled noise). Default 0.1. */
  noiseScale: number;
  /** Support (inner) points per task. Default 25 (authors: shots 25). */
  supportPoints: number;
  /** Query (outer) points per task. Default 25 (authors: test_shots 25). */
  queryPoints: number;
  /** Classes of the few-shot classification tasks (argmax of a sparse linear teacher). Default 3. */
  classes: number;
}

export interface SparseConfig {
  data: BenchmarkConfig;
  tasks: SparseTaskConfig;
  /** Encoder trunk before the linear map to m′ codes. Default MLP 2 × 128 (ReLU). */
  trunk: TrunkConfig;
  /** Code width m′. Default 6 (= the factor columns: regime, frequency, amplitude, cos φ, sin φ, trend). */
  codes: number;
  /** λ = l1reg·λ_max, λ_max = ‖Φᵀy‖_∞/n (stop-gradient). Default 0.3 (authors' Fig. 4 command). */
  l1reg: number;
  /** Ridge arm: μ = l2reg·‖Φ‖_F²/n. Default 0.01. */
  l2reg: number;
  /** `implicit` (default, the authors' default: solve off-tape, differentiate on the support) or `unrolled` FISTA. */
  inner: InnerMode;
  /** FISTA steps when unrolled (and of the few-shot group-Lasso head). Default 60. */
  unrollSteps: number;
  /** Outer (meta) steps of Adam. Default 3,000. */
  steps: number;
  /** Tasks per meta-batch. Default 8 (authors). */
  tasksPerBatch: number;
  /** Adam learning rate. Default 1e-3 (authors' meta_lr). */
  lr: number;
  /** Global gradient-norm clip (≤ 0: off). Default 5. */
  clipNorm: number;
  /** Held-out tasks for the task error and for each few-shot k. Default 100. */
  evalTasks: number;
  /** Few-shot sizes k (support points of a new task; query = `tasks.queryPoints` × 4). Default [10, 25]. */
  fewShot: number[];
  /** Arms to train and score. Default all four; the first is reported at top level. */
  arms: SparseArm[];
  /** Default 0. */
  seed: number;
}

export const DEFAULT_SPARSE: SparseConfig = {
  data: { ...DEFAULT_BENCHMARK, trainWindows: 4000, valWindows: 100, testWindows: 1000, oodWindows: 100, split: 'iid' },
  tasks: { supportSize: 2, noiseScale: 0.1, supportPoints: 25, queryPoints: 25, classes: 3 },
  trunk: { kind: 'mlp', hidden: 128, layers: 2 },
  codes: 6,
  l1reg: 0.3,
  l2reg: 0.01,
  inner: 'implicit',
  unrollSteps: 60,
  steps: 3000,
  tasksPerBatch: 8,
  lr: 1e-3,
  clipNorm: 5,
  evalTasks: 100,
  fewShot: [10, 25],
  arms: [...SPARSE_ARMS],
  seed: 0,
};

/** Tiny settings (seconds): tests, `dive train --model sparse-bilevel --quick`. */
export const QUICK_SPARSE: SparseConfig = {
  ...DEFAULT_SPARSE,
  data: { ...DEFAULT_SPARSE.data, trainWindows: 600, testWindows: 300 },
  trunk: { kind: 'mlp', hidden: 32, layers: 1 },
  steps: 60,
  lr: 3e-3,
  evalTasks: 20,
  unrollSteps: 30,
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeChecked(base: unknown, raw: unknown, where: string): unknown {
  if (isPlainObject(base)) {
    if (!isPlainObject(raw)) throw new UserError(`config field ${where} must be an object with fields ${Object.keys(base).join(', ')}`);
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(raw)) {
      if (!(k in base)) throw new UserError(`unknown config field ${where ? `${where}.` : ''}${k}; known: ${Object.keys(base).join(', ')}`);
      out[k] = mergeChecked(base[k], v, where ? `${where}.${k}` : k);
    }
    return out;
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(raw) || raw.some((x) => typeof x !== typeof (base[0] ?? 0))) throw new UserError(`config field ${where} must be an array of ${typeof (base[0] ?? 0)}s, got ${JSON.stringify(raw)}`);
    return raw.slice();
  }
  if (typeof raw !== typeof base) throw new UserError(`config field ${where} must be a ${typeof base}, got ${JSON.stringify(raw)}`);
  return raw;
}

/** Validate value ranges (one-line UserErrors naming the field). */
export function checkSparseConfig(c: SparseConfig): SparseConfig {
  const posInt = (v: number, name: string, min = 1): void => {
    if (!(Number.isInteger(v) && v >= min)) throw new UserError(`config field ${name} must be a whole number ≥ ${min}, got ${v}`);
  };
  posInt(c.codes, 'codes');
  posInt(c.tasks.supportSize, 'tasks.supportSize');
  if (c.tasks.supportSize > 6) throw new UserError(`config field tasks.supportSize must be ≤ 6 (the factor columns), got ${c.tasks.supportSize}`);
  posInt(c.tasks.supportPoints, 'tasks.supportPoints', 2);
  posInt(c.tasks.queryPoints, 'tasks.queryPoints');
  posInt(c.tasks.classes, 'tasks.classes', 2);
  for (const k of ['unrollSteps', 'steps', 'tasksPerBatch', 'evalTasks'] as const) posInt(c[k], k);
  c.fewShot.forEach((k, i) => posInt(k, `fewShot[${i}]`, 2));
  if (!(c.tasks.noiseScale >= 0)) throw new UserError(`config field tasks.noiseScale must be ≥ 0, got ${c.tasks.noiseScale}`);
  if (!(c.l1reg > 0 && c.l1reg < 1)) throw new UserError(`config field l1reg must be in (0, 1) (a fraction of λ_max), got ${c.l1reg}`);
  if (!(c.l2reg > 0)) throw new UserError(`config field l2reg must be > 0, got ${c.l2reg}`);
  if (!(c.lr > 0)) throw new UserError(`config field lr must be > 0, got ${c.lr}`);
  if (c.inner !== 'implicit' && c.inner !== 'unrolled') throw new UserError(`config field inner must be 'implicit' or 'unrolled', got '${String(c.inner)}'`);
  if (c.arms.length === 0 || c.arms.some((a) => !(SPARSE_ARMS as readonly string[]).includes(a))) throw new UserError(`config field arms must list some of ${SPARSE_ARMS.join(', ')}, got ${JSON.stringify(c.arms)}`);
  if (c.arms.includes('ridge-ica') && !c.arms.includes('ridge')) throw new UserError("config field arms: 'ridge-ica' reuses the ridge encoder; list 'ridge' too");
  if (!Number.isInteger(c.seed)) throw new UserError(`config field seed must be a whole number, got ${c.seed}`);
  const perTask = c.tasks.supportPoints + c.tasks.queryPoints;
  if (c.data.trainWindows < perTask) throw new UserError(`config field data.trainWindows must be ≥ ${perTask} (tasks.supportPoints + tasks.queryPoints), got ${c.data.trainWindows}`);
  const perNewTask = Math.max(perTask, ...c.fewShot.map((k) => k + 4 * c.tasks.queryPoints));
  if (c.data.testWindows < perNewTask) throw new UserError(`config field data.testWindows must be ≥ ${perNewTask} (the largest few-shot k + 4 × tasks.queryPoints query points), got ${c.data.testWindows}`);
  return c;
}

/** `base` overridden by a user JSON (same shape as {@link SparseConfig}); `where` names the source. */
export function sparseConfig(raw: unknown, base: SparseConfig = DEFAULT_SPARSE, where = 'sparse-bilevel config'): SparseConfig {
  if (raw === undefined || raw === null) return checkSparseConfig(structuredClone(base));
  if (!isPlainObject(raw)) throw new UserError(`${where} must be a JSON object like {"steps": 500, "tasks": {"supportSize": 2}}`);
  return checkSparseConfig(mergeChecked(structuredClone(base), raw, '') as SparseConfig);
}
