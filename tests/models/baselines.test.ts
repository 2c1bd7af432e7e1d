import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { createModel, MODEL_NAMES } from '../../lib/models/registry';
import { movingAverageMatrix } from '../../lib/models/linear';
import { seasonalSourceRows } from '../../lib/models/seasonalNaive';
import { SMALL, TINY_INFO, disposeTensorBatch, sineBatch } from './helpers';
import { prepareData } from '../../lib/data/prepare';
import { dataInfoOf } from '../../lib/train/batches';

beforeAll(async () => {
  await initBackend();
});

describe('non-latent references', () => {
  it('persistence repeats the last input row', () => {
    const m = createModel('persistence', {}, TINY_INFO);
    const b = sineBatch(2);
    tf.tidy(() => {
      const f = m.predict(b.x).forecast.arraySync();
      const x = b.x.arraySync();
      for (let i = 0; i < 2; i++) for (let t = 0; t < 3; t++) expect(f[i][t]).toEqual(x[i][11]);
    });
    expect(m.params.size()).toBe(0);
    disposeTensorBatch(b);
    m.dispose();
  });

  it('seasonal-naive copies the row one season earlier (default 24 for hourly data)', () => {
    // L=48, horizon 24, T=1: the target is 24 rows after the last input → input row 47.
    expect(seasonalSourceRows({ ...TINY_INFO, inputLength: 48, horizon: 24, targetLength: 1 }, 24)).toEqual([47]);
    // L=12, horizon 3, T=3, season 4: targets 1..3 rows ahead → rows 11+1−4, 11+2−4, 11+3−4
    expect(seasonalSourceRows(TINY_INFO, 4)).toEqual([8, 9, 10]);
    expect(() => seasonalSourceRows(TINY_INFO, 24)).toThrow(/reaches before the 12-row input window/);
    expect(() => createModel('seasonal-naive', {}, { ...TINY_INFO, sampleRateHz: 100 })).toThrow(/needs a season/);
    const m = createModel('seasonal-naive', { season: 4 }, TINY_INFO);
    const b = sineBatch(2);
    tf.tidy(() => {
      const f = m.predict(b.x).forecast.arraySync();
      const x = b.x.arraySync();
      expect(f[1][0]).toEqual(x[1][8]);
      expect(f[1][2]).toEqual(x[1][10]);
    });
    disposeTensorBatch(b);
    m.dispose();
  });

  it('linear: moving-average rows sum to 1, and the initial map predicts the window mean', () => {
    const A = movingAverageMatrix(6, 3);
    for (let t = 0; t < 6; t++) {
      let s = 0;
      for (let j = 0; j < 6; j++) s += A[j * 6 + t];
      expect(s).toBeCloseTo(1, 6);
    }
    // replicate padding: trend at t=0 = (x0 + x0 + x1)/3
    expect(A[0 * 6 + 0]).toBeCloseTo(2 / 3, 6);
    expect(A[1 * 6 + 0]).toBeCloseTo(1 / 3, 6);
    const m = createModel('linear', { kernel: 5 }, TINY_INFO);
    const b = sineBatch(2);
    tf.tidy(() => {
      const f = m.predict(b.x).forecast;
      expect(f.shape).toEqual([2, 3, 2]);
      // W_t = W_s = 1/L → ŷ = mean of the window (trend + remainder = x)
      const mean = tf.mean(b.x, 1).arraySync() as number[][];
      const fa = f.arraySync();
      for (let i = 0; i < 2; i++) for (let c = 0; c < 2; c++) expect(fa[i][2][c]).toBeCloseTo(mean[i][c], 5);
    });
    disposeTensorBatch(b);
    m.dispose();
  });

  it('gru forecasts with the documented shape and its trunk is a GRU', () => {
    const m = createModel('gru', { trunk: { kind: 'gru', hidden: 8, layers: 1 } }, TINY_INFO);
    const b = sineBatch(3);
    tf.tidy(() => {
      expect(m.predict(b.x).forecast.shape).toEqual([3, 3, 2]);
    });
    expect(m.params.all().some((p) => p.name === 'trunk/gru/uh')).toBe(true);
    disposeTensorBatch(b);
    m.dispose();
  });
});

