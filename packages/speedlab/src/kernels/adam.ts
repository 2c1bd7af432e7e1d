/**
 * `DiveAdamUpdate`: one fused Adam/AdamW update as a tfjs kernel, so the optimizer's work is
 * one pass over p, g, m, v instead of ~12 elementwise kernels (each a full pass over the
 * parameters) — a third of an mlp-vae step before (docs/performance.md §4).
 *
 * Inputs p, g, m, v (float32, same size); attrs { scale, beta1, beta2, t, epsilon, lr,
 * weightDecay }; outputs [p′, m′, v′] (new buffers). Registered for 'wasm' together with the
 * GEMM kernels (the wasm body is `adam` in src/gemm/wat.ts); `adamUpdate` in
 * lib/train/adam.ts calls it when registered and otherwise composes the same formula from
 * tf ops, which every backend has.
 */
import * as tf from '@tensorflow/tfjs';
import { gemmFor } from '../gemm/gemm';
import type { AdamHyper } from 'divelab/lib/math/adamRule';
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

export const ADAM_IN_PLACE_KERNEL = 'DiveAdamUpdateInPlace';

/**
 * The in-place kernel's attrs: the shared hyperparameters, and per variable its step t and weight
 * decay. The clip scale comes from the input `sumSquares` (Σ‖g‖², float32 scalar) and `clipNorm`:
 * min(1, clipNorm/‖g‖) with ‖g‖ = √sumSquares in float64 (clipNorm ≤ 0: 1).
 */
export interface AdamInPlaceAttrs {
  clipNorm: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  lr: number;
  t: number[];
  weightDecay: number[];
}

/**
 * `DiveAdamUpdateInPlace`: the update of N variables in one call, written over their own
 * buffers — inputs sumSquares, gate (optional bool scalar), p0, g0, m0, v0, …, p{N−1}, …; no
 * outputs. It reads its two scalar inputs from the heap (as any kernel reads its inputs): when
 * ‖g‖ is not finite or the gate is false it writes nothing. Each variable by the routine of
 * `DiveAdamUpdate` (which reads a 4-lane block of p, g, m, v before writing it, so writing in
 * place gives the same numbers). What it saves is tfjs's cost per tensor: three new tensors a
 * variable, their tracking, the variable's assign and three disposals (docs/performance.md §10).
 * The caller must own p, m and v alone (`ownsBuffers`): a clone sharing a buffer would change too.
 */
export function makeWasmAdamInPlaceKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const a = args.attrs as unknown as AdamInPlaceAttrs;
    const n = a.t.length;
    if (a.weightDecay.length !== n) throw new Error(`${ADAM_IN_PLACE_KERNEL}: ${n} step counts but ${a.weightDecay.length} weight decays`);
    const gemm = gemmFor(heapMemory(backend));
    if (!gemm) throw new Error(`${ADAM_IN_PLACE_KERNEL}: the wasm GEMM module is not available`);
    const ss = args.inputs.sumSquares as tf.TensorInfo | undefined;
    if (!ss || ss.dtype !== 'float32' || tf.util.sizeFromShape(ss.shape) !== 1) throw new Error(`${ADAM_IN_PLACE_KERNEL}: input sumSquares must be a float32 scalar`);
    const norm = Math.sqrt(backend.typedArrayFromHeap(ss)[0]);
    const gate = args.inputs.gate as tf.TensorInfo | undefined;
    if (!Number.isFinite(norm) || (gate !== undefined && !backend.typedArrayFromHeap(gate)[0])) return [];
    const scale = a.clipNorm > 0 && norm > a.clipNorm ? a.clipNorm / norm : 1;
    for (let i = 0; i < n; i++) {
      const get = (k: string): tf.TensorInfo => {
        const t = args.inputs[`${k}${i}`] as tf.TensorInfo | undefined;
        if (!t) throw new Error(`${ADAM_IN_PLACE_KERNEL}: input ${k}${i} missing`);
        return t;
      };
      const [p, g, m, v] = [get('p'), get('g'), get('m'), get('v')];
      const count = tf.util.sizeFromShape(p.shape);
      for (const [name, t] of [['p', p], ['g', g], ['m', m], ['v', v]] as const) {
        if (tf.util.sizeFromShape(t.shape) !== count || t.dtype !== 'float32') throw new Error(`${ADAM_IN_PLACE_KERNEL}: ${name}${i} must be float32 with ${count} values`);
      }
      const [po, mo, vo] = [heapOffset(backend, p), heapOffset(backend, m), heapOffset(backend, v)];
      gemm.adam({ p: po, g: heapOffset(backend, g), m: mo, v: vo, pOut: po, mOut: mo, vOut: vo, count, scale, beta1: a.beta1, beta2: a.beta2, t: a.t[i], epsilon: a.epsilon, lr: a.lr, weightDecay: a.weightDecay[i] });
    }
    return [];
  };
}

/** True when every tensor's buffer is on the active wasm backend with one reference (no clone shares it). */
export function ownsBuffers(tensors: readonly tf.Tensor[]): boolean {
  const backend = asWasmBackend(tf.backend());
  const seen = new Set<unknown>();
  for (const t of tensors) {
    const d = backend.dataIdMap.get(t.dataId);
    if (!d || d.refCount !== 1 || seen.has(t.dataId)) return false;
    seen.add(t.dataId);
  }
  return true;
}
