/**
 * The shared benchmark as a registry data set (`--data benchmark`): preparation (splits, scaler,
 * labels, discrete factors, OOD set), the disentanglement metrics in the evaluation, the CLI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { prepareData } from '../../lib/data/prepare';
import { BENCHMARK_FACTORS, discreteFactorsOf, generateBenchmark, isHeldOut } from '../../lib/data/benchmark';
import { createModel } from '../../lib/models/registry';
import { dataInfoOf } from '../../lib/train/batches';
import { evaluateModel } from '../../lib/train/evaluate';
import { main } from '../../lib/cli/main';
import { capture, tempDir, userError } from './helpers';

const SMALL = { trainWindows: 240, valWindows: 60, testWindows: 90, oodWindows: 45 };

beforeAll(async () => {
  await initBackend();
});

describe('benchmark data set', () => {
  const p = prepareData('benchmark', { seed: 3, benchmark: SMALL });
  const g = generateBenchmark({ ...SMALL, seed: 3 });

  it('keeps the generator’s splits, geometry, factors and regime labels; the scaler is fitted on train rows', () => {
    expect([p.train.count, p.val.count, p.test.count, p.ood!.count]).toEqual([240, 60, 90, 45]);
    expect(p.spec).toMatchObject({ inputLength: 48, horizon: 12, targetLength: 12 });
    expect(p.train.labels).toEqual([{ name: 'regime', classes: ['sine', 'square', 'sawtooth', 'triangle'] }]);
    expect(p.train.factorNames).toEqual([...BENCHMARK_FACTORS]);
    // Windows are the generator's windows, z-scored with train statistics.
    const [off, sc] = [p.scaler.offset[0], p.scaler.scale[0]];
    let sum = 0, n = 0;
    for (let i = 0; i < g.train.n; i++) for (let t = 0; t < 48; t++) { sum += g.train.x[i * 48 + t]; n++; }
    for (let i = 0; i < g.train.n; i++) for (let t = 0; t < 12; t++) { sum += g.train.y[i * 12 + t]; n++; }
    expect(off).toBeCloseTo(sum / n, 4);
    for (const [set, split] of [[p.test, g.test], [p.ood!, g.ood!]] as const) {
      for (const i of [0, 7, split.n - 1]) {
        expect(set.input(i)[5] * sc + off).toBeCloseTo(split.x[i * 48 + 5], 4);
        expect(set.target(i)[11] * sc + off).toBeCloseTo(split.y[i * 12 + 11], 4);
        expect(set.label(i, 0)).toBe(split.factors[i * 5]);
        expect(Array.from(set.factorsOf(i)!)).toEqual(Array.from(split.factors.subarray(i * 5, i * 5 + 5)));
      }
    }
    for (let i = 0; i < p.ood!.count; i++) expect(isHeldOut(p.ood!.factorsOf(i)![1], p.ood!.factorsOf(i)![2])).toBe(true);
    for (let i = 0; i < p.train.count; i++) expect(isHeldOut(p.train.factorsOf(i)![1], p.train.factorsOf(i)![2])).toBe(false);
    expect(discreteFactorsOf(p.test)).toMatchObject({ levels: [4, 6, 5, 8, 5], circular: [false, false, false, true, false] });
    expect(p.classFrequencies[0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('is seeded, follows --horizon, has no OOD set on the iid split, and rejects options it cannot honour', () => {
    const again = prepareData('benchmark', { seed: 3, benchmark: SMALL });
    expect(Array.from(again.test.input(4))).toEqual(Array.from(p.test.input(4)));
    const other = prepareData('benchmark', { seed: 4, benchmark: SMALL });
    expect(Array.from(other.test.input(4))).not.toEqual(Array.from(p.test.input(4)));
    const h6 = prepareData('benchmark', { horizon: 6, benchmark: { ...SMALL, split: 'iid' } });
    expect(h6.spec).toMatchObject({ inputLength: 48, horizon: 6, targetLength: 6 });
    expect(h6.ood).toBeUndefined();
    userError(() => prepareData('benchmark', { stride: 4 }), /benchmark data set does not take the 'stride' option/);
    userError(() => prepareData('benchmark', { benchmark: { trainWindows: 0 } }), /config field benchmark.trainWindows must be ≥ 1, got 0/);
  });

  it('evaluation adds MIG, DCI, SAP, FactorVAE and MCC of the latent means; null for a model without latents', async () => {
    const before = tf.memory().numTensors;
    const m = createModel('deepdive', { trunk: { kind: 'mlp', hidden: 32, layers: 1 } }, dataInfoOf(p));
    const t = await evaluateModel(m, p.test, p.scaler);
    m.dispose();
    const d = t.disentanglement!;
    expect(d).not.toBeNull();
    for (const v of [d.mig, d.dci.disentanglement, d.dci.completeness, d.dci.informativeness, d.sap, d.factorVae.score, d.mcc.pearson]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(t.migAgainst).toBe('factors');
    const lin = createModel('linear', {}, dataInfoOf(p));
    expect((await evaluateModel(lin, p.test, p.scaler)).disentanglement).toBeNull();
    lin.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('benchmark in the CLI', () => {
  it('dive data describe benchmark lists the four splits and the discrete factors', async () => {
    const io = capture();
    expect(await main(['data', 'describe', 'benchmark'], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/train\s+4000 windows/);
    expect(out).toMatch(/ood\s+1000 windows, 60000 rows \(held-out/);
    expect(out).toMatch(/discrete factors: regime 4, frequency 6, amplitude 5, phase 8 \(circular\), trend 5/);
    expect(out).toMatch(/label regime \(4 classes/);
  });

  it('dive train --data benchmark --atom 0.1 --json reports the suite on ID and OOD tests and records the regulariser', async () => {
    const dir = tempDir();
    const cfg = path.join(dir, 'run.json');
    fs.writeFileSync(cfg, JSON.stringify({ data: { benchmark: SMALL }, train: { maxBatchesPerEpoch: 2, batchSize: 32 }, model: { trunk: { hidden: 32, layers: 1 } } }));
    const io = capture();
    const code = await main(['train', '--model', 'beta-vae', '--data', 'benchmark', '--epochs', '1', '--atom', '0.1', '--atom-kind', 'repulsion', '--config', cfg, '--out', path.join(dir, 'ckpt'), '--json'], io);
    expect(code, io.stderr.join('\n')).toBe(0);
    const r = JSON.parse(io.stdout[0]);
    expect(r.modelConfig.atom).toMatchObject({ kind: 'repulsion', weight: 0.1 });
    expect(r.test.windows).toBe(90);
    expect(r.testOod.windows).toBe(45);
    for (const t of [r.test, r.testOod]) expect(Object.keys(t.disentanglement)).toEqual(expect.arrayContaining(['mig', 'dci', 'sap', 'factorVae', 'mcc']));
    // Provenance: the checkpoint records the regulariser; evaluate reproduces both test reports.
    const ck = JSON.parse(fs.readFileSync(path.join(dir, 'ckpt', 'checkpoint.json'), 'utf8'));
    expect(ck.modelConfig.atom).toMatchObject({ kind: 'repulsion', weight: 0.1 });
    const ev = capture();
    expect(await main(['evaluate', '--checkpoint', path.join(dir, 'ckpt'), '--json'], ev)).toBe(0);
    const e = JSON.parse(ev.stdout[0]);
    expect(e.test.disentanglement).toEqual(r.test.disentanglement);
    expect(e.testOod).toEqual(r.testOod);
    expect(e.modelConfig.atom.kind).toBe('repulsion');
    const bad = capture();
    expect(await main(['train', '--model', 'linear', '--data', 'benchmark', '--atom', '0.1'], bad)).toBe(2);
    expect(bad.stderr).toEqual([expect.stringMatching(/^dive: --atom applies to the latent models/)]);
    const noWeight = capture();
    expect(await main(['train', '--model', 'deepdive', '--data', 'benchmark', '--atom-kind', 'atom'], noWeight)).toBe(2);
    expect(noWeight.stderr).toEqual([expect.stringMatching(/--atom-kind needs --atom W/)]);
  }, 60_000);
});