describe('β-VAE and β-TCVAE', () => {
  it('β-VAE reports forecast, recon and KL; β-TCVAE the MI/TC/dwKL split with β on TC', () => {
    const b = sineBatch(6);
    const v = createModel('beta-vae', SMALL, TINY_INFO);
    const t = createModel('beta-tcvae', SMALL, TINY_INFO);
    tf.tidy(() => {
      expect(Object.keys(v.losses(b, { noiseSeed: 1 })).sort()).toEqual(['forecast', 'kl', 'recon']);
      const tt = t.losses(b, { noiseSeed: 1 });
      expect(Object.keys(tt).sort()).toEqual(['dwkl', 'forecast', 'mi', 'recon', 'tc']);
      const p = t.predict(b.x);
      expect(p.latentA!.shape).toEqual([6, 16 + 2]);
      expect(p.reconstruction!.shape).toEqual([6, 12, 2]);
    });
    const s = 2 / 24;
    expect(t.objective.weights).toEqual({ forecast: 1, recon: 1, mi: s, tc: 6 * s, dwkl: s });
    expect(v.objective.weights.kl).toBeCloseTo(4 * s, 10);
    disposeTensorBatch(b);
    v.dispose();
    t.dispose();
  });
});

/** Every listed model at a tiny size on TINY_INFO, with one 4-window batch; no tensor may outlive the loop. */
function forEachTinyModel(body: (name: string, m: ReturnType<typeof createModel>, b: ReturnType<typeof sineBatch>) => void): void {
  const before = tf.memory().numTensors;
  const b = sineBatch(4);
  for (const name of MODEL_NAMES) {
    const m = createModel(name, name === 'seasonal-naive' ? { season: 4 } : name === 'gru' ? { trunk: { kind: 'gru', hidden: 4, layers: 1 } } : ['persistence', 'linear'].includes(name) ? {} : SMALL, TINY_INFO);
    body(name, m, b);
    m.dispose();
  }
  disposeTensorBatch(b);
  expect(tf.memory().numTensors).toBe(before);
}

describe('registry', () => {
  it('builds every listed model on tiny data without leaking tensors', () => {
    forEachTinyModel((_, m, b) =>
      tf.tidy(() => {
        expect(m.predict(b.x).forecast.shape).toEqual([4, 3, 2]);
        const f = m.losses(b, { noiseSeed: 0 }).forecast!;
        expect(Number.isFinite(f.dataSync()[0])).toBe(true);
      }),
    );
  });
});

describe("predict(x, 'forecast')", () => {
  it('gives every model the forecast of the full pass, and the latent models skip the decoder and memberships', () => {
    forEachTinyModel((name, m, b) => {
      // Random weights everywhere: the zero-initialised forecaster output would make every code path forecast persistence.
      tf.tidy(() => m.params.all().forEach((p, i) => p.variable.assign(tf.randomNormal(p.variable.shape, 0, 0.3, 'float32', 17 + i))));
      const created = (need?: 'forecast'): { values: number[]; tensors: number } =>
        tf.tidy(() => {
          const n0 = tf.memory().numTensors;
          const f = m.predict(b.x, need).forecast;
          return { values: Array.from(f.dataSync()), tensors: tf.memory().numTensors - n0 };
        });
      const all = created();
      const only = created('forecast');
      expect(only.values, name).toEqual(all.values);
      if (['deepdive', 'deepdive-a', 'beta-vae', 'beta-tcvae'].includes(name)) expect(only.tensors, name).toBeLessThan(all.tensors);
    });
  });
});

describe('forecaster head', () => {
  it('an untrained latent model forecasts persistence (zero-initialised MLP + persistence highway)', () => {
    const info = { ...TINY_INFO, horizon: 1, targetLength: 1 };
    const m = createModel('beta-vae', { ...SMALL, highway: 4, revin: 'affine' }, info);
    const p = createModel('persistence', {}, info);
    const b = sineBatch(3, info);
    tf.tidy(() => {
      // Exactly without instance normalisation; through RevIN's x ↦ (x − μ)/σ ↦ σ·x̃ + μ round trip, to float32 rounding.
      const none = createModel('beta-vae', { ...SMALL, highway: 4, revin: 'none' }, info);
      expect(Array.from(none.predict(b.x).forecast.dataSync())).toEqual(Array.from(p.predict(b.x).forecast.dataSync()));
      none.dispose();
      const want = p.predict(b.x).forecast.dataSync();
      Array.from(m.predict(b.x).forecast.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    });
    disposeTensorBatch(b);
    m.dispose();
    p.dispose();
  });
});

describe('seasonal-naive season from the data set', () => {
  it('takes one day for hourly data, one stride for gait, 24 rows for synthetic', () => {
    const synthetic = dataInfoOf(prepareData('synthetic'));
    expect(synthetic.season).toBe(24);
    const model = createModel('seasonal-naive', {}, synthetic);
    expect((model as unknown as { season: number }).season).toBe(24);
    model.dispose();
    const ett = dataInfoOf(prepareData('ett-h1'));
    expect(ett.season).toBe(24);
    const gait = dataInfoOf(prepareData('gaitndd'));
    expect(gait.season).toBe(110); // 1.1 s at 100 Hz
    const noCycle = { ...synthetic, season: undefined, sampleRateHz: 1 };
    expect(() => createModel('seasonal-naive', {}, noCycle)).toThrow(/needs a season/);
  });
});
