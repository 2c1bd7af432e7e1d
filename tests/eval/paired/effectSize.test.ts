/** Cohen's d_z and Hedges' correction against hand calculation and the closed form of J. */
import { describe, expect, it } from 'vitest';
import { effectSizeOfDiffs, hedgesJ, pairedEffectSize } from '../../../lib/eval/paired/effectSize';

describe('paired effect size', () => {
  it('d_z = mean / sd of the differences', () => {
    // a − b = 1, 2, 3, 4, 5: mean 3, sd √2.5 → d_z = 3/√2.5 = 1.8973665961010275.
    expect(pairedEffectSize([2, 4, 6, 8, 10], [1, 2, 3, 4, 5]).value).toBeCloseTo(3 / Math.sqrt(2.5), 14);
    expect(effectSizeOfDiffs([-1, -3]).value).toBeCloseTo(-2 / Math.SQRT2, 14);
    expect(effectSizeOfDiffs([0, 0, 0]).value).toBe(0);
    expect(effectSizeOfDiffs([0.5, 0.5]).value).toBe(Infinity);
    expect(() => effectSizeOfDiffs([1])).toThrow(/at least 2 pairs/);
  });

  it("Hedges' J: exact Γ form and the 1 − 3/(4ν − 1) approximation", () => {
    // ν = 4: Γ(2) / (√2 Γ(1.5)) = 1 / (√2 · √π/2) = √(2/π) = 0.7978845608028654.
    expect(hedgesJ(4)).toBeCloseTo(Math.sqrt(2 / Math.PI), 14);
    // ν = 2: Γ(1)/(1·Γ(0.5)) = 1/√π.
    expect(hedgesJ(2)).toBeCloseTo(1 / Math.sqrt(Math.PI), 14);
    // scipy.special.gamma: J(10) = 0.9227456080530869, J(30) = 0.974754378214402; the
    // approximation 1 − 3/(4ν − 1) is within O(1/ν²) of them.
    expect(hedgesJ(10)).toBeCloseTo(0.9227456080530869, 13);
    expect(hedgesJ(30)).toBeCloseTo(0.974754378214402, 13);
    for (const v of [10, 30, 100]) expect(Math.abs(hedgesJ(v) - (1 - 3 / (4 * v - 1)))).toBeLessThan(0.04 / (v * v));
    const g = pairedEffectSize([2, 4, 6, 8, 10], [1, 2, 3, 4, 5], { hedges: true });
    expect(g.kind).toBe('hedges-gz');
    expect(g.value).toBeCloseTo(Math.sqrt(2 / Math.PI) * (3 / Math.sqrt(2.5)), 13);
  });
});
