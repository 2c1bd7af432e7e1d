/**
 * Registration of the fast wasm kernels at backend level: every model (raw ops, tfjs-layers,
 * gradients) that runs on the 'wasm' backend uses them without code changes.
 *
 * `registerFastWasmKernels()` swaps the registry entries for 'wasm' (unregister original,
 * register replacement that delegates to the original kernel functions); `restoreWasmKernels()`
 * puts the originals back. Both are idempotent. divelab's backend initialisation
 * (divelab/lib/backend/select.ts, through the plugin ../index.ts) calls `applyFastKernelPolicy`
 * when a backend initialises: fast kernels on wasm unless `DIVE_FAST_KERNELS=0` (tfjs's own
 * kernels and divelab's plain op definitions, the reference path); products on the machine's
 * OpenBLAS (../blas) when it loads, else on our wasm GEMM, and `productPath()` says which and
 * why. With the kernels, the implementations of divelab's named ops register (../ops.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from 'divelab/lib/util/errors';
import { loadGemmModule } from '../gemm/gemm';
import { BLAS_MIN_WORK, BLAS_PARALLEL_MIN_WORK, loadOpenBlas, type OpenBlas } from '../blas/openblas';
import { blasThreadsWanted, type ThreadChoice } from '../blas/threads';
import { ADAM_IN_PLACE_KERNEL, ADAM_KERNEL, makeWasmAdamInPlaceKernel, makeWasmAdamKernel } from './adam';
import { makeFastMean, makeFastSum, makeSumSquaresKernel, makeSumSquaresManyKernel, SUM_SQUARES_KERNEL, SUM_SQUARES_MANY_KERNEL } from './reduce';
import { makeSharedIdentity } from './identity';
import { setSharedSavedTensors } from './savedTensors';
import { installReduceGradients, makeTileMiddleKernel, TILE_MIDDLE_KERNEL } from './reduceGradient';
import { installSquaredErrorGradients, makeMseKernel, makeScaledDiffKernel, MSE_KERNEL, SCALED_DIFF_KERNEL } from './squaredError';
import { installReluGradient, makeFastBinary, makeFastRelu, makeFastTranspose, makeReluGradKernel, makeSharingCast, RELU_GRAD_KERNEL } from './elementwise';
import { makeFastBatchMatMul, makeFastFusedMatMul, type OriginalKernels } from './matMul';
import { installRbfGradients, RBF_KERNELS, rbfKernelConfigs } from './rbf';
import { GAUSSIAN_KERNELS, gaussianKernelConfigs, installGaussianGradients } from './gaussian';
import { DROPOUT_KERNELS, dropoutKernelConfigs, installDropoutGradient } from './dropout';
import { registerOpImplementations, unregisterOpImplementations } from '../ops';
import { blasProduct } from './gru';

const BACKEND = 'wasm';

/** Kernel names this module replaces on the wasm backend. */
export const REPLACED_KERNELS = [
  tf.BatchMatMul,
  tf._FusedMatMul,
  tf.Sum,
  tf.Mean,
  tf.Identity,
  tf.Relu,
  tf.Cast,
  tf.Add,
  tf.Sub,
  tf.Multiply,
  tf.RealDiv,
  tf.Transpose,
] as const;

/** The original configs, captured the first time we replace them. */
let originals: Map<string, tf.KernelConfig> | undefined;
let active: FastKernelKind | null = null;

/**
 * Which replacement: `blas` (default when OpenBLAS loads) — products on the machine's OpenBLAS
 * (../blas), tiny ones on our wasm GEMM, with the same element-wise kernels as `gemm`;
 * `gemm` (default otherwise) — our relaxed-SIMD GEMM (../gemm) for every float32
 * product, with XNNPACK behind explicit transposes only for fused activations other than ReLU.
 * (The comparison-only kinds `xnnpack` and `baseline` were retired; git history keeps them.)
 */
export type FastKernelKind = 'blas' | 'gemm';

/** The product path in force and why (for `dive backend` and bench reports). */
export interface ProductPath {
  kind: FastKernelKind | null;
  /** One line: what runs the products, and why this path. */
  description: string;
  /** The OpenBLAS library and its thread count, when `kind` is `blas`. */
  blas?: { path: string; config: string; coreName: string; threads: number; threadsWhy: string };
  /** Why OpenBLAS is not used (absent, or not asked for). */
  blasUnavailable?: string;
}

let blasInUse: { blas: OpenBlas; threads: ThreadChoice } | undefined;

