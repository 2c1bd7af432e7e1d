/**
 * Mutual Information Gap (Chen, Li, Grosse & Duvenaud 2018, "Isolating Sources of
 * Disentanglement in VAEs"), computed as in disentanglement_lib's `mig.py`:
 *
 *     MIG = (1/K) Σ_k  [ I(z_{j(k)}; v_k) − max_{j ≠ j(k)} I(z_j; v_k) ] / H(v_k),   j(k) = argmax_j I(z_j; v_k)
 *
 * with z_j the latent codes (each discretised into `bins` equal-width bins between its own
 * min and max, disentanglement_lib's `_histogram_discretize`, default 20), v_k the ground-truth
 * factors, and I, H plug-in estimates in nats on the discretised values.
 *
 * Factors: disentanglement_lib assumes discrete factors. Here each factor is
 * - 'discrete': its distinct values become the classes (class labels, integer factors);
 * - 'continuous': discretised like the codes, into `factorBins` equal-width bins;
 * - 'auto' (default): discrete if every value is an integer and there are at most
 *   `maxDiscreteLevels` distinct values, otherwise continuous.
 * Binning a continuous factor makes H(v_k) ≈ log(factorBins) for spread-out values, so MIG then
 * depends on the bin count; report the config with the number.
 *
 * A constant factor (H = 0) has no gap: its entry in `gaps` is NaN and it is left out of the
 * mean. The full MI matrix is returned so that the a-dims and b-dims of DeepDIVE can be scored
 * separately (pass the column subsets, or read the rows of `mi`).
 */
import { UserError } from '../util/errors';
import { assertFinite, assertLength, assertPositiveInt, type NumericArray } from './arrays';
import { entropy, mutualInformation } from './information';

export type FactorKind = 'auto' | 'discrete' | 'continuous';

/** Options of {@link mig}; every field has a documented default. */
export interface MigConfig {
  /** Equal-width bins per latent code (default 20, as disentanglement_lib). */
  readonly bins?: number;
  /** Treatment of each factor: one kind for all, or one per factor (default 'auto'). */
  readonly factorKinds?: FactorKind | readonly FactorKind[];
  /** Equal-width bins for continuous factors (default 20). */
  readonly factorBins?: number;
  /** 'auto' calls a factor discrete if it has integer values and at most this many levels (default 20). */
  readonly maxDiscreteLevels?: number;
}

export const MIG_DEFAULTS = { bins: 20, factorBins: 20, maxDiscreteLevels: 20 } as const;

/** Everything MIG computes, for tables and per-dimension figures. */
export interface MigResult {
  /** Mean normalised gap over the factors that vary; in [0, 1]. */
  readonly mig: number;
  /** Per-factor normalised gap (NaN for a constant factor), length `factors`. */
  readonly gaps: Float64Array;
  /** Row-major [codes, factors] mutual information I(z_j; v_k) in nats. */
  readonly mi: Float64Array;
  /** Row-major [codes, factors] I(z_j; v_k) / H(v_k) (NaN columns for constant factors). */
  readonly normalisedMi: Float64Array;
  /** H(v_k) in nats, length `factors`. */
  readonly factorEntropy: Float64Array;
  /** Per factor, the code with the largest MI, length `factors`. */
  readonly bestCode: Int32Array;
  /** Per factor, the code with the second-largest MI, length `factors`. */
  readonly runnerUpCode: Int32Array;
  /** How each factor was treated after resolving 'auto'. */
  readonly factorKinds: readonly ('discrete' | 'continuous')[];
  readonly codes: number;
  readonly factors: number;
}

/**
 * Equal-width histogram discretisation of column `col` of a row-major [n, cols] array into
 * `bins` bins between the column's min and max (the max falls in the last bin). A constant
 * column maps to bin 0.
 * @returns bin ids in [0, bins), length n.
 */
export function discretiseEqualWidth(values: NumericArray, cols: number, col: number, bins: number): Int32Array {
  const n = values.length / cols;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i * cols + col];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Int32Array(n);
  const width = hi - lo;
  if (!(width > 0)) return out;
  for (let i = 0; i < n; i++) {
    const b = Math.floor(((values[i * cols + col] - lo) / width) * bins);
    out[i] = b >= bins ? bins - 1 : b;
  }
  return out;
}

/**
 * Map the distinct values of column `col` to class ids 0..k−1 (in increasing value order).
 * @returns the ids (length n) and k.
 */
export function discretiseByValue(values: NumericArray, cols: number, col: number): { ids: Int32Array; levels: number } {
  const n = values.length / cols;
  const distinct = new Map<number, number>();
  for (let i = 0; i < n; i++) distinct.set(values[i * cols + col], 0);
  const sorted = [...distinct.keys()].sort((a, b) => a - b);
  sorted.forEach((v, id) => distinct.set(v, id));
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = distinct.get(values[i * cols + col]) as number;
  return { ids, levels: sorted.length };
}

/** True if column `col` has only integer values and at most `maxLevels` distinct ones. */
function looksDiscrete(values: NumericArray, cols: number, col: number, maxLevels: number): boolean {
  const n = values.length / cols;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const v = values[i * cols + col];
    if (!Number.isInteger(v)) return false;
    seen.add(v);
    if (seen.size > maxLevels) return false;
  }
  return true;
}

