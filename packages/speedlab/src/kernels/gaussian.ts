/**
 * The Gaussian codes' small element-wise pieces as wasm kernels with gradients of their own: the
 * clip of log σ², the reparameterisation and the KL to N(0, I) (docs/paper.md E1). Each was 4–8
 * kernels forward and as many again backward on [B, D] tensors of 64 × 16 or smaller, where
 * tfjs's cost per kernel, not arithmetic, sets the time (docs/performance.md §10):
 *
 * - `DiveClip` x → min(max(x, lo), hi) (attrs lo, hi), and `DiveClipColumns` x, hi [D] with one
 *   upper bound per column of the last axis (NaN handled as tfjs's ClipByValue and Maximum/Minimum
 *   do: to lo, and kept); gradient `DiveClipGrad`: dy where lo ≤ x ≤ hi (inclusive, as tfjs's
 *   ClipByValue, Maximum and Minimum gradients), else 0.
 * - `DiveReparameterise` mu, logvar, eps → z = μ + exp(½ log σ²)·ε; gradient `DiveReparameteriseGrad`
 *   → [∂μ = dz, ∂log σ² = ½·dz·exp(½ log σ²)·ε].
 * - `DiveStandardNormalKl` mu, logvar [B, D] → ½ Σ_d (μ² + σ² − 1 − log σ²) averaged over B;
 *   gradient `DiveStandardNormalKlGrad` → [(g/B)·μ, (g/B)·½(σ² − 1)].
 *
 * They implement divelab's named ops clipLogvar, reparameterise (divelab/lib/models/nn.ts) and
 * klStandardNormal (divelab/lib/objectives/kl.ts), whose plain tfjs definitions run elsewhere (../ops.ts). Arithmetic is float64 with float32 results (the clip is exact),
 * so values equal the definitions to float32 rounding; tests/kernels/gaussianKernels.test.ts
 * checks values and gradients against them.
 */
import * as tf from '@tensorflow/tfjs';
import { outputGradient } from './ownKernels';
import { asWasmBackend, f32 } from './wasmInternals';

export const CLIP_KERNEL = 'DiveClip';
/** DiveClip with an `hi` input (one upper bound per column); its own name so its gradient saves hi. */
export const CLIP_COLUMNS_KERNEL = 'DiveClipColumns';
export const CLIP_GRAD_KERNEL = 'DiveClipGrad';
export const REPARAM_KERNEL = 'DiveReparameterise';
export const REPARAM_GRAD_KERNEL = 'DiveReparameteriseGrad';
export const STD_KL_KERNEL = 'DiveStandardNormalKl';
export const STD_KL_GRAD_KERNEL = 'DiveStandardNormalKlGrad';

/** Every kernel name of this module. */
export const GAUSSIAN_KERNELS = [CLIP_KERNEL, CLIP_COLUMNS_KERNEL, CLIP_GRAD_KERNEL, REPARAM_KERNEL, REPARAM_GRAD_KERNEL, STD_KL_KERNEL, STD_KL_GRAD_KERNEL] as const;

interface ClipAttrs {
  lo: number;
  hi: number;
}

function sizeOf(t: tf.TensorInfo): number {
  return tf.util.sizeFromShape(t.shape);
}

function checkSame(name: string, a: tf.TensorInfo, b: tf.TensorInfo, what: string): void {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !tf.util.arraysEqual(a.shape, b.shape)) {
    throw new Error(`${name}: ${what} must be float32 tensors of one shape, got ${a.dtype}[${a.shape.join(', ')}] and ${b.dtype}[${b.shape.join(', ')}]`);
  }
}

/** The upper bound of element i: the column's entry of `hi` when given, else attr hi. */
function upperBounds(backend: ReturnType<typeof asWasmBackend>, x: tf.TensorInfo, hi: tf.TensorInfo | undefined, attrHi: number): (i: number) => number {
  if (!hi) return () => attrHi;
  const D = x.shape[x.shape.length - 1] ?? 1;
  if (hi.dtype !== 'float32' || sizeOf(hi) !== D) throw new Error(`${CLIP_KERNEL}: hi must be float32 with one bound per column (${D}), got ${hi.dtype}[${hi.shape.join(', ')}]`);
  const h = f32(backend, hi).slice();
  return (i) => h[i % D];
}

