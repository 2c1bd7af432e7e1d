/**
 * Detaux stage 2, choice of the auxiliary subspace (docs/design.md §Detaux D7): the subspace
 * least aligned with the principal one over the training inputs,
 *   raw (the authors' `clustering.py`):  s* = argmin_{s ≥ 1} |mean_x ⟨z_s(x), z_0(x)⟩|
 *   normalised (default):                s* = argmin_{s ≥ 1} |mean_x ⟨z_s(x), z_0(x)⟩| / (rms_s · rms_0),
 *                                        rms_s = sqrt(mean_x ‖z_s(x)‖²)
 * The raw rule prefers a subspace whose codes have collapsed towards 0 (its inner products are
 * small because the codes are, not because they are unrelated to z_0); the normalised one is
 * a cosine-like measure that does not depend on a subspace's scale,
 * and per-subspace summaries used by the metrics and the notebook. Codes are Float32Array
 * [k, n, d] row-major (DetauxAutoencoder.codesOf).
 */
import { pca } from '../../eval/latent';

/** mean_x ⟨z_s(x), z_0(x)⟩ for s = 0..k−1 (entry 0 is mean ‖z_0‖²). */
export function alignments(codes: Float32Array, k: number, n: number, d: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < k; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += codes[(s * n + i) * d + t] * codes[i * d + t];
      sum += dot;
    }
    out.push(sum / n);
  }
  return out;
}

/** rms_s = sqrt(mean_x ‖z_s(x)‖²) for s = 0..k−1. */
export function subspaceRms(codes: Float32Array, k: number, n: number, d: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < k; s++) {
    let sum = 0;
    for (let j = s * n * d; j < (s + 1) * n * d; j++) sum += codes[j] * codes[j];
    out.push(Math.sqrt(sum / Math.max(1, n)));
  }
  return out;
}

/** alignment_s / (rms_s · rms_0) (0 where a subspace is all zeros). */
export function normalisedAlignments(align: readonly number[], rms: readonly number[]): number[] {
  return align.map((a, s) => (rms[s] > 0 && rms[0] > 0 ? a / (rms[s] * rms[0]) : 0));
}

/**
 * Subspaces s ≥ 1 whose codes have not collapsed: rms_s ≥ minRelativeRms · max_{s'≥1} rms_{s'}
 * (a collapsed subspace's codes are near 0 for every input, so clustering them clusters noise).
 */
export function eligibleSubspaces(rms: readonly number[], minRelativeRms: number): boolean[] {
  const top = Math.max(...rms.slice(1));
  return rms.map((r, s) => s >= 1 && r >= minRelativeRms * top);
}

/**
 * s* = argmin_{s≥1} |alignment_s| (first on ties) over the `eligible` subspaces (all s ≥ 1 when
 * omitted); pass normalisedAlignments for the default rule.
 */
export function leastAlignedSubspace(align: readonly number[], eligible?: readonly boolean[]): number {
  let best = -1;
  for (let s = 1; s < align.length; s++) {
    if (eligible && !eligible[s]) continue;
    if (best < 0 || Math.abs(align[s]) < Math.abs(align[best])) best = s;
  }
  return best < 0 ? 1 : best;
}

/** The codes of one subspace: [n, d]. */
export function subspaceCodes(codes: Float32Array, s: number, n: number, d: number): Float32Array {
  return codes.subarray(s * n * d, (s + 1) * n * d);
}

/** Shape `[n, k·d]`: the concatenation [z_0 ‖ … ‖ z_{k−1}] per input. */
export function concatenatedCodes(codes: Float32Array, k: number, n: number, d: number): Float64Array {
  const out = new Float64Array(n * k * d);
  for (let s = 0; s < k; s++) for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) out[i * k * d + s * d + t] = codes[(s * n + i) * d + t];
  return out;
}

/**
 * One scalar code per subspace: the projection on its first principal component, [n, k]. PCA is
 * fitted on `fitCodes` (the training inputs) and applied to `codes`, so test codes share the axes.
 */
export function firstComponentCodes(fitCodes: Float32Array, fitN: number, codes: Float32Array, n: number, k: number, d: number): { values: Float64Array; explained: number[] } {
  const out = new Float64Array(n * k);
  const explained: number[] = [];
  for (let s = 0; s < k; s++) {
    const p = pca(subspaceCodes(fitCodes, s, fitN, d), d, 1);
    explained.push(p.explainedVarianceRatio[0]);
    const zs = subspaceCodes(codes, s, n, d);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let t = 0; t < d; t++) v += (zs[i * d + t] - p.mean[t]) * p.components[t];
      out[i * k + s] = v;
    }
  }
  return { values: out, explained };
}
