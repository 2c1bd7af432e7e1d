/**
 * The `model` replica (any lib/models model, trained by phases with lib/train's Adam) on
 * synthetic data: the exact gradient average for a deterministic model (linear), and
 * bit-identical DeepDIVE replicas across interleaved M and C steps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import { prepareData } from '../../../../lib/data/prepare';
import { createModel } from '../../../../lib/models/registry';
import { weightedSum, type DataInfo } from '../../../../lib/models/types';
import { dataInfoOf, range, toTensors } from '../../../../lib/train/batches';
import { modelPhases } from '../../../../lib/train/interleave';
import { DataParallelTrainer, modelInputs, type ModelReplicaConfig } from '../../src/parallel';
import type { WindowBatch } from '../../../../lib/data/types';

const ROWS = 7;
let info: DataInfo;
let batch: WindowBatch;
let spec: ReturnType<typeof prepareData>['train'];

function fill(t: DataParallelTrainer): void {
  const inputs: Record<string, ArrayLike<number>> = { x: batch.x, y: batch.y };
  batch.labels.forEach((l, i) => (inputs[`label${i}`] = l));
  t.setBatch(inputs, batch.size);
}

function bitEqual(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

beforeAll(async () => {
  await initBackend('wasm');
  const data = prepareData('synthetic', { seed: 2 });
  info = dataInfoOf(data);
  spec = data.train;
  batch = data.train.batch(range(0, ROWS));
});

describe('model replica: linear (deterministic loss)', () => {
  let t: DataParallelTrainer;
  const config = (): ModelReplicaConfig => ({ model: 'linear', modelConfig: {}, dataInfo: info, phases: ['joint'], clipNorm: 5 });
  beforeAll(async () => {
    t = await DataParallelTrainer.create({ replica: { kind: 'model', config: config(), seed: 4 }, inputs: modelInputs(info), maxRows: ROWS, workers: 2 });
    fill(t);
  });
  afterAll(async () => t?.close());

  it('averages shard gradients (4 + 3 windows) to the single-process full-batch gradient', () => {
    const par = t.gradient(ROWS, 0);
    const model = createModel('linear', { seed: 4 }, info);
    const phase = modelPhases(model).joint;
    const tb = toTensors(batch, spec);
    const vars = model.params.variables(phase.groups);
    const { value, grads } = tf.variableGrads(() => weightedSum(model.losses(tb, { noiseSeed: 1 }, phase.terms), model.objective.weights, phase.terms), vars);
    expect(Math.abs(par.loss - value.dataSync()[0])).toBeLessThan(2e-5 * Math.max(1, Math.abs(par.loss)));
    vars.forEach((v, i) => {
      const ref = grads[v.name].dataSync();
      const scale = Math.max(1, ...Array.from(ref, Math.abs));
      let err = 0;
      for (let k = 0; k < ref.length; k++) err = Math.max(err, Math.abs(par.grads[i][k] - ref[k]));
      expect(err / scale).toBeLessThan(2e-5);
    });
    tf.dispose([value, ...Object.values(grads), tb.x, tb.y, ...tb.labels]);
    model.dispose();
  });

  it('trains with identical replicas and master weights', () => {
    const first = t.step();
    for (let i = 0; i < 4; i++) t.step();
    const last = t.step();
    expect(last).toBeLessThan(first);
    const [a, b] = t.snapshot();
    expect(bitEqual(a, b)).toBe(true);
    expect(bitEqual(t.weights(), a)).toBe(true);
  });
});

describe('model replica: DeepDIVE, interleaved phases', () => {
  it('keeps replicas bit-identical across M and C steps, and phase M leaves the C variables alone', async () => {
    const config: ModelReplicaConfig = { model: 'deepdive', modelConfig: {}, dataInfo: info, phases: ['M', 'C'], clipNorm: 5 };
    const t = await DataParallelTrainer.create({ replica: { kind: 'model', config, seed: 1 }, inputs: modelInputs(info), maxRows: ROWS, workers: 2 });
    try {
      fill(t);
      expect(t.sizes).toHaveLength(2);
      const w0 = t.weights();
      const lossM = t.step(ROWS, 0);
      const w1 = t.weights();
      const lossC = t.step(ROWS, 1);
      const [a, b] = t.snapshot();
      expect(Number.isFinite(lossM) && Number.isFinite(lossC)).toBe(true);
      expect(bitEqual(a, b)).toBe(true);
      // Phase M changed some weights, but not all of them (the C groups are frozen in M).
      let changed = 0;
      for (let i = 0; i < w0.length; i++) if (w0[i] !== w1[i]) changed++;
      const sizeM = t.sizes[0].reduce((s, n) => s + n, 0);
      expect(changed).toBeGreaterThan(0);
      expect(changed).toBeLessThanOrEqual(sizeM);
      expect(sizeM).toBeLessThan(w0.length);
    } finally {
      await t.close();
    }
  });
});
