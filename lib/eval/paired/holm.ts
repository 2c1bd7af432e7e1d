/**
 * Holm–Bonferroni step-down adjustment (Holm 1979) of the p-values of one family of tests (the
 * claims of one table): with p sorted ascending p_(1) ≤ … ≤ p_(m),
 *   p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j)),
 * returned in the input order (the same as R's `p.adjust(p, "holm")`). Rejecting every
 * hypothesis with p̃ < α controls the family-wise error rate at α under any dependence.
 * Ties keep their input order (the adjusted values do not depend on it).
 */
import { UserError } from '../../util/errors';

/** Holm-adjusted p-values, in the order given. NaN entries are an error. */
export function holmAdjust(pValues: readonly number[]): number[] {
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new UserError(`p-value ${i} is ${p}; Holm adjustment needs p-values in [0, 1]`);
  });
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i] - pValues[j] || i - j);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[idx]));
    out[idx] = running;
  });
  return out;
}
