/**
 * The RBF head of DeepDIVE's marginal path (lib/models/rbf.ts, docs/paper.md E3) as three wasm
 * kernels with gradients of their own, one call each per label instead of ≈ 170 kernels of
 * tensors of [B, K] (K = 4 on gaitndd), where tfjs's cost per kernel, not arithmetic, set the
 * step time (docs/performance.md §10):
 *
 * - `DiveRbfLogits` b [B], centres [K], logWidths [K] or [1], logPrior [K] → logits [B, K]
 *     line:   log π_k − (b − c_k)² / (2σ_k²) − log σ_k − ½ log 2π
 *     circle: log π_k + κ_k cos(b − c_k) − log 2π − log I₀(κ_k),   κ_k = 1/σ_k²
 *   gradient `DiveRbfLogitsGrad` dy [B, K] → [∂b [B], ∂centres [K], ∂logWidths]
 * - `DiveRbfCrossEntropy` logits [B, K], labels [B] → mean_b −log softmax(logits_b)[y_b]
 *   gradient `DiveRbfCrossEntropyGrad`: (dy/B)·(softmax(logits) − onehot(y)) (0 on a row whose
 *   label is outside 0..K−1)
 * - `DiveRbfComponentKl` mu, logvar, labels [B], centres, logWidths → mean_b KL(q(b|x) ‖ p_y)
 *     line:   ½ [log σ_y² − log σ² + (σ² + (μ − c_y)²)/σ_y² − 1]
 *     circle: −½ log(2πe σ²) − κ_y e^{−σ²/2} cos(μ − c_y) + log 2π + log I₀(κ_y)
 *   gradient `DiveRbfComponentKlGrad` → [∂mu, ∂logvar, ∂centres, ∂logWidths]
 *
 * Each implements a named op of divelab (rbfLogits and rbfMeanComponentKl, divelab/lib/models/rbf.ts;
 * rbfCrossEntropy, divelab/lib/objectives/rbfCrossEntropy.ts) by the formula of its plain tfjs
 * definition (which runs on backends without these kernels): the same log I₀ approximation (A&S 9.8.1/9.8.2) and
 * its derivative, labels cast to int32 by truncation, a label outside 0..K−1 contributing what
 * tf.oneHot's all-zero row gives (CE 0; KL with c_y = 0, log σ_y = 0). Arithmetic is float64
 * with float32 results, so values equal the composition to float32 rounding (≈ 1e-6 relative),
 * not bit for bit; tests/kernels/rbfKernels.test.ts checks values and gradients against it.
 */
import * as tf from '@tensorflow/tfjs';
import { outputGradient } from './ownKernels';
import { LOG_2PI } from 'divelab/lib/util/math';
import { asWasmBackend, f32, type WasmBackendLike } from './wasmInternals';

export const RBF_LOGITS_KERNEL = 'DiveRbfLogits';
export const RBF_LOGITS_GRAD_KERNEL = 'DiveRbfLogitsGrad';
export const RBF_CE_KERNEL = 'DiveRbfCrossEntropy';
export const RBF_CE_GRAD_KERNEL = 'DiveRbfCrossEntropyGrad';
export const RBF_KL_KERNEL = 'DiveRbfComponentKl';
export const RBF_KL_GRAD_KERNEL = 'DiveRbfComponentKlGrad';

/** Every kernel name of this module (for registration and unregistration). */
export const RBF_KERNELS = [RBF_LOGITS_KERNEL, RBF_LOGITS_GRAD_KERNEL, RBF_CE_KERNEL, RBF_CE_GRAD_KERNEL, RBF_KL_KERNEL, RBF_KL_GRAD_KERNEL] as const;

export type RbfGeometryAttr = 'line' | 'circle';

const I0_SMALL = [0.0045813, 0.0360768, 0.2659732, 1.2067492, 3.0899424, 3.5156229, 1];
const I0_LARGE = [0.00392377, -0.01647633, 0.02635537, -0.02057706, 0.00916281, -0.00157565, 0.00225319, 0.01328592, 0.39894228];

/** Horner value and derivative of a polynomial with coefficients highest power first. */
function horner(c: readonly number[], x: number): [number, number] {
  let p = c[0];
  let dp = 0;
  for (let i = 1; i < c.length; i++) {
    dp = dp * x + p;
    p = p * x + c[i];
  }
  return [p, dp];
}

