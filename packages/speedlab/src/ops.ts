/**
 * The speed lab's implementations of divelab's named ops (divelab/lib/backend/ops.ts): for each
 * op the research code defines in plain tfjs, the kernel (with its own gradient) that computes
 * it here. Registered for the wasm backend together with the kernels (./kernels/register.ts) and
 * removed with them. Each implementation declines (the definition runs) where its kernel does
 * not take the call (a dtype, a rank), exactly where the research code used to choose the
 * composition; tests/ops.test.ts checks every one against its op's definition.
 */
import * as tf from '@tensorflow/tfjs';
import { DECLINE, registerOpImplementation, unregisterOpImplementation, type NamedOp } from 'divelab/lib/backend/ops';
import { clipLogvar, dropoutWith, gruRecurrence, reparameteriseWith } from 'divelab/lib/models/nn';
import { denseProduct, fusedDenseForward, reluGradient } from 'divelab/lib/models/fusedDense';
import { rbfLogits, rbfMeanComponentKl } from 'divelab/lib/models/rbf';
import { rbfCrossEntropy } from 'divelab/lib/objectives/rbfCrossEntropy';
import { klStandardNormal } from 'divelab/lib/objectives/kl';
import { meanSquaredError } from 'divelab/lib/objectives/likelihood';
import { adamApply, adamUpdate, globalSquaredNorm } from 'divelab/lib/train/adam';
import { CLIP_COLUMNS_KERNEL, CLIP_KERNEL, REPARAM_KERNEL, STD_KL_KERNEL } from './kernels/gaussian';
import { DROPOUT_KERNEL } from './kernels/dropout';
import { RELU_GRAD_KERNEL } from './kernels/elementwise';
import { RBF_CE_KERNEL, RBF_KL_KERNEL, RBF_LOGITS_KERNEL } from './kernels/rbf';
import { MSE_KERNEL } from './kernels/squaredError';
import { SUM_SQUARES_MANY_KERNEL } from './kernels/reduce';
import { ADAM_IN_PLACE_KERNEL, ADAM_KERNEL, ownsBuffers, type AdamInPlaceAttrs } from './kernels/adam';
import { gruRecurrenceFused, type Product } from './kernels/gru';

const run = (name: string, inputs: tf.NamedTensorMap, attrs: object = {}): tf.Tensor | tf.Tensor[] => tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
const f32 = (...ts: readonly tf.Tensor[]): boolean => ts.every((t) => t.dtype === 'float32');

/** The in-place kernel's input names of variable i (p{i}, g{i}, m{i}, v{i}), made once. */
const NAMES: string[][] = [];
function inputNames(i: number): string[] {
  return (NAMES[i] ??= ['p', 'g', 'm', 'v'].map((k) => `${k}${i}`));
}

/** The GRU recurrence's matrix products: OpenBLAS's, when the kernels run on it (set at registration); without, the op declines. */
let gruProduct: Product | undefined;

