/**
 * Detaux stage 2, clustering of the chosen subspace's codes into auxiliary labels
 * (docs/design.md §Detaux; the authors' `clustering.py` offers HDBSCAN and k-means):
 * - k-means through the `ml-kmeans` package (k-means++ seeding, Arthur & Vassilvitskii 2007;
 *   Lloyd iterations), best of `restarts` seeded runs by inertia; K chosen by the mean silhouette
 *   (Rousseeuw 1987) over kMin..kMax, computed on a seeded subsample (it is O(n²)). The
 *   silhouette is ours: no maintained npm package computes it.
 * - HDBSCAN (Campello et al. 2013) through the `hdbscan-ts` package; its noise label −1 becomes
 *   class 0 and clusters 1.. (the authors add 1 likewise).
 * Points are row-major [n, d] float arrays; float64 arithmetic; seeded.
 */
import { HDBSCAN } from 'hdbscan-ts';
import { permutation, type Rng } from '../../util/random';
import { UserError } from '../../util/errors';

/**
 * The one call of `ml-kmeans` we use. It is an ES module: TypeScript 5.0 (what `npx tsc` resolves
 * here, tslab's copy) refuses to import it from CommonJS, so it is typed here and `require`d
 * (Node ≥ 20.19, our engines floor, loads ES modules with `require`).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { kmeans: mlKmeans } = require('ml-kmeans') as {
  kmeans(data: number[][], k: number, options: { seed: number; maxIterations: number; tolerance: number; initialization: 'kmeans++' }): { clusters: number[]; centroids: number[][]; iterations: number };
};

export interface KMeansResult {
  readonly k: number;
  readonly labels: Int32Array;
  /** Row-major [k, d]. */
  readonly centroids: Float64Array;
  /** Σ_i ‖p_i − c_{label(i)}‖². */
  readonly inertia: number;
  readonly iterations: number;
}

function sq(points: ArrayLike<number>, i: number, c: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const u = points[i * d + t] - c[j * d + t];
    s += u * u;
  }
  return s;
}


function kmeansOnce(rows: number[][], points: ArrayLike<number>, n: number, d: number, k: number, rng: Rng, maxIter: number): KMeansResult {
  // ml-kmeans: greedy k-means++ seeding (2 + ⌊ln k⌋ candidates per centre, as scikit-learn), Lloyd
  // iterations until no centre moves (tolerance 0) or maxIter; seeded from our stream.
  const res = mlKmeans(rows, k, { seed: rng.int(2 ** 31 - 1), maxIterations: maxIter, tolerance: 0, initialization: 'kmeans++' });
  const labels = Int32Array.from(res.clusters);
  const centroids = Float64Array.from(res.centroids.flat());
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sq(points, i, centroids, labels[i], d);
  return { k, labels, centroids, inertia, iterations: res.iterations };
}

/** k-means (ml-kmeans, k-means++ seeding), best of `restarts` seeded runs by inertia. */
export function kmeans(points: ArrayLike<number>, d: number, k: number, rng: Rng, restarts = 4, maxIter = 300): KMeansResult {
  const n = points.length / d;
  if (!(Number.isInteger(n) && n >= k && k >= 1)) throw new UserError(`k-means needs at least k=${k} points of dimension ${d}, got ${points.length / d}`);
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, t) => points[i * d + t]));
  let best: KMeansResult | null = null;
  for (let r = 0; r < restarts; r++) {
    const res = kmeansOnce(rows, points, n, d, k, rng, maxIter);
    if (!best || res.inertia < best.inertia) best = res;
  }
  return best!;
}

/**
 * Mean silhouette of a labelling: s_i = (b_i − a_i)/max(a_i, b_i), a_i the mean distance to the
 * other points of its cluster, b_i the smallest mean distance to another cluster; s_i = 0 for
 * points alone in their cluster (sklearn's convention). Euclidean distances.
 */
export function silhouette(points: ArrayLike<number>, d: number, labels: ArrayLike<number>, k: number): number {
  const n = labels.length;
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[labels[i]]++;
  if (counts.filter((c) => c > 0).length < 2) return 0;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]] += Math.sqrt(sq(points, i, points, j, d));
    const own = labels[i];
    if (counts[own] <= 1) continue;
    const a = sums[own] / (counts[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c] > 0) b = Math.min(b, sums[c] / counts[c]);
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return total / n;
}

