/**
 * Every named op the speed lab implements (src/ops.ts) against the op's plain tfjs definition in
 * divelab (lib/backend/ops.ts): values and gradients to float32 rounding, on the wasm backend
 * with the default kernels. (Bit-for-bit and edge-case checks per kernel are in ./kernels.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../lib/backend/select';
import { implementedOps, opImplementedHere } from '../../../lib/backend/ops';
import { registerFastWasmKernels } from '../src/kernels';
import { IMPLEMENTED_OPS } from '../src/ops';
import { clipLogvar, dropoutWith, gruRecurrence, reparameteriseWith } from '../../../lib/models/nn';
import { denseProduct, fusedDenseForward, reluGradient } from '../../../lib/models/fusedDense';
import { rbfLogits, rbfMeanComponentKl } from '../../../lib/models/rbf';
import { rbfCrossEntropy } from '../../../lib/objectives/rbfCrossEntropy';
import { klStandardNormal } from '../../../lib/objectives/kl';
import { meanSquaredError } from '../../../lib/objectives/likelihood';
import { adamUpdate, globalSquaredNorm } from '../../../lib/train/adam';
import { makeRng } from '../../../lib/util/random';
import { relErr } from '../../../tests/numeric';

const rng = makeRng(2024);
const randn = (shape: number[], scale = 1, shift = 0): tf.Tensor => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => shift + scale * rng.normal()), shape);

/** f(…xs) and its gradients w.r.t. the float inputs listed in `wrt`, weighted so every element counts. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], wrt: number[]): Float32Array[] {
  return tf.tidy(() => {
    const y = f(...xs);
    const w = randnSeeded(y.shape);
    const grads = wrt.length ? tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...xs.map((x, i) => (wrt.includes(i) ? a[wrt.indexOf(i)] : x))), w)))(wrt.map((i) => xs[i])) : [];
    return [y, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}
let wSeed = 1;
function randnSeeded(shape: number[]): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', wSeed++);
}

beforeAll(async () => {
  await initBackend('wasm');
  registerFastWasmKernels();
});

describe('the speed lab’s named-op implementations equal the definitions', () => {
  it('are registered for wasm, one for each op this test covers', () => {
    expect(implementedOps('wasm')).toEqual([...IMPLEMENTED_OPS].sort());
    for (const name of IMPLEMENTED_OPS) expect(opImplementedHere(name), name).toBe(true);
  });

  const [B, D, K] = [12, 6, 4];
  const labels = (): tf.Tensor => tf.tensor1d(Array.from({ length: B }, (_, i) => i % K), 'int32');
  const cases: [string, (...xs: tf.Tensor[]) => tf.Tensor, (...xs: tf.Tensor[]) => tf.Tensor, () => tf.Tensor[], number[]][] = [
    ['clipLogvar', (x) => clipLogvar(x, -2, 1), (x) => clipLogvar.definition(x, -2, 1), () => [randn([B, D], 2)], [0]],
    ['clipLogvar (columns)', (x, hi) => clipLogvar(x, -2, hi as tf.Tensor1D), (x, hi) => clipLogvar.definition(x, -2, hi as tf.Tensor1D), () => [randn([B, D], 2), randn([D])], [0]],
    ['reparameterise', (m, l, e) => reparameteriseWith(m as tf.Tensor2D, l as tf.Tensor2D, e as tf.Tensor2D), (m, l, e) => reparameteriseWith.definition(m as tf.Tensor2D, l as tf.Tensor2D, e as tf.Tensor2D), () => [randn([B, D]), randn([B, D]), randn([B, D])], [0, 1]],
    ['dropout', (x) => dropoutWith(x, 0.25, 7), (x) => dropoutWith.definition(x, 0.25, 7), () => [randn([B, D])], [0]],
    ['reluGradient', (dy, x) => reluGradient(dy, x), (dy, x) => reluGradient.definition(dy, x), () => [randn([B, D]), randn([B, D])], [0]],
    ['denseProduct', (a, b) => denseProduct(a, b, false, true), (a, b) => denseProduct.definition(a, b, false, true), () => [randn([B, D]), randn([K, D])], [0, 1]],
    ['fusedDenseForward', (x, w, b) => fusedDenseForward(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, 'relu'), (x, w, b) => fusedDenseForward.definition(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, 'relu'), () => [randn([B, D]), randn([D, K]), randn([K])], []],
    ['rbfLogits', (b, c, w, p) => rbfLogits(b as tf.Tensor1D, c as tf.Tensor1D, w as tf.Tensor1D, p as tf.Tensor1D, 'line'), (b, c, w, p) => rbfLogits.definition(b as tf.Tensor1D, c as tf.Tensor1D, w as tf.Tensor1D, p as tf.Tensor1D, 'line'), () => [randn([B]), randn([K]), randn([K], 0.2), randn([K], 0.1, -1.4)], [0, 1, 2]],
    ['rbfLogits (circle)', (b, c, w, p) => rbfLogits(b as tf.Tensor1D, c as tf.Tensor1D, w as tf.Tensor1D, p as tf.Tensor1D, 'circle'), (b, c, w, p) => rbfLogits.definition(b as tf.Tensor1D, c as tf.Tensor1D, w as tf.Tensor1D, p as tf.Tensor1D, 'circle'), () => [randn([B]), randn([K]), randn([K], 0.2, -0.5), randn([K], 0.1, -1.4)], [0, 1, 2]],
    ['rbfMeanComponentKl', (m, l, y, c, w) => rbfMeanComponentKl(m as tf.Tensor1D, l as tf.Tensor1D, y as tf.Tensor1D, c as tf.Tensor1D, w as tf.Tensor1D, 'line'), (m, l, y, c, w) => rbfMeanComponentKl.definition(m as tf.Tensor1D, l as tf.Tensor1D, y as tf.Tensor1D, c as tf.Tensor1D, w as tf.Tensor1D, 'line'), () => [randn([B]), randn([B], 0.5, -1), labels(), randn([K]), randn([K], 0.2)], [0, 1, 3, 4]],
    ['rbfCrossEntropy', (l, y) => rbfCrossEntropy(l as tf.Tensor2D, y as tf.Tensor1D), (l, y) => rbfCrossEntropy.definition(l as tf.Tensor2D, y as tf.Tensor1D), () => [randn([B, K], 2), labels()], [0]],
    ['klStandardNormal', (m, l) => klStandardNormal(m as tf.Tensor2D, l as tf.Tensor2D), (m, l) => klStandardNormal.definition(m as tf.Tensor2D, l as tf.Tensor2D), () => [randn([B, D]), randn([B, D])], [0, 1]],
    ['gruRecurrence', (x, a, b) => gruRecurrence(x as tf.Tensor3D, a as tf.Tensor2D, b as tf.Tensor2D), (x, a, b) => gruRecurrence.definition(x as tf.Tensor3D, a as tf.Tensor2D, b as tf.Tensor2D), () => [randn([B, 9, 3 * D]), randn([D, 2 * D], 0.5), randn([D, D], 0.5)], [0, 1, 2]],
    ['meanSquaredError', (a, b) => meanSquaredError(a, b), (a, b) => meanSquaredError.definition(a, b), () => [randn([B, D, 3]), randn([B, D, 3])], [0, 1]],
  ];
  for (const [name, fast, definition, inputs, wrt] of cases) {
    it(name, () => {
      const xs = inputs();
      const before = tf.memory().numTensors;
      wSeed = 1;
      const got = valueAndGrads(fast, xs, wrt);
      wSeed = 1;
      const want = valueAndGrads(definition, xs, wrt);
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => expect(relErr(g, want[i]), `${name} output ${i}`).toBeLessThanOrEqual(1e-5));
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(xs);
    });
  }

  it('globalSquaredNorm and adamUpdate', () => {
    const grads = [randn([5, 3]), randn([7]), randn([1])];
    const [fast, def] = [globalSquaredNorm(grads), globalSquaredNorm.definition(grads)];
    expect(relErr(fast.dataSync(), def.dataSync())).toBeLessThanOrEqual(1e-6);
    tf.dispose([fast, def]);
    const [p, g, m, v] = [randn([9, 4]), randn([9, 4]), randn([9, 4], 0.1), randn([9, 4], 0.01, 0.05)];
    const attrs = { scale: 0.5, beta1: 0.9, beta2: 0.999, t: 3, epsilon: 1e-8, lr: 0.01, weightDecay: 0.01 };
    const a = adamUpdate(p, g, m, v, attrs);
    const b = adamUpdate.definition(p, g, m, v, attrs);
    a.forEach((t, i) => expect(relErr(t.dataSync(), b[i].dataSync()), `adamUpdate output ${i}`).toBeLessThanOrEqual(1e-5));
    tf.dispose([...grads, p, g, m, v, ...a, ...b]);
  });
});
