/**
 * Claims: the combination of the paired statistics and the documented verdict rule, with
 * reference p-values worked out by hand (exact signed-rank tails are k/2^n) and the
 * G*Power table value for the seeds needed.
 */
import { describe, expect, it } from 'vitest';
import { judgeClaims, pairedClaim, verdict } from '../../../lib/eval/paired/claim';

const b6 = [0.6, 0.61, 0.59, 0.62, 0.6, 0.58];
const lower6 = b6.map((v, i) => v - [0.02, 0.03, 0.01, 0.025, 0.015, 0.018][i]);

describe('paired claims', () => {
  it('6 seeds, A lower on every seed: Wilcoxon p = 1/64, CI below 0 → supported', () => {
    const c = pairedClaim({ a: lower6, b: b6, direction: 'less', seed: 1 });
    expect(c.n).toBe(6);
    expect(c.meanDiff).toBeCloseTo(-(0.02 + 0.03 + 0.01 + 0.025 + 0.015 + 0.018) / 6, 12);
    expect(c.pWilcoxon).toBeCloseTo(1 / 64, 14);
    expect(c.pWilcoxonOpposite).toBe(1);
    expect(c.ci95[1]).toBeLessThan(0);
    expect(c.verdict).toBe('supported');
    // The same data against the opposite claim.
    expect(pairedClaim({ a: lower6, b: b6, direction: 'greater' }).verdict).toBe('contradicted');
  });

  it('3 seeds cannot support a claim: the smallest one-sided exact p is 1/8', () => {
    const c = pairedClaim({ a: [0.5, 0.51, 0.49], b: [0.6, 0.62, 0.58], direction: 'less' });
    expect(c.pWilcoxon).toBeCloseTo(1 / 8, 14);
    expect(c.ci95[1]).toBeLessThan(0); // the bootstrap CI alone would say "supported"
    expect(c.verdict).toBe('inconclusive');
  });

  it('effect size and seeds needed: d = (−0.5, 0.5, 1.5) has d_z = 0.5 → 27 seeds one-sided, 52 under Holm over 12 claims (G*Power)', () => {
    const c = pairedClaim({ a: [0.5, 1.5, 2.5], b: [1, 1, 1], direction: 'greater' });
    expect(c.effect.value).toBeCloseTo(0.5, 14);
    expect(c.seedsForPower).toBe(27);
    expect(c.verdict).toBe('inconclusive');
    expect(pairedClaim({ a: [0.5, 1.5, 2.5], b: [1, 1, 1], direction: 'greater', family: 12 }).seedsForPower).toBe(52);
    expect(() => pairedClaim({ a: [1, 2], b: [2, 3], direction: 'less', family: 0 })).toThrow(/family must be a whole number ≥ 1/);
  });

  it('with per-window errors the combined p is the larger of Wilcoxon and DM (intersection–union)', () => {
    const e1 = [1, -2, 3, -1, 2, 0.5, -1.5, 2.5];
    const e2 = [0.5, -1, 1, -1.5, 1, 1, -1, 2];
    // A worse on all 6 seeds: Wilcoxon 'greater' p = 1/64; DM 'greater' (h = 2) p = 0.011342479688288063 (hand/scipy, see dieboldMariano.test.ts).
    const c = pairedClaim({ a: b6, b: lower6, direction: 'greater', perWindow: { errorsA: e1, errorsB: e2, horizon: 2 } });
    expect(c.pDm).toBeCloseTo(0.011342479688288063, 10);
    expect(c.pDmOpposite).toBeCloseTo(1 - 0.011342479688288063, 10);
    expect(c.verdictInput.pClaim).toBeCloseTo(1 / 64, 14);
    expect(c.verdict).toBe('supported');
    // DM in the other direction fails even though the seeds agree: not supported.
    const d = pairedClaim({ a: b6, b: lower6, direction: 'greater', perWindow: { errorsA: e2, errorsB: e1, horizon: 2 } });
    expect(d.verdictInput.pClaim).toBeCloseTo(1 - 0.011342479688288063, 10);
    expect(d.verdict).toBe('inconclusive');
  });

  it('Holm across a table can turn a nominally supported claim inconclusive', () => {
    const five = pairedClaim({ a: lower6.slice(0, 5), b: b6.slice(0, 5), direction: 'less' }); // p = 1/32
    const six = pairedClaim({ a: lower6, b: b6, direction: 'less' }); // p = 1/64
    const none = pairedClaim({ a: [1, 2, 3, 4], b: [2, 1, 4, 3], direction: 'less' }); // all |d| tied (mid-rank 2.5): exact conditional P(V ≤ 5) = P(Bin(4, ½) ≤ 2) = 11/16
    expect(five.verdict).toBe('supported');
    const j = judgeClaims([five, six, none]);
    // Holm: 1/64·3 = 0.046875, 1/32·2 = 0.0625, max(0.0625, 11/16) = 11/16.
    expect(j[1].adjusted.pClaim).toBeCloseTo(3 / 64, 14);
    expect(j[0].adjusted.pClaim).toBeCloseTo(2 / 32, 14);
    expect(j[2].adjusted.pClaim).toBeCloseTo(11 / 16, 14);
    expect(j.map((x) => x.verdict)).toEqual(['inconclusive', 'supported', 'inconclusive']);
  });

  it('verdict rule and bad input', () => {
    const base = { direction: 'less' as const, alpha: 0.05 };
    expect(verdict({ ...base, ci95: [-2, -1], pClaim: 0.01, pOpposite: 1 })).toBe('supported');
    expect(verdict({ ...base, ci95: [-2, 0.1], pClaim: 0.01, pOpposite: 1 })).toBe('inconclusive');
    expect(verdict({ ...base, ci95: [1, 2], pClaim: 1, pOpposite: 0.01 })).toBe('contradicted');
    expect(verdict({ ...base, ci95: [1, 2], pClaim: 1, pOpposite: 0.2 })).toBe('inconclusive');
    expect(() => pairedClaim({ a: [1], b: [2], direction: 'less' })).toThrow(/at least 2 seeds/);
    expect(() => pairedClaim({ a: [1, 2], b: [2], direction: 'less' })).toThrow(/2 were expected/);
    expect(() => pairedClaim({ a: [1, 2], b: [2, 3], direction: 'lower' as never })).toThrow(/direction/);
  });
});