function captureOriginals(): Map<string, tf.KernelConfig> {
  if (originals) return originals;
  const found = new Map<string, tf.KernelConfig>();
  for (const name of REPLACED_KERNELS) {
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

/** Kernels the speed lab adds (not replacements): fused and in-place Adam, sums of squares, ReLU gradient, mean squared error and its gradient, middle-axis tile, the RBF head, the Gaussian codes, dropout; and the named-op implementations that call them. */
function unregisterOwnKernels(): void {
  unregisterOpImplementations(BACKEND);
  for (const name of [ADAM_KERNEL, SUM_SQUARES_KERNEL, ADAM_IN_PLACE_KERNEL, SUM_SQUARES_MANY_KERNEL, RELU_GRAD_KERNEL, MSE_KERNEL, SCALED_DIFF_KERNEL, TILE_MIDDLE_KERNEL, ...RBF_KERNELS, ...GAUSSIAN_KERNELS, ...DROPOUT_KERNELS]) if (tf.getKernel(name, BACKEND)) tf.unregisterKernel(name, BACKEND);
}

function swap(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, BACKEND)) tf.unregisterKernel(config.kernelName, BACKEND);
  tf.registerKernel(config);
}

/**
 * Replace the REPLACED_KERNELS on 'wasm' with the fast versions, and register the speed lab's
 * own kernels (fused Adam, ./adam.ts; sum of squares, ./reduce.ts; the ReLU gradient, ./elementwise.ts, the mean squared error, ./squaredError.ts,
 * the broadcast of Sum and Mean gradients, ./reduceGradient.ts, the RBF head, ./rbf.ts, the
 * Gaussian codes' clip, reparameterisation and KL, ./gaussian.ts, dropout, ./dropout.ts, and the
 * in-place Adam of every variable and the global norm in one call each, ./adam.ts, ./reduce.ts)
 * with the implementations of divelab's named ops (../ops.ts). Idempotent. Returns the replaced kernel names. Throws when the wasm backend's kernels are not loaded.
 */
export function registerFastWasmKernels(kind: FastKernelKind = defaultFastKernels()): string[] {
  const orig = captureOriginals();
  let blas: OpenBlas | undefined;
  if (kind === 'blas') {
    const loaded = loadOpenBlas();
    if (!loaded.ok) throw new UserError(`DIVE_FAST_KERNELS=blas needs OpenBLAS: ${loaded.reason}`);
    blas = loaded.blas;
    blasInUse = { blas, threads: blasThreadsWanted() };
  } else blasInUse = undefined;
  // Saved-for-backward tensors share their buffer without a kernel call (./savedTensors.ts).
  setSharedSavedTensors(true);
  if (active === kind) return [...REPLACED_KERNELS];
  const paths = { gemm: true, blas, blasThreads: () => blasInUse?.threads.threads ?? 1 };
  const or = (name: string, make: (o: tf.KernelFunc) => tf.KernelFunc): tf.KernelFunc => make(orig.get(name)!.kernelFunc);
  const kernels: OriginalKernels = {
    batchMatMul: orig.get(tf.BatchMatMul)!.kernelFunc,
    fusedMatMul: orig.get(tf._FusedMatMul)!.kernelFunc,
    transpose: orig.get(tf.Transpose)!.kernelFunc,
  };
  const replacement: Record<(typeof REPLACED_KERNELS)[number], tf.KernelFunc> = {
    [tf.BatchMatMul]: makeFastBatchMatMul(kernels, paths),
    [tf._FusedMatMul]: makeFastFusedMatMul(kernels, paths),
    [tf.Sum]: or(tf.Sum, makeFastSum),
    [tf.Mean]: or(tf.Mean, makeFastMean),
    [tf.Identity]: or(tf.Identity, makeSharedIdentity),
    [tf.Relu]: or(tf.Relu, makeFastRelu),
    [tf.Cast]: or(tf.Cast, makeSharingCast),
    [tf.Add]: or(tf.Add, (o) => makeFastBinary(tf.Add, o)),
    [tf.Sub]: or(tf.Sub, (o) => makeFastBinary(tf.Sub, o)),
    [tf.Multiply]: or(tf.Multiply, (o) => makeFastBinary(tf.Multiply, o)),
    [tf.RealDiv]: or(tf.RealDiv, (o) => makeFastBinary(tf.RealDiv, o)),
    [tf.Transpose]: or(tf.Transpose, makeFastTranspose),
  };
  unregisterOwnKernels();
  if (loadGemmModule()) {
    tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: BACKEND, kernelFunc: makeWasmAdamKernel() });
    tf.registerKernel({ kernelName: SUM_SQUARES_KERNEL, backendName: BACKEND, kernelFunc: makeSumSquaresKernel() });
    {
      installReluGradient();
      tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: BACKEND, kernelFunc: makeReluGradKernel() });
      installSquaredErrorGradients();
      tf.registerKernel({ kernelName: MSE_KERNEL, backendName: BACKEND, kernelFunc: makeMseKernel() });
      tf.registerKernel({ kernelName: SCALED_DIFF_KERNEL, backendName: BACKEND, kernelFunc: makeScaledDiffKernel() });
      installReduceGradients();
      tf.registerKernel({ kernelName: TILE_MIDDLE_KERNEL, backendName: BACKEND, kernelFunc: makeTileMiddleKernel() });
      installRbfGradients();
      for (const config of rbfKernelConfigs(BACKEND)) tf.registerKernel(config);
      installGaussianGradients();
      for (const config of gaussianKernelConfigs(BACKEND)) tf.registerKernel(config);
      installDropoutGradient();
      for (const config of dropoutKernelConfigs(BACKEND)) tf.registerKernel(config);
      tf.registerKernel({ kernelName: ADAM_IN_PLACE_KERNEL, backendName: BACKEND, kernelFunc: makeWasmAdamInPlaceKernel() });
      tf.registerKernel({ kernelName: SUM_SQUARES_MANY_KERNEL, backendName: BACKEND, kernelFunc: makeSumSquaresManyKernel() });
      registerOpImplementations(BACKEND, blas ? blasProduct(blas, paths.blasThreads) : undefined);
    }
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
  setSharedSavedTensors(false);
  active = null;
  blasInUse = undefined;
}

