/**
 * The standard disentanglement metric suite on one table of codes and discrete factors: MIG
 * (lib/eval/mig.ts), DCI, SAP, the FactorVAE score and MCC (Pearson and Spearman), with
 * disentanglement_lib's conventions where a finite table allows them (docs/metrics.md).
 *
 * Points: a seeded shuffle of the N rows; the first nTest = min(testPoints, ⌊N/3⌋) are the test
 * points, the next nTrain = min(trainPoints, N − nTest) the training points (dlib: 10 000 / 5 000
 * fresh draws from the generator). MIG and MCC use the training points; DCI and SAP fit on the
 * training points and score on the test points; FactorVAE takes its global variances and
 * training votes from the training points and its evaluation votes from the test points.
 * Factors constant on the whole table are left out of every metric (noted).
 */
import { UserError } from '../../util/errors';
import { makeRng, permutation } from '../../util/random';
import { assertFinite, assertPositiveInt } from '../arrays';
import { mig, MIG_DEFAULTS } from '../mig';
import { dci, DCI_DEFAULTS, type DciConfig } from './dci';
import { dciTree, DCI_TREE_DEFAULTS, type DciTreeConfig } from './dciTree';
import { factorVaeScore, FACTOR_VAE_DEFAULTS, type FactorVaeConfig } from './factorVae';
import { factorTargets, mcc } from './mcc';
import type { CodeSample } from './sample';
import { sap, type SapConfig } from './sap';

export interface FactorTable {
  /** N×K discrete factor levels, row-major (Int32Array or number[]), 0-based ints per factor. */
  readonly values: ArrayLike<number>;
  readonly names: readonly string[]; // K names
  /** Circular factors (e.g. phase): MCC/DCI use (cos, sin) of 2π·level/levels. Optional. */
  readonly circular?: readonly boolean[];
  /** Levels per factor, for the angle of circular factors (default 1 + the largest level in the table). */
  readonly levels?: readonly number[];
  /**
   * Categorical factors (levels are names, e.g. a waveform kind): MCC matches codes against one
   * indicator column per level and the DCI ridge probe regresses those indicators. Optional
   * (default none: every non-circular factor is read as its level). MIG, SAP, FactorVAE and the
   * tree DCI treat every factor as classes already and ignore it.
   */
  readonly categorical?: readonly boolean[];
}

/** Options of {@link disentanglementScores}; every field has a documented default. */
export interface DisentanglementConfig {
  /** Seed of the train/test shuffle and of the FactorVAE votes (default 0). */
  seed?: number;
  /** Training points (default 10 000, dlib's num_train), capped at N − nTest. */
  trainPoints?: number;
  /** Test points (default 5 000, dlib's num_test), capped at ⌊N/3⌋. */
  testPoints?: number;
  /** MIG: equal-width bins per code (default 20, as dlib). */
  migBins?: number;
  /** DCI probe (default ridge λ = 1e-3); circular flags and levels come from the table. */
  dci?: Pick<DciConfig, 'ridge'>;
  /** SAP (default variant 'discrete', as dlib). */
  sap?: SapConfig;
  /** FactorVAE votes (defaults as dlib: L = 64, 10 000 / 5 000 votes, prune std < 0.05); seed from `seed`. */
  factorVae?: Omit<FactorVaeConfig, 'seed'>;
  /** DCI with tree-ensemble importances (dciTree.ts; its defaults: 10 trees, depth 4, 500/500 points); false = skip. Seed from `seed`. */
  dciTree?: Omit<DciTreeConfig, 'seed'> | false;
  /** Also score the noise floor (disentanglementFloor: a seeded Gaussian representation of the same shape); default true. */
  floor?: boolean;
}

export const DISENTANGLEMENT_DEFAULTS = { seed: 0, trainPoints: 10_000, testPoints: 5_000 } as const;

/** Each metric's noise floor: its value on a random representation of the codes' shape. */
export interface FloorScores {
  mig: number;
  dciD: number;
  /** null when the tree DCI is skipped */
  dciTreeD: number | null;
  sap: number;
  mcc: number;
  factorVae: number;
}

/** Seed offset of the floor's Gaussian codes (mixed with the suite's seed). */
const FLOOR_SEED = 0x0f1002;

/** The floor's representation: n × codeDims seeded standard-Gaussian codes (seed mixed with a fixed offset). */
export function floorCodes(n: number, codeDims: number, seed = 0): Float64Array {
  const rng = makeRng((seed ^ FLOOR_SEED) >>> 0);
  const noise = new Float64Array(n * codeDims);
  for (let i = 0; i < noise.length; i++) noise[i] = rng.normal();
  return noise;
}

/**
 * The noise floor of the suite: the same metrics, with the same settings and the same point
 * split, of a seeded standard-Gaussian representation [N, J] — the shape of `codes` — against
 * the same factors. A model's score is informative only above it (docs/metrics.md §Floors).
 * @param n rows of the codes; @param codeDims J.
 */
