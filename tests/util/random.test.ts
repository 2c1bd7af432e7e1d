/**
 * The seeded generator (lib/util/random.ts): its stream is pinned — every seeded result of the
 * project (weights, batch orders, dropout masks) depends on it — and drawing in blocks
 * (`nextUint32s`, what makeRng and dropout masks use) gives the draw-by-draw sequence.
 */
import { describe, expect, it } from 'vitest';
import { makeRng, nextUint32s, permutation, rngState } from '../../lib/util/random';

describe('makeRng', () => {
  it('keeps its stream: pinned draws for three seeds, across a 64-draw block boundary', () => {
    const pinned: Record<number, number[]> = {
      0: [1101400650, -1275043042, 513620411, -1200321374, 1451388065],
      42: [-1875371451, 1241081768, 1171655614, -458478066, 2041023642],
      4294967295: [1993874857, -1016966992, -1434106345, -2086475098, -1625748537],
    };
    for (const [seed, want] of Object.entries(pinned)) {
      const r = makeRng(Number(seed));
      const a = Array.from({ length: 70 }, () => r.nextSeed());
      expect([a[0], a[1], a[63], a[64], a[69]], `seed ${seed}`).toEqual(want);
    }
    const r = makeRng(0);
    expect([r.uniform(), r.normal(), r.int(10)]).toEqual([0.2564398222602904, -0.18249222620246236, 3]);
  });

  it('nextUint32s on rngState(seed) draws what makeRng(seed) draws, in blocks of any size', () => {
    const r = makeRng(2026);
    const want = Array.from({ length: 300 }, () => r.nextSeed() >>> 0);
    const state = rngState(2026);
    const got: number[] = [];
    for (const size of [1, 63, 64, 65, 107]) {
      const block = new Uint32Array(size);
      nextUint32s(state, block);
      got.push(...block);
    }
    expect(got).toEqual(want);
    expect(Array.from(permutation(5, makeRng(1))).sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
