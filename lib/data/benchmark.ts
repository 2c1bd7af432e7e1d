/**
 * The shared disentanglement benchmark (Track A, docs/design.md §Detaux): univariate windows
 * drawn from a grid of KNOWN discrete factors, with a per-window factor table, an i.i.d. split
 * and an out-of-distribution split that holds out factor COMBINATIONS, and samplers of pairs
 * (x, x′) for weakly supervised methods.
 *
 * One window of L + H rows (input L, forecast horizon H) with factor levels
 * (c, f, a, φ, s) and nuisance noise σ:
 *   x_t = A_a · w_c(φ_φ + 2π F_f t) + S_s · t/(L+H−1) + σ ε_t,   ε_t ~ N(0, 1),  t = 0..L+H−1
 * where w_c is the project's waveform (lib/data/synthetic.ts `waveform`: sine, square, sawtooth,
 * triangle; period 2π, range [−1, 1]) and the level values are
 *   regime c ∈ 0..3 (principal), frequency F_f = (1/48)·6^(f/5) cycles/row (periods 48 … 8 rows),
 *   amplitude A_a = 0.5 … 2 (5 levels, evenly spaced), phase φ = 2πk/8 (circular),
 *   trend S_s = −1 … 1 (5 levels, the total drift over the L+H rows),
 *   noise σ ~ U(noiseRange) (nuisance: continuous, recorded, not a factor level).
 * Factors are drawn independently and uniformly over the levels, one draw per window.
 *
 * Splits (`split`):
 * - `ood` (default): train, validation and ID test from the TRAIN region (frequency level < 4 OR
 *   amplitude level < 3, 0-based); the OOD test from the held-out combinations (f ≥ 4 AND a ≥ 3),
 *   the 3DShapes hue split of Detaux transposed to (frequency, amplitude). 4 of the 30 (f, a)
 *   combinations are held out. The ID test is drawn from a separate seed stream.
 * - `iid`: every split from the whole grid; `ood` is null.
 * Values are not rescaled (they lie within ≈ ±3.5). Same config + seed → identical windows.
 */
import { waveform } from './synthetic';
import { makeRng, type Rng } from '../util/random';
import { UserError } from '../util/errors';
import { defaultsOf, parseConfig, z } from '../util/config';
import { mixSeed } from '../util/random';
import { SegmentWindowSet, type WindowSetParts } from './windows';
import type { DiscreteFactorInfo, Segment, TimeSeriesDataset, WindowSet } from './types';

/** Factor names, in the order of the factor-table columns. */
export const BENCHMARK_FACTORS = ['regime', 'frequency', 'amplitude', 'phase', 'trend'] as const;
export type BenchmarkFactor = (typeof BENCHMARK_FACTORS)[number];
/** Number of levels of each factor (same order). */
export const BENCHMARK_LEVELS: readonly number[] = [4, 6, 5, 8, 5];
/** Which factors are circular (phase). */
export const BENCHMARK_CIRCULAR: readonly boolean[] = [false, false, false, true, false];
/**
 * Which factors are categorical — levels that name kinds, not amounts on a scale: the regime (the
 * waveform, REGIME_CLASSES). The others are ordinal grids (phase: circular). The shared
 * `factorTable` does not pass this on; a method that reads the regime categorically opts in.
 */
export const BENCHMARK_CATEGORICAL: readonly boolean[] = [true, false, false, false, false];
/** Column of the principal factor (regime). */
export const PRINCIPAL = 0;
const K = BENCHMARK_FACTORS.length;
const TWO_PI = 2 * Math.PI;

