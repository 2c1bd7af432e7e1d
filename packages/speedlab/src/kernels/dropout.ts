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
 * m is divelab's `dropoutMultipliers` (divelab/lib/util/random.ts), the one definition of the
 * mask: the named op `dropout` (divelab/lib/models/nn.ts) computes tf.mul(x, m) from it where this
 * kernel does not run, so every backend gets the same mask and the same numbers bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { outputGradient } from './ownKernels';
import { dropoutMultipliers } from 'divelab/lib/util/random';
import { asWasmBackend, f32 } from './wasmInternals';

export const DROPOUT_KERNEL = 'DiveDropout';
export const DROPOUT_GRAD_KERNEL = 'DiveDropoutGrad';
export const DROPOUT_KERNELS = [DROPOUT_KERNEL, DROPOUT_GRAD_KERNEL] as const;

interface DropoutAttrs {
  rate: number;
  seed: number;
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
