/**
 * Plug-in (maximum-likelihood) information measures of discrete variables, in nats.
 * Used by MIG (lib/eval/mig.ts) and by NMI (lib/eval/cluster.ts). All sums are float64.
 *
 * The plug-in mutual-information estimate is biased upwards by about
 * (|U| − 1)(|V| − 1) / (2n) nats for independent variables (Miller–Madow), so n should be
 * large compared with the number of cells of the contingency table.
 */

/**
 * Joint counts of two discrete variables.
 * @param u ids in [0, ku), length n.
 * @param v ids in [0, kv), length n.
 * @returns row-major [ku, kv] counts (float64 so downstream sums stay exact).
 */
export function contingency(u: ArrayLike<number>, ku: number, v: ArrayLike<number>, kv: number): Float64Array {
  const table = new Float64Array(ku * kv);
  for (let i = 0; i < u.length; i++) table[u[i] * kv + v[i]] += 1;
  return table;
}

/** Shannon entropy −Σ p log p (nats) of a histogram of counts; 0 for an empty histogram. */
export function entropyOfCounts(counts: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  if (n === 0) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c > 0) h -= (c / n) * Math.log(c / n);
  }
  return h;
}

/** Entropy (nats) of a discrete variable with ids in [0, k). */
export function entropy(u: ArrayLike<number>, k: number): number {
  const counts = new Float64Array(k);
  for (let i = 0; i < u.length; i++) counts[u[i]] += 1;
  return entropyOfCounts(counts);
}

/**
 * Mutual information I(U; V) = Σ p(u,v) log[ p(u,v) / (p(u) p(v)) ] (nats) from a
 * row-major [ku, kv] contingency table. Same value as sklearn's `mutual_info_score`.
 */
export function mutualInformationOfTable(table: ArrayLike<number>, ku: number, kv: number): number {
  const rows = new Float64Array(ku);
  const cols = new Float64Array(kv);
  let n = 0;
  for (let a = 0; a < ku; a++) {
    for (let b = 0; b < kv; b++) {
      const c = table[a * kv + b];
      rows[a] += c;
      cols[b] += c;
      n += c;
    }
  }
  if (n === 0) return 0;
  let mi = 0;
  for (let a = 0; a < ku; a++) {
    for (let b = 0; b < kv; b++) {
      const c = table[a * kv + b];
      if (c > 0) mi += (c / n) * Math.log((c * n) / (rows[a] * cols[b]));
    }
  }
  // Rounding can leave −1e-16 for independent variables; MI is non-negative.
  return Math.max(0, mi);
}

/** Mutual information (nats) of two discrete variables with ids in [0, ku) and [0, kv). */
export function mutualInformation(u: ArrayLike<number>, ku: number, v: ArrayLike<number>, kv: number): number {
  return mutualInformationOfTable(contingency(u, ku, v, kv), ku, kv);
}
