/** Tiny real batches for model tests: a few sine windows with labels, built as tensors. */
import * as tf from '@tensorflow/tfjs';
import type { DataInfo, TensorBatch } from '../../lib/models/types';

export const TINY_INFO: DataInfo = {
  inputLength: 12,
  targetLength: 3,
  horizon: 3,
  channels: 2,
  labels: [{ name: 'phase', classes: 3 }, { name: 'amp', classes: 2 }],
  classFrequencies: [[0.5, 0.3, 0.2], [0.6, 0.4]],
  trainCount: 100,
  sampleRateHz: 1 / 3600,
};

/** B windows of sin waves: x [B, 12, 2], y the next 3 rows; labels from phase/amplitude. */
export function sineBatch(B: number, info: DataInfo = TINY_INFO): TensorBatch {
  const L = info.inputLength, T = info.targetLength, C = info.channels;
  const x = new Float32Array(B * L * C);
  const y = new Float32Array(B * T * C);
  const l0 = new Int32Array(B);
  const l1 = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    l0[b] = b % 3;
    l1[b] = b % 2;
    const phase = (2 * Math.PI * l0[b]) / 3;
    const amp = 1 + l1[b];
    for (let t = 0; t < L + T; t++) {
      for (let c = 0; c < C; c++) {
        const v = amp * Math.sin(0.5 * t + phase + c);
        if (t < L) x[(b * L + t) * C + c] = v;
        else y[(b * T + t - L) * C + c] = v;
      }
    }
  }
  return {
    x: tf.tensor3d(x, [B, L, C]),
    y: tf.tensor3d(y, [B, T, C]),
    labels: [tf.tensor1d(l0, 'int32'), tf.tensor1d(l1, 'int32')].slice(0, info.labels.length),
  };
}

export function disposeTensorBatch(b: TensorBatch): void {
  tf.dispose([b.x, b.y, ...b.labels]);
}

export const SMALL = { trunk: { kind: 'mlp', hidden: 16, layers: 1 }, decoderHidden: 16, forecasterHidden: 16, highway: 4 };
