/** Order statistics of step times. */

/** The q-quantile (0 ≤ q ≤ 1) of `xs` by linear interpolation between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error('quantile of an empty list');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile level must be in [0, 1], got ${q}`);
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Peak resident set size of this process so far, MiB (from getrusage). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