/**
 * [log I₀(κ), d log I₀ / dκ] of lib/models/rbf.ts's logBesselI0: A&S 9.8.1 in t² = (κ/3.75)² for
 * κ < 3.75, 9.8.2 in u = 3.75/κ from 3.75 on (tf.step(0) = 0 selects the large branch there).
 */
export function logBesselI0WithDerivative(kappa: number): [number, number] {
  if (3.75 - kappa > 0) {
    const t = kappa / 3.75;
    const [p, dp] = horner(I0_SMALL, t * t);
    return [Math.log(p), (dp * 2 * t) / 3.75 / p];
  }
  const u = 3.75 / kappa;
  const [p, dp] = horner(I0_LARGE, u);
  return [kappa - 0.5 * Math.log(kappa) + Math.log(p), 1 - 0.5 / kappa + (dp * (-3.75 / (kappa * kappa))) / p];
}

/** Labels as whole numbers (int32 as stored, float32 truncated as tf.cast does). */
function labelsOf(backend: WasmBackendLike, info: tf.TensorInfo): ArrayLike<number> {
  const v = backend.typedArrayFromHeap(info);
  if (v instanceof Int32Array) return v;
  if (v instanceof Float32Array) return Int32Array.from(v, (x) => Math.trunc(x));
  throw new Error(`RBF kernels: labels must be int32 or float32, got ${info.dtype}`);
}

/** Per-class width terms: log σ_k (with a shared width, the same for every k). */
function widthAt(logWidths: Float32Array, k: number): number {
  return logWidths.length === 1 ? logWidths[0] : logWidths[k];
}

function checkFloat(name: string, what: string, info: tf.TensorInfo, size?: number): void {
  if (info.dtype !== 'float32') throw new Error(`${name}: ${what} must be float32, got ${info.dtype}`);
  if (size !== undefined && tf.util.sizeFromShape(info.shape) !== size) throw new Error(`${name}: ${what} must have ${size} values, got shape [${info.shape.join(', ')}]`);
}

function geometryOf(attrs: unknown): RbfGeometryAttr {
  const g = (attrs as { geometry?: unknown } | undefined)?.geometry;
  if (g !== 'line' && g !== 'circle') throw new Error(`RBF kernels: attr geometry must be 'line' or 'circle', got '${String(g)}'`);
  return g;
}

/** DiveRbfLogits. */
export function makeRbfLogitsKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { b, centres, logWidths, logPrior } = args.inputs as Record<'b' | 'centres' | 'logWidths' | 'logPrior', tf.TensorInfo>;
    const geometry = geometryOf(args.attrs);
    const B = tf.util.sizeFromShape(b.shape);
    const K = tf.util.sizeFromShape(centres.shape);
    checkFloat(RBF_LOGITS_KERNEL, 'b', b);
    checkFloat(RBF_LOGITS_KERNEL, 'centres', centres);
    checkFloat(RBF_LOGITS_KERNEL, 'logPrior', logPrior, K);
    checkFloat(RBF_LOGITS_KERNEL, 'logWidths', logWidths);
    const W = tf.util.sizeFromShape(logWidths.shape);
    if (W !== 1 && W !== K) throw new Error(`${RBF_LOGITS_KERNEL}: logWidths must have 1 or ${K} values, got ${W}`);
    const out = backend.makeOutput([B, K], 'float32');
    const o = f32(backend, out);
    const bv = f32(backend, b);
    const c = f32(backend, centres);
    const w = f32(backend, logWidths);
    const lp = f32(backend, logPrior);
    // Per-class constants: the scale of the distance term and the additive offset.
    const scale = new Float64Array(K);
    const offset = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const lw = widthAt(w, k);
      const inv2var = 0.5 / Math.exp(2 * lw);
      if (geometry === 'circle') {
        scale[k] = 2 * inv2var;
        offset[k] = lp[k] - (LOG_2PI + logBesselI0WithDerivative(2 * inv2var)[0]);
      } else {
        scale[k] = inv2var;
        offset[k] = lp[k] - (lw + 0.5 * LOG_2PI);
      }
    }
    for (let i = 0; i < B; i++) {
      const x = bv[i];
      for (let k = 0; k < K; k++) {
        const d = x - c[k];
        o[i * K + k] = geometry === 'circle' ? scale[k] * Math.cos(d) + offset[k] : offset[k] - d * d * scale[k];
      }
    }
    return out;
  };
}

