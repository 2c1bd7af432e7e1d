/**
 * The RBF head's wasm kernels (src/kernels/rbf.ts), the speed lab's implementations of divelab's
 * named ops rbfLogits, rbfMeanComponentKl (lib/models/rbf.ts) and rbfCrossEntropy
 * (lib/objectives/rbfCrossEntropy.ts), against the ops' plain tfjs definitions: values
 * and gradients for both geometries, per-class and shared widths, von Mises concentrations on
 * both sides of the log I₀ branch point (κ = 3.75), int32 and float32 labels and labels outside
 * 0..K−1; then a DeepDIVE training step's losses and gradients with the kernels against tfjs's
 * kernels and the plain definitions (DIVE_FAST_KERNELS=0), and no tensor left behind. The kernels compute in float64
 * with float32 results, so agreement is to float32 rounding, not bit for bit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import { registerFastWasmKernels, restoreWasmKernels } from '../../src/kernels';
import { opImplementedHere } from '../../../../lib/backend/ops';
import { logBesselI0WithDerivative, RBF_LOGITS_KERNEL } from '../../src/kernels/rbf';
import { logBesselI0, RbfLayer, rbfLogits, rbfMeanComponentKl, type RbfGeometry } from '../../../../lib/models/rbf';
import { ParamStore } from '../../../../lib/models/nn';
import { composedRbfCrossEntropy, rbfCrossEntropy } from '../../../../lib/objectives/rbfCrossEntropy';
import { createModel } from '../../../../lib/models';
import { modelPhases } from '../../../../lib/train/interleave';
import { makeRng } from '../../../../lib/util/random';
import { sineBatch, TINY_INFO } from '../../../../tests/models/helpers';

const rng = makeRng(2026);
const B = 37;

function vec(n: number, f: (i: number) => number): tf.Tensor1D {
  return tf.tensor1d(Float32Array.from({ length: n }, (_, i) => f(i)));
}

/** |a − b| ≤ tol·(1 + |b|) element by element, with a message naming the element. */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string, tol = 2e-5): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    expect(Number.isFinite(a[i]), `${what}[${i}] = ${a[i]}`).toBe(true);
    expect(Math.abs(a[i] - b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
  }
}

/** Value and gradients of f with respect to xs, as arrays. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): number[][] {
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((...a: tf.Tensor[]) => f(...a) as tf.Scalar)(xs);
    return [Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

/** A layer with K classes and log widths spread so that κ = 1/σ² falls on both sides of 3.75. */
function layerOf(geometry: RbfGeometry, sharedWidth: boolean, K = 4): RbfLayer {
  const layer = new RbfLayer(new ParamStore(5), 'rbf', `rbf-${geometry}-${sharedWidth}`, Array.from({ length: K }, (_, k) => 1 + k), { span: 3, sharedWidth, geometry });
  const W = sharedWidth ? 1 : K;
  layer.logWidths.assign(vec(W, (k) => (sharedWidth ? -0.4 : -1.2 + 0.5 * k)));
  layer.centres.assign(vec(K, (k) => layer.centres.dataSync()[k] + 0.1 * rng.normal()));
  return layer;
}

beforeAll(async () => {
  await initBackend('wasm');
  registerFastWasmKernels();
});
afterAll(() => {
  registerFastWasmKernels();
});

describe('log I₀ and its derivative (the kernels’ float64 copy of logBesselI0)', () => {
  it('equals the tf ops and the finite difference on both branches', () => {
    for (const kappa of [0.01, 0.5, 2, 3.7, 3.8, 10, 60]) {
      const [v, d] = logBesselI0WithDerivative(kappa);
      const tfV = tf.tidy(() => logBesselI0(tf.scalar(kappa)).dataSync()[0]);
      expectClose([v], [tfV], `log I0(${kappa})`, 1e-6);
      const h = 1e-6 * Math.max(1, kappa);
      const fd = (logBesselI0WithDerivative(kappa + h)[0] - logBesselI0WithDerivative(kappa - h)[0]) / (2 * h);
      expectClose([d], [fd], `d log I0 / dκ at ${kappa}`, 1e-6);
    }
  });
});