export interface ChosenClustering {
  readonly method: 'kmeans' | 'hdbscan';
  readonly k: number;
  readonly labels: Int32Array;
  /** Mean silhouette per tried K (k-means), on the subsample. */
  readonly silhouettes: { k: number; silhouette: number }[];
  readonly sizes: number[];
}

function sizesOf(labels: Int32Array, k: number): number[] {
  const s = new Array<number>(k).fill(0);
  for (const l of labels) s[l]++;
  return s;
}

/** k-means for each K in kMin..kMax; the K with the highest subsample silhouette wins (ties: smaller K). */
export function kmeansBySilhouette(points: ArrayLike<number>, d: number, kMin: number, kMax: number, rng: Rng, opts: { restarts: number; maxIter: number; silhouettePoints: number }): ChosenClustering {
  const n = points.length / d;
  const m = Math.min(n, opts.silhouettePoints);
  const sub = permutation(n, rng).subarray(0, m);
  const subPoints = new Float64Array(m * d);
  sub.forEach((i, r) => { for (let t = 0; t < d; t++) subPoints[r * d + t] = points[i * d + t]; });
  const silhouettes: { k: number; silhouette: number }[] = [];
  let best: KMeansResult | null = null;
  let bestS = -Infinity;
  for (let k = kMin; k <= Math.min(kMax, n); k++) {
    const res = kmeans(points, d, k, rng, opts.restarts, opts.maxIter);
    const subLabels = Int32Array.from(sub, (i) => res.labels[i]);
    const s = silhouette(subPoints, d, subLabels, k);
    silhouettes.push({ k, silhouette: s });
    if (s > bestS) { bestS = s; best = res; }
  }
  if (!best) throw new UserError(`k-means needs at least ${kMin} points, got ${n}`);
  return { method: 'kmeans', k: best.k, labels: best.labels, silhouettes, sizes: sizesOf(best.labels, best.k) };
}

/**
 * HDBSCAN labels (noise → class 0, clusters → 1..). hdbscan-ts scales ≈ O(n³) in time (docs/design.md §Detaux), so it
 * is fitted on a seeded subsample of at most `maxPoints`; every other point takes the label of its
 * nearest fitted point (hdbscan-ts has no `approximate_predict`).
 */
export function hdbscanLabels(points: ArrayLike<number>, d: number, minClusterSize: number, rng: Rng, maxPoints: number): ChosenClustering {
  const n = points.length / d;
  const m = Math.min(n, maxPoints);
  const sub = permutation(n, rng).subarray(0, m);
  const rows = Array.from(sub, (i) => Array.from({ length: d }, (_, t) => points[i * d + t]));
  const fitted = new HDBSCAN({ minClusterSize, minSamples: Math.min(minClusterSize, 5) }).fit(rows);
  const subLabels = Int32Array.from(fitted, (l) => l + 1);
  const labels = new Int32Array(n);
  const subPoints = Float64Array.from(rows.flat());
  const isFit = new Int32Array(n).fill(-1);
  sub.forEach((i, r) => { isFit[i] = r; });
  for (let i = 0; i < n; i++) {
    if (isFit[i] >= 0) { labels[i] = subLabels[isFit[i]]; continue; }
    let best = 0, bestD = Infinity;
    for (let r = 0; r < m; r++) {
      const dd = sq(points, i, subPoints, r, d);
      if (dd < bestD) { bestD = dd; best = r; }
    }
    labels[i] = subLabels[best];
  }
  // Relabel the ids in use to 0..K−1 in increasing order (noise, when present, stays class 0).
  const used = [...new Set(labels)].sort((a, b) => a - b);
  const map = new Map(used.map((v, j) => [v, j]));
  const out = Int32Array.from(labels, (l) => map.get(l)!);
  return { method: 'hdbscan', k: used.length, labels: out, silhouettes: [], sizes: sizesOf(out, used.length) };
}
