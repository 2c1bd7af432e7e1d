/**
 * Registration of the fast wasm kernels at backend level: every model (raw ops, tfjs-layers,
 * gradients) that runs on the 'wasm' backend uses them without code changes.
 *
 * `registerFastWasmKernels()` swaps the registry entries for 'wasm' (unregister original,
 * register replacement that delegates to the original kernel functions); `restoreWasmKernels()`
 * puts the originals back. Both are idempotent. `lib/backend/select.ts` calls
 * `applyFastKernelPolicy` when a backend initialises: fast kernels on wasm unless
 * `DIVE_FAST_KERNELS=0` (kept for before/after comparisons).
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../util/errors';
import { loadGemmModule } from '../gemm/gemm';
import { ADAM_KERNEL, makeWasmAdamKernel } from './adam';
import { makeFastSum, makeSumSquaresKernel, SUM_SQUARES_KERNEL } from './reduce';
import { makeSharedIdentity } from './identity';
import { makeFastBatchMatMul, makeFastFusedMatMul, type OriginalKernels } from './matMul';

const BACKEND = 'wasm';

/** Kernel names this module replaces on the wasm backend. */
export const REPLACED_KERNELS = [tf.BatchMatMul, tf._FusedMatMul, tf.Sum, tf.Identity] as const;

/** The original configs, captured the first time we replace them. */
let originals: Map<string, tf.KernelConfig> | undefined;
let active: FastKernelKind | null = null;

/**
 * Which replacement: `gemm` (default) — our relaxed-SIMD GEMM (lib/backend/gemm) for every
 * float32 product, with XNNPACK behind explicit transposes only for fused activations other
 * than ReLU; `xnnpack` — the earlier rewrite that routes every product to XNNPACK's
 * untransposed path (kept for comparisons, `DIVE_FAST_KERNELS=xnnpack`).
 */
export type FastKernelKind = 'gemm' | 'xnnpack';

function captureOriginals(): Map<string, tf.KernelConfig> {
  if (originals) return originals;
  const found = new Map<string, tf.KernelConfig>();
  for (const name of [...REPLACED_KERNELS, tf.Transpose]) {
    const k = tf.getKernel(name, BACKEND);
    if (!k) {
      throw new Error(
        `fast wasm kernels: kernel '${name}' is not registered for 'wasm' (load @tensorflow/tfjs-backend-wasm first, e.g. via initBackend('wasm'))`,
      );
    }
    found.set(name, k);
  }
  originals = found;
  return found;
}

/** Kernels divelab adds (not replacements): the fused Adam update and the sum of squares. */
function unregisterOwnKernels(): void {
  for (const name of [ADAM_KERNEL, SUM_SQUARES_KERNEL]) if (tf.getKernel(name, BACKEND)) tf.unregisterKernel(name, BACKEND);
}

function swap(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, BACKEND)) tf.unregisterKernel(config.kernelName, BACKEND);
  tf.registerKernel(config);
}

/**
 * Replace BatchMatMul, _FusedMatMul, Sum and Identity on 'wasm' with the fast versions; with `gemm`
 * also register divelab's own kernels (fused Adam, ./adam.ts; sum of squares, ./reduce.ts).
 * Idempotent. Returns the replaced kernel names. Throws when the wasm backend's kernels are not loaded.
 */
export function registerFastWasmKernels(kind: FastKernelKind = 'gemm'): string[] {
  const orig = captureOriginals();
  if (active === kind) return [...REPLACED_KERNELS];
  const kernels: OriginalKernels = {
    batchMatMul: orig.get(tf.BatchMatMul)!.kernelFunc,
    fusedMatMul: orig.get(tf._FusedMatMul)!.kernelFunc,
    transpose: orig.get(tf.Transpose)!.kernelFunc,
  };
  const replacement: Record<(typeof REPLACED_KERNELS)[number], tf.KernelFunc> = {
    [tf.BatchMatMul]: makeFastBatchMatMul(kernels, kind === 'gemm'),
    [tf._FusedMatMul]: makeFastFusedMatMul(kernels, kind === 'gemm'),
    [tf.Sum]: kind === 'gemm' ? makeFastSum(orig.get(tf.Sum)!.kernelFunc) : orig.get(tf.Sum)!.kernelFunc,
    [tf.Identity]: kind === 'gemm' ? makeSharedIdentity(orig.get(tf.Identity)!.kernelFunc) : orig.get(tf.Identity)!.kernelFunc,
  };
  unregisterOwnKernels();
  if (kind === 'gemm' && loadGemmModule()) {
    tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: BACKEND, kernelFunc: makeWasmAdamKernel() });
    tf.registerKernel({ kernelName: SUM_SQUARES_KERNEL, backendName: BACKEND, kernelFunc: makeSumSquaresKernel() });
  }
  for (const name of REPLACED_KERNELS) {
    const o = orig.get(name)!;
    // Keep the original setup/dispose: they initialise the C++ bindings our functions call.
    swap({ kernelName: name, backendName: BACKEND, kernelFunc: replacement[name], setupFunc: o.setupFunc, disposeFunc: o.disposeFunc });
  }
  active = kind;
  return [...REPLACED_KERNELS];
}

/** Put the original wasm kernels back (no-op when the fast ones were never registered). */
export function restoreWasmKernels(): void {
  if (!active || !originals) return;
  for (const name of REPLACED_KERNELS) swap(originals.get(name)!);
  unregisterOwnKernels();
  active = null;
}

/** True while the fast kernels are the registered ones. */
export function fastWasmKernelsActive(): boolean {
  return active !== null;
}

/** The registered replacement, or null while tfjs's own kernels are registered. */
export function activeFastKernels(): FastKernelKind | null {
  return active;
}

/**
 * The kernels `DIVE_FAST_KERNELS` asks for: null for `0|false|off|no` (tfjs's own), `xnnpack`,
 * or `gemm` (unset or anything else is rejected with a one-line error).
 */
export function fastKernelsWanted(env: NodeJS.ProcessEnv = process.env): FastKernelKind | null {
  const v = env.DIVE_FAST_KERNELS?.trim().toLowerCase();
  if (v === undefined || v === '' || v === '1' || v === 'true' || v === 'on' || v === 'yes' || v === 'gemm') return 'gemm';
  if (v === '0' || v === 'false' || v === 'off' || v === 'no') return null;
  if (v === 'xnnpack') return 'xnnpack';
  throw new UserError(`DIVE_FAST_KERNELS must be gemm (default), xnnpack or 0, got '${env.DIVE_FAST_KERNELS}'`);
}

/** Backend-init hook: fast kernels on wasm unless disabled by `DIVE_FAST_KERNELS`. */
export function applyFastKernelPolicy(backendName: string): void {
  if (backendName !== BACKEND) return;
  const kind = fastKernelsWanted();
  if (kind) registerFastWasmKernels(kind);
  else restoreWasmKernels();
}
