import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { adamUpdate } from '../../lib/train/adam';
import { adamCoefficients, adamScalar, type AdamHyper } from '../../lib/math/adamRule';
import { adamChunk } from '../../packages/speedlab/src/parallel/sharedAdam';

const N = 257;
const rnd = (seed: number): Float32Array => {
  let u = seed;
  return Float32Array.from({ length: N }, () => ((u = (u * 16807) % 2147483647) / 2147483647) * 2 - 1);
};
const p = rnd(1), g = rnd(2), m = rnd(3).map((x) => 0.1 * x), v = rnd(4).map((x) => 0.01 * x * x);
const hyper: AdamHyper = { scale: 0.7, beta1: 0.9, beta2: 0.999, t: 3, epsilon: 1e-8, lr: 1e-2, weightDecay: 0.1 };
const want = Array.from({ length: N }, (_, i) => adamScalar(p[i], g[i], m[i], v[i], adamCoefficients(hyper)));

function close(got: ArrayLike<number>, k: 0 | 1 | 2): void {
  for (let i = 0; i < N; i++) expect(Math.abs(got[i] - want[i][k])).toBeLessThan(1e-6 * Math.max(1, Math.abs(want[i][k])));
}

describe('one Adam rule, three implementations (lib/math/adamRule.ts)', () => {
  let backend = '';
  beforeAll(async () => {
    backend = (await initBackend()).active;
  });
  afterAll(async () => {
    await tf.setBackend(backend);
  });

  it('the fused wasm kernel and the tf-op path agree with adamScalar', async () => {
    for (const b of [backend, 'cpu']) {
      await tf.setBackend(b);
      const out = tf.tidy(() => adamUpdate(tf.tensor(p), tf.tensor(g), tf.tensor(m), tf.tensor(v), hyper).map((t) => t.dataSync()));
      out.forEach((o, k) => close(o, k as 0 | 1 | 2));
    }
  });

  it('the shared-memory loop of the data-parallel trainer agrees with adamScalar', () => {
    const theta = Float32Array.from(p), mm = Float32Array.from(m), vv = Float32Array.from(v);
    adamChunk({ lr: hyper.lr, beta1: hyper.beta1, beta2: hyper.beta2, epsilon: hyper.epsilon, weightDecay: hyper.weightDecay }, [{ gradOffset: 0, masterOffset: 0, size: N, variable: 0, decay: true }], 0, N, Float32Array.from(g), hyper.scale, theta, mm, vv, Int32Array.from([hyper.t]));
    close(theta, 0);
    close(mm, 1);
    close(vv, 2);
  });
});
