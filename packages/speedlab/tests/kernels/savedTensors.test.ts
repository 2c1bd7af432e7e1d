/**
 * Shared saved-for-backward tensors (src/kernels/savedTensors.ts): with and without
 * them, a DeepDIVE training step's gradients are equal bit for bit, second derivatives are
 * unchanged (nested gradients keep tfjs's clones), the step runs under a quarter of the
 * Identity kernels, and no tensor or wasm buffer is left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import { registerFastWasmKernels, restoreWasmKernels } from '../../src/kernels';
import { setSharedSavedTensors, sharedSavedTensors } from '../../src/kernels/savedTensors';
import { createModel, type Model, type TensorBatch } from '../../../../lib/models';
import { disposeTensorBatch, SMALL, sineBatch, TINY_INFO } from '../../../../tests/models/helpers';

beforeAll(async () => {
  await initBackend('wasm');
  registerFastWasmKernels('gemm');
});
afterAll(() => {
  registerFastWasmKernels();
});

function gradBits(model: Model, batch: TensorBatch): Uint32Array[] {
  const vars = model.params.variables();
  let out: Uint32Array[] = [];
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const terms = model.losses(batch, { noiseSeed: 3 });
      return tf.addN(Object.values(terms).filter((t): t is tf.Scalar => t !== undefined)) as tf.Scalar;
    }, vars);
    out = vars.map((v) => new Uint32Array(new Float32Array(grads[v.name].dataSync()).buffer));
  });
  return out;
}

describe('shared saved tensors', () => {
  it('are on with the gemm and blas kinds and off with tfjs’s kernels', () => {
    restoreWasmKernels();
    expect(sharedSavedTensors()).toBe(false);
    registerFastWasmKernels('gemm');
    expect(sharedSavedTensors()).toBe(true);
  });

  it('leave a DeepDIVE step’s gradients unchanged bit for bit, run under a quarter of the Identity kernels, and leak nothing', async () => {
    const model = createModel('deepdive', { ...SMALL, seed: 1 }, TINY_INFO);
    const batch = sineBatch(16);
    setSharedSavedTensors(false);
    const ref = gradBits(model, batch);
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    setSharedSavedTensors(true);
    const got = gradBits(model, batch);
    expect(got.length).toBe(ref.length);
    got.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(ref[i])));
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    // Identity kernels per step: tfjs clones every saved tensor through one; shared, only the
    // explicit clones of the models and of tfjs's own gradients remain.
    const identities = async (): Promise<number> => (await tf.profile(() => void gradBits(model, batch))).kernels.filter((k) => k.name === 'Identity').length;
    const shared = await identities();
    setSharedSavedTensors(false);
    const cloned = await identities();
    setSharedSavedTensors(true);
    expect(shared).toBeLessThan(cloned / 4);
    disposeTensorBatch(batch);
    model.dispose();
  });

  it('keep second derivatives (a gradient of a gradient) equal to tfjs’s clones', () => {
    const us = [0.3, -1.2, 2.0, 0.7];
    const x = tf.tensor1d(us);
    // u²·sin u: every kernel on the way saves inputs only. (tfjs-core drops the term through a
    // saved *output* — Exp, Tanh, Sigmoid, … — in second derivatives: it clones the output before
    // the op's own tape node exists, so the clone is not connected. Not changed here.)
    const f = (u: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.mul(u, u), tf.sin(u)));
    const second = (): number[] => tf.tidy(() => Array.from(tf.grad((u: tf.Tensor) => tf.sum(tf.grad(f)(u)))(x).dataSync()));
    setSharedSavedTensors(false);
    const ref = second();
    setSharedSavedTensors(true);
    expect(second()).toEqual(ref);
    const analytic = us.map((u) => 2 * Math.sin(u) + 4 * u * Math.cos(u) - u * u * Math.sin(u));
    second().forEach((v, i) => expect(v).toBeCloseTo(analytic[i], 4));
    x.dispose();
  });
});