/** Every op this module implements, with its implementation. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const IMPLEMENTATIONS: [NamedOp<any>, (...args: any[]) => unknown][] = [
  [clipLogvar, (x: tf.Tensor, lo: number, hi: number | tf.Tensor1D) => {
    if (x.dtype !== 'float32') return DECLINE;
    return typeof hi === 'number' ? run(CLIP_KERNEL, { x }, { lo, hi }) : run(CLIP_COLUMNS_KERNEL, { x, hi }, { lo, hi: Infinity });
  }],
  [reparameteriseWith, (mu: tf.Tensor2D, logvar: tf.Tensor2D, eps: tf.Tensor2D) => (mu.dtype === 'float32' ? run(REPARAM_KERNEL, { mu, logvar, eps }) : DECLINE)],
  [dropoutWith, (x: tf.Tensor, rate: number, seed: number) => (x.dtype === 'float32' ? run(DROPOUT_KERNEL, { x }, { rate, seed }) : DECLINE)],
  [reluGradient, (dy: tf.Tensor, x: tf.Tensor) => (f32(dy, x) && tf.util.arraysEqual(dy.shape, x.shape) ? run(RELU_GRAD_KERNEL, { dy, x }) : DECLINE)],
  // Our product kernels take rank-2 operands as they are (tfjs's reshape them to rank 3).
  [denseProduct, (x: tf.Tensor, y: tf.Tensor, transposeA: boolean, transposeB: boolean) => (x.rank === 2 ? run(tf.BatchMatMul, { a: x, b: y }, { transposeA, transposeB }) : DECLINE)],
  [fusedDenseForward, (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, act: string) => run(tf._FusedMatMul, { a: x, b: w, bias: b }, { transposeA: false, transposeB: false, activation: act })],
  [rbfLogits, (b: tf.Tensor1D, centres: tf.Tensor1D, logWidths: tf.Tensor1D, logPrior: tf.Tensor1D, geometry: string) => run(RBF_LOGITS_KERNEL, { b, centres, logWidths, logPrior }, { geometry })],
  [rbfMeanComponentKl, (mu: tf.Tensor1D, logvar: tf.Tensor1D, labels: tf.Tensor1D, centres: tf.Tensor1D, logWidths: tf.Tensor1D, geometry: string) =>
    run(RBF_KL_KERNEL, { mu, logvar, labels, centres, logWidths }, { geometry })],
  [rbfCrossEntropy, (logits: tf.Tensor2D, labels: tf.Tensor1D) => (logits.dtype === 'float32' ? run(RBF_CE_KERNEL, { logits, labels }) : DECLINE)],
  [klStandardNormal, (mu: tf.Tensor2D, logvar: tf.Tensor2D) => (f32(mu, logvar) ? run(STD_KL_KERNEL, { mu, logvar }) : DECLINE)],
  [meanSquaredError, (a: tf.Tensor, b: tf.Tensor) => (f32(a, b) && tf.util.arraysEqual(a.shape, b.shape) ? run(MSE_KERNEL, { a, b }) : DECLINE)],
  [globalSquaredNorm, (grads: readonly tf.Tensor[]) => {
    if (grads.length === 0 || !f32(...grads)) return DECLINE;
    const inputs: tf.NamedTensorMap = {};
    grads.forEach((g, i) => (inputs[`x${i}`] = g));
    return run(SUM_SQUARES_MANY_KERNEL, inputs);
  }],
  [gruRecurrence, (xp: tf.Tensor3D, uzr: tf.Tensor2D, uh: tf.Tensor2D) => (gruProduct && f32(xp, uzr, uh) ? gruRecurrenceFused(xp, uzr, uh, gruProduct) : DECLINE)],
  [adamUpdate, (p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: object) => (f32(p, g) ? run(ADAM_KERNEL, { p, g, m, v }, attrs) : DECLINE)],
  [adamApply, (entries: Parameters<typeof adamApply>[0], hyper: Parameters<typeof adamApply>[1]) => {
    if (entries.length === 0) return DECLINE;
    const owned = entries.flatMap(({ variable, slot }) => [variable, slot.m, slot.v]);
    if (!f32(...owned, ...entries.map((e) => e.grad)) || !ownsBuffers(owned)) return DECLINE;
    // Every variable in one call, over its own buffers (the same routine, the same numbers).
    const { sumSquares, gate, clipNorm, beta1, beta2, epsilon, lr } = hyper;
    const inputs: tf.NamedTensorMap = gate ? { sumSquares, gate } : { sumSquares };
    entries.forEach(({ variable, grad, slot }, i) => {
      const [p, g, m, v] = inputNames(i);
      inputs[p] = variable;
      inputs[g] = grad;
      inputs[m] = slot.m;
      inputs[v] = slot.v;
    });
    const attrs: AdamInPlaceAttrs = { clipNorm, beta1, beta2, epsilon, lr, t: entries.map((e) => e.slot.t), weightDecay: entries.map((e) => e.weightDecay) };
    run(ADAM_IN_PLACE_KERNEL, inputs, attrs);
    return undefined;
  }],
];

/** The names of the ops the speed lab implements. */
export const IMPLEMENTED_OPS: readonly string[] = IMPLEMENTATIONS.map(([op]) => op.opName);

/** Register every implementation for `backendName` (call with the kernels registered); `product`: the GRU recurrence's matrix products (OpenBLAS's; default: those in use). */
export function registerOpImplementations(backendName: string, product: Product | undefined = gruProduct): void {
  gruProduct = product;
  for (const [op, impl] of IMPLEMENTATIONS) registerOpImplementation(op, backendName, impl as never);
}

/** Remove them (the definitions run again). */
export function unregisterOpImplementations(backendName: string): void {
  for (const [op] of IMPLEMENTATIONS) unregisterOpImplementation(op, backendName);
}
