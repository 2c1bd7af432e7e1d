/**
 * Data-parallel training (lib/parallel): sharding, the averaged gradient against the
 * single-process full-batch gradient, bit-identical replicas across steps, skipped updates on
 * a non-finite loss, leak checks in the workers, error propagation, and the bench variant.
 * Trainers are started from the TypeScript sources (a few seconds each), so they are shared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import { MlpVaeInstance, MlpVaeNet, ParallelMlpVaeInstance, mlpVaeFlops, mlpVaeNoiseSeed, mlpVaeWorkload, runBenchInProcess, type MlpVaeConfig } from '../../src/bench';
import { DataParallelTrainer, NonFiniteLoss, chunk, defaultWorkerCount, mlpVaeInputs, shardRows } from '../../src/parallel';
import { makeRng } from '../../../../lib/util/random';
import { relErr } from '../../../../tests/numeric';

const C: MlpVaeConfig = { batch: 9, input: 24, hidden: 16, latent: 3, lr: 1e-2, batches: 2 };
const SEED = 7;

/** A seeded batch [rows, C.input]. */
function batchData(rows: number, seed: number): Float32Array {
  const rng = makeRng(seed);
  return Float32Array.from({ length: rows * C.input }, () => rng.normal());
}

function bitEqual(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Full-batch loss and gradients in this process (wasm, fast kernels), variables in replica order. */
function singleProcessGradient(x: Float32Array, rows: number, step: number): { loss: number; grads: Float32Array[] } {
  const net = new MlpVaeNet(C, makeRng(SEED));
  const xt = tf.tensor2d(x.subarray(0, rows * C.input), [rows, C.input]);
  const { value, grads } = tf.variableGrads(() => net.loss(xt, mlpVaeNoiseSeed(SEED, step)), net.variables);
  const out = { loss: value.dataSync()[0], grads: net.variables.map((v) => grads[v.name].dataSync() as Float32Array) };
  tf.dispose([xt, value, ...Object.values(grads)]);
  net.dispose();
  return out;
}

describe('sharding and worker count', () => {
  it('splits rows into contiguous shards differing by at most one', () => {
    expect(shardRows(9, 2)).toEqual([{ offset: 0, count: 5, total: 9 }, { offset: 5, count: 4, total: 9 }]);
    expect(shardRows(2, 3).map((s) => s.count)).toEqual([1, 1, 0]);
    expect(shardRows(256, 2).map((s) => s.count)).toEqual([128, 128]);
    expect(() => shardRows(0, 2)).toThrow(/positive integer/);
    const parts = [0, 1, 2].map((p) => chunk(10, 3, p));
    expect(parts).toEqual([[0, 4], [4, 7], [7, 10]]);
  });

  it('reads DIVE_WORKERS, else the core count, and rejects nonsense in one line', () => {
    expect(defaultWorkerCount({ DIVE_WORKERS: '3' })).toBe(3);
    expect(defaultWorkerCount({})).toBeGreaterThanOrEqual(1);
    expect(() => defaultWorkerCount({ DIVE_WORKERS: 'two' })).toThrow(/DIVE_WORKERS must be an integer from 1 to 256, got 'two'/);
    expect(() => defaultWorkerCount({ DIVE_WORKERS: '0' })).toThrow(/DIVE_WORKERS/);
  });
});

describe.each(['sharded', 'replicated'] as const)('data-parallel mlp-vae over 2 workers, %s update', (update) => {
  let trainer: DataParallelTrainer;
  const x = batchData(C.batch, 11);

  beforeAll(async () => {
    await initBackend('wasm');
    trainer = await DataParallelTrainer.create({ replica: { kind: 'mlp-vae', config: C, seed: SEED }, inputs: mlpVaeInputs(C), maxRows: C.batch, workers: 2, update });
    trainer.inputs.x.set(x);
  });
  afterAll(async () => {
    await trainer?.close();
  });

  it('starts every replica with the seeded single-process weights', () => {
    expect(trainer.workers).toBe(2);
    expect(trainer.details).toMatchObject({ backend: 'wasm', workers: 2, update });
    const [a, b] = trainer.snapshot();
    expect(bitEqual(a, b)).toBe(true);
    const net = new MlpVaeNet(C, makeRng(SEED));
    const ref = Float32Array.from(net.variables.flatMap((v) => Array.from(v.dataSync())));
    net.dispose();
    expect(bitEqual(a, ref)).toBe(true);
  });

  it('averages shard gradients (5 + 4 rows) to the full-batch gradient within float32 tolerance', () => {
    const par = trainer.gradient(C.batch);
    const ref = singleProcessGradient(x, C.batch, trainer.steps);
    expect(par.grads).toHaveLength(ref.grads.length);
    par.grads.forEach((g, i) => expect(relErr(g, ref.grads[i])).toBeLessThan(2e-5));
    expect(Math.abs(par.loss - ref.loss)).toBeLessThan(2e-5 * Math.max(1, Math.abs(ref.loss)));
    // Not vacuous: the gradient is far from zero.
    expect(Math.max(...par.grads[0].map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('handles a batch smaller than the worker count (one empty shard)', () => {
    const par = trainer.gradient(1);
    const ref = singleProcessGradient(x, 1, trainer.steps);
    par.grads.forEach((g, i) => expect(relErr(g, ref.grads[i])).toBeLessThan(2e-5));
  });

  it('keeps the replicas bit-identical across steps, trains, and leaks no tensors in the workers', () => {
    const losses = [trainer.step(), trainer.step()];
    const counts = trainer.workerTensorCounts();
    for (let i = 0; i < 6; i++) losses.push(trainer.step(i % 2 === 0 ? C.batch : 6));
    expect(trainer.workerTensorCounts()).toEqual(counts);
    expect(counts[0]).toBe(counts[1]);
    const [a, b] = trainer.snapshot();
    expect(bitEqual(a, b)).toBe(true);
    expect(bitEqual(trainer.weights(), a)).toBe(true);
    expect(trainer.steps).toBe(8);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[6]).toBeLessThan(losses[0]); // same rows (full batch) 6 steps later
  });

  it('skips the update of a step whose loss is not finite, on every replica', () => {
    const [before] = trainer.snapshot();
    const saved = trainer.inputs.x[3];
    trainer.inputs.x[3] = NaN;
    try {
      expect(() => trainer.step()).toThrow(NonFiniteLoss);
    } finally {
      trainer.inputs.x[3] = saved;
    }
    const [a, b] = trainer.snapshot();
    expect(bitEqual(a, before)).toBe(true);
    expect(bitEqual(b, before)).toBe(true);
    expect(Number.isFinite(trainer.step())).toBe(true); // still usable
  });

  it('rejects rows and phases out of range', () => {
    expect(() => trainer.step(C.batch + 1)).toThrow(/rows must be an integer from 1 to 9/);
    expect(() => trainer.step(C.batch, 1)).toThrow(/phase must be an integer from 0 to 0/);
  });
});

describe('data-parallel failures', () => {
  it('rejects an unknown replica kind while starting', async () => {
    await expect(DataParallelTrainer.create({ replica: { kind: 'nope', config: {}, seed: 0 }, inputs: [], maxRows: 1, workers: 1 })).rejects.toThrow(
      /worker 0 failed to start: unknown replica kind 'nope'/,
    );
  });

  it('reports a worker error during a step in one message and refuses further steps', async () => {
    // Inputs narrower than the network's first layer: the workers' matMul fails.
    const bad = { ...mlpVaeInputs(C)[0], rowShape: [C.input - 1] };
    const t = await DataParallelTrainer.create({ replica: { kind: 'mlp-vae', config: C, seed: 0 }, inputs: [bad], maxRows: 4, workers: 2 });
    try {
      expect(() => t.step()).toThrow(/data-parallel training failed: worker \d: .*/);
      expect(() => t.step()).toThrow(/unusable after an earlier failure/);
    } finally {
      await t.close();
    }
  });
});

describe('bench variant wasm-parallel', () => {
  it('follows the single-thread mlp-vae losses and weights step by step (same seed)', async () => {
    await initBackend('wasm');
    const single = new MlpVaeInstance(C, SEED);
    const par = await ParallelMlpVaeInstance.create(C, SEED, 2);
    try {
      for (let i = 0; i < 4; i++) {
        const a = await single.step();
        const b = par.step();
        expect(Math.abs(a - b)).toBeLessThan(1e-4 * Math.max(1, Math.abs(a)));
      }
      const [w] = par.trainer.snapshot();
      const ref = Float32Array.from(single.net.variables.flatMap((v) => Array.from(v.dataSync())));
      expect(relErr(w, ref)).toBeLessThan(1e-4);
    } finally {
      single.dispose();
      par.dispose();
    }
  });

  it('is timed by runBenchInProcess with the worker count in its details', async () => {
    const tiny = mlpVaeWorkload(C, 'tiny-vae');
    const r = await runBenchInProcess({ workload: 'tiny-vae', backend: 'wasm-parallel', steps: 2, warmup: 1, seed: 1, workers: 2 }, undefined, [tiny]);
    expect(r).toMatchObject({ status: 'ok', backend: 'wasm-parallel', details: { workers: 2, fastKernels: true } });
    expect(r.stepMs).toHaveLength(2);
    expect(r.flopsPerStep).toBe(mlpVaeFlops(C));
    expect(Number.isFinite(r.lastLoss)).toBe(true);
  });

  it('gives the same numbers for the same seed in a fresh trainer', async () => {
    const tiny = mlpVaeWorkload(C, 'tiny-vae');
    const spec = { workload: 'tiny-vae', backend: 'wasm-parallel', steps: 3, warmup: 1, seed: 0, workers: 2 };
    const a = await runBenchInProcess(spec, undefined, [tiny]);
    const b = await runBenchInProcess(spec, undefined, [tiny]);
    expect(b.firstLoss).toBe(a.firstLoss);
    expect(b.lastLoss).toBe(a.lastLoss);
  });

  it('runs the DeepDIVE workload data-parallel with the single-thread FLOP count', async () => {
    const spec = { workload: 'deepdive-electricity', steps: 1, warmup: 0, seed: 0, workers: 2 };
    const par = await runBenchInProcess({ ...spec, backend: 'wasm-parallel' });
    const single = await runBenchInProcess({ ...spec, backend: 'wasm' });
    expect(par).toMatchObject({ status: 'ok', details: { workers: 2 } });
    expect(par.flopsPerStep).toBe(single.flopsPerStep);
    expect(Number.isFinite(par.firstLoss)).toBe(true);
  });

  it('reports a workload without a data-parallel version as skipped', async () => {
    const noParallel = { ...mlpVaeWorkload(C, 'plain'), createParallel: undefined };
    const r = await runBenchInProcess({ workload: 'plain', backend: 'wasm-parallel', steps: 1, warmup: 0, seed: 0 }, undefined, [noParallel]);
    expect(r).toMatchObject({ status: 'skipped', reason: 'plain has no data-parallel version yet' });
  });
});
