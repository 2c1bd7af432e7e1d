/**
 * The opt-in `tslib-ett` experiment (lib/study/spec/tslib.ts): its table is well formed (rows =
 * the protocol's horizons, the published values once, TSLib's recipe on the DLinear cells, the
 * tslib protocol on every run), it is selected only by name, and `--only tslib-ett` runs end to
 * end on the tiny protocol over a generated ETT-format file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseAll } from '../../lib/study/run/dataChoice';
import { EXPERIMENT_NAMES, OPT_IN_EXPERIMENTS, experiments } from '../../lib/study/spec/definitions';
import { FULL, QUICK, TINY } from '../../lib/study/spec/protocol';
import { PUBLISHED_DLINEAR_ETTH1, TSLIB_DLINEAR_TRAIN, TSLIB_EPOCHS } from '../../lib/study/spec/tslib';
import { expandPlan, resolveRun, selectExperiments, variantsOf } from '../../lib/study/run/plan';
import { reproduce, type ReproduceReport } from '../../lib/study/reproduce';
import { readRecords } from '../../lib/study/run/store';
import { formatRelDiff } from '../../lib/study/report/tabulate';
import { writeEttCsv } from '../data/helpers';

const ett = (name: string): boolean => name === 'ett-h1';

describe('the tslib-ett table', () => {
  const table = experiments(FULL, chooseAll(ett)).find((e) => e.name === 'tslib-ett')!.table!;

  it('has a row per published horizon with DLinear beside the published MSE / MAE and persistence as the floor', () => {
    expect(table.family).toBe('ett');
    expect(table.rows.map((r) => r.label)).toEqual(['H = 96', 'H = 192', 'H = 336', 'H = 720']);
    expect(table.columns.map((c) => c.key)).toEqual(['mse', 'mae', 'persistenceMse', 'persistenceMae']);
    expect(table.columns.filter((c) => c.paperDelta).map((c) => c.key)).toEqual(['mse', 'mae']);
    [96, 192, 336, 720].forEach((h, i) => {
      const r = table.rows[i];
      expect(r.cells.mse).toMatchObject({ metric: 'forecastMseNormalised', paper: PUBLISHED_DLINEAR_ETTH1[h].mse, variant: { model: 'linear', horizon: h, protocol: 'tslib' } });
      expect(r.cells.mae).toMatchObject({ metric: 'forecastMaeNormalised', paper: PUBLISHED_DLINEAR_ETTH1[h].mae, variant: { model: 'linear', horizon: h, protocol: 'tslib' } });
      expect(r.cells.persistenceMse?.variant).toEqual({ model: 'persistence', family: 'ett', horizon: h, protocol: 'tslib' });
    });
    expect(PUBLISHED_DLINEAR_ETTH1[96]).toEqual({ mse: { value: 0.386 }, mae: { value: 0.4 } });
    expect(PUBLISHED_DLINEAR_ETTH1[720]).toEqual({ mse: { value: 0.519 }, mae: { value: 0.516 } });
    expect(table.paperProvenance).toMatch(/TimesNet/);
  });

  it('resolves DLinear to TSLib\'s recipe on ETTh1 under the tslib protocol, capped by the protocol\'s epochs', () => {
    const v = table.rows[1].cells.mse!.variant;
    const full = resolveRun(v, 0, FULL, chooseAll(ett));
    expect(full).toMatchObject({ model: 'linear', data: 'ett-h1', horizon: 192, protocol: 'tslib', epochs: TSLIB_EPOCHS, config: {} });
    // The full protocol's own trainer settings (patience 5, 150 batches per epoch) are replaced by TSLib's.
    expect(full.trainConfig).toMatchObject({ lr: 1e-4, batchSize: 32, patience: 3, lrSchedule: { kind: 'step', factor: 0.5 }, clipNorm: 0, maxBatchesPerEpoch: 0 });
    expect(full.trainConfig).toMatchObject(TSLIB_DLINEAR_TRAIN);
    expect(resolveRun(v, 0, QUICK, chooseAll(ett)).epochs).toBe(QUICK.epochs);
    // Runs of the data sets' own protocols carry no protocol field, so their ids are unchanged.
    expect(resolveRun({ model: 'linear', family: 'electricity', horizon: 24 }, 0, FULL, chooseAll(ett))).not.toHaveProperty('protocol');
  });

  it('runs only when named: not part of a plain reproduction, whose runs stay as they were', () => {
    expect(OPT_IN_EXPERIMENTS).toEqual(['tslib-ett', 'sparse-rho']);
    expect(selectExperiments([])).toEqual(EXPERIMENT_NAMES.filter((n) => n !== 'tslib-ett' && n !== 'sparse-rho'));
    expect(selectExperiments(['tslib-ett'])).toEqual(['tslib-ett']);
    const plain = expandPlan({ protocol: FULL, only: [], choices: chooseAll(ett) });
    expect(plain.runs.some((r) => r.spec.protocol !== undefined)).toBe(false);
    const only = expandPlan({ protocol: FULL, only: ['tslib-ett'], choices: chooseAll(ett) });
    expect(only.runs).toHaveLength(4 * 2 * FULL.seeds);
    expect(only.runs.every((r) => r.spec.protocol === 'tslib' && r.spec.data === 'ett-h1')).toBe(true);
    expect(variantsOf(only.experiments[0])).toHaveLength(16);
  });

  it('has no stand-in data: without ETTh1 the runs stay on ett-h1 and the note says how to get it', () => {
    const c = chooseAll(() => false);
    expect(c.ett.data).toBe('ett-h1');
    expect(c.ett.note).toMatch(/ETTh1 not found.*dive data fetch ett-h1/);
  });

  it('formats the relative difference to the published value', () => {
    expect(formatRelDiff(0.3954, 0.386)).toBe('+2.4 %');
    expect(formatRelDiff(0.508, 0.519)).toBe('−2.1 %');
    expect(formatRelDiff(undefined, 0.386)).toBe('—');
  });
});

describe('dive reproduce --only tslib-ett (tiny, generated ETT-format file)', () => {
  const KEYS = ['DIVE_DATA_DIR', 'DIVE_DATA_MIRROR', 'DIVE_DATA_SHARED'] as const;
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  let dir: string;
  let data: string;
  let report: ReproduceReport;
  let tensorsBefore: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-tslib-repro-'));
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-tslib-data-'));
    // ETTh1's length; a daily cycle plus a slow drift per channel, so that DLinear has something to learn.
    writeEttCsv(path.join(data, 'ett', 'ETTh1.csv'), 17_420, (t, c) => Math.sin((2 * Math.PI * (t + 3 * c)) / 24) + t / 5000 + c);
    process.env.DIVE_DATA_DIR = data;
    delete process.env.DIVE_DATA_MIRROR;
    process.env.DIVE_DATA_SHARED = '0';
    await tf.ready();
    tensorsBefore = tf.memory().numTensors;
    report = await reproduce({ out: dir, protocol: TINY, only: ['tslib-ett'], images: false });
  });
  afterAll(() => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(data, { recursive: true, force: true });
  });

  it('trains DLinear and persistence at every horizon over the seeds and records the protocol and the stop reason', () => {
    expect(report.failed).toEqual([]);
    expect(report.planned).toBe(4 * 2 * TINY.seeds);
    expect(report.ran).toHaveLength(report.planned);
    const recs = [...readRecords(dir).values()];
    expect(recs).toHaveLength(report.planned);
    for (const r of recs) {
      expect(r.spec).toMatchObject({ data: 'ett-h1', protocol: 'tslib' });
      expect(r.data.protocol).toMatch(/^Time-Series-Library long-horizon protocol/);
      expect(r.data.protocol).toContain(`horizon ${r.spec.horizon}, target ${r.spec.horizon}`);
      expect(r.stopReason).toBe(r.spec.model === 'persistence' ? 'no-training' : r.epochs < TINY.epochs ? 'early-stopping' : 'epoch-cap');
      expect(r.metrics.forecastMseNormalised).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('writes the table: our mean beside the published value and the relative difference, the floor and the stopping note', () => {
    const md = fs.readFileSync(path.join(dir, 'tables', 'tslib-ett.md'), 'utf8');
    expect(md).toContain('| horizon | DLinear MSE | DLinear MSE (paper) | DLinear MSE Δ vs paper | DLinear MAE | DLinear MAE (paper) | DLinear MAE Δ vs paper | persistence MSE | persistence MAE |');
    expect(md).toMatch(/\| H = 96 \| \d\.\d{4} ± \d\.\d{4} \| 0\.3860 \| [+−]\d+\.\d % \| \d\.\d{4} ± \d\.\d{4} \| 0\.4000 \| [+−]\d+\.\d % \| \d\.\d{4} ± 0\.0000 \| \d\.\d{4} ± 0\.0000 \|/);
    expect(md).toMatch(/Converged by early stopping \(runs per row\): H = 96 \d\/\d; H = 192 \d\/\d; H = 336 \d\/\d; H = 720 \d\/\d\./);
    expect(md).toContain('SMOKE TEST');
    expect(md).toMatch(/Paper values: Wu, Hu, Liu, Zhou, Wang, Long: TimesNet/);
    const csv = fs.readFileSync(path.join(dir, 'tables', 'tslib-ett.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('row,mse_mean,mse_std,mse_n,mse_paper,mse_rel_diff,mae_mean,mae_std,mae_n,mae_paper,mae_rel_diff,persistenceMse_mean,persistenceMse_std,persistenceMse_n,persistenceMse_paper,persistenceMae_mean,persistenceMae_std,persistenceMae_n,persistenceMae_paper');
    const h720 = csv.find((l) => l.startsWith('H = 720'))!.split(',');
    expect(Number(h720[5])).toBeCloseTo(Number(h720[1]) / 0.519 - 1, 12);
    expect(Number(h720[3])).toBe(TINY.seeds);
  });
});
