/**
 * DCI: Disentanglement, Completeness, Informativeness (Eastwood & Williams, ICLR 2018), with
 * disentanglement_lib's weighting (`dci.py`) and a linear probe in place of its gradient-boosted
 * trees (docs/metrics.md §DCI says why and what that changes).
 *
 * Probe: per factor v_k, a ridge regression of the standardised level on all J codes
 * (standardised with training statistics); a circular factor (phase) is regressed as two
 * targets, (cos, sin) of 2π·level/levels, a categorical factor as one 0/1 indicator per level.
 * Importance R_jk = ‖β_jk‖₂, the norm over the factor's targets of code j's standardised
 * coefficient (|β_jk| for an ordinary factor). Then,
 * with entropies in base K (resp. J) so that each term lies in [0, 1]:
 *
 *     P_jk = R_jk / Σ_k' R_jk'        D_j = 1 − H_K(P_j·)      D = Σ_j ρ_j D_j,  ρ_j = Σ_k R_jk / Σ R
 *     P̃_jk = R_jk / Σ_j' R_j'k        C_k = 1 − H_J(P̃_·k)      C = Σ_k σ_k C_k,  σ_k = Σ_j R_jk / Σ R
 *
 * (docs/metrics.md D1–D3). Informativeness is the mean over factors of the probe's test
 * accuracy, the prediction decoded to the nearest level (nearest angle for a circular factor,
 * the largest indicator for a categorical one):
 * dlib's `informativeness_test` is an accuracy too; Eastwood & Williams' is 1 − normalised
 * error, for which the test R² is reported alongside.
 */
import { UserError } from '../../util/errors';
import { cholesky, cholSolve, type Matrix } from '../../math/linalg';
import { checkSplit, factorLevels, fitStandardiser, standardise, type CodeSample } from './sample';
import { factorTargets } from './mcc';

/** Options of {@link dci}; every field has a documented default. */
export interface DciConfig {
  /** Ridge penalty λ on the standardised coefficients, mean-squared-error scale (default 1e-3). */
  readonly ridge?: number;
  /** Per factor, whether it is circular (default: none). */
  readonly circular?: readonly boolean[];
  /** Per factor, its number of levels (default 1 + the largest level seen). */
  readonly levels?: readonly number[];
  /** Per factor, whether it is categorical: regressed as one indicator per level (default: none). */
  readonly categorical?: readonly boolean[];
}

/** How a factor is regressed: its level, (cos, sin) of its angle, or one indicator per level. */
type FactorKind = 'ordinal' | 'circular' | 'categorical';

export const DCI_DEFAULTS = { ridge: 1e-3 } as const;

/** Everything DCI computes. */
export interface DciResult {
  readonly disentanglement: number;
  readonly completeness: number;
  /** Mean over factors of the probe's test accuracy (nearest level). */
  readonly informativeness: number;
  /** Mean over factors of the probe's training accuracy. */
  readonly informativenessTrain: number;
  /** Row-major [J, K] importance matrix R. */
  readonly importance: Float64Array;
  /** D_j per code, length J (0 for a code with no importance at all). */
  readonly codeDisentanglement: Float64Array;
  /** ρ_j, length J. */
  readonly codeWeights: Float64Array;
  /** C_k per factor, length K. */
  readonly factorCompleteness: Float64Array;
  /** σ_k, length K. */
  readonly factorWeights: Float64Array;
  /** Test accuracy per factor, length K. */
  readonly testAccuracy: Float64Array;
  /** Training accuracy per factor, length K. */
  readonly trainAccuracy: Float64Array;
  /** Test R² per factor (mean over its targets), length K. */
  readonly testR2: Float64Array;
}

/** 1 − H(p)/log(base) of a non-negative vector normalised to sum 1 (0 log 0 = 0); 1 when base = 1. */
function oneMinusEntropy(values: ArrayLike<number>, base: number): number {
  if (base <= 1) return 1;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  if (!(s > 0)) return 0;
  let h = 0;
  for (let i = 0; i < values.length; i++) {
    const p = values[i] / s;
    if (p > 0) h -= p * Math.log(p);
  }
  return 1 - h / Math.log(base);
}

/**
 * D and C from an importance matrix (docs/metrics.md D2–D3).
 * @param importance row-major [codes, factors] non-negative importances R.
 */