/** DiveRbfLogitsGrad: dy [B, K], b, centres, logWidths → [∂b, ∂centres, ∂logWidths]. */
export function makeRbfLogitsGradKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { dy, b, centres, logWidths } = args.inputs as Record<'dy' | 'b' | 'centres' | 'logWidths', tf.TensorInfo>;
    const geometry = geometryOf(args.attrs);
    const B = tf.util.sizeFromShape(b.shape);
    const K = tf.util.sizeFromShape(centres.shape);
    checkFloat(RBF_LOGITS_GRAD_KERNEL, 'dy', dy, B * K);
    const db = backend.makeOutput([...b.shape], 'float32');
    const dc = backend.makeOutput([...centres.shape], 'float32');
    const dw = backend.makeOutput([...logWidths.shape], 'float32');
    const g = f32(backend, dy);
    const bv = f32(backend, b);
    const c = f32(backend, centres);
    const w = f32(backend, logWidths);
    const dcAcc = new Float64Array(K);
    const dwAcc = new Float64Array(K);
    const scale = new Float64Array(K);
    const dLogI0 = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const inv2var = 0.5 / Math.exp(2 * widthAt(w, k));
      scale[k] = geometry === 'circle' ? 2 * inv2var : inv2var;
      if (geometry === 'circle') dLogI0[k] = logBesselI0WithDerivative(scale[k])[1];
    }
    const dbv = f32(backend, db);
    for (let i = 0; i < B; i++) {
      const x = bv[i];
      let acc = 0;
      for (let k = 0; k < K; k++) {
        const gk = g[i * K + k];
        const d = x - c[k];
        if (geometry === 'circle') {
          // logit = κ cos d − log I₀(κ) + const, κ = e^{−2 log σ}
          const s = scale[k] * Math.sin(d) * gk;
          acc -= s;
          dcAcc[k] += s;
          dwAcc[k] += gk * (Math.cos(d) - dLogI0[k]) * -2 * scale[k];
        } else {
          // logit = −d²·e^{−2 log σ}/2 − log σ + const
          const s = 2 * d * scale[k] * gk;
          acc -= s;
          dcAcc[k] += s;
          dwAcc[k] += gk * (2 * d * d * scale[k] - 1);
        }
      }
      dbv[i] = acc;
    }
    f32(backend, dc).set(dcAcc);
    const dwv = f32(backend, dw);
    if (dwv.length === 1) dwv[0] = dwAcc.reduce((a, v) => a + v, 0);
    else dwv.set(dwAcc);
    return [db, dc, dw];
  };
}

/** DiveRbfCrossEntropy: logits [B, K], labels [B] → scalar mean −log softmax[y] (a label outside 0..K−1 adds 0). */
export function makeRbfCrossEntropyKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { logits, labels } = args.inputs as Record<'logits' | 'labels', tf.TensorInfo>;
    checkFloat(RBF_CE_KERNEL, 'logits', logits);
    if (logits.shape.length !== 2) throw new Error(`${RBF_CE_KERNEL}: logits must be [B, K], got [${logits.shape.join(', ')}]`);
    const [B, K] = logits.shape;
    if (tf.util.sizeFromShape(labels.shape) !== B) throw new Error(`${RBF_CE_KERNEL}: ${B} rows of logits but ${tf.util.sizeFromShape(labels.shape)} labels`);
    const out = backend.makeOutput([], 'float32');
    const l = f32(backend, logits);
    const y = labelsOf(backend, labels);
    let sum = 0;
    for (let i = 0; i < B; i++) {
      const yi = y[i];
      if (yi < 0 || yi >= K) continue;
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, l[i * K + k]);
      let z = 0;
      for (let k = 0; k < K; k++) z += Math.exp(l[i * K + k] - max);
      sum -= l[i * K + yi] - max - Math.log(z);
    }
    f32(backend, out)[0] = sum / B;
    return out;
  };
}

