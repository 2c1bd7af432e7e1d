/**
 * DCI with tree-based importances, as disentanglement_lib's `dci.py` computes it: per factor a
 * tree ensemble classifies the factor's level from all J codes, and the importance of code j
 * for factor k is the ensemble's mean decrease in Gini impurity (MDI, sklearn's
 * `feature_importances_`); D and C then use the same weighting as the ridge-probe DCI
 * (`disentanglementCompleteness`, docs/metrics.md D2–D3). Informativeness: mean test accuracy.
 *
 * Ensemble: a bagged forest of ml-cart's CART classification trees (Gini splits, every code a
 * candidate at every split; each tree on a seeded bootstrap of the training points; prediction
 * by majority vote), in place of dlib's GradientBoostingClassifier: no maintained
 * gradient-boosted-tree package for JS installs offline (docs/metrics.md §DCI (trees)). The MDI
 * is computed here from each fitted tree: every split node's
 * n_node·gini(node) − n_left·gini(left) − n_right·gini(right) over the tree's bootstrap rows,
 * normalised per tree, averaged over the trees (as sklearn). ml-cart searches every split in
 * O(n²) per node, so the points are capped (`maxPoints`, `maxTestPoints`: seeded subsamples).
 */
import { DecisionTreeClassifier, type CartNode } from 'ml-cart';
import { UserError } from '../../util/errors';
import { makeRng, permutation, type Rng } from '../../util/random';
import { disentanglementCompleteness } from './dci';
import { checkSplit, factorLevels, type CodeSample } from './sample';

/** Options of {@link dciTree}; every field has a documented default. */
export interface DciTreeConfig {
  /** Trees per factor (default 10). */
  readonly trees?: number;
  /** Maximum depth of a tree (default 4; dlib's gradient-boosted trees have depth 3, 100 of them). */
  readonly maxDepth?: number;
  /** Training points the forests see, a seeded subsample (default 500). */
  readonly maxPoints?: number;
  /** Test points scored for the informativeness (default 500). */
  readonly maxTestPoints?: number;
  /** Seed of the subsample and of the forests' bootstrap (default 0). */
  readonly seed?: number;
}

export const DCI_TREE_DEFAULTS = { trees: 10, maxDepth: 4, maxPoints: 500, maxTestPoints: 500, seed: 0 } as const;

export interface DciTreeResult {
  readonly disentanglement: number;
  readonly completeness: number;
  /** Mean over factors of the forest's test accuracy. */
  readonly informativeness: number;
  /** Row-major [J, K] importance matrix (each column sums to 1 unless the forest made no split). */
  readonly importance: Float64Array;
  /** Points the forests were fitted on and scored on. */
  readonly points: { readonly train: number; readonly test: number };
}

function gini(counts: Float64Array, n: number): number {
  if (n === 0) return 0;
  let s = 0;
  for (let c = 0; c < counts.length; c++) s += (counts[c] / n) ** 2;
  return 1 - s;
}

/** MDI of one fitted ml-cart tree over rows X (the tree's own features), labels y; length = X's width. */
function treeImportance(root: CartNode, X: readonly number[][], y: readonly number[], classes: number, width: number): Float64Array {
  const imp = new Float64Array(width);
  const visit = (node: CartNode, rows: number[]): void => {
    if (!node.left || !node.right || node.splitColumn === undefined || node.splitValue === undefined) return;
    const col = node.splitColumn;
    const lesser: number[] = [];
    const greater: number[] = [];
    for (const r of rows) (X[r][col] < node.splitValue ? lesser : greater).push(r); // ml-cart's matrixSplitter rule
    const counts = (idx: number[]): Float64Array => {
      const c = new Float64Array(classes);
      for (const r of idx) c[y[r]]++;
      return c;
    };
    const decrease = rows.length * gini(counts(rows), rows.length)
      - lesser.length * gini(counts(lesser), lesser.length)
      - greater.length * gini(counts(greater), greater.length);
    imp[col] += Math.max(0, decrease);
    visit(node.left, lesser);
    visit(node.right, greater);
  };
  visit(root, X.map((_, i) => i));
  let s = 0;
  for (let j = 0; j < width; j++) s += imp[j];
  if (s > 0) for (let j = 0; j < width; j++) imp[j] /= s;
  return imp;
}

function rowsOf(s: CodeSample, rows: ArrayLike<number>): number[][] {
  const J = s.codeDims;
  return Array.from(rows, (r) => Array.from({ length: J }, (_, j) => s.codes[r * J + j]));
}

/** A seeded subsample of min(cap, n) row indices (all rows, in order, when n ≤ cap). */
function subsample(n: number, cap: number, rng: Rng): Int32Array {
  if (n <= cap) return Int32Array.from({ length: n }, (_, i) => i);
  return permutation(n, rng).subarray(0, cap);
}

/** DCI of a representation with tree-ensemble importances (module doc). */
export function dciTree(train: CodeSample, test: CodeSample, config: DciTreeConfig = {}): DciTreeResult {
  checkSplit(train, test);
  const c = { ...DCI_TREE_DEFAULTS, ...config };
  for (const k of ['trees', 'maxDepth', 'maxPoints', 'maxTestPoints'] as const) {
    if (!(Number.isInteger(c[k]) && c[k] >= 1)) throw new UserError(`DCI (trees): ${k} must be a positive integer, got ${c[k]}`);
  }
  const J = train.codeDims;
  const kf = train.numFactors;
  const levels = factorLevels([train, test]);
  const rng = makeRng(c.seed);
  const trRows = subsample(train.codes.length / J, c.maxPoints, rng);
  const teRows = subsample(test.codes.length / J, c.maxTestPoints, rng);
  const Xtr = rowsOf(train, trRows);
  const Xte = rowsOf(test, teRows);
  const importance = new Float64Array(J * kf);
  let informativeness = 0;
  for (let k = 0; k < kf; k++) {
    const y = Array.from(trRows, (r) => train.factors[r * kf + k]);
    const yTest = Array.from(teRows, (r) => test.factors[r * kf + k]);
    const col = new Float64Array(J);
    const votes = Array.from(teRows, () => new Float64Array(levels[k]));
    for (let t = 0; t < c.trees; t++) {
      const boot = Array.from({ length: Xtr.length }, () => rng.int(Xtr.length));
      const X = boot.map((r) => Xtr[r]);
      const yy = boot.map((r) => y[r]);
      const tree = new DecisionTreeClassifier({ gainFunction: 'gini', maxDepth: c.maxDepth });
      tree.train(X, yy);
      const timp = treeImportance(tree.root, X, yy, levels[k], J);
      for (let j = 0; j < J; j++) col[j] += timp[j] / c.trees;
      tree.predict(Xte).forEach((p, i) => votes[i][p]++);
    }
    let s = 0;
    for (let j = 0; j < J; j++) s += col[j];
    for (let j = 0; j < J; j++) importance[j * kf + k] = s > 0 ? col[j] / s : 0;
    let hits = 0;
    votes.forEach((v, i) => {
      let best = 0;
      for (let l = 1; l < v.length; l++) if (v[l] > v[best]) best = l;
      if (best === yTest[i]) hits++;
    });
    informativeness += hits / teRows.length / kf;
  }
  const dc = disentanglementCompleteness(importance, J, kf);
  return { disentanglement: dc.disentanglement, completeness: dc.completeness, informativeness, importance, points: { train: Xtr.length, test: Xte.length } };
}
