/**
 * `DiveAdamUpdate`: one fused Adam/AdamW update as a tfjs kernel, so the optimizer's work is
 * one pass over p, g, m, v instead of ~12 elementwise kernels (each a full pass over the
 * parameters) — a third of an mlp-vae step before (docs/performance.md §4).
 *
 * Inputs p, g, m, v (float32, same size); attrs { scale, beta1, beta2, t, epsilon, lr,
 * weightDecay }; outputs [p′, m′, v′] (new buffers). Registered for 'wasm' together with the
 * GEMM kernels (the wasm body is `adam` in lib/backend/gemm/wat.ts); `adamUpdate` in
 * lib/train/adam.ts calls it when registered and otherwise composes the same formula from
 * tf ops, which every backend has.
 */
import * as tf from '@tensorflow/tfjs';
import { gemmFor } from '../gemm/gemm';
import type { AdamHyper } from '../../train/adamRule';
import { asWasmBackend, heapMemory, heapOffset } from './wasmInternals';

export const ADAM_KERNEL = 'DiveAdamUpdate';

/** The kernel's attrs. */
export type AdamAttrs = AdamHyper;

/** The wasm kernel function (register it only when `loadGemmModule()` is not null). */
export function makeWasmAdamKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { p, g, m, v } = args.inputs as Record<'p' | 'g' | 'm' | 'v', tf.TensorInfo>;
    const a = args.attrs as unknown as AdamAttrs;
    const gemm = gemmFor(heapMemory(backend));
    if (!gemm) throw new Error(`${ADAM_KERNEL}: the wasm GEMM module is not available`);
    const count = tf.util.sizeFromShape(p.shape);
    for (const [name, t] of [['g', g], ['m', m], ['v', v]] as const) {
      if (tf.util.sizeFromShape(t.shape) !== count || t.dtype !== 'float32') throw new Error(`${ADAM_KERNEL}: ${name} must be float32 with ${count} values`);
    }
    const pOut = backend.makeOutput([...p.shape], 'float32');
    const mOut = backend.makeOutput([...p.shape], 'float32');
    const vOut = backend.makeOutput([...p.shape], 'float32');
    gemm.adam({
      p: heapOffset(backend, p),
      g: heapOffset(backend, g),
      m: heapOffset(backend, m),
      v: heapOffset(backend, v),
      pOut: heapOffset(backend, pOut),
      mOut: heapOffset(backend, mOut),
      vOut: heapOffset(backend, vOut),
      count,
      ...a,
    });
    return [pOut, mOut, vOut];
  };
}