export const BenchmarkSchema = z.strictObject({
  inputLength: z.int().min(1).default(48).describe('Input rows per window (L).'),
  horizon: z.int().min(0).default(12).describe('Forecast rows after the input (H).'),
  trainWindows: z.int().min(1).default(4000).describe('Training windows.'),
  valWindows: z.int().min(1).default(500).describe('Validation windows (train region).'),
  testWindows: z.int().min(1).default(1000).describe('In-distribution test windows (train region, separate seed stream).'),
  oodWindows: z.int().min(1).default(1000).describe('Out-of-distribution test windows (held-out combinations; `ood` split only).'),
  noiseRange: z
    .tuple([z.number().min(0), z.number().min(0)])
    .refine(([lo, hi]) => lo <= hi, 'must be [low, high] with 0 ≤ low ≤ high')
    .default([0.05, 0.2])
    .describe('Range of the nuisance noise standard deviation σ.'),
  split: z.enum(['ood', 'iid']).default('ood').describe('`ood` (combination hold-out) or `iid`.'),
  seed: z.int().default(0).describe('Seed of the four split streams.'),
});
export type BenchmarkConfig = Readonly<z.output<typeof BenchmarkSchema>>;
export const DEFAULT_BENCHMARK: BenchmarkConfig = defaultsOf(BenchmarkSchema);

/** Physical value of each factor level. */
export function frequencyOf(level: number): number {
  return (1 / 48) * Math.pow(6, level / 5);
}
export function amplitudeOf(level: number): number {
  return 0.5 + (1.5 * level) / 4;
}
export function phaseOf(level: number): number {
  return (TWO_PI * level) / 8;
}
export function trendOf(level: number): number {
  return -1 + (2 * level) / 4;
}

/** True when (frequency level, amplitude level) is a held-out (OOD) combination. */
export function isHeldOut(frequency: number, amplitude: number): boolean {
  return frequency >= 4 && amplitude >= 3;
}

/** Windows of one split: inputs, forecast targets, factor levels and the nuisance noise. */
export interface BenchmarkSplit {
  readonly n: number;
  /** Row-major [n, L] inputs (one channel). */
  readonly x: Float32Array;
  /** Row-major [n, H] forecast targets. */
  readonly y: Float32Array;
  /** Row-major [n, 5] factor levels (BENCHMARK_FACTORS order). */
  readonly factors: Int32Array;
  /** Noise σ of each window (nuisance). */
  readonly noise: Float32Array;
}

export interface Benchmark {
  readonly config: BenchmarkConfig;
  readonly train: BenchmarkSplit;
  readonly val: BenchmarkSplit;
  readonly test: BenchmarkSplit;
  /** Held-out combinations; null for the `iid` split. */
  readonly ood: BenchmarkSplit | null;
}

/** A FactorTable view (lib/eval/disentanglement): N×5 row-major levels, names, circularity, level counts. */
export interface BenchmarkFactorTable {
  readonly values: Int32Array;
  readonly names: string[];
  readonly circular: boolean[];
  readonly levels: number[];
}

export function factorTable(split: BenchmarkSplit): BenchmarkFactorTable {
  return { values: split.factors, names: [...BENCHMARK_FACTORS], circular: [...BENCHMARK_CIRCULAR], levels: [...BENCHMARK_LEVELS] };
}

/** One factor column of a split. */
export function factorColumn(split: BenchmarkSplit, factor: number): Int32Array {
  const out = new Int32Array(split.n);
  for (let i = 0; i < split.n; i++) out[i] = split.factors[i * K + factor];
  return out;
}

/** Render one window of L + H rows into x (L) and y (H) from factor levels; noise from rng. */
export function renderWindow(levels: ArrayLike<number>, sigma: number, L: number, H: number, rng: Rng, x: Float32Array, xOff: number, y: Float32Array, yOff: number): void {
  const regime = levels[0];
  const f = frequencyOf(levels[1]);
  const a = amplitudeOf(levels[2]);
  const phi0 = phaseOf(levels[3]);
  const s = trendOf(levels[4]);
  const T = L + H;
  for (let t = 0; t < T; t++) {
    const v = a * waveform(regime, phi0 + TWO_PI * f * t) + (T > 1 ? (s * t) / (T - 1) : 0) + sigma * rng.normal();
    if (t < L) x[xOff + t] = v;
    else y[yOff + t - L] = v;
  }
}

type Region = 'train' | 'ood' | 'all';

