/**
 * Inverted dropout as one wasm kernel forward and one backward, with the mask drawn from the
 * project's seeded generator (lib/util/random.ts) instead of tfjs's: `tf.dropout` draws its
 * uniforms in JavaScript through seedrandom's alea, uploads them as a tensor and runs Add, Floor,
 * RealDiv and Multiply over them (≈ 3 % of a deepdive-gait step in alea alone, four sites a step;
 * docs/performance.md §10).
 *
 * - `DiveDropout` x (float32), attrs { rate, seed } → x·m, m_i = 1/(1 − rate) where the i-th
 *   uniform of makeRng(seed) is ≥ rate, else 0 (x·0 keeps x's sign, NaN stays NaN).
 * - gradient `DiveDropoutGrad` dy, attrs { rate, seed } → dy·m, the mask of the seed (kept from
 *   the forward call in a small cache, else drawn again; no tensor saved).
 *
 * `dropoutMultipliers` is the one definition of m: backends without the kernels compute
 * tf.mul(x, m) from it, so every backend gets the same mask and the same numbers bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelHere, outputGradient } from './ownKernels';
import { nextUint32s, rngState } from '../../util/random';
import { asWasmBackend, f32 } from './wasmInternals';

export const DROPOUT_KERNEL = 'DiveDropout';
export const DROPOUT_GRAD_KERNEL = 'DiveDropoutGrad';
export const DROPOUT_KERNELS = [DROPOUT_KERNEL, DROPOUT_GRAD_KERNEL] as const;

interface DropoutAttrs {
  rate: number;
  seed: number;
}

/**
 * m [n]: 1/(1 − rate) (rounded to float32) where the i-th uniform of makeRng(seed) is ≥ rate,
 * else 0 — drawn in one block by `nextUint32s` (through makeRng's per-draw closure one step's
 * 64 k draws took ≈ 0.9 ms, a fifth of a gait step).
 */
export function dropoutMultipliers(n: number, rate: number, seed: number): Float32Array {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  const scale = Math.fround(1 / (1 - rate));
  // u = t / 2³² ≥ rate ⇔ t ≥ rate·2³² (both exact: scaling by a power of two).
  const threshold = rate * 4294967296;
  const draws = new Uint32Array(n);
  nextUint32s(rngState(seed), draws);
  const m = new Float32Array(n);
  for (let i = 0; i < n; i++) m[i] = draws[i] >= threshold ? scale : 0;
  return m;
}

/**
 * The masks of the last calls by (n, rate, seed), at most RECENT_MASK_VALUES values in all: the
 * gradient kernel asks for the mask its forward call drew. Only ever returns what
 * `dropoutMultipliers` would (a gait step has four masks of 8,192 values; a mask larger than
 * the bound is drawn again).
 */
const recentMasks = new Map<string, Float32Array>();
const RECENT_MASK_VALUES = 1 << 20;
let recentValues = 0;

function maskFor(n: number, rate: number, seed: number): Float32Array {
  const key = `${n}|${rate}|${seed}`;
  const hit = recentMasks.get(key);
  if (hit) return hit;
  const m = dropoutMultipliers(n, rate, seed);
  if (n > RECENT_MASK_VALUES) return m;
  recentMasks.set(key, m);
  recentValues += n;
  for (const [k, v] of recentMasks) {
    if (recentValues <= RECENT_MASK_VALUES) break;
    recentMasks.delete(k);
    recentValues -= v.length;
  }
  return m;
}

function times(name: string): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const x = (args.inputs.x ?? args.inputs.dy) as tf.TensorInfo;
    const { rate, seed } = args.attrs as unknown as DropoutAttrs;
    if (x.dtype !== 'float32') throw new Error(`${name}: input must be float32, got ${x.dtype}`);
    const n = tf.util.sizeFromShape(x.shape);
    const m = maskFor(n, rate, seed);
    const out = backend.makeOutput([...x.shape], 'float32');
    const o = f32(backend, out);
    const v = f32(backend, x);
    for (let i = 0; i < n; i++) o[i] = v[i] * m[i];
    return out;
  };
}

/** The kernel configs for the wasm backend. */
export function dropoutKernelConfigs(backendName: string): tf.KernelConfig[] {
  return [
    { kernelName: DROPOUT_KERNEL, backendName, kernelFunc: times(DROPOUT_KERNEL) },
    { kernelName: DROPOUT_GRAD_KERNEL, backendName, kernelFunc: times(DROPOUT_GRAD_KERNEL) },
  ];
}

let installed = false;

/**
 * Register DiveDropout's gradient (global registry; used only where the kernel runs;
 * `registerFastWasmKernels` calls it with the kernels' registration). Idempotent.
 */
export function installDropoutGradient(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: DROPOUT_KERNEL,
    gradFunc: (dy, _saved, attrs) => ({
      x: () => tf.engine().runKernel(DROPOUT_GRAD_KERNEL, { dy: outputGradient(dy) }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor,
    }),
  });
}

/** x·m (see dropoutMultipliers): one kernel where registered, else tf.mul with m as a tensor. */
export function dropoutWith<T extends tf.Tensor>(x: T, rate: number, seed: number): T {
  if (x.dtype === 'float32' && kernelHere(DROPOUT_KERNEL)) {
    return tf.engine().runKernel(DROPOUT_KERNEL, { x }, { rate, seed }) as T;
  }
  return tf.tidy(() => tf.mul(x, tf.tensor(dropoutMultipliers(x.size, rate, seed), x.shape, 'float32'))) as T;
}