/**
 * DiveClip / DiveClipColumns: min(max(x, lo), hi). A NaN becomes lo with scalar bounds (as
 * tfjs-backend-wasm's ClipByValue, whose std::max(lo, NaN) is lo) and stays NaN with per-column
 * bounds (as its Maximum and Minimum).
 */
export function makeClipKernel(nanToLo: boolean): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { x, hi } = args.inputs as { x: tf.TensorInfo; hi?: tf.TensorInfo };
    const { lo, hi: attrHi } = args.attrs as unknown as ClipAttrs;
    if (x.dtype !== 'float32') throw new Error(`${CLIP_KERNEL}: x must be float32, got ${x.dtype}`);
    const upper = upperBounds(backend, x, hi, attrHi);
    const out = backend.makeOutput([...x.shape], 'float32');
    const o = f32(backend, out);
    const v = f32(backend, x);
    for (let i = 0; i < v.length; i++) {
      const m = v[i] >= lo || (!nanToLo && Number.isNaN(v[i])) ? v[i] : lo;
      const u = upper(i);
      o[i] = m <= u || Number.isNaN(m) ? m : u;
    }
    return out;
  };
}

/** DiveClipGrad: dy where lo ≤ x ≤ hi, else 0. */
export function makeClipGradKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { dy, x, hi } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; hi?: tf.TensorInfo };
    const { lo, hi: attrHi } = args.attrs as unknown as ClipAttrs;
    checkSame(CLIP_GRAD_KERNEL, dy, x, 'dy and x');
    const upper = upperBounds(backend, x, hi, attrHi);
    const out = backend.makeOutput([...x.shape], 'float32');
    const o = f32(backend, out);
    const g = f32(backend, dy);
    const v = f32(backend, x);
    if (!hi) {
      // As ClipByValue's gradient, where(lo ≤ x ≤ hi, dy, 0): +0 outside.
      for (let i = 0; i < v.length; i++) o[i] = v[i] >= lo && v[i] <= attrHi ? g[i] : 0;
    } else {
      // As Minimum's then Maximum's gradients, dy·[max(x, lo) ≤ hi]·[x ≥ lo]: a signed 0 outside.
      for (let i = 0; i < v.length; i++) o[i] = g[i] * (Math.max(v[i], lo) <= upper(i) ? 1 : 0) * (v[i] >= lo ? 1 : 0);
    }
    return out;
  };
}

/** DiveReparameterise: μ + exp(½ log σ²)·ε. */
export function makeReparameteriseKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { mu, logvar, eps } = args.inputs as Record<'mu' | 'logvar' | 'eps', tf.TensorInfo>;
    checkSame(REPARAM_KERNEL, mu, logvar, 'mu and logvar');
    checkSame(REPARAM_KERNEL, mu, eps, 'mu and eps');
    const out = backend.makeOutput([...mu.shape], 'float32');
    const o = f32(backend, out);
    const m = f32(backend, mu);
    const l = f32(backend, logvar);
    const e = f32(backend, eps);
    for (let i = 0; i < m.length; i++) o[i] = m[i] + Math.exp(0.5 * l[i]) * e[i];
    return out;
  };
}

/** DiveReparameteriseGrad: dz, logvar, eps → [∂μ, ∂log σ²]. */
export function makeReparameteriseGradKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { dy, logvar, eps } = args.inputs as Record<'dy' | 'logvar' | 'eps', tf.TensorInfo>;
    checkSame(REPARAM_GRAD_KERNEL, dy, logvar, 'dy and logvar');
    const dmu = backend.makeOutput([...dy.shape], 'float32');
    const dlv = backend.makeOutput([...dy.shape], 'float32');
    const g = f32(backend, dy);
    const l = f32(backend, logvar);
    const e = f32(backend, eps);
    const a = f32(backend, dmu);
    const b = f32(backend, dlv);
    for (let i = 0; i < g.length; i++) {
      a[i] = g[i];
      b[i] = 0.5 * g[i] * Math.exp(0.5 * l[i]) * e[i];
    }
    return [dmu, dlv];
  };
}

/** Rows B (the leading axis; 1 for a scalar) of a [B, …] tensor. */
function rowsOf(t: tf.TensorInfo): number {
  return t.shape.length === 0 ? 1 : t.shape[0];
}

