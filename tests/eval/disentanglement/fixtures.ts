/**
 * Representations with known disentanglement for the metric property tests: discrete factors
 * with independent uniform levels, and codes built from them (identity, noise, a permuted and
 * rescaled copy, a 45° rotation of two factor codes, a duplicated code).
 */
import type { CodeSample } from '../../../lib/eval/disentanglement/sample';
import { makeRng, type Rng } from '../../../lib/util/random';

/** Levels per factor used by most tests (K = 4). */
export const LEVELS = [4, 6, 5, 8] as const;

/** n rows of independent uniform factor levels, row-major [n, levels.length]. */
export function uniformFactors(n: number, levels: readonly number[], rng: Rng): Int32Array {
  const k = levels.length;
  const out = new Int32Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = rng.int(levels[c]);
  return out;
}

/** Codes = factors, as float64 (the identity representation). */
export function identityCodes(factors: Int32Array): Float64Array {
  return Float64Array.from(factors);
}

/** n × dims standard-normal codes, independent of everything. */
export function noiseCodes(n: number, dims: number, rng: Rng): Float64Array {
  const out = new Float64Array(n * dims);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/**
 * Column j of the result is `scale[j] · codes[:, perm[j]] + shift[j]`: a permuted, rescaled
 * (positive and negative scales) and shifted copy.
 */
export function permuteRescale(
  codes: Float64Array,
  dims: number,
  perm: readonly number[],
  scale: readonly number[],
  shift: readonly number[],
): Float64Array {
  const n = codes.length / dims;
  const out = new Float64Array(n * dims);
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) out[i * dims + j] = scale[j] * codes[i * dims + perm[j]] + shift[j];
  return out;
}

/** Standardise columns a and b, then rotate them by 45°: each new code mixes two factors. */
export function rotatePair(codes: Float64Array, dims: number, a: number, b: number): Float64Array {
  const n = codes.length / dims;
  const out = Float64Array.from(codes);
  const stats = [a, b].map((c) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += codes[i * dims + c];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (codes[i * dims + c] - m) ** 2;
    return { m, s: Math.sqrt(v / n) };
  });
  for (let i = 0; i < n; i++) {
    const x = (codes[i * dims + a] - stats[0].m) / stats[0].s;
    const y = (codes[i * dims + b] - stats[1].m) / stats[1].s;
    out[i * dims + a] = (x + y) / Math.SQRT2;
    out[i * dims + b] = (x - y) / Math.SQRT2;
  }
  return out;
}

/** Append a copy of column `c` as a new last column. */
export function duplicateColumn(codes: Float64Array, dims: number, c: number): Float64Array {
  const n = codes.length / dims;
  const out = new Float64Array(n * (dims + 1));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dims; j++) out[i * (dims + 1) + j] = codes[i * dims + j];
    out[i * (dims + 1) + dims] = codes[i * dims + c];
  }
  return out;
}

/** Append `extra` standard-normal nuisance codes to a row-major [n, dims] array. */
export function withNuisance(codes: Float64Array, dims: number, extra: number, rng: Rng): Float64Array {
  const n = codes.length / dims;
  const w = dims + extra;
  const out = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dims; j++) out[i * w + j] = codes[i * dims + j];
    for (let j = dims; j < w; j++) out[i * w + j] = rng.normal();
  }
  return out;
}

/** Factors + N(0, sigma²) noise, plus `extra` nuisance codes: an imperfect but informative representation. */
export function noisyIdentity(factors: Int32Array, k: number, sigma: number, extra: number, rng: Rng): { codes: Float64Array; dims: number } {
  return { codes: withNuisance(addNoise(identityCodes(factors), sigma, rng), k, extra, rng), dims: k + extra };
}

/** Add independent N(0, sigma²) noise to every entry. */
export function addNoise(codes: Float64Array, sigma: number, rng: Rng): Float64Array {
  return codes.map((v) => v + sigma * rng.normal());
}

/** A training and a test split of the same generator (disjoint draws). */
export interface Split {
  readonly train: CodeSample;
  readonly test: CodeSample;
}

/**
 * Draw factors for a train and a test split and build codes from them with `codesOf`
 * (which must return n × dims codes for the factors it is given).
 */
export function makeSplit(
  nTrain: number,
  nTest: number,
  levels: readonly number[],
  seed: number,
  codesOf: (factors: Int32Array, rng: Rng) => { codes: Float64Array; dims: number },
): Split {
  const rng = makeRng(seed);
  const sample = (n: number): CodeSample => {
    const factors = uniformFactors(n, levels, rng);
    const { codes, dims } = codesOf(factors, rng);
    return { codes, codeDims: dims, factors, numFactors: levels.length };
  };
  return { train: sample(nTrain), test: sample(nTest) };
}

/** The same split with codes transformed by `f` (applied to train and test alike). */
export function mapCodes(split: Split, f: (codes: Float64Array, dims: number) => { codes: Float64Array; dims: number }): Split {
  const one = (s: CodeSample): CodeSample => {
    const { codes, dims } = f(Float64Array.from(s.codes), s.codeDims);
    return { ...s, codes, codeDims: dims };
  };
  return { train: one(split.train), test: one(split.test) };
}
