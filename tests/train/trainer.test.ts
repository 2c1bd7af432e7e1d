import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { prepareData } from '../../lib/data/prepare';
import type { PreparedData, WindowSet } from '../../lib/data/types';
import { createModel } from '../../lib/models/registry';
import type { Model } from '../../lib/models/types';
import { Adam } from '../../lib/train/adam';
import { dataInfoOf, disposeBatch, range, toTensors } from '../../lib/train/batches';
import { loadModel } from '../../lib/train/checkpoint';
import { modelPhases, phasesForEpoch, DEFAULT_SCHEDULE } from '../../lib/train/interleave';
import { DEFAULT_TRAIN, disposeSteps, forecastMse, train, trainStep, TrainingDiverged, type TrainConfig } from '../../lib/train/trainer';
import { measureConflict } from '../../lib/train/gradConflict';

let data: PreparedData;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-train-'));
const TINY = { trunk: { kind: 'mlp', hidden: 24, layers: 1 }, decoderHidden: 24, forecasterHidden: 24, highway: 8, tokenDim: 8, heads: 2, aTokens: 2, aDim: 4 };
const TINY_VAE = { trunk: TINY.trunk, decoderHidden: 24, forecasterHidden: 24, highway: 8, zDim: 4 };
const CFG: TrainConfig = { ...DEFAULT_TRAIN, epochs: 3, batchSize: 16, maxBatchesPerEpoch: 3, conflictEvery: 2, patience: 10 };