/** DiveStandardNormalKl: mean over rows of ½ Σ (μ² + σ² − 1 − log σ²). */
export function makeStandardNormalKlKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { mu, logvar } = args.inputs as Record<'mu' | 'logvar', tf.TensorInfo>;
    checkSame(STD_KL_KERNEL, mu, logvar, 'mu and logvar');
    const out = backend.makeOutput([], 'float32');
    const m = f32(backend, mu);
    const l = f32(backend, logvar);
    let sum = 0;
    for (let i = 0; i < m.length; i++) sum += 0.5 * (m[i] * m[i] + Math.exp(l[i]) - 1 - l[i]);
    f32(backend, out)[0] = m.length === 0 ? NaN : sum / rowsOf(mu);
    return out;
  };
}

/** DiveStandardNormalKlGrad: scalar dy, mu, logvar → [(dy/B)·μ, (dy/B)·½(σ² − 1)]. */
export function makeStandardNormalKlGradKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { dy, mu, logvar } = args.inputs as Record<'dy' | 'mu' | 'logvar', tf.TensorInfo>;
    const dmu = backend.makeOutput([...mu.shape], 'float32');
    const dlv = backend.makeOutput([...mu.shape], 'float32');
    const s = f32(backend, dy)[0] / rowsOf(mu);
    const m = f32(backend, mu);
    const l = f32(backend, logvar);
    const a = f32(backend, dmu);
    const b = f32(backend, dlv);
    for (let i = 0; i < m.length; i++) {
      a[i] = s * m[i];
      b[i] = s * 0.5 * (Math.exp(l[i]) - 1);
    }
    return [dmu, dlv];
  };
}

let installed = false;

/**
 * Register the kernels' gradients (global registry; used only where the kernels run;
 * `registerFastWasmKernels` calls it with the kernels' registration). Idempotent.
 */
export function installGaussianGradients(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: CLIP_KERNEL,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      return { x: () => tf.engine().runKernel(CLIP_GRAD_KERNEL, { dy: outputGradient(dy), x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor };
    },
  });
  tf.registerGradient({
    kernelName: CLIP_COLUMNS_KERNEL,
    inputsToSave: ['x', 'hi'],
    gradFunc: (dy, saved, attrs) => {
      const [x, hi] = saved;
      return { x: () => tf.engine().runKernel(CLIP_GRAD_KERNEL, { dy: outputGradient(dy), x, hi }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor, hi: () => tf.zerosLike(hi) };
    },
  });
  tf.registerGradient({
    kernelName: REPARAM_KERNEL,
    inputsToSave: ['logvar', 'eps'],
    gradFunc: (dy, saved) => {
      const [logvar, eps] = saved;
      const [dmu, dlv] = tf.engine().runKernel(REPARAM_GRAD_KERNEL, { dy: outputGradient(dy), logvar, eps }, {}) as tf.Tensor[];
      return { mu: () => dmu, logvar: () => dlv, eps: () => tf.zerosLike(eps) };
    },
  });
  tf.registerGradient({
    kernelName: STD_KL_KERNEL,
    inputsToSave: ['mu', 'logvar'],
    gradFunc: (dy, saved) => {
      const [mu, logvar] = saved;
      const [dmu, dlv] = tf.engine().runKernel(STD_KL_GRAD_KERNEL, { dy: outputGradient(dy), mu, logvar }, {}) as tf.Tensor[];
      return { mu: () => dmu, logvar: () => dlv };
    },
  });
}

/** The kernel configs for the wasm backend. */
export function gaussianKernelConfigs(backendName: string): tf.KernelConfig[] {
  return [
    { kernelName: CLIP_KERNEL, backendName, kernelFunc: makeClipKernel(true) },
    { kernelName: CLIP_COLUMNS_KERNEL, backendName, kernelFunc: makeClipKernel(false) },
    { kernelName: CLIP_GRAD_KERNEL, backendName, kernelFunc: makeClipGradKernel() },
    { kernelName: REPARAM_KERNEL, backendName, kernelFunc: makeReparameteriseKernel() },
    { kernelName: REPARAM_GRAD_KERNEL, backendName, kernelFunc: makeReparameteriseGradKernel() },
    { kernelName: STD_KL_KERNEL, backendName, kernelFunc: makeStandardNormalKlKernel() },
    { kernelName: STD_KL_GRAD_KERNEL, backendName, kernelFunc: makeStandardNormalKlGradKernel() },
  ];
}