export function disentanglementFloor(n: number, codeDims: number, factors: FactorTable, config: DisentanglementConfig = {}): FloorScores {
  assertPositiveInt(n, 'n');
  assertPositiveInt(codeDims, 'codeDims');
  const noise = floorCodes(n, codeDims, config.seed ?? DISENTANGLEMENT_DEFAULTS.seed);
  const s = disentanglementScores(noise, codeDims, factors, { ...config, floor: false });
  return { mig: s.mig, dciD: s.dci.disentanglement, dciTreeD: s.dciTree?.disentanglement ?? null, sap: s.sap, mcc: s.mcc.pearson, factorVae: s.factorVae.score };
}

export interface DisentanglementScores {
  mig: number;
  /** informativeness = mean test accuracy of the linear probes (nearest level). */
  dci: { disentanglement: number; completeness: number; informativeness: number };
  sap: number;
  factorVae: { score: number; trainAccuracy: number; activeDims: number };
  mcc: { pearson: number; spearman: number };
  /** DCI with tree-ensemble importances (dlib's way); null when skipped. */
  dciTree: { disentanglement: number; completeness: number; informativeness: number } | null;
  /** The same metrics of a seeded random Gaussian representation of the same shape (the noise floor); null when skipped. */
  floor: FloorScores | null;
  /** points used, per metric, and any convention differing from disentanglement_lib */
  notes: string[];
}

/** Rows `rows` of a row-major [*, cols] array, as a new array of the given type. */
function gather<T extends Float64Array | Int32Array>(
  make: (n: number) => T,
  values: ArrayLike<number>,
  cols: number,
  rows: ArrayLike<number>,
  keep: readonly number[],
): T {
  const out = make(rows.length * keep.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    for (let c = 0; c < keep.length; c++) out[i * keep.length + c] = values[r * cols + keep[c]];
  }
  return out;
}

/**
 * All the standard disentanglement metrics of one representation.
 * @param codes N×J latent codes, row-major (e.g. encoder means).
 * @param codeDims J (≥ 2: MIG and SAP are gaps between the two best codes).
 * @param factors the N×K ground-truth factor levels with their names.
 */