/**
 * Stack per-variable columns (e.g. `WindowBatch.labels`, one Int32Array per label) into one
 * row-major [n, columns.length] float64 array, the layout {@link mig} takes.
 */
export function stackColumns(columns: readonly ArrayLike<number>[]): Float64Array {
  if (columns.length === 0) throw new UserError('no columns to stack; pass at least one factor');
  const n = columns[0].length;
  const k = columns.length;
  const out = new Float64Array(n * k);
  columns.forEach((column, j) => {
    assertLength(column, n, `column ${j}`);
    for (let i = 0; i < n; i++) out[i * k + j] = column[i];
  });
  return out;
}

/**
 * Mutual Information Gap of a representation.
 *
 * @param latents row-major [n, codes] latent codes (e.g. posterior means μ).
 * @param codes number of latent dimensions (≥ 2).
 * @param factors row-major [n, numFactors] ground-truth factors (class ids or continuous values).
 * @param numFactors number of factors (≥ 1).
 */
export function mig(
  latents: NumericArray,
  codes: number,
  factors: NumericArray,
  numFactors: number,
  config: MigConfig = {},
): MigResult {
  assertPositiveInt(codes, 'codes');
  assertPositiveInt(numFactors, 'numFactors');
  const bins = config.bins ?? MIG_DEFAULTS.bins;
  const factorBins = config.factorBins ?? MIG_DEFAULTS.factorBins;
  const maxLevels = config.maxDiscreteLevels ?? MIG_DEFAULTS.maxDiscreteLevels;
  assertPositiveInt(bins, 'bins');
  assertPositiveInt(factorBins, 'factorBins');
  if (codes < 2) throw new UserError('MIG needs at least 2 latent codes (it is a gap between the top two)');
  if (latents.length % codes !== 0) {
    throw new UserError(`latents have ${latents.length} entries, not a multiple of codes=${codes}; pass the latent width`);
  }
  const n = latents.length / codes;
  if (n === 0) throw new UserError('latents are empty; evaluate MIG on at least one sample');
  assertLength(factors, n * numFactors, `factors (${n} samples × ${numFactors} factors)`);
  assertFinite(latents, codes, 'latents', 'the encoder produced non-finite codes');
  assertFinite(factors, numFactors, 'factors', 'clean the ground-truth factors before evaluating');

  const kindsIn = config.factorKinds ?? 'auto';
  if (Array.isArray(kindsIn) && kindsIn.length !== numFactors) {
    throw new UserError(`factorKinds lists ${kindsIn.length} kinds for ${numFactors} factors; give one per factor`);
  }
  const kinds: ('discrete' | 'continuous')[] = [];
  const factorIds: Int32Array[] = [];
  const factorLevels: number[] = [];
  for (let k = 0; k < numFactors; k++) {
    const requested: FactorKind = typeof kindsIn === 'string' ? kindsIn : (kindsIn as readonly FactorKind[])[k];
    const kind =
      requested === 'auto' ? (looksDiscrete(factors, numFactors, k, maxLevels) ? 'discrete' : 'continuous') : requested;
    kinds.push(kind);
    if (kind === 'discrete') {
      const { ids, levels } = discretiseByValue(factors, numFactors, k);
      factorIds.push(ids);
      factorLevels.push(levels);
    } else {
      factorIds.push(discretiseEqualWidth(factors, numFactors, k, factorBins));
      factorLevels.push(factorBins);
    }
  }

  const factorEntropy = new Float64Array(numFactors);
  for (let k = 0; k < numFactors; k++) factorEntropy[k] = entropy(factorIds[k], factorLevels[k]);

  const mi = new Float64Array(codes * numFactors);
  for (let j = 0; j < codes; j++) {
    const z = discretiseEqualWidth(latents, codes, j, bins);
    for (let k = 0; k < numFactors; k++) {
      mi[j * numFactors + k] = mutualInformation(z, bins, factorIds[k], factorLevels[k]);
    }
  }

  const normalisedMi = new Float64Array(codes * numFactors);
  const gaps = new Float64Array(numFactors);
  const bestCode = new Int32Array(numFactors);
  const runnerUpCode = new Int32Array(numFactors);
  let sum = 0;
  let counted = 0;
  for (let k = 0; k < numFactors; k++) {
    const h = factorEntropy[k];
    let best = -1;
    let second = -1;
    for (let j = 0; j < codes; j++) {
      const v = mi[j * numFactors + k];
      normalisedMi[j * numFactors + k] = h > 0 ? v / h : NaN;
      if (best < 0 || v > mi[best * numFactors + k]) {
        second = best;
        best = j;
      } else if (second < 0 || v > mi[second * numFactors + k]) {
        second = j;
      }
    }
    bestCode[k] = best;
    runnerUpCode[k] = second;
    if (h > 0) {
      gaps[k] = (mi[best * numFactors + k] - mi[second * numFactors + k]) / h;
      sum += gaps[k];
      counted++;
    } else {
      gaps[k] = NaN;
    }
  }
  if (counted === 0) {
    throw new UserError('MIG is undefined because every factor is constant on these samples; evaluate on samples where the factors vary');
  }
  return {
    mig: sum / counted,
    gaps,
    mi,
    normalisedMi,
    factorEntropy,
    bestCode,
    runnerUpCode,
    factorKinds: kinds,
    codes,
    factors: numFactors,
  };
}