function inRegion(levels: ArrayLike<number>, region: Region): boolean {
  if (region === 'all') return true;
  const held = isHeldOut(levels[1], levels[2]);
  return region === 'ood' ? held : !held;
}

/** Draw factor levels uniformly over the grid, restricted to `region` (rejection; fixed factors kept). */
function drawLevels(rng: Rng, region: Region, out: Int32Array, fixed: readonly (number | null)[] = []): void {
  for (let tries = 0; tries < 10_000; tries++) {
    for (let k = 0; k < K; k++) out[k] = fixed[k] ?? rng.int(BENCHMARK_LEVELS[k]);
    if (inRegion(out, region)) return;
  }
  throw new UserError(`no factor combination in the ${region} region has ${fixed.map((v, k) => (v === null || v === undefined ? '' : `${BENCHMARK_FACTORS[k]}=${v}`)).filter(Boolean).join(', ')}; fix a level inside the region`);
}

function makeSplit(cfg: BenchmarkConfig, n: number, region: Region, seed: number): BenchmarkSplit {
  const L = cfg.inputLength, H = cfg.horizon;
  const rng = makeRng(seed);
  const x = new Float32Array(n * L), y = new Float32Array(n * H), factors = new Int32Array(n * K), noise = new Float32Array(n);
  const lv = new Int32Array(K);
  const [lo, hi] = cfg.noiseRange;
  for (let i = 0; i < n; i++) {
    drawLevels(rng, region, lv);
    factors.set(lv, i * K);
    noise[i] = lo + (hi - lo) * rng.uniform();
    renderWindow(lv, noise[i], L, H, rng, x, i * L, y, i * H);
  }
  return { n, x, y, factors, noise };
}

/** Generate the benchmark: four splits from independent seed streams of `seed`. */
export function generateBenchmark(partial: Partial<BenchmarkConfig> = {}): Benchmark {
  const cfg: BenchmarkConfig = parseConfig(BenchmarkSchema, partial, 'benchmark');
  const fit: Region = cfg.split === 'ood' ? 'train' : 'all';
  return {
    config: cfg,
    train: makeSplit(cfg, cfg.trainWindows, fit, mixSeed(cfg.seed, 1)),
    val: makeSplit(cfg, cfg.valWindows, fit, mixSeed(cfg.seed, 2)),
    test: makeSplit(cfg, cfg.testWindows, fit, mixSeed(cfg.seed, 3)),
    ood: cfg.split === 'ood' ? makeSplit(cfg, cfg.oodWindows, 'ood', mixSeed(cfg.seed, 4)) : null,
  };
}

/** B pairs: rows of x1 and x2 ([B, L] each) with their factor levels ([B, 5] each). */
export interface PairBatch {
  readonly n: number;
  readonly x1: Float32Array;
  readonly x2: Float32Array;
  readonly f1: Int32Array;
  readonly f2: Int32Array;
}

/** Training-split indices grouped by principal level (for the principal pair sampler). */
export interface PairIndex {
  readonly byPrincipal: Int32Array[];
}

export function pairIndex(split: BenchmarkSplit): PairIndex {
  const lists: number[][] = Array.from({ length: BENCHMARK_LEVELS[PRINCIPAL] }, () => []);
  for (let i = 0; i < split.n; i++) lists[split.factors[i * K + PRINCIPAL]].push(i);
  return { byPrincipal: lists.map((l) => Int32Array.from(l)) };
}

/**
 * Principal pairs (Detaux's weak supervision, docs/design.md §Detaux): x is a random window of
 * `split`; with probability `pDifferent` x′ is a random window of another regime, else of the same
 * regime; its other factors are whatever that window has (redrawn). Both come from `split`, so a
 * method never sees held-out combinations.
 */