describe('RBF kernels equal the named ops’ definitions', () => {
  it('run on the wasm backend with the default kernels', () => {
    for (const op of [rbfLogits, rbfMeanComponentKl, rbfCrossEntropy]) expect(opImplementedHere(op), op.opName).toBe(true);
    expect(tf.getKernel(RBF_LOGITS_KERNEL, 'wasm')).toBeDefined();
  });

  for (const geometry of ['line', 'circle'] as const) {
    for (const shared of [false, true]) {
      it(`logits and their gradients (${geometry}, ${shared ? 'shared width' : 'one width per class'})`, () => {
        const layer = layerOf(geometry, shared);
        const b = vec(B, () => 2 * rng.normal());
        const weights = tf.tensor2d(Float32Array.from({ length: B * 4 }, () => rng.normal()), [B, 4]);
        const f = (use: 'kernel' | 'composed') => (x: tf.Tensor, c: tf.Tensor, w: tf.Tensor): tf.Tensor => {
          // Route the variables through xs so tf.valueAndGrads sees them.
          const l = use === 'kernel' ? layer.logits(x as tf.Tensor1D) : layer.composedLogits(x as tf.Tensor1D);
          return tf.sum(tf.mul(l, weights)).add(tf.mul(0, tf.add(tf.sum(c), tf.sum(w))));
        };
        const both = (use: 'kernel' | 'composed'): number[][] => {
          const plain = tf.tidy(() => Array.from((use === 'kernel' ? layer.logits(b) : layer.composedLogits(b)).dataSync()));
          const g = tf.tidy(() => {
            const { grads } = tf.variableGrads(() => tf.sum(tf.mul(use === 'kernel' ? layer.logits(b) : layer.composedLogits(b), weights)) as tf.Scalar, [layer.centres, layer.logWidths]);
            return [layer.centres, layer.logWidths].map((v) => Array.from(grads[v.name].dataSync()));
          });
          const gb = valueAndGrads(f(use), [b, layer.centres, layer.logWidths])[1];
          return [plain, gb, ...g];
        };
        const k = both('kernel');
        const c = both('composed');
        ['logits', '∂b', '∂centres', '∂logWidths'].forEach((name, i) => expectClose(k[i], c[i], name, 1e-4));
        weights.dispose();
        b.dispose();
        layer.dispose();
      });

      it(`mean component KL and its gradients (${geometry}, ${shared ? 'shared width' : 'one width per class'})`, () => {
        const layer = layerOf(geometry, shared);
        const mu = vec(B, () => 1.5 * rng.normal());
        const lv = vec(B, () => -3 + rng.uniform() * 2.5);
        // One label past K and one negative: tf.oneHot gives an all-zero row there.
        const labels = tf.tensor1d(Int32Array.from({ length: B }, (_, i) => (i === 3 ? 4 : i === 7 ? -1 : i % 4)), 'int32');
        const run = (use: 'kernel' | 'composed'): number[][] => {
          const f = (m: tf.Tensor, v: tf.Tensor): tf.Tensor =>
            use === 'kernel' ? layer.meanComponentKl(m as tf.Tensor1D, v as tf.Tensor1D, labels) : tf.mean(layer.componentKl(m as tf.Tensor1D, v as tf.Tensor1D, labels));
          const [value, dmu, dlv] = valueAndGrads(f, [mu, lv]);
          const vg = tf.tidy(() => {
            const { grads } = tf.variableGrads(() => f(mu, lv) as tf.Scalar, [layer.centres, layer.logWidths]);
            return [layer.centres, layer.logWidths].map((v) => Array.from(grads[v.name].dataSync()));
          });
          return [value, dmu, dlv, ...vg];
        };
        const k = run('kernel');
        const c = run('composed');
        ['KL', '∂mu', '∂logvar', '∂centres', '∂logWidths'].forEach((name, i) => expectClose(k[i], c[i], name, 1e-4));
        [mu, lv, labels].forEach((t) => t.dispose());
        layer.dispose();
      });
    }
  }

  for (const dtype of ['int32', 'float32'] as const) {
    it(`cross-entropy and its gradient (${dtype} labels, some outside 0..K−1)`, () => {
      const K = 5;
      const logits = tf.tensor2d(Float32Array.from({ length: B * K }, () => 4 * rng.normal()), [B, K]);
      const labels = tf.tensor1d(Float32Array.from({ length: B }, (_, i) => (i === 2 ? K : i === 5 ? -1 : i % K)), dtype);
      const k = valueAndGrads((l) => rbfCrossEntropy(l as tf.Tensor2D, labels), [logits]);
      const c = valueAndGrads((l) => composedRbfCrossEntropy(l as tf.Tensor2D, labels), [logits]);
      expectClose(k[0], c[0], 'CE', 1e-5);
      expectClose(k[1], c[1], '∂logits', 1e-5);
      logits.dispose();
      labels.dispose();
    });
  }

  it('rejects a wrong attr and mismatched labels with a message naming the kernel', () => {
    const layer = layerOf('line', false);
    const b = vec(3, (i) => i);
    expect(() => tf.engine().runKernel(RBF_LOGITS_KERNEL, { b, centres: layer.centres, logWidths: layer.logWidths, logPrior: layer.logPrior }, { geometry: 'plane' })).toThrow(/geometry must be 'line' or 'circle'/);
    const logits = tf.zeros([3, 4]) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 1], 'int32');
    expect(() => rbfCrossEntropy(logits, labels)).toThrow(/DiveRbfCrossEntropy: 3 rows of logits but 2 labels/);
    [b, logits, labels].forEach((t) => t.dispose());
    layer.dispose();
  });
});