export function disentanglementCompleteness(
  importance: ArrayLike<number>,
  codes: number,
  factors: number,
): {
  disentanglement: number;
  completeness: number;
  codeDisentanglement: Float64Array;
  codeWeights: Float64Array;
  factorCompleteness: Float64Array;
  factorWeights: Float64Array;
} {
  let total = 0;
  for (let i = 0; i < codes * factors; i++) total += importance[i];
  const codeDisentanglement = new Float64Array(codes);
  const codeWeights = new Float64Array(codes);
  const factorCompleteness = new Float64Array(factors);
  const factorWeights = new Float64Array(factors);
  const row = new Float64Array(factors);
  const col = new Float64Array(codes);
  let d = 0;
  for (let j = 0; j < codes; j++) {
    let s = 0;
    for (let k = 0; k < factors; k++) {
      row[k] = importance[j * factors + k];
      s += row[k];
    }
    // docs/metrics.md D2: D_j = 1 − H_K(P_j·), weighted by ρ_j (all-zero R: uniform, as dlib).
    codeDisentanglement[j] = oneMinusEntropy(row, factors);
    codeWeights[j] = total > 0 ? s / total : 1 / codes;
    d += codeWeights[j] * codeDisentanglement[j];
  }
  let c = 0;
  for (let k = 0; k < factors; k++) {
    let s = 0;
    for (let j = 0; j < codes; j++) {
      col[j] = importance[j * factors + k];
      s += col[j];
    }
    // docs/metrics.md D3: C_k = 1 − H_J(P̃_·k), weighted by σ_k as dlib (Eastwood & Williams: unweighted).
    factorCompleteness[k] = oneMinusEntropy(col, codes);
    factorWeights[k] = total > 0 ? s / total : 1 / factors;
    c += factorWeights[k] * factorCompleteness[k];
  }
  return { disentanglement: d, completeness: c, codeDisentanglement, codeWeights, factorCompleteness, factorWeights };
}

/**
 * Regression targets of every factor, grouped by factor: the level, (cos, sin) of its angle for a
 * circular factor, one indicator per level for a categorical one — MCC's target columns
 * (`factorTargets`), so both metrics read a factor the same way.
 */
function targetsByFactor(s: CodeSample, circular: readonly boolean[], categorical: readonly boolean[], levels: readonly number[]): Float64Array[][] {
  const t = factorTargets(s.factors, s.numFactors, circular, levels, categorical);
  const n = s.factors.length / s.numFactors;
  const out: Float64Array[][] = Array.from({ length: s.numFactors }, () => []);
  for (let c = 0; c < t.columns; c++) {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = t.values[i * t.columns + c];
    out[t.source[c]].push(col);
  }
  return out;
}

/** Nearest level to a regression prediction (per row) for factor k. */
function decode(predictions: readonly Float64Array[], kind: FactorKind, levels: number): Int32Array {
  const n = predictions[0].length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (kind === 'categorical') {
      let best = 0;
      for (let l = 1; l < levels; l++) if (predictions[l][i] > predictions[best][i]) best = l;
      out[i] = best;
    } else if (kind === 'circular') {
      const angle = Math.atan2(predictions[1][i], predictions[0][i]);
      const l = Math.round((angle * levels) / (2 * Math.PI));
      out[i] = ((l % levels) + levels) % levels;
    } else {
      out[i] = Math.min(levels - 1, Math.max(0, Math.round(predictions[0][i])));
    }
  }
  return out;
}

/**
 * DCI of a representation.
 * @param train points the probes are fitted on.
 * @param test held-out points for the informativeness (test accuracy).
 */
