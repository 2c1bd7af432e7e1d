/**
 * One claim of the form "model A scores lower (or higher) than model B on this metric", judged
 * from paired runs: runs of A and B with the same seed share data order and split, so the
 * per-seed differences d_s = a_s − b_s are the data (docs/statistics.md).
 *
 * `pairedClaim` reports the mean difference, a seeded bootstrap 95 % CI of it (bootstrap.ts),
 * the one-sided Wilcoxon signed-rank p-value over seeds in the claimed direction and in the
 * opposite one (wilcoxon.ts), for forecasting claims with per-window errors the one-sided
 * Diebold–Mariano p-values (dieboldMariano.ts), the effect size d_z (effectSize.ts) and the
 * number of seeds a paired t-test would need to detect that effect at 80 % power (power.ts).
 *
 * Combined p-value of a direction: the LARGER of the Wilcoxon and (when given) DM p-values — an
 * intersection–union test, valid at α because it rejects only when every component test does.
 * Across the claims of one table, `judgeClaims` Holm-adjusts (holm.ts) the claimed-direction
 * p-values as one family and the opposite-direction p-values as another.
 *
 * Verdict rule (`verdict`):
 *   supported     the combined p in the claimed direction is < α AND the 95 % CI lies
 *                 entirely on the claimed side of 0;
 *   contradicted  the combined p in the opposite direction is < α AND the 95 % CI lies
 *                 entirely on the opposite side of 0;
 *   inconclusive  otherwise (including n = 0 non-zero differences) — "at this power": the
 *                 report's `seedsForPower` says how many seeds the observed effect would need.
 * Both conditions are required because with few seeds the bootstrap CI is too narrow (it can
 * exclude 0 with 3 seeds) while the exact rank test cannot reach p < 0.05 below 5 seeds.
 */
import { UserError } from '../../util/errors';
import type { NumericArray } from '../arrays';
import { bootstrapMeanCi, type BootstrapInterval } from './bootstrap';
import { dieboldMariano, type DieboldMarianoResult, type ForecastErrors } from './dieboldMariano';
import { effectSizeOfDiffs, type EffectSize } from './effectSize';
import { holmAdjust } from './holm';
import { seedsNeeded } from './power';
import { pairedDifferences, wilcoxonSignedRankDiffs, type WilcoxonResult } from './wilcoxon';

/** 'less': the claim is mean(a − b) < 0 (A lower, e.g. a smaller error); 'greater': > 0. */
export type ClaimDirection = 'less' | 'greater';

export type Verdict = 'supported' | 'contradicted' | 'inconclusive';

export interface PairedClaimInput {
  /** Metric of model A, one value per seed. */
  readonly a: NumericArray;
  /** Metric of model B for the same seeds, in the same order. */
  readonly b: NumericArray;
  readonly direction: ClaimDirection;
  /** Significance level of the verdict. Default 0.05. */
  readonly alpha?: number;
  /**
   * Claims judged together (Holm, judgeClaims). The power column plans for the most demanding
   * step of Holm, one-sided (as the claims are tested) at α / family: with 12 claims and
   * d_z = 0.5 that is 52 seeds, not the 27 of a lone one-sided test. Default 1.
   */
  readonly family?: number;
  /** Bootstrap seed. Default 0. */
  readonly seed?: number;
  /** Bootstrap resamples. Default 10,000. */
  readonly resamples?: number;
  /** Bootstrap interval. Default 'bca'. */
  readonly ciMethod?: 'bca' | 'percentile';
  /** Per-window forecast errors of A and B on the same test windows (forecasting claims), and the horizon in rows for the DM variance. */
  readonly perWindow?: ForecastErrors & { readonly horizon?: number };
}

/** What `verdict` needs; p-values may be Holm-adjusted (judgeClaims). */
export interface VerdictInput {
  readonly direction: ClaimDirection;
  readonly ci95: readonly [number, number];
  /** Combined one-sided p-value in the claimed direction. */
  readonly pClaim: number;
  /** Combined one-sided p-value in the opposite direction. */
  readonly pOpposite: number;
  readonly alpha: number;
}

