/** Numerical constants and helpers shared by the float64 theory, the metrics and the tf objectives. */

/** log 2π, the constant of every Gaussian log density. */
export const LOG_2PI = Math.log(2 * Math.PI);

/**
 * log Σ_m exp(a[offset + stride·m]) for m = 0..count−1, shifted by the maximum so that no term
 * overflows; −∞ when every term is −∞. Defaults: the whole array, contiguous.
 */
export function logSumExp(a: ArrayLike<number>, offset = 0, stride = 1, count = Math.floor((a.length - offset + stride - 1) / stride)): number {
  let max = -Infinity;
  for (let m = 0; m < count; m++) max = Math.max(max, a[offset + stride * m]);
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (let m = 0; m < count; m++) s += Math.exp(a[offset + stride * m] - max);
  return max + Math.log(s);
}
