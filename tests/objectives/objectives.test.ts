import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import {
  forecastLoss, reconstructionLoss, klStandardNormal, naiveBayesMarginalKl, rbfCrossEntropy, sumRbfCrossEntropy, tcDecomposition, gaussianLogDensity,
} from '../../lib/objectives';

beforeAll(async () => {
  await initBackend();
});

const val = (t: tf.Tensor): number => t.dataSync()[0];

describe('objectives', () => {
  it('forecast and reconstruction losses are the element mean of squared errors', () => {
    const before = tf.memory().numTensors;
    const y = tf.tensor3d([1, 2, 3, 4], [1, 2, 2]);
    const yHat = tf.tensor3d([0, 2, 5, 4], [1, 2, 2]);
    const f = forecastLoss(y, yHat);
    const r = reconstructionLoss(y, yHat);
    expect(val(f)).toBeCloseTo((1 + 0 + 4 + 0) / 4, 6);
    expect(val(r)).toBeCloseTo(1.25, 6);
    tf.dispose([y, yHat, f, r]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('KL(q(a|x) ‖ N(0,I)) matches the closed form by hand', () => {
    tf.tidy(() => {
      const mu = tf.tensor2d([[1, 0], [0, 2]]);
      const lv = tf.tensor2d([[0, Math.log(2)], [Math.log(0.5), 0]]);
      // row 0: ½(1+1−1−0) + ½(0+2−1−ln2); row 1: ½(0+0.5−1−ln0.5) + ½(4+1−1−0)
      const r0 = 0.5 * 1 + 0.5 * (1 - Math.log(2));
      const r1 = 0.5 * (-0.5 - Math.log(0.5)) + 0.5 * 4;
      expect(val(klStandardNormal(mu, lv))).toBeCloseTo((r0 + r1) / 2, 5);
    });
  });

  it('Naive-Bayes split: per-label KLs against a factorised Gaussian prior, summing to the joint KL', () => {
    tf.tidy(() => {
      const mu = tf.tensor2d([[0.5, -1], [1.5, 0]]);
      const lv = tf.tensor2d([[0, Math.log(0.25)], [Math.log(4), 0]]);
      const pm = tf.tensor1d([1, 0]);
      const plv = tf.tensor1d([Math.log(2), 0]);
      const kl = (m: number, v: number, pmv: number, pv: number): number => 0.5 * (Math.log(pv / v) + (v + (m - pmv) ** 2) / pv - 1);
      const per = naiveBayesMarginalKl(mu, lv, pm, plv).arraySync();
      expect(per[0]).toBeCloseTo((kl(0.5, 1, 1, 2) + kl(1.5, 4, 1, 2)) / 2, 5);
      expect(per[1]).toBeCloseTo((kl(-1, 0.25, 0, 1) + kl(0, 1, 0, 1)) / 2, 5);
      // With a standard-normal prior the split sums to the joint KL of E1.
      const std = naiveBayesMarginalKl(mu, lv, tf.zeros([2]) as tf.Tensor1D, tf.zeros([2]) as tf.Tensor1D);
      expect(val(tf.sum(std))).toBeCloseTo(val(klStandardNormal(mu, lv)), 5);
    });
  });

  it('RBF cross-entropy is −log of the softmax membership of the true class', () => {
    tf.tidy(() => {
      const logits = tf.tensor2d([[2, 0, -1], [0.1, 0.2, 0.3]]);
      const labels = tf.tensor1d([0, 2], 'int32');
      const r = tf.softmax(logits).arraySync();
      const expected = -(Math.log(r[0][0]) + Math.log(r[1][2])) / 2;
      expect(val(rbfCrossEntropy(logits, labels))).toBeCloseTo(expected, 5);
      expect(val(sumRbfCrossEntropy([logits, logits], [labels, labels]))).toBeCloseTo(2 * expected, 5);
    });
  });

  it('β-TCVAE MWS terms: MI + TC + dwKL telescopes to E[log q(z|x) − log p(z)], each term by hand', () => {
    tf.tidy(() => {
      const z = tf.tensor2d([[0.3, -0.2], [1.0, 0.5], [-0.7, 0.1]]);
      const mu = tf.tensor2d([[0.2, -0.1], [0.9, 0.4], [-0.5, 0.0]]);
      const lv = tf.tensor2d([[-1, -0.5], [-0.2, -1.5], [0.1, -0.3]]);
      const N = 10;
      const { mi, tc, dwkl } = tcDecomposition(z, mu, lv, N);
      const zs = z.arraySync(), ms = mu.arraySync(), ls = lv.arraySync();
      const logN = (x: number, m: number, l: number): number => -0.5 * (Math.log(2 * Math.PI) + l + (x - m) ** 2 / Math.exp(l));
      const lse = (a: number[]): number => { const m = Math.max(...a); return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0)); };
      const B = 3, D = 2, lnb = Math.log(N * B);
      let eMi = 0, eTc = 0, eDw = 0, eTot = 0;
      for (let i = 0; i < B; i++) {
        let qzx = 0, pz = 0, prod = 0;
        const joint: number[] = [];
        for (let d = 0; d < D; d++) { qzx += logN(zs[i][d], ms[i][d], ls[i][d]); pz += logN(zs[i][d], 0, 0); }
        for (let j = 0; j < B; j++) { let s = 0; for (let d = 0; d < D; d++) s += logN(zs[i][d], ms[j][d], ls[j][d]); joint.push(s); }
        for (let d = 0; d < D; d++) prod += lse([0, 1, 2].map((j) => logN(zs[i][d], ms[j][d], ls[j][d]))) - lnb;
        const qz = lse(joint) - lnb;
        eMi += (qzx - qz) / B; eTc += (qz - prod) / B; eDw += (prod - pz) / B; eTot += (qzx - pz) / B;
      }
      expect(val(mi)).toBeCloseTo(eMi, 4);
      expect(val(tc)).toBeCloseTo(eTc, 4);
      expect(val(dwkl)).toBeCloseTo(eDw, 4);
      expect(val(mi) + val(tc) + val(dwkl)).toBeCloseTo(eTot, 4);
      expect(val(tf.sum(gaussianLogDensity(tf.scalar(0), tf.scalar(0), tf.scalar(0))))).toBeCloseTo(-0.5 * Math.log(2 * Math.PI), 6);
    });
  });

  it('objective functions leak no tensors', () => {
    const before = tf.memory().numTensors;
    const z = tf.randomNormal([4, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const zero = tf.zerosLike(z);
    const out = tcDecomposition(z, z, zero, 100);
    const kl = klStandardNormal(z, zero);
    tf.dispose([z, zero, out.mi, out.tc, out.dwkl, kl]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