export interface PairedClaimResult {
  /** Number of pairs (seeds). */
  readonly n: number;
  /** mean(a − b). */
  readonly meanDiff: number;
  readonly ci95: readonly [number, number];
  readonly ci: BootstrapInterval;
  /** One-sided Wilcoxon p-value in the claimed direction. */
  readonly pWilcoxon: number;
  readonly pWilcoxonOpposite: number;
  readonly wilcoxon: WilcoxonResult;
  /** One-sided DM p-value in the claimed direction (with perWindow). */
  readonly pDm?: number;
  readonly pDmOpposite?: number;
  readonly dm?: DieboldMarianoResult;
  /** Cohen's d_z of the differences. */
  readonly effect: EffectSize;
  /** Seeds a one-sided paired t-test at α / family (Holm's first step) needs for 80 % power against the observed d_z (Infinity when d_z = 0; NaN when every difference is the same non-zero value, where d_z is infinite). */
  readonly seedsForPower: number;
  readonly verdictInput: VerdictInput;
  readonly verdict: Verdict;
}

const opposite = (d: ClaimDirection): ClaimDirection => (d === 'less' ? 'greater' : 'less');

/** Judge one paired claim (see module doc). */
export function pairedClaim(input: PairedClaimInput): PairedClaimResult {
  const alpha = input.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`alpha must be in (0, 1), got ${alpha}`);
  if (input.direction !== 'less' && input.direction !== 'greater') throw new UserError(`claim direction must be 'less' or 'greater', got '${input.direction}'`);
  const d = pairedDifferences(input.a, input.b, 'paired claim');
  if (d.length < 2) throw new UserError(`a paired claim needs at least 2 seeds per model, got ${d.length}; run more seeds`);
  const ci = bootstrapMeanCi(d, { level: 0.95, seed: input.seed ?? 0, resamples: input.resamples, method: input.ciMethod });
  const wClaim = wilcoxonSignedRankDiffs(d, { alternative: input.direction });
  const wOpp = wilcoxonSignedRankDiffs(d, { alternative: opposite(input.direction) });
  let dm: DieboldMarianoResult | undefined;
  let pDmOpposite: number | undefined;
  if (input.perWindow) {
    const { horizon, ...errors } = input.perWindow;
    dm = dieboldMariano(errors, { horizon, alternative: input.direction });
    pDmOpposite = dieboldMariano(errors, { horizon, alternative: opposite(input.direction) }).pValue;
  }
  const effect = effectSizeOfDiffs(d);
  const family = input.family ?? 1;
  if (!(Number.isInteger(family) && family >= 1)) throw new UserError(`family must be a whole number ≥ 1 (the number of claims judged together), got ${family}`);
  const seedsForPower = Number.isFinite(effect.value) ? seedsNeeded(effect.value, { alpha: alpha / family, sides: 1 }) : NaN;
  const verdictInput: VerdictInput = {
    direction: input.direction,
    ci95: [ci.lower, ci.upper],
    pClaim: Math.max(wClaim.pValue, dm?.pValue ?? 0),
    pOpposite: Math.max(wOpp.pValue, pDmOpposite ?? 0),
    alpha,
  };
  return {
    n: d.length,
    meanDiff: ci.estimate,
    ci95: verdictInput.ci95,
    ci,
    pWilcoxon: wClaim.pValue,
    pWilcoxonOpposite: wOpp.pValue,
    wilcoxon: wClaim,
    ...(dm ? { pDm: dm.pValue, pDmOpposite, dm } : {}),
    effect,
    seedsForPower,
    verdictInput,
    verdict: verdict(verdictInput),
  };
}

/** The documented verdict rule (module doc). */
export function verdict(v: VerdictInput): Verdict {
  const [lo, hi] = v.ci95;
  const claimedSide = v.direction === 'less' ? hi < 0 : lo > 0;
  const oppositeSide = v.direction === 'less' ? lo > 0 : hi < 0;
  if (v.pClaim < v.alpha && claimedSide) return 'supported';
  if (v.pOpposite < v.alpha && oppositeSide) return 'contradicted';
  return 'inconclusive';
}

/**
 * The claims of one table judged together: Holm-adjusted combined p-values (claimed
 * directions as one family, opposite directions as another) and the verdict on them.
 */
export function judgeClaims(claims: readonly PairedClaimResult[]): { adjusted: VerdictInput; verdict: Verdict }[] {
  const pc = holmAdjust(claims.map((c) => c.verdictInput.pClaim));
  const po = holmAdjust(claims.map((c) => c.verdictInput.pOpposite));
  return claims.map((c, i) => {
    const adjusted: VerdictInput = { ...c.verdictInput, pClaim: pc[i], pOpposite: po[i] };
    return { adjusted, verdict: verdict(adjusted) };
  });
}