/** The default kind: `blas` when OpenBLAS loads, else `gemm`. */
export function defaultFastKernels(): FastKernelKind {
  return loadOpenBlas().ok ? 'blas' : 'gemm';
}

/** What runs the wasm backend's products right now, and why. */
export function productPath(): ProductPath {
  const loaded = loadOpenBlas();
  const unavailable = loaded.ok ? undefined : loaded.reason;
  if (active === 'blas' && blasInUse) {
    const { blas, threads } = blasInUse;
    return {
      kind: active,
      description: `OpenBLAS ${blas.coreName} kernels, ${threads.threads} thread${threads.threads === 1 ? '' : 's'} (${threads.why}; 1 below ${BLAS_PARALLEL_MIN_WORK / 1e6} M multiply-adds) from ${blas.path}; products under ${BLAS_MIN_WORK} multiply-adds on the wasm GEMM`,
      blas: { path: blas.path, config: blas.config, coreName: blas.coreName, threads: threads.threads, threadsWhy: threads.why },
    };
  }
  const gemm = loadGemmModule();
  const wasmGemm = gemm ? `divelab wasm GEMM (${gemm.fma ? 'relaxed-SIMD FMA' : 'SIMD multiply + add'})` : 'XNNPACK via explicit transposes (no wasm SIMD)';
  const asked = process.env.DIVE_FAST_KERNELS?.trim() ? ` by DIVE_FAST_KERNELS=${process.env.DIVE_FAST_KERNELS.trim()}` : '';
  const whyNot = unavailable ? `OpenBLAS unavailable: ${unavailable}` : `OpenBLAS not used (the ${active ?? 'tfjs'} kernels were asked for${asked})`;
  if (active === 'gemm') return { kind: active, description: `${wasmGemm}; ${whyNot}`, blasUnavailable: unavailable ?? whyNot };
  return { kind: null, description: 'tfjs-backend-wasm kernels (DIVE_FAST_KERNELS=0)', blasUnavailable: unavailable ?? 'fast kernels off' };
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
 * The kernels `DIVE_FAST_KERNELS` asks for: null for `0|false|off|no` (tfjs's own), `blas`,
 * `gemm`, or the default (`blas` when OpenBLAS loads, else `gemm`) when unset or
 * `1|true|on|yes`; anything else is rejected with a one-line error.
 */
export function fastKernelsWanted(env: NodeJS.ProcessEnv = process.env): FastKernelKind | null {
  const v = env.DIVE_FAST_KERNELS?.trim().toLowerCase();
  if (v === undefined || v === '' || v === '1' || v === 'true' || v === 'on' || v === 'yes') return defaultFastKernels();
  if (v === '0' || v === 'false' || v === 'off' || v === 'no') return null;
  if (v === 'blas' || v === 'gemm') return v;
  throw new UserError(`DIVE_FAST_KERNELS must be blas (default when OpenBLAS loads), gemm or 0, got '${env.DIVE_FAST_KERNELS}'`);
}

/** Backend-init hook: fast kernels on wasm unless disabled by `DIVE_FAST_KERNELS`. */
export function applyFastKernelPolicy(backendName: string): void {
  if (backendName !== BACKEND) return;
  const kind = fastKernelsWanted();
  if (kind) registerFastWasmKernels(kind);
  else restoreWasmKernels();
}