export function samplePrincipalPairs(split: BenchmarkSplit, index: PairIndex, B: number, pDifferent: number, rng: Rng): PairBatch {
  const L = split.x.length / split.n;
  const out = { n: B, x1: new Float32Array(B * L), x2: new Float32Array(B * L), f1: new Int32Array(B * K), f2: new Int32Array(B * K) };
  const C = BENCHMARK_LEVELS[PRINCIPAL];
  for (let b = 0; b < B; b++) {
    const i = rng.int(split.n);
    const c = split.factors[i * K + PRINCIPAL];
    let c2 = c;
    if (rng.uniform() < pDifferent) c2 = (c + 1 + rng.int(C - 1)) % C;
    const pool = index.byPrincipal[c2];
    if (pool.length === 0) throw new UserError(`benchmark training split has no window of regime ${c2}; use more trainWindows`);
    const j = pool[rng.int(pool.length)];
    out.x1.set(split.x.subarray(i * L, (i + 1) * L), b * L);
    out.x2.set(split.x.subarray(j * L, (j + 1) * L), b * L);
    out.f1.set(split.factors.subarray(i * K, (i + 1) * K), b * K);
    out.f2.set(split.factors.subarray(j * K, (j + 1) * K), b * K);
  }
  return out;
}

/**
 * One-factor-change pairs (the PMP sampler of Detaux's 3DShapes runs): x has levels drawn in
 * `region`, x′ the same levels except ONE factor (uniform over factors) moved to another level
 * (redrawn until the pair stays in the region); both freshly rendered with their own noise.
 */
export function sampleOneFactorPairs(cfg: BenchmarkConfig, B: number, rng: Rng, region: Region = cfg.split === 'ood' ? 'train' : 'all'): PairBatch & { changed: Int32Array } {
  const L = cfg.inputLength, H = cfg.horizon;
  const out = { n: B, x1: new Float32Array(B * L), x2: new Float32Array(B * L), f1: new Int32Array(B * K), f2: new Int32Array(B * K), changed: new Int32Array(B) };
  const scratch = new Float32Array(Math.max(1, H));
  const a = new Int32Array(K), b2 = new Int32Array(K);
  const [lo, hi] = cfg.noiseRange;
  for (let b = 0; b < B; b++) {
    drawLevels(rng, region, a);
    for (;;) {
      const k = rng.int(K);
      b2.set(a);
      b2[k] = (a[k] + 1 + rng.int(BENCHMARK_LEVELS[k] - 1)) % BENCHMARK_LEVELS[k];
      if (inRegion(b2, region)) {
        out.changed[b] = k;
        break;
      }
    }
    renderWindow(a, lo + (hi - lo) * rng.uniform(), L, H, rng, out.x1, b * L, scratch, 0);
    renderWindow(b2, lo + (hi - lo) * rng.uniform(), L, H, rng, out.x2, b * L, scratch, 0);
    out.f1.set(a, b * K);
    out.f2.set(b2, b * K);
  }
  return out;
}

/**
 * `count` fresh windows sharing the level `value` of factor `factor` (other factors drawn in the
 * region): the `sampleWithFactorFixed` of the FactorVAE / β-VAE metrics.
 */
export function sampleWithFactorFixed(cfg: BenchmarkConfig, factor: number, value: number, count: number, rng: Rng, region: Region = cfg.split === 'ood' ? 'train' : 'all'): BenchmarkSplit {
  if (!(Number.isInteger(factor) && factor >= 0 && factor < K)) throw new UserError(`factor index must be 0..${K - 1}, got ${factor}`);
  if (!(Number.isInteger(value) && value >= 0 && value < BENCHMARK_LEVELS[factor])) throw new UserError(`${BENCHMARK_FACTORS[factor]} level must be 0..${BENCHMARK_LEVELS[factor] - 1}, got ${value}`);
  const L = cfg.inputLength, H = cfg.horizon;
  const fixed: (number | null)[] = new Array<number | null>(K).fill(null);
  fixed[factor] = value;
  const x = new Float32Array(count * L), y = new Float32Array(count * H), factors = new Int32Array(count * K), noise = new Float32Array(count);
  const lv = new Int32Array(K);
  const [lo, hi] = cfg.noiseRange;
  for (let i = 0; i < count; i++) {
    drawLevels(rng, region, lv, fixed);
    factors.set(lv, i * K);
    noise[i] = lo + (hi - lo) * rng.uniform();
    renderWindow(lv, noise[i], L, H, rng, x, i * L, y, i * H);
  }
  return { n: count, x, y, factors, noise };
}

