/**
 * Cluster quality of the RBF memberships of a marginal latent b_i against its labels.
 *
 * Memberships are cluster ids (argmax of each RBF softmax row r_i, see {@link argmaxRows}).
 * Three numbers:
 * - `plainAccuracy`: fraction with membership == label, WITHOUT remapping. RBF unit k is
 *   trained (cross-entropy, E3) to be class k, so this is the number that matters for the model.
 * - `accuracy`: the best one-to-one mapping of clusters to classes (Hungarian algorithm on the
 *   confusion matrix), the usual unsupervised clustering accuracy; clusters left unmapped
 *   (more clusters than classes) count as errors. `accuracy ≥ plainAccuracy` always.
 * - `nmi`: normalised mutual information with ARITHMETIC-mean normalisation,
 *   NMI = I(C; Y) / ((H(C) + H(Y)) / 2), sklearn's default (`average_method='arithmetic'`);
 *   1 when both partitions are trivial (one group each), as in sklearn.
 */
import { UserError } from '../util/errors';
import { assertFinite, assertLabels, assertLength, assertPositiveInt, type LabelArray, type NumericArray } from './arrays';
import { hungarian } from './hungarian';
import { contingency, entropyOfCounts, mutualInformationOfTable } from './information';

/** Cluster-vs-label scores of one marginal dimension. */
export interface ClusterMetrics {
  /** Accuracy under the best one-to-one cluster → class mapping (Hungarian). */
  readonly accuracy: number;
  /** Accuracy with cluster k taken as class k. */
  readonly plainAccuracy: number;
  /** Normalised mutual information, arithmetic-mean normalisation, in [0, 1]. */
  readonly nmi: number;
  /** `mapping[cluster]` = the class it is matched to by the Hungarian step, −1 if unmatched. */
  readonly mapping: Int32Array;
  /** Row-major [clusters, classes] counts. */
  readonly confusion: Float64Array;
  readonly clusters: number;
  readonly classes: number;
  /** Number of samples. */
  readonly n: number;
}

/** Row-wise argmax of a row-major [n, k] array (first index on ties). */
export function argmaxRows(scores: NumericArray, k: number): Int32Array {
  assertPositiveInt(k, 'k');
  if (scores.length % k !== 0) {
    throw new UserError(`scores have ${scores.length} entries, not a multiple of k=${k}; pass the number of RBF units`);
  }
  assertFinite(scores, k, 'scores', 'the RBF layer produced non-finite outputs');
  const n = scores.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (scores[i * k + j] > scores[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** NMI of two partitions given as ids (arithmetic-mean normalisation, see the module doc). */
export function nmi(a: LabelArray, b: LabelArray): number {
  assertLength(b, a.length, 'second partition');
  const ka = Math.max(1, assertLabels(a, 'first partition'));
  const kb = Math.max(1, assertLabels(b, 'second partition'));
  return nmiOfTable(contingency(a, ka, b, kb), ka, kb);
}

function nmiOfTable(table: Float64Array, ka: number, kb: number): number {
  const rows = new Float64Array(ka);
  const cols = new Float64Array(kb);
  for (let i = 0; i < ka; i++) {
    for (let j = 0; j < kb; j++) {
      rows[i] += table[i * kb + j];
      cols[j] += table[i * kb + j];
    }
  }
  const ha = entropyOfCounts(rows);
  const hb = entropyOfCounts(cols);
  if (ha === 0 && hb === 0) return 1; // both partitions trivial: identical
  const mi = mutualInformationOfTable(table, ka, kb);
  return Math.min(1, mi / ((ha + hb) / 2));
}

/**
 * Accuracy (plain and Hungarian-mapped) and NMI of memberships against labels.
 * @param memberships cluster id per sample, length n.
 * @param labels class id per sample, length n.
 * @param sizes cluster / class counts when some ids never occur (default: largest id + 1).
 */
export function clusterMetrics(
  memberships: LabelArray,
  labels: LabelArray,
  sizes: { clusters?: number; classes?: number } = {},
): ClusterMetrics {
  const n = labels.length;
  if (n === 0) throw new UserError('labels are empty; evaluate clustering on at least one sample');
  assertLength(memberships, n, 'memberships');
  const seenClusters = assertLabels(memberships, 'memberships');
  const seenClasses = assertLabels(labels, 'labels');
  const clusters = sizes.clusters ?? seenClusters;
  const classes = sizes.classes ?? seenClasses;
  if (seenClusters > clusters) {
    throw new UserError(`memberships contain cluster id ${seenClusters - 1} but clusters=${clusters}; pass the number of RBF units`);
  }
  if (seenClasses > classes) {
    throw new UserError(`labels contain class id ${seenClasses - 1} but classes=${classes}; pass the number of classes`);
  }
  const confusion = contingency(memberships, clusters, labels, classes);
  let diagonal = 0;
  for (let i = 0; i < Math.min(clusters, classes); i++) diagonal += confusion[i * classes + i];
  // Maximise matched counts = minimise their negatives.
  const negated = new Float64Array(confusion.length);
  for (let i = 0; i < confusion.length; i++) negated[i] = -confusion[i];
  const mapping = hungarian(negated, clusters, classes);
  let matched = 0;
  for (let c = 0; c < clusters; c++) if (mapping[c] >= 0) matched += confusion[c * classes + mapping[c]];
  return {
    accuracy: matched / n,
    plainAccuracy: diagonal / n,
    nmi: nmiOfTable(confusion, clusters, classes),
    mapping,
    confusion,
    clusters,
    classes,
    n,
  };
}
