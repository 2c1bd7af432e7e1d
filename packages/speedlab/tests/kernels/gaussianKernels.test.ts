/**
 * The Gaussian codes' wasm kernels (src/kernels/gaussian.ts), which implement divelab's named ops
 * clipLogvar, reparameterise (lib/models/nn.ts) and klStandardNormal (lib/objectives/kl.ts),
 * against the ops' plain tfjs definitions: the clip of log σ² (scalar bounds as tf.clipByValue, per-column upper bounds as
 * tf.maximum then tf.minimum; values bit for bit, including NaN and points on the bounds, and
 * gradients that pass on the bounds as tfjs's do), the reparameterisation and E1's KL to
 * N(0, I), values and gradients to float32 rounding; nothing left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import { registerFastWasmKernels } from '../../src/kernels';
import { CLIP_KERNEL } from '../../src/kernels/gaussian';
import { clipLogvar, reparameteriseWith } from '../../../../lib/models/nn';
import { klStandardNormal } from '../../../../lib/objectives/kl';
import { opImplementedHere } from '../../../../lib/backend/ops';
import { makeRng } from '../../../../lib/util/random';

const rng = makeRng(77);
const [B, D] = [9, 5];

function mat(f: (i: number) => number, shape: [number, number] = [B, D]): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: shape[0] * shape[1] }, (_, i) => f(i)), shape);
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string, tol = 1e-5): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
}

/** f's value and gradients with respect to xs (weighted by w so every element matters), as arrays. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], w?: tf.Tensor): number[][] {
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((...a: tf.Tensor[]) => {
      const y = f(...a);
      return (w ? tf.sum(tf.mul(y, w)) : tf.sum(y)) as tf.Scalar;
    })(xs);
    return [Array.from(f(...xs).dataSync()), Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

beforeAll(async () => {
  await initBackend('wasm');
  registerFastWasmKernels();
});

describe('Gaussian-code kernels equal the named ops’ definitions', () => {
  it('run on the wasm backend with the default kernels', () => {
    for (const op of [clipLogvar, reparameteriseWith, klStandardNormal]) expect(opImplementedHere(op), op.opName).toBe(true);
    expect(tf.getKernel(CLIP_KERNEL, 'wasm')).toBeDefined();
  });

  it('clip log σ² with scalar and per-column bounds: same values (NaN, bounds), same gradients', () => {
    const before = tf.memory().numTensors;
    // Every seventh entry sits exactly on a bound, one is NaN, the rest spread past both bounds.
    const x = mat((i) => (i === 11 ? NaN : i % 7 === 0 ? (i % 2 ? 4 : -8) : 12 * rng.normal()));
    const w = mat(() => rng.normal());
    const hi = tf.tensor1d([4, 2, -1.386, 4, 0]);
    for (const [name, fast, ref] of [
      ['scalar bounds', (t: tf.Tensor) => clipLogvar(t, -8, 4), (t: tf.Tensor) => clipLogvar.definition(t, -8, 4)],
      ['per-column bounds', (t: tf.Tensor) => clipLogvar(t, -8, hi), (t: tf.Tensor) => clipLogvar.definition(t, -8, hi)],
    ] as const) {
      const finite = mat((i) => (i % 7 === 0 ? (i % 2 ? 4 : -8) : 12 * rng.normal()));
      const k = valueAndGrads(fast, [finite], w);
      const c = valueAndGrads(ref, [finite], w);
      expect(k[0], `${name}: values`).toEqual(c[0]);
      expect(k[2], `${name}: gradient`).toEqual(c[2]);
      const kx = tf.tidy(() => Array.from(fast(x).dataSync()));
      const cx = tf.tidy(() => Array.from(ref(x).dataSync()));
      expect(kx, `${name}: values with NaN`).toEqual(cx);
      finite.dispose();
    }
    [x, w, hi].forEach((t) => t.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reparameterise: values and gradients with respect to μ and log σ²', () => {
    const mu = mat(() => rng.normal());
    const lv = mat(() => -4 + 5 * rng.uniform());
    const eps = mat(() => rng.normal());
    const w = mat(() => rng.normal());
    const k = valueAndGrads((m, l) => reparameteriseWith(m as tf.Tensor2D, l as tf.Tensor2D, eps), [mu, lv], w);
    const c = valueAndGrads((m, l) => reparameteriseWith.definition(m as tf.Tensor2D, l as tf.Tensor2D, eps), [mu, lv], w);
    ['z', 'Σ w·z', '∂μ', '∂log σ²'].forEach((name, i) => expectClose(k[i], c[i], name));
    [mu, lv, eps, w].forEach((t) => t.dispose());
  });

  it('KL to N(0, I): value and gradients', () => {
    const mu = mat(() => 2 * rng.normal());
    const lv = mat(() => -6 + 8 * rng.uniform());
    const k = valueAndGrads((m, l) => klStandardNormal(m as tf.Tensor2D, l as tf.Tensor2D), [mu, lv]);
    const c = valueAndGrads((m, l) => klStandardNormal.definition(m as tf.Tensor2D, l as tf.Tensor2D), [mu, lv]);
    ['KL', 'KL', '∂μ', '∂log σ²'].forEach((name, i) => expectClose(k[i], c[i], name));
    [mu, lv].forEach((t) => t.dispose());
  });

  it('rejects operands of different shapes with a message naming the kernel', () => {
    const a = mat(() => 0);
    const b = mat(() => 0, [B, D + 1]);
    expect(() => reparameteriseWith(a, b, a)).toThrow(/DiveReparameterise: mu and logvar must be float32 tensors of one shape/);
    const hi = tf.tensor1d([1, 2]);
    expect(() => clipLogvar(a, -1, hi)).toThrow(/DiveClip: hi must be float32 with one bound per column \(5\)/);
    [a, b, hi].forEach((t) => t.dispose());
  });
});