// ---------------------------------------------------------------------------------------------
// The benchmark as a registry data set (`--data benchmark`, lib/data/prepare.ts): one segment of
// L + H rows per window, in split order train, val, test (ID), ood; the window set of each split
// carries the discrete factor table, so evaluation reports the disentanglement metrics.
// ---------------------------------------------------------------------------------------------

/** Class names of the principal factor (regime), in level order (lib/data/synthetic.ts waveform). */
export const REGIME_CLASSES = ['sine', 'square', 'sawtooth', 'triangle'] as const;
/** Level names of each factor whose levels are names (the categorical regime), null where a level is its index. */
export const BENCHMARK_LEVEL_NAMES: readonly (readonly string[] | null)[] = [REGIME_CLASSES, null, null, null, null];

/** Split names of the benchmark data set, in segment order. */
export const BENCHMARK_SPLITS = ['train', 'val', 'test', 'ood'] as const;
export type BenchmarkSplitName = (typeof BENCHMARK_SPLITS)[number];

export type { DiscreteFactorInfo } from './types';

/** A window set whose `factors` are discrete levels (the benchmark): evaluation runs the metric suite. */
export class DiscreteFactorWindowSet extends SegmentWindowSet {
  constructor(parts: WindowSetParts, readonly discreteFactors: DiscreteFactorInfo) {
    super(parts);
  }
}

/** The discrete factor description of a window set, or null when its factors are not discrete levels. */
export function discreteFactorsOf(set: WindowSet): DiscreteFactorInfo | null {
  return set.discreteFactors ?? null;
}

/** Segment counts per split of a benchmark data set (its `meta.splitCounts`). */
export type BenchmarkSplitCounts = Readonly<Record<BenchmarkSplitName, number>>;

/**
 * The generated benchmark as a TimeSeriesDataset: one channel `x`, sample rate 1 Hz (one row per
 * step), one segment of L + H rows per window (`train/0`, …, `ood/999`), with the factor levels
 * as segment labels and the split counts and generator config in `meta`.
 */
export function benchmarkDataset(b: Benchmark): TimeSeriesDataset {
  const L = b.config.inputLength, H = b.config.horizon;
  const segments: Segment[] = [];
  const counts = { train: 0, val: 0, test: 0, ood: 0 };
  for (const name of BENCHMARK_SPLITS) {
    const s = b[name];
    if (!s) continue;
    counts[name] = s.n;
    for (let i = 0; i < s.n; i++) {
      const values = new Float32Array(L + H);
      values.set(s.x.subarray(i * L, (i + 1) * L), 0);
      values.set(s.y.subarray(i * H, (i + 1) * H), L);
      const segmentLabels: Record<string, number> = {};
      BENCHMARK_FACTORS.forEach((f, k) => (segmentLabels[f] = s.factors[i * K + k]));
      segments.push({ id: `${name}/${i}`, values, length: L + H, channels: 1, segmentLabels });
    }
  }
  return {
    name: 'benchmark',
    source: `generated(benchmark, seed=${b.config.seed}, split=${b.config.split})`,
    channelNames: ['x'],
    sampleRateHz: 1,
    segments,
    meta: {
      splitCounts: counts,
      factors: BENCHMARK_FACTORS.map((f, k) => ({ name: f, levels: BENCHMARK_LEVELS[k], circular: BENCHMARK_CIRCULAR[k] })),
      principal: BENCHMARK_FACTORS[PRINCIPAL],
      heldOut: b.config.split === 'ood' ? 'frequency level ≥ 4 and amplitude level ≥ 3 (OOD test only)' : 'none (iid split)',
      config: b.config,
    },
  };
}