export function disentanglementScores(
  codes: ArrayLike<number>,
  codeDims: number,
  factors: FactorTable,
  config: DisentanglementConfig = {},
): DisentanglementScores {
  assertPositiveInt(codeDims, 'codeDims');
  if (codeDims < 2) throw new UserError('the disentanglement metrics need at least 2 latent codes; pass a wider code');
  if (codes.length % codeDims !== 0) {
    throw new UserError(`codes have ${codes.length} entries, not a multiple of codeDims=${codeDims}; pass the latent width`);
  }
  const n = codes.length / codeDims;
  const kAll = factors.names.length;
  if (kAll === 0) throw new UserError('the factor table has no factors; name at least one');
  if (factors.values.length !== n * kAll) {
    throw new UserError(
      `factor table has ${factors.values.length} entries but ${n} codes × ${kAll} named factors = ${n * kAll} were expected; pass one row of levels per code row`,
    );
  }
  if (factors.circular && factors.circular.length !== kAll) {
    throw new UserError(`factor table has ${factors.circular.length} circular flags for ${kAll} factors; give one per factor`);
  }
  if (factors.categorical && factors.categorical.length !== kAll) {
    throw new UserError(`factor table has ${factors.categorical.length} categorical flags for ${kAll} factors; give one per factor`);
  }
  if (factors.levels && factors.levels.length !== kAll) {
    throw new UserError(`factor table has ${factors.levels.length} level counts for ${kAll} factors; give one per factor`);
  }
  assertFinite(codes, codeDims, 'codes', 'the encoder produced non-finite codes');
  const seen = new Int32Array(kAll);
  const lowest = new Int32Array(kAll).fill(2147483647);
  for (let i = 0; i < factors.values.length; i++) {
    const v = factors.values[i];
    const k = i % kAll;
    if (!Number.isInteger(v) || v < 0) {
      throw new UserError(
        `factor '${factors.names[k]}' has level ${v} at row ${Math.floor(i / kAll)}; levels must be 0-based integers`,
      );
    }
    if (v + 1 > seen[k]) seen[k] = v + 1;
    if (v < lowest[k]) lowest[k] = v;
  }
  const levels = factors.levels ? Array.from(factors.levels) : Array.from(seen);
  levels.forEach((l, k) => {
    if (!(Number.isInteger(l) && l >= seen[k])) {
      throw new UserError(`factor '${factors.names[k]}' has level ${seen[k] - 1} but levels says ${l}; give the full level count`);
    }
  });

  const seed = config.seed ?? DISENTANGLEMENT_DEFAULTS.seed;
  const trainPoints = config.trainPoints ?? DISENTANGLEMENT_DEFAULTS.trainPoints;
  const testPoints = config.testPoints ?? DISENTANGLEMENT_DEFAULTS.testPoints;
  assertPositiveInt(trainPoints, 'trainPoints');
  assertPositiveInt(testPoints, 'testPoints');
  const nTest = Math.min(testPoints, Math.floor(n / 3));
  const nTrain = Math.min(trainPoints, n - nTest);
  if (nTest < 2 || nTrain < 4) {
    throw new UserError(`${n} points are too few for the disentanglement metrics; pass at least 12 rows`);
  }

  const notes: string[] = [];
  const keep: number[] = [];
  for (let k = 0; k < kAll; k++) {
    if (lowest[k] === seen[k] - 1) notes.push(`factor '${factors.names[k]}' is constant on these points and is left out of every metric`);
    else keep.push(k);
  }
  if (keep.length === 0) throw new UserError('every factor is constant on these points; evaluate on points where the factors vary');
  const kf = keep.length;
  const circular = keep.map((k) => factors.circular?.[k] ?? false);
  const categorical = keep.map((k) => factors.categorical?.[k] ?? false);
  const keptLevels = keep.map((k) => levels[k]);

  const rng = makeRng(seed);
  const order = permutation(n, rng);
  const testRows = order.subarray(0, nTest);
  const trainRows = order.subarray(nTest, nTest + nTrain);
  const allCodes = Array.from({ length: codeDims }, (_, j) => j);
  const sample = (rows: Int32Array): CodeSample => ({
    codes: gather((m) => new Float64Array(m), codes, codeDims, rows, allCodes),
    codeDims,
    factors: gather((m) => new Int32Array(m), factors.values, kAll, rows, keep),
    numFactors: kf,
  });
  const train = sample(trainRows);
  const test = sample(testRows);
  notes.push(`points: ${n} rows, seeded split into ${nTrain} training and ${nTest} test points (dlib draws 10000/5000 fresh samples)`);

  const migBins = config.migBins ?? MIG_DEFAULTS.bins;
  const migResult = mig(train.codes as Float64Array, codeDims, Float64Array.from(train.factors), kf, {
    bins: migBins,
    factorKinds: 'discrete',
  });
  notes.push(`MIG: ${nTrain} training points, ${migBins} equal-width bins per code, factors as discrete levels (as dlib)`);

  const dciResult = dci(train, test, { ...config.dci, circular, categorical, levels: keptLevels });
  notes.push(
    `DCI: ridge probe (λ = ${config.dci?.ridge ?? DCI_DEFAULTS.ridge}) on standardised codes instead of dlib's gradient-boosted trees, fitted on ${nTrain} and scored on ${nTest} points; informativeness = mean test accuracy of the probe decoded to the nearest level${categorical.some(Boolean) ? ' (categorical factors: one indicator per level, decoded to the largest)' : ''}`,
  );

  let treeResult: DisentanglementScores['dciTree'] = null;
  if (config.dciTree !== false) {
    const tc = { ...DCI_TREE_DEFAULTS, ...config.dciTree };
    const t = dciTree(train, test, { ...tc, seed: seed });
    treeResult = { disentanglement: t.disentanglement, completeness: t.completeness, informativeness: t.informativeness };
    notes.push(
      `DCI (trees): ${tc.trees} bagged CART trees of depth ≤ ${tc.maxDepth} per factor (ml-cart, Gini), importance = mean decrease in impurity (dlib: sklearn GradientBoostingClassifier), fitted on ${t.points.train} and scored on ${t.points.test} points`,
    );
  }

  const sapResult = sap(train, test, config.sap);
  notes.push(
    sapResult.variant === 'discrete'
      ? `SAP: discrete variant, one-feature nearest-class-mean classifier instead of dlib's LinearSVC, fitted on ${nTrain} and scored on ${nTest} points`
      : `SAP: continuous variant (squared correlation) on ${nTrain} points`,
  );

  const fv = { ...FACTOR_VAE_DEFAULTS, ...config.factorVae };
  const fvResult = factorVaeScore(train, test, { ...config.factorVae, seed: rng.nextSeed() });
  notes.push(
    `FactorVAE: global variances on ${Math.min(nTrain, fv.globalVariancePoints)} training points, ${fv.trainVotes} training votes from the training points and ${fv.evalVotes} evaluation votes from the test points, L = ${fv.batchSize}, levels drawn from the table (dlib: from the factor prior)` +
      (fvResult.activeDims === 0 ? '; no code has std ≥ ' + fv.pruneStd + ', so the score is 0' : ''),
  );

  const targets = factorTargets(train.factors, kf, circular, keptLevels, categorical);
  const mccResult = mcc(train.codes, codeDims, targets.values, targets.columns);
  notes.push(
    `MCC: ${nTrain} training points, ${targets.columns} target columns (circular factors as cos, sin${categorical.some(Boolean) ? ', categorical factors as one indicator per level' : ''}), Hungarian matching over ${mccResult.matched} pairs` +
      (codeDims < targets.columns ? `; only ${codeDims} of ${targets.columns} targets could be matched` : ''),
  );

  return {
    mig: migResult.mig,
    dci: {
      disentanglement: dciResult.disentanglement,
      completeness: dciResult.completeness,
      informativeness: dciResult.informativeness,
    },
    sap: sapResult.sap,
    factorVae: { score: fvResult.score, trainAccuracy: fvResult.trainAccuracy, activeDims: fvResult.activeDims },
    mcc: { pearson: mccResult.pearson, spearman: mccResult.spearman },
    dciTree: treeResult,
    floor: config.floor === false ? null : disentanglementFloor(n, codeDims, factors, config),
    notes,
  };
}
