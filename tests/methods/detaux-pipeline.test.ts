import { beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { QUICK_DETAUX } from '../../lib/methods/detaux/config';
import { runDetaux, saveDetaux, trainStage1 } from '../../lib/methods/detaux/pipeline';
import { PRINCIPAL, factorColumn, generateBenchmark } from '../../lib/data/benchmark';
import { trainArm } from '../../lib/methods/detaux/multitask';

beforeAll(async () => {
  await initBackend();
});

const inUnit = (v: unknown): void => {
  expect(typeof v).toBe('number');
  expect(v as number).toBeGreaterThanOrEqual(0);
  expect(v as number).toBeLessThanOrEqual(1);
};

describe('Detaux pipeline (quick settings)', () => {
  it('stage 1 is seeded: the same config and seed give identical loss histories', () => {
    const cfg = { ...QUICK_DETAUX, stage1: { ...QUICK_DETAUX.stage1, epochs: 4, stepsPerEpoch: 3 } };
    const bench = generateBenchmark(cfg.data);
    const a = trainStage1(bench, cfg);
    const b = trainStage1(bench, cfg);
    a.ae.dispose();
    b.ae.dispose();
    expect(a.history).toEqual(b.history);
  });

  it('stage 1 stops by its convergence criterion after the schedule, or says it hit the cap; patience 0 is the fixed budget', () => {
    const base = { ...QUICK_DETAUX.stage1, epochs: 3, stepsPerEpoch: 3 };
    const bench = generateBenchmark(QUICK_DETAUX.data);
    const fixed = trainStage1(bench, { ...QUICK_DETAUX, stage1: { ...base, patience: 0 } });
    fixed.ae.dispose();
    expect(fixed.history).toHaveLength(3);
    expect(fixed.convergence).toMatchObject({ converged: false, epochs: 3, scheduleEpochs: 3 });
    expect(fixed.convergence.criterion).toMatch(/fixed budget/);
    const capped = trainStage1(bench, { ...QUICK_DETAUX, stage1: { ...base, patience: 50, maxEpochs: 5 } });
    capped.ae.dispose();
    expect(capped.history).toHaveLength(5);
    expect(capped.convergence.converged).toBe(false);
    expect(capped.convergence.criterion).toMatch(/epoch cap/);
    // With an impossible improvement threshold the criterion fires after exactly `patience` epochs past the schedule.
    const stops = trainStage1(bench, { ...QUICK_DETAUX, stage1: { ...base, patience: 2, minRelDelta: 0.99, maxEpochs: 20 } });
    stops.ae.dispose();
    expect(stops.convergence).toMatchObject({ converged: true, epochs: 3 + 2 });
  });

  it('runs all three stages, reports every field in range, saves labels beside the weights, leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const { report, artifacts } = runDetaux(QUICK_DETAUX);
    expect(tf.memory().numTensors).toBe(before);
    const h = report.stage1.history;
    // The schedule runs whole, then the convergence criterion (patience 2) or the cap (12) ends it.
    const c = report.stage1.convergence;
    expect(h).toHaveLength(c.epochs);
    expect(c.epochs).toBeGreaterThanOrEqual(QUICK_DETAUX.stage1.epochs);
    expect(c.epochs).toBeLessThanOrEqual(QUICK_DETAUX.stage1.maxEpochs);
    expect(c.scheduleEpochs).toBe(QUICK_DETAUX.stage1.epochs);
    expect(c.criterion).toMatch(c.converged ? /not better by 0\.001 \(relative\) for 2 epochs/ : /epoch cap: stage1\.maxEpochs = 12/);
    for (const e of h) expect(Number.isFinite(e.valTotal)).toBe(true);
    // normalised alignments: entry 0 is 1 (z_0 with itself), the rest are cosine-like, in [−1, 1]
    expect(report.stage2.normalisedAlignment[0]).toBeCloseTo(1, 5);
    for (const v of report.stage2.normalisedAlignment) expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-9);
    expect(report.stage2.choice).toBe('normalised');
    // the validation reconstruction improves during the reconstruction-only warm-up (epochs 0..2 of 8)
    expect(h[2].valRec).toBeLessThan(0.95 * h[0].valRec);
    // every term is active after the warm-up, and the orthogonality term falls once it is on
    const last = h[h.length - 1];
    expect(h[3].sp).toBeGreaterThan(0);
    expect(last.sp).toBeLessThan(0.5 * h[3].sp);
    expect(last.sp).toBeGreaterThan(0);
    expect(last.dist).toBeGreaterThan(0);
    expect(last.cons).toBeGreaterThan(0);
    expect(h[0].sp).toBe(0);
    const k = QUICK_DETAUX.stage1.subspaces;
    expect(report.stage2.alignment).toHaveLength(k);
    expect(report.stage2.chosenSubspace).toBeGreaterThanOrEqual(1);
    expect(report.stage2.chosenSubspace).toBeLessThan(k);
    expect(report.stage2.k).toBeGreaterThanOrEqual(QUICK_DETAUX.stage2.kMin);
    expect(report.stage2.k).toBeLessThanOrEqual(QUICK_DETAUX.stage2.kMax);
    expect(report.stage2.clusterSizes.reduce((a, b) => a + b, 0)).toBe(QUICK_DETAUX.data.trainWindows);
    for (const f of ['regime', 'frequency', 'amplitude', 'phase', 'trend']) inUnit(report.stage2.nmi[f]);
    for (const arm of ['stl', 'detaux', 'random', 'oracle'] as const) {
      const a = report.stage3.arms[arm];
      for (const split of ['iid', 'ood'] as const) {
        inUnit(a[split].accuracy.mean);
        inUnit(a[split].macroF1.mean);
        expect(a[split].accuracy.values).toHaveLength(QUICK_DETAUX.stage3.seeds);
        expect(a[split].accuracy.std).toBeGreaterThanOrEqual(0);
      }
    }
    expect(report.stage3.arms.stl.auxClasses).toBeNull();
    expect(report.stage3.arms.random.auxClasses).toBe(report.stage2.k);
    expect(report.stage3.arms.oracle.auxClasses).toBe(6);
    for (const split of ['iid', 'ood'] as const) {
      const s = report.disentanglement[split] as { mig: number; dci: { disentanglement: number; completeness: number; informativeness: number }; sap: number; mcc: { pearson: number } };
      inUnit(s.mig);
      inUnit(s.dci.disentanglement);
      inUnit(s.dci.completeness);
      expect(Number.isFinite(s.sap)).toBe(true);
      inUnit(s.mcc.pearson);
    }

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detaux-'));
    try {
      const out = path.join(dir, 'run');
      await saveDetaux(out, QUICK_DETAUX, report, artifacts);
      expect(fs.readdirSync(out).sort()).toEqual(['detaux.json', 'labels.json', 'metrics.json', 'weights.bin']);
      const labels = JSON.parse(fs.readFileSync(path.join(out, 'labels.json'), 'utf8'));
      expect(labels.labels).toHaveLength(QUICK_DETAUX.data.trainWindows);
      expect(labels.subspace).toBe(report.stage2.chosenSubspace);
      const meta = JSON.parse(fs.readFileSync(path.join(out, 'detaux.json'), 'utf8'));
      const floats = meta.tensors.reduce((s: number, t: { shape: number[] }) => s + t.shape.reduce((a, b) => a * b, 1), 0);
      expect(fs.statSync(path.join(out, 'weights.bin')).size).toBe(4 * floats);
      expect(floats).toBe(report.stage1.parameters);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Detaux stage 3 early stopping', () => {
  it('stops `patience` epochs after the best validation cross-entropy and keeps that epoch; patience 0 trains every epoch', () => {
    const bench = generateBenchmark(QUICK_DETAUX.data);
    const task = (s: typeof bench.train) => ({ x: s.x, n: s.n, principal: factorColumn(s, PRINCIPAL) });
    const classes = Math.max(...task(bench.train).principal) + 1;
    const cfg = { ...QUICK_DETAUX.stage3, epochs: 40, patience: 2, lr: 1e-2 };
    const before = tf.memory().numTensors;
    const r = trainArm('stl', cfg, task(bench.train), null, task(bench.test), task(bench.ood!), classes, 1, task(bench.val));
    expect(tf.memory().numTensors).toBe(before);
    expect(r.converged).toBe(true);
    expect(r.epochs).toBeLessThan(40);
    expect(r.epochs - r.bestEpoch).toBe(2);
    expect(r.iid.accuracy).toBeGreaterThan(1 / classes);
    const fixed = trainArm('stl', { ...cfg, epochs: 3, patience: 0 }, task(bench.train), null, task(bench.test), task(bench.ood!), classes, 1);
    expect(fixed).toMatchObject({ epochs: 3, bestEpoch: 3, converged: false });
  }, 60_000);
});
