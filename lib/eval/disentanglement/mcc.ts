/**
 * MCC, the mean correlation coefficient after matching (Khemakhem et al. 2020; Lachapelle et
 * al. 2023): the absolute correlation matrix between codes and factors, a one-to-one matching
 * of factors to codes that maximises the summed |correlation| (Hungarian algorithm,
 * lib/eval/hungarian.ts), and the mean matched value:
 *
 *     MCC = (1/m) Σ_k |ρ(z_π(k), v_k)|,   π = argmax over one-to-one maps Σ_k |ρ(z_π(k), v_k)|,  m = min(J, T)
 *                                                                            (docs/metrics.md M1)
 *
 * with ρ Pearson's correlation, or Spearman's (Pearson on average ranks). T is the number of
 * target columns: one per ordinary factor, two, (cos, sin) of 2π·level/levels, per circular one,
 * one indicator per level of a categorical one ({@link factorTargets}). With J > T the extra codes are left out; with J < T only J targets
 * are matched and the mean is over those J (the suite notes this). A constant code or target
 * has correlation 0.
 */
import { UserError } from '../../util/errors';
import { assertFinite, assertPositiveInt } from '../arrays';
import { hungarian } from '../hungarian';
import { column } from './sample';

/** Everything MCC computes. */
export interface MccResult {
  /** Mean matched |Pearson correlation|. */
  readonly pearson: number;
  /** Mean matched |Spearman correlation|. */
  readonly spearman: number;
  /** Row-major [J, T] |Pearson| matrix. */
  readonly pearsonMatrix: Float64Array;
  /** Row-major [J, T] |Spearman| matrix. */
  readonly spearmanMatrix: Float64Array;
  /** Per target column, the code matched to it under Pearson (−1 if none). */
  readonly pearsonMatch: Int32Array;
  /** Per target column, the code matched to it under Spearman (−1 if none). */
  readonly spearmanMatch: Int32Array;
  /** Matched pairs, min(J, T). */
  readonly matched: number;
}

/** Ranks 1..n of the values, ties sharing their average rank (as scipy's `rankdata`). */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || a - b);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]] === x[order[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t]] = r;
    i = j + 1;
  }
  return ranks;
}

/** Centre a column and return it with its norm (0 for a constant column). */
function centred(x: Float64Array): { c: Float64Array; norm: number } {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i];
  m /= x.length;
  const c = new Float64Array(x.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    c[i] = x[i] - m;
    s += c[i] * c[i];
  }
  const norm = Math.sqrt(s);
  // Spread at rounding level of the mean: a constant column.
  return { c, norm: norm > 1e-12 * Math.sqrt(x.length) * Math.max(1, Math.abs(m)) ? norm : 0 };
}

/** Row-major [J, T] absolute Pearson correlations between the columns of a and of b. */
function absCorrelations(a: readonly Float64Array[], b: readonly Float64Array[]): Float64Array {
  const ca = a.map(centred);
  const cb = b.map(centred);
  const out = new Float64Array(a.length * b.length);
  ca.forEach((u, j) => {
    cb.forEach((v, t) => {
      if (u.norm === 0 || v.norm === 0) return;
      let s = 0;
      for (let i = 0; i < u.c.length; i++) s += u.c[i] * v.c[i];
      out[j * b.length + t] = Math.min(1, Math.abs(s) / (u.norm * v.norm));
    });
  });
  return out;
}

/** Maximum-weight matching of targets to codes on an [J, T] matrix; returns (mean, match). */
function matchedMean(m: Float64Array, codes: number, targets: number): { mean: number; match: Int32Array } {
  // Rows = targets, columns = codes; minimise −|ρ|.
  const cost = new Float64Array(targets * codes);
  for (let t = 0; t < targets; t++) for (let j = 0; j < codes; j++) cost[t * codes + j] = -m[j * targets + t];
  const match = hungarian(cost, targets, codes);
  let s = 0;
  let count = 0;
  match.forEach((j, t) => {
    if (j >= 0) {
      s += m[j * targets + t];
      count++;
    }
  });
  return { mean: s / count, match };
}

