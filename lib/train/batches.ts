/**
 * Bridges between the data contracts (lib/data/types.ts) and model tensors: the DataInfo a
 * model is built from, and WindowBatch → TensorBatch.
 */
import * as tf from '@tensorflow/tfjs';
import type { PreparedData, WindowBatch, WindowSet } from '../data/types';
import type { DataInfo, TensorBatch } from '../models/types';
import { defaultsFor, findDataset } from '../data/registry';

/** The data set's natural cycle in rows (registry `seasonSeconds` × sampling rate), if known. */
function seasonRows(data: PreparedData): number | undefined {
  const info = findDataset(data.dataset.name);
  if (!info) return undefined;
  const rows = Math.round(defaultsFor(info, data.dataset).seasonSeconds * data.dataset.sampleRateHz);
  return rows >= 1 ? rows : undefined;
}

/** Model geometry of prepared data (labels and π_k from the training split). */
export function dataInfoOf(data: PreparedData): DataInfo {
  const s = data.train.spec;
  return {
    inputLength: s.inputLength,
    targetLength: s.targetLength,
    horizon: s.horizon,
    channels: data.train.channels,
    labels: data.train.labels.map((l) => ({ name: l.name, classes: l.classes.length, ...(l.cyclic ? { cyclic: true } : {}) })),
    classFrequencies: data.classFrequencies.map((f) => Array.from(f)),
    trainCount: data.train.count,
    sampleRateHz: data.dataset.sampleRateHz,
    season: seasonRows(data),
  };
}

/** Tensors of a materialised batch (caller disposes with `disposeBatch`). */
export function toTensors(b: WindowBatch, set: Pick<WindowSet, 'spec' | 'channels'>): TensorBatch {
  const { inputLength: L, targetLength: T } = set.spec;
  const C = set.channels;
  return {
    x: tf.tensor3d(b.x, [b.size, L, C]),
    y: tf.tensor3d(b.y, [b.size, T, C]),
    labels: b.labels.map((l) => tf.tensor1d(l, 'int32')),
  };
}

export function disposeBatch(b: TensorBatch): void {
  b.x.dispose();
  b.y.dispose();
  b.labels.forEach((l) => l.dispose());
}

/** Indices [start, end) as an Int32Array (or the slice of a permutation). */
export function range(start: number, end: number): Int32Array {
  const r = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < r.length; i++) r[i] = start + i;
  return r;
}
