/**
 * The training recipe (docs/design.md, "Training recipe"): learning-rate schedules, reversible
 * instance normalisation, and the stop reason every run records.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { LrScheduleSchema, afterEpoch, learningRate, INITIAL_LR_STATE, type LrState } from '../../lib/train/lrSchedule';
import { InstanceNorm, REVIN_EPS } from '../../lib/models/revin';
import { ParamStore } from '../../lib/models/nn';
import { createModel, modelCards } from '../../lib/models/registry';
import { prepareData } from '../../lib/data/prepare';
import type { PreparedData } from '../../lib/data/types';
import { dataInfoOf } from '../../lib/train/batches';
import { DEFAULT_TRAIN, train } from '../../lib/train/trainer';
import { TINY_INFO, sineBatch } from '../models/helpers';

const sched = (o: object) => LrScheduleSchema.parse(o);

beforeAll(async () => {
  await initBackend();
});

describe('learning-rate schedules', () => {
  it('constant, step (TSLib type1: lr for two epochs, then halved every epoch), cosine (lr at epoch 0, the floor at the cap) and linear warm-up', () => {
    const s0 = INITIAL_LR_STATE;
    expect(learningRate(1e-3, sched({ kind: 'constant' }), 500, 7, 10, s0)).toBe(1e-3);
    // TSLib: adjust_learning_rate(optimizer, epoch + 1) after epoch `epoch`, lr = lr₀·0.5^((epoch + 1) − 1) for the next one.
    expect([0, 1, 2, 3, 4].map((e) => learningRate(1e-4, sched({ kind: 'step' }), 0, e, 10, s0))).toEqual([1e-4, 1e-4, 5e-5, 2.5e-5, 1.25e-5]);
    const cos = sched({ kind: 'cosine', minFactor: 0.1 });
    expect(learningRate(1, cos, 0, 0, 10, s0)).toBeCloseTo(1, 12);
    expect(learningRate(1, cos, 0, 5, 10, s0)).toBeCloseTo(0.55, 12);
    expect(learningRate(1, cos, 0, 10, 10, s0)).toBeCloseTo(0.1, 12);
    const warm = sched({ kind: 'constant', warmupSteps: 4 });
    expect([0, 1, 2, 3, 4, 100].map((s) => learningRate(1, warm, s, 0, 10, s0))).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
  });

  it("plateau multiplies by factor after `plateauPatience` epochs without improvement (PyTorch ReduceLROnPlateau, mode 'min'), down to the floor", () => {
    const s = sched({ kind: 'plateau', plateauPatience: 1, factor: 0.5, minFactor: 0.2 });
    const seq = [true, false, false, false, false, true, false, false, false, false, false, false];
    let st: LrState = INITIAL_LR_STATE;
    const factors = seq.map((improved) => (st = afterEpoch(s, st, improved)).factor);
    // bad epochs: 1 → keep, 2 → ×0.5 (counter resets), 3 → keep, 4 → ×0.5; improvement resets; then 0.25 → 0.2 (floor).
    expect(factors).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2]);
    expect(learningRate(1e-3, s, 0, 0, 10, { factor: 0.25, bad: 0 })).toBeCloseTo(2.5e-4, 15);
    // Other kinds carry no state.
    expect(afterEpoch(sched({ kind: 'cosine' }), INITIAL_LR_STATE, false)).toBe(INITIAL_LR_STATE);
  });
});

describe('reversible instance normalisation', () => {
  it('normalise then denormalise is the identity; the normalised window has per-channel mean β and std γ', () => {
    const store = new ParamStore(0);
    const norm = new InstanceNorm(store, 'revin', 'affine', 2);
    const [gamma, beta] = store.all().map((p) => p.variable);
    gamma.assign(tf.tensor1d([1.5, 0.7]));
    beta.assign(tf.tensor1d([0.3, -2]));
    const x = tf.tensor3d(Array.from({ length: 3 * 10 * 2 }, (_, i) => Math.sin(i * 0.7) * (1 + (i % 5)) + (i % 3)), [3, 10, 2]);
    const [back, mean, std] = tf.tidy(() => {
      const st = norm.stats(x);
      const n = norm.normalise(x, st);
      const m = tf.moments(n, 1);
      return [norm.denormalise(n, st), m.mean, tf.sqrt(m.variance)];
    });
    expect(Math.max(...tf.abs(tf.sub(back, x)).dataSync())).toBeLessThan(1e-5);
    const mu = mean.arraySync() as number[][];
    const sd = std.arraySync() as number[][];
    for (let b = 0; b < 3; b++) {
      expect(mu[b][0]).toBeCloseTo(0.3, 5);
      expect(mu[b][1]).toBeCloseTo(-2, 5);
      expect(sd[b][0]).toBeCloseTo(1.5, 3);
      expect(sd[b][1]).toBeCloseTo(0.7, 3);
    }
    tf.dispose([x, back, mean, std]);
    store.dispose();
    expect(REVIN_EPS).toBe(1e-5);
  });

  it.each(modelCards().filter((c) => c.traits.learns).map((c) => c.name))(
    "%s with revin is equivariant to each window's level and scale: f(a·x + b) = a·f(x) + b",
    (name) => {
      const m = createModel(name, { seed: 1, revin: 'affine' }, TINY_INFO);
      const batch = sineBatch(4);
      const [f, g] = tf.tidy(() => [m.predict(batch.x).forecast, m.predict(tf.add(tf.mul(batch.x, 3), 5) as tf.Tensor3D).forecast]);
      const want = tf.tidy(() => tf.add(tf.mul(f, 3), 5));
      expect(Math.max(...tf.abs(tf.sub(g, want)).dataSync())).toBeLessThan(1e-3);
      tf.dispose([f, g, want, batch.x, batch.y, ...batch.labels]);
      m.dispose();
    },
  );
});

describe('stop reason', () => {
  let data: PreparedData;
  beforeAll(() => {
    data = prepareData('synthetic', { synthetic: { segments: 12, length: 96 }, inputLength: 24, horizon: 8, targetLength: 8, stride: 4 });
  });
  const TINY = { trunk: { kind: 'mlp', hidden: 16, layers: 1 }, decoderHidden: 16, forecasterHidden: 16, highway: 8, zDim: 4 };

  it("records 'epoch-cap' when the budget runs out, 'early-stopping' when patience does, 'no-training' without parameters", async () => {
    const base = { ...DEFAULT_TRAIN, batchSize: 16, maxBatchesPerEpoch: 3, conflictEvery: 0 };
    const m1 = createModel('beta-vae', TINY, dataInfoOf(data));
    const capped = await train(m1, data, { ...base, epochs: 2, patience: 50 });
    m1.dispose();
    expect(capped.stopReason).toBe('epoch-cap');
    expect(capped.history.epochs.every((e) => typeof e.lr === 'number')).toBe(true);
    // A learning rate this high makes every epoch worse than the untrained model: patience 1 stops it.
    const m2 = createModel('beta-vae', TINY, dataInfoOf(data));
    const early = await train(m2, data, { ...base, epochs: 50, patience: 1, lr: 0.5, clipNorm: 0 });
    m2.dispose();
    expect(early.stopReason).toBe('early-stopping');
    expect(early.epochsRun).toBeLessThan(50);
    const p = createModel('persistence', {}, dataInfoOf(data));
    expect((await train(p, data, base)).stopReason).toBe('no-training');
    p.dispose();
  });
});