beforeAll(async () => {
  await initBackend();
  data = prepareData('synthetic', { synthetic: { segments: 12, length: 96 }, inputLength: 24, horizon: 8, targetLength: 8, stride: 4 });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const make = (name = 'deepdive', seed = 0): Model => createModel(name, { ...TINY, seed }, dataInfoOf(data));
const values = (m: Model, groups: string[]): Float32Array[] => m.params.all().filter((p) => groups.includes(p.group)).map((p) => Float32Array.from(p.variable.dataSync()));
const predictions = (m: Model, set: WindowSet): number[] =>
  tf.tidy(() => {
    const b = toTensors(set.batch(range(0, 8)), set);
    const out = Array.from(m.predict(b.x).forecast.dataSync());
    disposeBatch(b);
    return out;
  });

describe('interleaving schedule', () => {
  it('warm-up M, then M and C on every batch (or alternating epochs); joint otherwise', () => {
    const m = make();
    const ph = modelPhases(m);
    expect(ph.M!.groups).toEqual(['trunk', 'bEncoder', 'rbf']);
    expect(ph.C!.groups).toEqual(['conditionalTrunk', 'aEncoder', 'fusion', 'decoder', 'forecaster']);
    expect(ph.C!.terms).toEqual(['forecast', 'recon', 'klA']);
    const names = (e: number, s = DEFAULT_SCHEDULE): string[] => phasesForEpoch(e, s, ph).map((p) => p.name);
    expect(names(0)).toEqual(['M']);
    expect(names(1)).toEqual(['M', 'C']);
    const perEpoch = { ...DEFAULT_SCHEDULE, alternation: 'epoch' as const };
    expect([1, 2, 3].map((e) => names(e, perEpoch))).toEqual([['C'], ['M'], ['C']]);
    expect(names(0, { ...DEFAULT_SCHEDULE, mode: 'joint' })).toEqual(['joint']);
    const a = make('deepdive-a');
    expect(phasesForEpoch(0, DEFAULT_SCHEDULE, modelPhases(a)).map((p) => p.name)).toEqual(['joint']);
    m.dispose();
    a.dispose();
  });

  it('a separate conditional trunk belongs to phase C', () => {
    const m = createModel('deepdive', { ...TINY, conditionalTrunk: 'separate' }, dataInfoOf(data));
    const ph = modelPhases(m);
    expect(ph.M!.groups).toEqual(['trunk', 'bEncoder', 'rbf']);
    expect(ph.C!.groups).toEqual(['conditionalTrunk', 'aEncoder', 'fusion', 'decoder', 'forecaster']);
    m.dispose();
  });

  it.each(['shared', 'separate'])('a phase leaves the other phase’s variables bit-identical and moves its own (%s trunk)', (conditionalTrunk) => {
    const m = createModel('deepdive', { ...TINY, conditionalTrunk }, dataInfoOf(data));
    const ph = modelPhases(m);
    const adam = new Adam();
    const b = toTensors(data.train.batch(range(0, 16)), data.train);
    for (const [phase, frozen] of [[ph.C!, ph.M!.groups], [ph.M!, ph.C!.groups]] as const) {
      const frozenBefore = values(m, [...frozen]);
      const ownBefore = values(m, [...phase.groups]);
      disposeSteps([{ step: trainStep(m, b, phase, 1, adam, 5), where: 'test', phase: phase.name }]);
      expect(values(m, [...frozen])).toEqual(frozenBefore);
      expect(values(m, [...phase.groups])).not.toEqual(ownBefore);
    }
    disposeBatch(b);
    adam.dispose();
    m.dispose();
  });
});

describe('trainer', () => {
  it('lowers the validation forecast error, leaks no tensors across epochs; interleaving records no conflicts', async () => {
    const m = make('deepdive');
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const res = await train(m, data, { ...CFG, epochs: 5, maxBatchesPerEpoch: 4 }, { onEpoch: () => counts.push(tf.memory().numTensors) });
    expect(tf.memory().numTensors).toBe(before);
    // Adam's C-phase moments appear after the M-only warm-up epoch; from then on the count is flat.
    expect(new Set(counts.slice(1)).size).toBe(1);
    const v = res.history.epochs.map((e) => e.valForecastMse);
    expect(res.bestValForecastMse!).toBeLessThan(v[0]);
    expect(res.history.epochs[0].phases).toEqual(['M']);
    expect(Object.keys(res.history.epochs[1].train).sort()).toEqual(['C.forecast', 'C.klA', 'C.recon', 'M.ce', 'M.klB']);
    // Phases M and C update disjoint groups: no parameter gets both gradients, nothing to compare.
    expect(res.history.conflicts).toHaveLength(0);
    expect(res.history.conflictNote).toMatch(/disjoint variable groups/);
    m.dispose();
  });

  it('the untrained model is a selection candidate for every model; the warm-up epoch cannot beat it', async () => {
    const m = make('deepdive');
    const untrained = await forecastMse(m, data.val, CFG.evalBatchSize);
    const res = await train(m, data, { ...CFG, epochs: 3 });
    expect(res.initialValForecastMse).toBe(untrained);
    expect(res.history.initialValForecastMse).toBe(untrained);
    // Phase M alone leaves the forecaster at its initial output (persistence through the highway).
    expect(res.history.epochs[0].valForecastMse).toBe(untrained);
    expect(res.history.epochs[0].improved).toBe(false);
    expect(res.improvedOnInitial).toBe(res.bestValForecastMse! < untrained);
    m.dispose();
    // A learning rate too small to move anything: the untrained state stays selected (epoch 0), flagged.
    const frozen = make('deepdive-a');
    const r0 = await train(frozen, data, { ...CFG, epochs: 2, lr: 1e-30 });
    expect(r0.bestEpoch).toBe(0);
    expect(r0.improvedOnInitial).toBe(false);
    frozen.dispose();
  });

  it('a phase whose terms all have weight 0 is left out; all-zero weights are a clear error', async () => {
    const m = createModel('deepdive', { ...TINY, lambda: 0, betaB: 0 }, dataInfoOf(data));
    const ph = modelPhases(m);
    expect(ph.M).toBeUndefined();
    const marginal = values(m, ['trunk', 'bEncoder', 'rbf']);
    const res = await train(m, data, { ...CFG, epochs: 2 });
    expect(res.history.epochs.map((e) => e.phases)).toEqual([['C'], ['C']]);
    expect(values(m, ['trunk', 'bEncoder', 'rbf'])).toEqual(marginal);
    m.dispose();
    const none = createModel('beta-vae', { ...TINY_VAE, beta: 0 }, dataInfoOf(data));
    const zero = Object.assign(Object.create(Object.getPrototypeOf(none) as object) as Model, none, { objective: { ...none.objective, weights: {} } });
    await expect(train(zero, data, CFG)).rejects.toThrow(/every loss term has weight 0, so there is nothing to train/);
    none.dispose();
  });

  it('under interleaving with β_b = 0, λ is a constant loss scale that Adam ignores (clipping off)', async () => {
    const run = async (lambda: number): Promise<Float32Array[]> => {
      // revin 'none' (the default) on purpose: Adam is scale-invariant only up to its ε (1e-8); on
      // instance-normalised windows some gradients of this tiny model sit near ε, and the two
      // runs differ by 1.1e-4 after 2 epochs (3.6e-7 without RevIN), which says nothing about λ.
      const m = createModel('deepdive', { ...TINY, lambda, betaB: 0, revin: 'none' }, dataInfoOf(data));
      await train(m, data, { ...CFG, epochs: 2, clipNorm: 0 });
      const v = values(m, ['trunk', 'bEncoder', 'rbf']);
      m.dispose();
      return v;
    };
    const a = await run(0.5);
    const b = await run(2);
    const diff = Math.max(...a.map((x, i) => Math.max(...Array.from(x, (v, j) => Math.abs(v - b[i][j])))));
    expect(diff).toBeLessThan(1e-4);
  });

  it('joint mode trains all groups on all terms and lowers the validation error', async () => {
    const m = make('deepdive');
    const res = await train(m, data, { ...CFG, epochs: 3, schedule: { ...DEFAULT_SCHEDULE, mode: 'joint' } });
    expect(res.history.epochs.every((e) => e.phases.join() === 'joint')).toBe(true);
    expect(res.history.epochs[2].valForecastMse).toBeLessThan(res.history.epochs[0].valForecastMse);
    expect(res.history.conflicts[0].mode).toBe('joint');
    // conflicts every 2 batches on 3 batches/epoch → 2 per epoch
    expect(res.history.conflicts).toHaveLength(6);
    const c = res.history.conflicts[0];
    expect(Object.keys(c.cosines)).toContain('forecast|ce');
    for (const x of Object.values(c.cosines)) expect(x === null || (x >= -1 - 1e-6 && x <= 1 + 1e-6)).toBe(true);
    m.dispose();
  });

  it('same config and seed → identical history; another seed differs', async () => {
    const run = async (seed: number): Promise<unknown> => {
      const m = make('deepdive', seed);
      const r = await train(m, data, { ...CFG, seed });
      m.dispose();
      return r.history.epochs.map((e) => [e.train, e.valForecastMse]);
    };
    const a = await run(3);
    expect(await run(3)).toEqual(a);
    expect(await run(4)).not.toEqual(a);
  });

  it('checkpoint → load gives identical predictions; resuming equals an uninterrupted run', async () => {
    const dir = path.join(tmp, 'ck');
    const full = make('deepdive-concat');
    const rFull = await train(full, data, { ...CFG, epochs: 4 });
    const part = make('deepdive-concat');
    await train(part, data, { ...CFG, epochs: 2 }, { checkpointDir: dir, run: { data: 'synthetic' } });
    const partPred = predictions(part, data.test);
    const { model: loaded, checkpoint } = loadModel(dir);
    expect(checkpoint.state.epoch).toBe(2);
    expect(checkpoint.state.run).toEqual({ data: 'synthetic' });
    expect(predictions(loaded, data.test)).toEqual(partPred);
    loaded.dispose();
    part.dispose();
    const resumed = make('deepdive-concat');
    const rRes = await train(resumed, data, { ...CFG, epochs: 4 }, { checkpointDir: dir, resume: true });
    expect(rRes.history.epochs.map((e) => [e.train, e.valForecastMse])).toEqual(rFull.history.epochs.map((e) => [e.train, e.valForecastMse]));
    expect(predictions(resumed, data.test)).toEqual(predictions(full, data.test));
    resumed.dispose();
    full.dispose();
  });

  it('checks inside an epoch (valEvery) select among more checkpoints without changing the trajectory; resuming keeps them', async () => {
    const cfg: TrainConfig = { ...CFG, epochs: 4, maxBatchesPerEpoch: 6, lrSchedule: { ...CFG.lrSchedule, kind: 'constant' } };
    const run = async (valEvery: number, opts = {}, epochs = 4): Promise<{ r: Awaited<ReturnType<typeof train>>; m: Model }> => {
      const m = make('deepdive-a');
      return { r: await train(m, data, { ...cfg, epochs, valEvery }, opts), m };
    };
    const before = tf.memory().numTensors;
    const { r: plain, m: m0 } = await run(0);
    const { r: fine, m: m1 } = await run(2);
    // The checks read the weights only: the same steps, losses and epoch-end validation errors.
    expect(fine.history.epochs.map((e) => [e.train, e.valForecastMse])).toEqual(plain.history.epochs.map((e) => [e.train, e.valForecastMse]));
    expect(plain.history.epochs.every((e) => e.valChecks === undefined)).toBe(true);
    // Batches 2 and 4 of each 6-batch epoch (batch 6 is the epoch's end).
    expect(fine.history.epochs.map((e) => e.valChecks?.length)).toEqual([2, 2, 2, 2]);
    const candidates = [[0, fine.initialValForecastMse!]];
    fine.history.epochs.forEach((e, i) => {
      e.valChecks!.forEach((v, k) => candidates.push([i + (2 * (k + 1)) / 6, v]));
      candidates.push([i + 1, e.valForecastMse]);
    });
    const best = candidates.reduce((a, b) => (b[1] < a[1] ? b : a));
    expect(fine.bestValForecastMse).toBe(best[1]);
    expect(fine.bestEpoch).toBe(Math.round(best[0] * 100) / 100);
    expect(fine.bestValForecastMse!).toBeLessThanOrEqual(plain.bestValForecastMse!);
    // The selected weights are the ones restored.
    expect(await forecastMse(m1, data.val, cfg.evalBatchSize)).toBe(fine.bestValForecastMse);
    m0.dispose();
    m1.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const dir = path.join(tmp, 'ck-valevery');
    (await run(2, { checkpointDir: dir }, 2)).m.dispose();
    const { r: resumed, m: m2 } = await run(2, { checkpointDir: dir, resume: true });
    expect(resumed.history.epochs).toEqual(fine.history.epochs.map((e, i) => ({ ...e, seconds: resumed.history.epochs[i].seconds })));
    expect([resumed.bestEpoch, resumed.bestValForecastMse]).toEqual([fine.bestEpoch, fine.bestValForecastMse]);
    m2.dispose();
  });

  it('stops on a NaN loss with a clear message and keeps the last good checkpoint', async () => {
    const dir = path.join(tmp, 'nan');
    const m = make('deepdive-a');
    await train(m, data, { ...CFG, epochs: 1 }, { checkpointDir: dir });
    const files = ['checkpoint.json', 'best.bin', 'last.bin', 'adam.bin'];
    const saved = files.map((f) => fs.readFileSync(path.join(dir, f)));
    // A real corruption of the training data: one NaN in every batch.
    const corrupted: WindowSet = Object.assign(Object.create(Object.getPrototypeOf(data.train) as object) as WindowSet, data.train, {
      batch: (idx: ArrayLike<number>) => {
        const b = data.train.batch(idx);
        b.x[0] = NaN;
        return b;
      },
    });
    const err = await train(m, { train: corrupted, val: data.val }, { ...CFG, epochs: 3 }, { checkpointDir: dir, resume: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingDiverged);
    const msg = (err as Error).message;
    expect(msg).toMatch(/training diverged at epoch 2, batch 1, step 4 \(phase joint\): loss is NaN/);
    expect(msg).toMatch(/last good checkpoint in .* is kept/);
    expect(msg).not.toMatch(/\n/);
    expect(files.map((f) => fs.readFileSync(path.join(dir, f)))).toEqual(saved);
    m.dispose();
  });

  it('the conflict probe skips terms that do not reach the trunk but lets real errors through', async () => {
    const m = make('deepdive');
    const b = toTensors(data.train.batch(range(0, 8)), data.train);
    const before = tf.memory().numTensors;
    const rec = (await measureConflict(m, b, { noiseSeed: 1 }, ['forecast', 'ce', 'klA'], { step: 0, epoch: 1, mode: 'joint' }))!;
    // With a separate conditional trunk, KL_a does not reach the label trunk.
    expect(rec.norms.klA).toBe(0);
    expect(rec.cosines['ce|klA']).toBeNull();
    expect(rec.norms.ce).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    const broken = Object.assign(Object.create(Object.getPrototypeOf(m) as object) as Model, m, {
      losses: () => {
        throw new Error('shape mismatch in the decoder');
      },
    });
    await expect(measureConflict(broken, b, { noiseSeed: 1 }, ['forecast', 'ce'], { step: 0, epoch: 1, mode: 'joint' })).rejects.toThrow(/shape mismatch/);
    disposeBatch(b);
    m.dispose();
  });

  it('parameter-free models train zero epochs', async () => {
    const m = createModel('persistence', {}, dataInfoOf(data));
    const r = await train(m, data, CFG);
    expect(r.epochsRun).toBe(0);
    m.dispose();
  });

  it('loads a checkpoint written before conditionalTrunk existed as the shared-trunk model it was', async () => {
    const dir = path.join(tmp, 'old');
    const m = createModel('deepdive', { ...TINY, conditionalTrunk: 'shared' }, dataInfoOf(data));
    await train(m, data, { ...CFG, epochs: 1 }, { checkpointDir: dir });
    const file = path.join(dir, 'checkpoint.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { modelConfig: Record<string, unknown> };
    delete json.modelConfig.conditionalTrunk;
    fs.writeFileSync(file, JSON.stringify(json));
    const { model: loaded } = loadModel(dir);
    expect((loaded.config as { conditionalTrunk: string }).conditionalTrunk).toBe('shared');
    expect(predictions(loaded, data.test)).toEqual(predictions(m, data.test));
    loaded.dispose();
    m.dispose();
  });

  it('weight decay is a checked train option and changes the trained weights', async () => {
    const m = make('deepdive-a');
    await expect(train(m, data, { ...CFG, weightDecay: -1 })).rejects.toThrow(/train.weightDecay must be ≥ 0/);
    const plain = make('deepdive-a');
    const decayed = make('deepdive-a');
    await train(plain, data, { ...CFG, epochs: 1 });
    await train(decayed, data, { ...CFG, epochs: 1, weightDecay: 0.5 });
    const norm = (x: Model): number => x.params.all().filter((q) => q.variable.rank >= 2).reduce((s, q) => s + Array.from(q.variable.dataSync()).reduce((a: number, v: number) => a + v * v, 0), 0);
    expect(norm(decayed)).toBeLessThan(norm(plain));
    [m, plain, decayed].forEach((x) => x.dispose());
  });
});

describe('a disposed model', () => {
  it('is an error to train (notebook 04 re-running its training cell after model.dispose() trained nothing, silently)', async () => {
    const m = make();
    m.dispose();
    expect(m.params.disposed).toBe(true);
    await expect(train(m, data, CFG)).rejects.toThrow(/^model deepdive was disposed \(model\.dispose\(\) freed its weights\), so there is nothing to train; create a new one/);
    // A model without parameters (persistence) still "trains" as before: nothing to fit.
    const p = createModel('persistence', {}, dataInfoOf(data));
    expect((await train(p, data, CFG)).epochsRun).toBe(0);
  });
});