/** DiveRbfCrossEntropyGrad: dy scalar, logits, labels → ∂logits = (dy/B)(softmax − onehot). */
export function makeRbfCrossEntropyGradKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { dy, logits, labels } = args.inputs as Record<'dy' | 'logits' | 'labels', tf.TensorInfo>;
    checkFloat(RBF_CE_GRAD_KERNEL, 'dy', dy, 1);
    const [B, K] = logits.shape;
    const out = backend.makeOutput([B, K], 'float32');
    const o = f32(backend, out);
    const l = f32(backend, logits);
    const y = labelsOf(backend, labels);
    const s = f32(backend, dy)[0] / B;
    const e = new Float64Array(K);
    for (let i = 0; i < B; i++) {
      if (y[i] < 0 || y[i] >= K) {
        // An all-zero one-hot row: the row adds nothing to the loss, nor to the gradient.
        for (let k = 0; k < K; k++) o[i * K + k] = 0;
        continue;
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, l[i * K + k]);
      let z = 0;
      for (let k = 0; k < K; k++) z += e[k] = Math.exp(l[i * K + k] - max);
      for (let k = 0; k < K; k++) o[i * K + k] = s * (e[k] / z - (k === y[i] ? 1 : 0));
    }
    return out;
  };
}

/** The labelled class's centre and log width, or the (0, 0) an all-zero one-hot row picks. */
function picked(y: number, K: number, c: Float32Array, w: Float32Array): [number, number, boolean] {
  if (y < 0 || y >= K) return [0, 0, false];
  return [c[y], widthAt(w, y), true];
}

/** DiveRbfComponentKl: mu, logvar, labels [B], centres, logWidths → scalar mean KL(q(b|x) ‖ p_y). */
export function makeRbfComponentKlKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { mu, logvar, labels, centres, logWidths } = args.inputs as Record<'mu' | 'logvar' | 'labels' | 'centres' | 'logWidths', tf.TensorInfo>;
    const geometry = geometryOf(args.attrs);
    const B = tf.util.sizeFromShape(mu.shape);
    const K = tf.util.sizeFromShape(centres.shape);
    checkFloat(RBF_KL_KERNEL, 'mu', mu);
    checkFloat(RBF_KL_KERNEL, 'logvar', logvar, B);
    if (tf.util.sizeFromShape(labels.shape) !== B) throw new Error(`${RBF_KL_KERNEL}: ${B} values of mu but ${tf.util.sizeFromShape(labels.shape)} labels`);
    const out = backend.makeOutput([], 'float32');
    const m = f32(backend, mu);
    const lv = f32(backend, logvar);
    const c = f32(backend, centres);
    const w = f32(backend, logWidths);
    const y = labelsOf(backend, labels);
    let sum = 0;
    for (let i = 0; i < B; i++) {
      const [cy, ly] = picked(y[i], K, c, w);
      const varQ = Math.exp(lv[i]);
      const d = m[i] - cy;
      if (geometry === 'circle') {
        const kappa = Math.exp(-2 * ly);
        sum += -0.5 * (lv[i] + LOG_2PI + 1) - kappa * Math.exp(-0.5 * varQ) * Math.cos(d) + LOG_2PI + logBesselI0WithDerivative(kappa)[0];
      } else {
        const logVarY = 2 * ly;
        sum += 0.5 * (logVarY - lv[i] + (varQ + d * d) / Math.exp(logVarY) - 1);
      }
    }
    f32(backend, out)[0] = sum / B;
    return out;
  };
}

