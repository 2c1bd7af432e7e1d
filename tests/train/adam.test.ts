import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { Adam, adamApply, adamUpdate, globalNorm, globalSquaredNorm } from '../../lib/train/adam';
import { unregisterOpImplementation } from '../../lib/backend/ops';
import { registerOpImplementations } from '../../packages/speedlab/src/ops';
import { ADAM_IN_PLACE_KERNEL, ADAM_KERNEL } from '../../packages/speedlab/src/kernels/adam';
import { SUM_SQUARES_MANY_KERNEL } from '../../packages/speedlab/src/kernels/reduce';
import { registerFastWasmKernels, restoreWasmKernels } from '../../packages/speedlab/src/kernels/register';
import { makeRng } from '../../lib/util/random';
import { relErr } from '../numeric';

beforeAll(async () => {
  await initBackend();
});

describe('Adam with global-norm clipping', () => {
  it('matches the update rule by hand, clips by the global norm, and round-trips its state', async () => {
    const before = tf.memory().numTensors;
    const v = tf.tidy(() => tf.variable(tf.tensor1d([1, -2]), true, 'adamTestV'));
    const w = tf.tidy(() => tf.variable(tf.tensor1d([0.5]), true, 'adamTestW'));
    const g1 = tf.tensor1d([3, 0]);
    const g2 = tf.tensor1d([4]);
    expect(await globalNorm([g1, g2])).toBeCloseTo(5, 6);
    const adam = new Adam({ lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    // clip to norm 1: g → g/5
    const norm = adam.step([{ name: 'v', variable: v, grad: g1 }, { name: 'w', variable: w, grad: g2 }], 1);
    expect((await norm.data())[0]).toBeCloseTo(5, 6);
    norm.dispose();
    // first step: m̂ = g, v̂ = g² → update = lr·sign(g) (for g ≠ 0)
    const vv = v.dataSync();
    expect(vv[0]).toBeCloseTo(1 - 0.1, 5);
    expect(vv[1]).toBeCloseTo(-2, 6);
    expect(w.dataSync()[0]).toBeCloseTo(0.5 - 0.1, 5);
    // second step on v only, no clipping: per-variable step counts (t_v = 2)
    const g3 = tf.tensor1d([1, 1]);
    adam.step([{ name: 'v', variable: v, grad: g3 }], 0).dispose();
    // after step 1 (clipped g = [0.6, 0]): m = 0.1·g, v = 0.001·g²
    const m = [0.9 * 0.06 + 0.1 * 1, 0.1 * 1];
    const s = [0.999 * 0.00036 + 0.001, 0.001];
    const exp = [0.9, -2].map((x, i) => x - (0.1 * (m[i] / (1 - 0.81))) / (Math.sqrt(s[i] / (1 - 0.999 ** 2)) + 1e-8));
    expect(v.dataSync()[0]).toBeCloseTo(exp[0], 5);
    expect(v.dataSync()[1]).toBeCloseTo(exp[1], 5);
    const state = await adam.getState();
    expect(state.map((x) => [x.name, x.t])).toEqual([['v', 2], ['w', 1]]);
    const copy = new Adam({ lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    copy.setState(state, new Map([['v', [2]], ['w', [1]]]));
    expect(await copy.getState()).toEqual(state);
    // a non-finite gradient updates neither the variable nor its moments, and neither does a false gate
    const bad = tf.tensor1d([NaN, 0]);
    const vBefore = Array.from(v.dataSync());
    const mBefore = (await adam.getState())[0];
    const badNorm = adam.step([{ name: 'v', variable: v, grad: bad }], 1);
    expect(Number.isNaN((await badNorm.data())[0])).toBe(true);
    expect(Array.from(v.dataSync())).toEqual(vBefore);
    const closed = tf.scalar(false, 'bool');
    adam.step([{ name: 'v', variable: v, grad: g3 }], 1, undefined, closed).dispose();
    expect(Array.from(v.dataSync())).toEqual(vBefore);
    const after = (await adam.getState())[0];
    expect([Array.from(after.m), Array.from(after.v)]).toEqual([Array.from(mBefore.m), Array.from(mBefore.v)]);
    tf.dispose([v, w, g1, g2, g3, bad, badNorm, closed]);
    adam.dispose();
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('AdamW: decoupled weight decay shrinks weight matrices by lr·λ·θ, never vectors', () => {
    const before = tf.memory().numTensors;
    const m = tf.tidy(() => tf.variable(tf.tensor2d([[2, -4]]), true, 'adamWdM'));
    const b = tf.tidy(() => tf.variable(tf.tensor1d([2, -4]), true, 'adamWdB'));
    const gm = tf.tensor2d([[1, 1]]);
    const gb = tf.tensor1d([1, 1]);
    const adam = new Adam({ lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5 });
    adam.step([{ name: 'm', variable: m, grad: gm }, { name: 'b', variable: b, grad: gb }], 0).dispose();
    // first step: Adam moves each entry by lr·sign(g) = 0.1; decay adds lr·λ·θ = 0.05·θ on the matrix
    const mv = m.dataSync();
    expect(mv[0]).toBeCloseTo(2 - 0.1 - 0.05 * 2, 5);
    expect(mv[1]).toBeCloseTo(-4 - 0.1 - 0.05 * -4, 5);
    expect(Array.from(b.dataSync()).map((v) => Number(v.toFixed(5)))).toEqual([1.9, -4.1]);
    tf.dispose([m, b, gm, gb]);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('adamUpdate: the fused wasm kernel and the tf-op formula agree', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    registerFastWasmKernels('gemm');
  });
  it.each([
    [1, 1, 0],
    [7, 0.5, 0],
    [4 * 33 + 3, 1, 0.01],
  ])('%i values, gradient scale %f, weight decay %f, 3 steps', (count, scale, weightDecay) => {
    expect(tf.getKernel(ADAM_KERNEL, 'wasm')).toBeDefined();
    const rng = makeRng(count);
    const draw = (): tf.Tensor => tf.tensor1d(Float32Array.from({ length: count }, () => rng.normal()));
    let fused = [draw(), tf.zeros([count]), tf.zeros([count])];
    let composite = fused.map((t) => t.clone());
    const before = tf.memory().numTensors;
    for (let t = 1; t <= 3; t++) {
      const g = draw();
      const attrs = { scale, beta1: 0.9, beta2: 0.999, t, epsilon: 1e-8, lr: 0.01, weightDecay };
      const f = adamUpdate(fused[0], g, fused[1], fused[2], attrs);
      restoreWasmKernels(); // no fused kernel: the op's definition (tf ops)
      expect(tf.getKernel(ADAM_KERNEL, 'wasm')).toBeUndefined();
      const c = adamUpdate(composite[0], g, composite[1], composite[2], attrs);
      registerFastWasmKernels('gemm');
      tf.dispose([...fused, ...composite, g]);
      fused = f;
      composite = c;
      expect(tf.memory().numTensors).toBe(before);
    }
    for (let i = 0; i < 3; i++) expect(relErr(fused[i].dataSync(), composite[i].dataSync())).toBeLessThan(1e-5);
    tf.dispose([...fused, ...composite]);
  });
});

describe('Adam.step on wasm: every variable in one in-place call, the same numbers', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    registerFastWasmKernels();
  });

  /** Three steps of Adam over variables of several shapes (with clipping and weight decay); their final values. */
  function train(mode: 'in-place' | 'per-variable', cloneOne = false, clipNorm = 2): { values: Float32Array[]; norms: number[]; cloneIntact: boolean } {
    // Per variable: the op adamApply by its definition (adamUpdate, the fused kernel, per variable).
    if (mode === 'per-variable') unregisterOpImplementation(adamApply, 'wasm');
    const rng = makeRng(99);
    const draw = (shape: number[]): tf.Tensor => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
    const shapes = [[17, 5], [5], [3, 4, 2], [1]];
    const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(draw(s), true, `adamInPlace-${mode}-${cloneOne}-${i}`)));
    // A clone shares the first variable's buffer: the in-place path must not write through it.
    const clone = cloneOne ? vars[0].clone() : undefined;
    const cloneBefore = clone?.dataSync().slice();
    const adam = new Adam({ lr: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 });
    const norms: number[] = [];
    for (let t = 0; t < 3; t++) {
      const grads = shapes.map((s) => draw(s));
      const norm = adam.step(vars.map((variable, i) => ({ name: `v${i}`, variable, grad: grads[i] })), clipNorm);
      norms.push(norm.dataSync()[0]);
      norm.dispose();
      tf.dispose(grads);
    }
    const values = vars.map((v) => v.dataSync().slice() as Float32Array);
    const cloneIntact = clone === undefined || tf.util.arraysEqual(clone.dataSync(), cloneBefore!);
    tf.dispose([...vars, ...(clone ? [clone] : [])]);
    adam.dispose();
    registerOpImplementations('wasm');
    return { values, norms, cloneIntact };
  }

  it('gives the per-variable kernels’ numbers (bit for bit unclipped; clipped, to the float32 rounding of the clip scale), leaves a sharing clone alone, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    expect(tf.getKernel(ADAM_IN_PLACE_KERNEL, 'wasm')).toBeDefined();
    // Unclipped: the same routine on the same numbers.
    const fast0 = train('in-place', false, 0);
    const slow0 = train('per-variable', false, 0);
    expect(fast0.norms).toEqual(slow0.norms);
    fast0.values.forEach((v, i) => expect(Array.from(v), `variable ${i}`).toEqual(Array.from(slow0.values[i])));
    // Clipped: the in-place kernel takes min(1, clip/‖g‖) in float64 from the float32 Σg² (as the
    // optimiser did when it read ‖g‖ back); the definition computes it on the device in float32.
    const fast = train('in-place');
    const slow = train('per-variable');
    expect(fast.norms).toEqual(slow.norms);
    fast.values.forEach((v, i) => expect(relErr(v, slow.values[i]), `variable ${i}`).toBeLessThan(1e-6));
    const shared = train('in-place', true);
    expect(shared.cloneIntact).toBe(true);
    shared.values.forEach((v, i) => expect(Array.from(v), `variable ${i} with a clone`).toEqual(Array.from(fast.values[i])));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('globalSquaredNorm by DiveSumSquaresMany equals one DiveSumSquares per tensor and an AddN, bit for bit, and the definition to rounding', () => {
    expect(tf.getKernel(SUM_SQUARES_MANY_KERNEL, 'wasm')).toBeDefined();
    const rng = makeRng(5);
    const grads = [[17, 5], [5], [3, 4, 2], [1], [0]].map((s) => tf.tensor(Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()), s));
    const many = tf.tidy(() => globalSquaredNorm(grads).dataSync()[0]);
    const perTensor = tf.tidy(() => tf.addN(grads.map((g) => tf.engine().runKernel('DiveSumSquares', { x: g }, {}) as tf.Scalar)).dataSync()[0]);
    expect(many).toBe(perTensor);
    expect(relErr([many], [tf.tidy(() => globalSquaredNorm.definition(grads).dataSync()[0])])).toBeLessThan(1e-6);
    tf.dispose(grads);
  });
});
