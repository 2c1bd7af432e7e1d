/**
 * Dropout (src/kernels/dropout.ts, the speed lab's implementation of divelab's named op
 * `dropout`, lib/models/nn.ts): the wasm kernel and the op's definition (tf.mul by the mask) give
 * the same values and gradients bit for bit (same seed, same mask on every backend); the mask keeps a 1 − rate share of entries, scaled by
 * 1/(1 − rate); another seed gives another mask; nothing is left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import { registerFastWasmKernels, restoreWasmKernels } from '../../src/kernels';
import { DROPOUT_KERNEL } from '../../src/kernels/dropout';
import { dropout } from '../../../../lib/models/nn';
import { dropoutMultipliers, makeRng } from '../../../../lib/util/random';

const rng = makeRng(314);
const x = (): tf.Tensor2D => tf.tensor2d(Float32Array.from({ length: 64 * 33 }, (_, i) => (i === 5 ? NaN : i === 6 ? -0 : rng.normal())), [64, 33]);

/** dropout's output and its gradient for weights w, as bit patterns. */
function run(input: tf.Tensor2D, w: tf.Tensor2D, rate: number, seed: number): Uint32Array[] {
  let bits: Uint32Array[] = [];
  tf.tidy(() => {
    const y = dropout(input, rate, seed);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(dropout(t as tf.Tensor2D, rate, seed), w)))(input);
    bits = [y, g].map((t) => new Uint32Array(new Float32Array(t.dataSync()).buffer));
  });
  return bits;
}

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => {
  registerFastWasmKernels();
});

describe('dropout', () => {
  it('gives the same bits with the kernel, with the definition (DIVE_FAST_KERNELS=0) and on the cpu backend', async () => {
    const input = x();
    const w = tf.randomNormal([64, 33], 0, 1, 'float32', 9) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    registerFastWasmKernels();
    expect(tf.getKernel(DROPOUT_KERNEL, 'wasm')).toBeDefined();
    const fast = run(input, w, 0.2, 12345);
    expect(tf.memory().numTensors).toBe(before);
    restoreWasmKernels();
    expect(tf.getKernel(DROPOUT_KERNEL, 'wasm')).toBeUndefined();
    const composed = run(input, w, 0.2, 12345);
    expect(fast).toEqual(composed);
    const [xv, wv] = [input.dataSync().slice(), w.dataSync().slice()];
    await initBackend('cpu');
    const cx = tf.tensor2d(xv, [64, 33]);
    const cw = tf.tensor2d(wv, [64, 33]);
    expect(run(cx, cw, 0.2, 12345)).toEqual(fast);
    cx.dispose();
    cw.dispose();
    await initBackend('wasm');
    registerFastWasmKernels();
    input.dispose();
    w.dispose();
  });

  it('keeps ≈ 1 − rate of the entries, scaled by 1/(1 − rate); the seed decides the mask', () => {
    const m = dropoutMultipliers(100_000, 0.3, 7);
    const kept = m.filter((v) => v !== 0);
    expect(Math.abs(kept.length / m.length - 0.7)).toBeLessThan(0.01);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.7)]));
    expect(dropoutMultipliers(1000, 0.3, 7)).toEqual(m.subarray(0, 1000));
    expect(dropoutMultipliers(1000, 0.3, 8)).not.toEqual(m.subarray(0, 1000));
    expect(() => dropoutMultipliers(3, 1, 0)).toThrow(/dropout rate must be in \[0, 1\), got 1/);
    // The mask is the makeRng(seed) draws: keep where the i-th uniform is ≥ rate.
    for (const seed of [0, 7, 0x9e3779b9, 4294967295]) {
      const r = makeRng(seed);
      const want = Float32Array.from({ length: 5000 }, () => (r.uniform() >= 0.3 ? Math.fround(1 / 0.7) : 0));
      expect(dropoutMultipliers(5000, 0.3, seed), `seed ${seed}`).toEqual(want);
    }
  });
});