describe('a DeepDIVE step with the RBF kernels', () => {
  /** Each phase's loss and gradients (by variable name) with the given kernel kind. */
  function phaseGradients(reference = false): Record<string, number[]> {
    if (reference) restoreWasmKernels();
    else registerFastWasmKernels();
    const info = { ...TINY_INFO, labels: [{ name: 'phase', classes: 3, cyclic: true }, { name: 'amp', classes: 2 }] };
    const model = createModel('deepdive', { seed: 3, dropout: 0 }, info);
    const batch = sineBatch(8, info);
    const out: Record<string, number[]> = {};
    const ph = modelPhases(model);
    for (const phase of [ph.M!, ph.C!]) {
      const named = model.params.all().filter((p) => phase.groups.includes(p.group));
      const params = named.map((p) => p.variable);
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const terms = model.losses(batch, { noiseSeed: 11 }, phase.terms);
          return tf.addN(Object.values(terms).filter((t): t is tf.Scalar => t !== undefined)) as tf.Scalar;
        }, params);
        out[`${phase.name}/loss`] = [value.dataSync()[0]];
        for (const p of named) out[`${phase.name}/${p.name}`] = Array.from(grads[p.variable.name].dataSync());
      });
    }
    batch.x.dispose();
    batch.y.dispose();
    batch.labels.forEach((l) => l.dispose());
    model.dispose();
    return out;
  }

  it('gives the losses and gradients of the definitions (DIVE_FAST_KERNELS=0) to float32 rounding, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const ref = phaseGradients(true);
    const fast = phaseGradients();
    expect(Object.keys(fast).sort()).toEqual(Object.keys(ref).sort());
    expect(Object.keys(fast).some((k) => k.includes('rbf'))).toBe(true);
    for (const k of Object.keys(ref)) expectClose(fast[k], ref[k], k, 1e-3);
    expect(tf.memory().numTensors).toBe(before);
  });
});