/** DiveRbfComponentKlGrad: dy scalar, mu, logvar, labels, centres, logWidths → [∂mu, ∂logvar, ∂centres, ∂logWidths]. */
export function makeRbfComponentKlGradKernel(): tf.KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const { dy, mu, logvar, labels, centres, logWidths } = args.inputs as Record<'dy' | 'mu' | 'logvar' | 'labels' | 'centres' | 'logWidths', tf.TensorInfo>;
    const geometry = geometryOf(args.attrs);
    checkFloat(RBF_KL_GRAD_KERNEL, 'dy', dy, 1);
    const B = tf.util.sizeFromShape(mu.shape);
    const K = tf.util.sizeFromShape(centres.shape);
    const dmu = backend.makeOutput([...mu.shape], 'float32');
    const dlv = backend.makeOutput([...logvar.shape], 'float32');
    const dc = backend.makeOutput([...centres.shape], 'float32');
    const dw = backend.makeOutput([...logWidths.shape], 'float32');
    const m = f32(backend, mu);
    const lv = f32(backend, logvar);
    const c = f32(backend, centres);
    const w = f32(backend, logWidths);
    const y = labelsOf(backend, labels);
    const s = f32(backend, dy)[0] / B;
    const dmuv = f32(backend, dmu);
    const dlvv = f32(backend, dlv);
    const dcAcc = new Float64Array(K);
    const dwAcc = new Float64Array(w.length);
    for (let i = 0; i < B; i++) {
      const [cy, ly, inRange] = picked(y[i], K, c, w);
      const varQ = Math.exp(lv[i]);
      const d = m[i] - cy;
      let gMu: number;
      let gW: number;
      if (geometry === 'circle') {
        const kappa = Math.exp(-2 * ly);
        const damp = Math.exp(-0.5 * varQ);
        gMu = kappa * damp * Math.sin(d);
        dlvv[i] = s * (-0.5 + 0.5 * kappa * varQ * damp * Math.cos(d));
        gW = (-damp * Math.cos(d) + logBesselI0WithDerivative(kappa)[1]) * -2 * kappa;
      } else {
        const varY = Math.exp(2 * ly);
        gMu = d / varY;
        dlvv[i] = s * 0.5 * (varQ / varY - 1);
        gW = 1 - (varQ + d * d) / varY;
      }
      dmuv[i] = s * gMu;
      if (inRange) {
        const yi = y[i];
        dcAcc[yi] -= s * gMu;
        dwAcc[w.length === 1 ? 0 : yi] += s * gW;
      }
    }
    f32(backend, dc).set(dcAcc);
    f32(backend, dw).set(dwAcc);
    return [dmu, dlv, dc, dw];
  };
}

let installed = false;

/**
 * Register the three kernels' gradients (global registry; used only where the kernels run;
 * `registerFastWasmKernels` calls it with the kernels' registration).
 * Each gradient function runs one kernel for every input at once; tfjs then asks only for the
 * inputs on the path to the variables, and the other outputs are disposed by the gradient
 * computation's tidy. Idempotent.
 */
export function installRbfGradients(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: RBF_LOGITS_KERNEL,
    inputsToSave: ['b', 'centres', 'logWidths'],
    gradFunc: (dy, saved, attrs) => {
      const [b, centres, logWidths] = saved;
      const [db, dc, dw] = tf.engine().runKernel(RBF_LOGITS_GRAD_KERNEL, { dy: outputGradient(dy), b, centres, logWidths }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      return { b: () => db, centres: () => dc, logWidths: () => dw, logPrior: () => tf.zerosLike(centres) };
    },
  });
  tf.registerGradient({
    kernelName: RBF_CE_KERNEL,
    inputsToSave: ['logits', 'labels'],
    gradFunc: (dy, saved) => {
      const [logits, labels] = saved;
      return {
        logits: () => tf.engine().runKernel(RBF_CE_GRAD_KERNEL, { dy: outputGradient(dy), logits, labels }, {}) as tf.Tensor,
        labels: () => tf.zerosLike(labels),
      };
    },
  });
  tf.registerGradient({
    kernelName: RBF_KL_KERNEL,
    inputsToSave: ['mu', 'logvar', 'labels', 'centres', 'logWidths'],
    gradFunc: (dy, saved, attrs) => {
      const [mu, logvar, labels, centres, logWidths] = saved;
      const [dmu, dlv, dc, dw] = tf.engine().runKernel(RBF_KL_GRAD_KERNEL, { dy: outputGradient(dy), mu, logvar, labels, centres, logWidths }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      return { mu: () => dmu, logvar: () => dlv, labels: () => tf.zerosLike(labels), centres: () => dc, logWidths: () => dw };
    },
  });
}

/** The kernel configs for the wasm backend. */
export function rbfKernelConfigs(backendName: string): tf.KernelConfig[] {
  return [
    { kernelName: RBF_LOGITS_KERNEL, backendName, kernelFunc: makeRbfLogitsKernel() },
    { kernelName: RBF_LOGITS_GRAD_KERNEL, backendName, kernelFunc: makeRbfLogitsGradKernel() },
    { kernelName: RBF_CE_KERNEL, backendName, kernelFunc: makeRbfCrossEntropyKernel() },
    { kernelName: RBF_CE_GRAD_KERNEL, backendName, kernelFunc: makeRbfCrossEntropyGradKernel() },
    { kernelName: RBF_KL_KERNEL, backendName, kernelFunc: makeRbfComponentKlKernel() },
    { kernelName: RBF_KL_GRAD_KERNEL, backendName, kernelFunc: makeRbfComponentKlGradKernel() },
  ];
}