export function dci(train: CodeSample, test: CodeSample, config: DciConfig = {}): DciResult {
  const { nTrain, nTest } = checkSplit(train, test);
  const ridge = config.ridge ?? DCI_DEFAULTS.ridge;
  if (!(ridge > 0) || !Number.isFinite(ridge)) throw new UserError(`DCI ridge must be a positive number, got ${ridge}`);
  const jDims = train.codeDims;
  const kf = train.numFactors;
  const seen = factorLevels([train, test]);
  const levels = config.levels ?? Array.from(seen);
  const circular = config.circular ?? new Array<boolean>(kf).fill(false);
  const categorical = config.categorical ?? new Array<boolean>(kf).fill(false);
  if (levels.length !== kf || circular.length !== kf || categorical.length !== kf) {
    throw new UserError(`DCI got ${levels.length} level counts, ${circular.length} circular and ${categorical.length} categorical flags for ${kf} factors; give one per factor`);
  }
  const kinds = Array.from({ length: kf }, (_, k): FactorKind => {
    if (circular[k] && categorical[k]) throw new UserError(`DCI: factor ${k} is flagged both circular and categorical; give it one kind`);
    return circular[k] ? 'circular' : categorical[k] ? 'categorical' : 'ordinal';
  });
  for (let k = 0; k < kf; k++) {
    if (!(levels[k] >= seen[k])) throw new UserError(`factor ${k} has level ${seen[k] - 1} but levels[${k}] = ${levels[k]}; give the full level count`);
  }

  const scaler = fitStandardiser(train.codes, jDims);
  const zTrain = standardise(train.codes, jDims, scaler);
  const zTest = standardise(test.codes, jDims, scaler);
  // Gram matrix G = ZᵀZ/n + λI of the standardised training codes, shared by every probe.
  const gram: Matrix = { rows: jDims, cols: jDims, data: new Float64Array(jDims * jDims) };
  for (let i = 0; i < nTrain; i++) {
    const o = i * jDims;
    for (let a = 0; a < jDims; a++) {
      const za = zTrain[o + a];
      if (za === 0) continue;
      for (let b = a; b < jDims; b++) gram.data[a * jDims + b] += za * zTrain[o + b];
    }
  }
  for (let a = 0; a < jDims; a++) {
    for (let b = a; b < jDims; b++) {
      const g = gram.data[a * jDims + b] / nTrain;
      gram.data[a * jDims + b] = g;
      gram.data[b * jDims + a] = g;
    }
    gram.data[a * jDims + a] += ridge; // docs/metrics.md D1: ridge probe (ZᵀZ/n + λI)β = Zᵀt/n
  }
  const chol = cholesky(gram, 'the ridge Gram matrix of the codes');

  const importance = new Float64Array(jDims * kf);
  const testAccuracy = new Float64Array(kf);
  const trainAccuracy = new Float64Array(kf);
  const testR2 = new Float64Array(kf);
  const predict = (z: Float64Array, n: number, beta: Float64Array, mean: number, std: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let a = 0; a < jDims; a++) s += z[i * jDims + a] * beta[a];
      out[i] = mean + std * s;
    }
    return out;
  };
  const targetsTrain = targetsByFactor(train, circular, categorical, levels);
  const targetsTest = targetsByFactor(test, circular, categorical, levels);
  for (let k = 0; k < kf; k++) {
    const kind = kinds[k];
    const tTrain = targetsTrain[k];
    const tTest = targetsTest[k];
    const predTrain: Float64Array[] = [];
    const predTest: Float64Array[] = [];
    const sq = new Float64Array(jDims);
    let r2 = 0;
    tTrain.forEach((t, ti) => {
      const { mean: [mean], std: [stdRaw] } = fitStandardiser(t, 1);
      const std = stdRaw > 0 ? stdRaw : 1;
      const rhs = new Float64Array(jDims);
      for (let i = 0; i < nTrain; i++) {
        const ts = (t[i] - mean) / std;
        for (let a = 0; a < jDims; a++) rhs[a] += zTrain[i * jDims + a] * ts;
      }
      for (let a = 0; a < jDims; a++) rhs[a] /= nTrain;
      const beta = cholSolve(chol, rhs);
      for (let a = 0; a < jDims; a++) sq[a] += beta[a] * beta[a];
      predTrain.push(predict(zTrain, nTrain, beta, mean, std));
      const pt = predict(zTest, nTest, beta, mean, std);
      predTest.push(pt);
      let sse = 0;
      let sst = 0;
      const tt = tTest[ti];
      let tm = 0;
      for (let i = 0; i < nTest; i++) tm += tt[i] / nTest;
      for (let i = 0; i < nTest; i++) {
        sse += (tt[i] - pt[i]) ** 2;
        sst += (tt[i] - tm) ** 2;
      }
      r2 += (sst > 0 ? 1 - sse / sst : 0) / tTrain.length;
    });
    for (let a = 0; a < jDims; a++) importance[a * kf + k] = Math.sqrt(sq[a]);
    testR2[k] = r2;
    const hits = (pred: readonly Float64Array[], s: CodeSample, n: number): number => {
      const lv = decode(pred, kind, levels[k]);
      let h = 0;
      for (let i = 0; i < n; i++) if (lv[i] === s.factors[i * kf + k]) h++;
      return h / n;
    };
    trainAccuracy[k] = hits(predTrain, train, nTrain);
    testAccuracy[k] = hits(predTest, test, nTest);
  }
  const dc = disentanglementCompleteness(importance, jDims, kf);
  let inf = 0;
  let infTrain = 0;
  for (let k = 0; k < kf; k++) {
    inf += testAccuracy[k] / kf;
    infTrain += trainAccuracy[k] / kf;
  }
  return { ...dc, informativeness: inf, informativenessTrain: infTrain, importance, testAccuracy, trainAccuracy, testR2 };
}
