import { describe, expect, it } from 'vitest';
import { classificationScores } from '../../lib/eval/classification';
import { UserError } from '../../lib/util/errors';

describe('accuracy and macro-F1', () => {
  it('match a hand computation', () => {
    // truth     0 0 0 1 1 2 2 2
    // predicted 0 0 1 1 2 2 2 0
    // class 0: TP 2, FP 1 (last), FN 1 → F1 = 4/6; class 1: TP 1, FP 1, FN 1 → 2/4; class 2: TP 2, FP 1, FN 1 → 4/6
    const s = classificationScores([0, 0, 0, 1, 1, 2, 2, 2], [0, 0, 1, 1, 2, 2, 2, 0]);
    expect(s.accuracy).toBeCloseTo(5 / 8, 12);
    expect(s.f1[0]).toBeCloseTo(4 / 6, 12);
    expect(s.f1[1]).toBeCloseTo(0.5, 12);
    expect(s.f1[2]).toBeCloseTo(4 / 6, 12);
    expect(s.macroF1).toBeCloseTo((4 / 6 + 0.5 + 4 / 6) / 3, 12);
  });

  it('averages over classes present in truth or predictions only; a never-hit class scores 0', () => {
    // class 1 is absent everywhere; class 3 only predicted (F1 0); class 0 perfect on its one sample
    const s = classificationScores([0, 2, 2], [0, 2, 3]);
    expect(Number.isNaN(s.f1[1])).toBe(true);
    expect(s.f1[3]).toBe(0);
    expect(s.macroF1).toBeCloseTo((1 + 2 / 3 + 0) / 3, 12);
    expect(classificationScores([1, 1], [1, 1]).macroF1).toBe(1);
  });

  it('rejects empty, mismatched or non-integer inputs', () => {
    expect(() => classificationScores([], [])).toThrow(UserError);
    expect(() => classificationScores([0, 1], [0])).toThrow(UserError);
    expect(() => classificationScores([0, 1.5], [0, 1])).toThrow(/class ids must be non-negative integers/);
  });
});
