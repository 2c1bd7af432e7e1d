/**
 * Data at an extreme scale are refused with one line naming the value and the fix (100 rows
 * scaled by 1e30 used to train silently into meaningless metrics: float32 squares overflow).
 */
import { describe, expect, it } from 'vitest';
import { EXTREME_SCALE, prepareDataset } from '../../lib/data/prepare';
import type { TimeSeriesDataset } from '../../lib/data/types';
import { UserError } from '../../lib/util/errors';

/** 100 rows × 2 channels of a smooth series, times `scale`. */
function rows(scale: number): TimeSeriesDataset {
  const n = 100;
  const values = new Float32Array(n * 2);
  for (let t = 0; t < n; t++) {
    values[2 * t] = Math.sin(t / 5) * scale;
    values[2 * t + 1] = (1 + Math.cos(t / 7)) * scale;
  }
  return { name: 'mine', source: 'test', channelNames: ['a', 'b'], sampleRateHz: 1, segments: [{ id: 'all', values, length: n, channels: 2 }] };
}
const WINDOWS = { inputLength: 8, horizon: 2, targetLength: 1, stride: 1 };

describe('extreme scales', () => {
  it('refuses values of magnitude 1e15 or more, naming the value, where, and the fix', () => {
    expect(() => prepareDataset(rows(1e30), WINDOWS)).toThrow(UserError);
    expect(() => prepareDataset(rows(1e30), WINDOWS)).toThrow(/^segment 'all' of 'mine' has the value 2.00e\+30 at row 0, channel b: values of magnitude 1e\+15 or more overflow the float32 squares .* rescale the data first/);
    expect(EXTREME_SCALE).toBe(1e15);
  });

  it('accepts large but workable scales', () => {
    const p = prepareDataset(rows(1e12), WINDOWS);
    expect(p.train.count).toBeGreaterThan(0);
  });
});
