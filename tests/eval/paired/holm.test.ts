/** Holm–Bonferroni against the worked example of Holm's method (Wikipedia, "Holm–Bonferroni method", Example) and R's p.adjust. */
import { describe, expect, it } from 'vitest';
import { holmAdjust } from '../../../lib/eval/paired/holm';

describe('Holm adjustment', () => {
  it('matches the worked example: p = (0.01, 0.04, 0.03, 0.005), α = 0.05 rejects H1 and H4 only', () => {
    // Sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04, running max
    // 0.02, 0.03, 0.06, 0.06; R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02.
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 15));
    expect(adj.map((p) => p < 0.05)).toEqual([true, false, false, true]);
  });

  it('caps at 1, keeps ties, passes a single p through and rejects invalid p', () => {
    expect(holmAdjust([0.5, 0.5, 0.9])).toEqual([1, 1, 1]);
    expect(holmAdjust([0.2, 0.01, 0.2])).toEqual([0.4, 0.03, 0.4]);
    expect(holmAdjust([0.04])).toEqual([0.04]);
    expect(holmAdjust([])).toEqual([]);
    expect(() => holmAdjust([0.1, NaN])).toThrow(/p-value 1 is NaN/);
    expect(() => holmAdjust([1.2])).toThrow(/\[0, 1\]/);
  });
});