/**
 * MCC of codes against continuous target columns.
 * @param codes row-major [n, codeDims]; @param targets row-major [n, numTargets].
 */
export function mcc(codes: ArrayLike<number>, codeDims: number, targets: ArrayLike<number>, numTargets: number): MccResult {
  assertPositiveInt(codeDims, 'codeDims');
  assertPositiveInt(numTargets, 'numTargets');
  if (codes.length % codeDims !== 0) {
    throw new UserError(`codes have ${codes.length} entries, not a multiple of codeDims=${codeDims}; pass the latent width`);
  }
  const n = codes.length / codeDims;
  if (n < 2) throw new UserError(`MCC needs at least 2 points, got ${n}`);
  if (targets.length !== n * numTargets) {
    throw new UserError(`targets have ${targets.length} entries but ${n} points × ${numTargets} targets were expected; pass one row per code row`);
  }
  assertFinite(codes, codeDims, 'codes', 'the encoder produced non-finite codes');
  assertFinite(targets, numTargets, 'targets', 'clean the factors before evaluating');
  const z = Array.from({ length: codeDims }, (_, j) => column(codes, codeDims, j));
  const v = Array.from({ length: numTargets }, (_, t) => column(targets, numTargets, t));
  const pearsonMatrix = absCorrelations(z, v);
  // docs/metrics.md M2: Spearman = Pearson on average ranks.
  const spearmanMatrix = absCorrelations(z.map(averageRanks), v.map(averageRanks));
  const p = matchedMean(pearsonMatrix, codeDims, numTargets);
  const s = matchedMean(spearmanMatrix, codeDims, numTargets);
  return {
    pearson: p.mean,
    spearman: s.mean,
    pearsonMatrix,
    spearmanMatrix,
    pearsonMatch: p.match,
    spearmanMatch: s.match,
    matched: Math.min(codeDims, numTargets),
  };
}

/**
 * MCC targets of discrete factors: each ordinary factor as its level, each circular factor as
 * two columns (cos, sin) of 2π·level/levels, and each categorical factor (flagged in
 * `categorical`; default none) as one 0/1 indicator column per level — its levels are names, not
 * points on a line, so no single column can stand for it (docs/metrics.md M1).
 * @returns row-major [n, columns] targets and, per column, the factor it came from and its part
 *   (0 for an ordinary factor; 0 = cos, 1 = sin for a circular one; the level of a categorical one).
 */
export function factorTargets(
  factors: ArrayLike<number>,
  numFactors: number,
  circular: readonly boolean[],
  levels: ArrayLike<number>,
  categorical: readonly boolean[] = [],
): { values: Float64Array; columns: number; source: Int32Array; part: Int32Array } {
  const n = factors.length / numFactors;
  const source: number[] = [];
  const part: number[] = [];
  for (let k = 0; k < numFactors; k++) {
    if (categorical[k] && circular[k]) throw new UserError(`factor ${k} is flagged both circular and categorical; give it one kind`);
    const width = categorical[k] ? levels[k] : circular[k] ? 2 : 1;
    for (let p = 0; p < width; p++) {
      source.push(k);
      part.push(p);
    }
  }
  const columns = source.length;
  const values = new Float64Array(n * columns);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let k = 0; k < numFactors; k++) {
      const v = factors[i * numFactors + k];
      if (categorical[k]) {
        for (let l = 0; l < levels[k]; l++) values[i * columns + c++] = v === l ? 1 : 0;
      } else if (circular[k]) {
        const angle = (2 * Math.PI * v) / levels[k];
        values[i * columns + c++] = Math.cos(angle);
        values[i * columns + c++] = Math.sin(angle);
      } else {
        values[i * columns + c++] = v;
      }
    }
  }
  return { values, columns, source: Int32Array.from(source), part: Int32Array.from(part) };
}
