/**
 * Time-Series-Library's long-horizon protocol (lib/data/protocols.ts) on a generated ETT-format
 * CSV of ETTh1's length: window counts as TSLib's Dataset_ETT_hour (len(data_x) − seq_len −
 * pred_len + 1 per split), Informer's split borders, every row 1…H a target, the z-score fitted on
 * the training rows, and the normalised MSE / MAE as means over every element of every window.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareData } from '../../lib/data/prepare';
import { TSLIB_PROTOCOL } from '../../lib/data/protocols';
import { runTraining } from '../../lib/train/run';
import { main } from '../../lib/cli/main';
import { capture, tempDir, userError, writeEttCsv } from './helpers';

const ROWS = 17_420; // ETTh1's length (2016-07-01 00:00 … 2018-06-26 19:00)
const dir = tempDir('dive-tslib-');
// Channel c at row t: the ramp t/100 + c (each row's value says which row it is).
const file = writeEttCsv(path.join(dir, 'ett', 'ETTh1.csv'), ROWS, (t, c) => t / 100 + c);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** TSLib's Dataset_ETT_hour for seq_len L, pred_len H: borders and window counts per split. */
function tslibEttHour(L: number, H: number) {
  const border1s = [0, 12 * 30 * 24 - L, 12 * 30 * 24 + 4 * 30 * 24 - L];
  const border2s = [12 * 30 * 24, 12 * 30 * 24 + 4 * 30 * 24, 12 * 30 * 24 + 8 * 30 * 24];
  const count = (k: number) => border2s[k] - border1s[k] - L - H + 1;
  return { border1s, border2s, train: count(0), val: count(1), test: count(2) };
}

describe('the tslib protocol on an ETT-format file', () => {
  it('has the window counts of TSLib\'s Dataset_ETT_hour at every published horizon (8449 / 2785 / 2785 at 96)', () => {
    expect(tslibEttHour(96, 96)).toMatchObject({ train: 8449, val: 2785, test: 2785 });
    for (const H of TSLIB_PROTOCOL.horizons) {
      const p = prepareData('ett-h1', { file, protocol: 'tslib', horizon: H });
      const want = tslibEttHour(96, H);
      expect([p.train.count, p.val.count, p.test.count]).toEqual([want.train, want.val, want.test]);
      expect(p.spec).toEqual({ inputLength: 96, horizon: H, targetLength: H, stride: 1 });
      expect(p.horizons).toEqual([96, 192, 336, 720]);
    }
  });

  it('defaults to input 96 and horizon 96, and places the windows on Informer\'s borders', () => {
    const p = prepareData('ett-h1', { file, protocol: 'tslib' });
    expect(p.spec.horizon).toBe(96);
    const { border1s, border2s } = tslibEttHour(96, 96);
    const first = (s: typeof p.train) => s.startOf(0);
    const lastTarget = (s: typeof p.train) => s.startOf(s.count - 1) + 96 + 96 - 1;
    // Window k of split j starts at border1s[j] + k (TSLib: s_begin = index into data[border1:border2]).
    expect([first(p.train), first(p.val), first(p.test)]).toEqual(border1s);
    expect([lastTarget(p.train), lastTarget(p.val), lastTarget(p.test)]).toEqual(border2s.map((b) => b - 1));
    expect(p.splitRows).toEqual({ train: 8640, val: 2880, test: 2880 });
    expect(p.protocol).toMatch(/^Time-Series-Library long-horizon protocol .*ETT 12\/4\/4 months \(rows 0–8639, 8640–11519, 11520–14399/);
  });

  it('forecasts every row 1…H: a window\'s targets are the H rows after its input', () => {
    const p = prepareData('ett-h1', { file, protocol: 'tslib', horizon: 192 });
    const i = 1234;
    const s = p.val.startOf(i);
    const x = p.scaler.inverse(Float32Array.from(p.val.input(i)));
    const y = p.scaler.inverse(Float32Array.from(p.val.target(i)));
    expect(x.length).toBe(96 * 7);
    expect(y.length).toBe(192 * 7);
    // Channel 0 is t/100: the input holds rows s … s+95, the targets rows s+96 … s+287.
    expect(x[0]).toBeCloseTo(s / 100, 3);
    expect(y[0]).toBeCloseTo((s + 96) / 100, 3);
    expect(y[191 * 7]).toBeCloseTo((s + 96 + 191) / 100, 3);
  });

  it('z-scores with the training rows\' mean and population standard deviation', () => {
    const p = prepareData('ett-h1', { file, protocol: 'tslib' });
    const n = 8640;
    // Channel 1 on rows 0…8639 is t/100 + 1: mean (n−1)/200 + 1, std √((n²−1)/12)/100.
    expect(p.scaler.offset[1]).toBeCloseTo((n - 1) / 200 + 1, 3);
    expect(p.scaler.scale[1]).toBeCloseTo(Math.sqrt((n * n - 1) / 12) / 100, 3);
  });

  it('refuses what the protocol fixes, and data sets without the ETT split, in one line', () => {
    userError(() => prepareData('ett-h1', { file, protocol: 'tslib', targetLength: 1 }), /the tslib protocol fixes the targetLength \(every row 1…H is a target\)/);
    userError(() => prepareData('ett-h1', { file, protocol: 'tslib', split: { kind: 'fractions', train: 0.7, val: 0.1 } }), /the tslib protocol fixes the split/);
    userError(() => prepareData('csv', { file, protocol: 'tslib' }), /the tslib protocol is defined on the ETT files .*'csv' has a fractions split/);
  });

  it('reports the normalised MSE and MAE as means over every element of every test window (persistence on a ramp)', async () => {
    const H = 96;
    const report = await runTraining({ model: 'persistence', data: 'ett-h1', file, config: { data: { protocol: 'tslib' } }, backend: 'test' });
    expect(report.window).toEqual({ inputLength: 96, horizon: H, targetLength: H });
    expect(report.test.windows).toBe(2785);
    // Every channel is a ramp of slope 1/100: after the z-score one row adds 1/σ, σ = √((n²−1)/12)
    // (the population std of 0…n−1 over the n training rows), so persistence is k/σ off at step k of
    // every window and channel. The mean over every element is then mean_k (k/σ)² (one row at H
    // only would give (H/σ)², a sum over the H rows H times more).
    const n = 8640;
    const sigmaRows = Math.sqrt((n * n - 1) / 12);
    const mse = ((H + 1) * (2 * H + 1)) / 6 / sigmaRows ** 2;
    const mae = (H + 1) / 2 / sigmaRows;
    expect(Math.abs(report.metrics.forecastMseNormalised! / mse - 1)).toBeLessThan(2e-3);
    expect(Math.abs(report.metrics.forecastMaeNormalised! / mae - 1)).toBeLessThan(2e-3);
    expect(report.metrics.forecastMseNormalised).toBe(report.test.forecast.normalised.mse);
    expect(report.metrics.forecastMaeNormalised).toBe(report.test.forecast.normalised.mae);
  });

  it('is selected on the command line: dive data describe and dive train --protocol tslib', async () => {
    const io = capture();
    expect(await main(['data', 'describe', 'ett-h1', '--file', file, '--protocol', 'tslib', '--horizon', '336', '--json'], io)).toBe(0);
    const d = JSON.parse(io.stdout[0]);
    expect(d.splits).toMatchObject({ train: { windows: 8209 }, val: { windows: 2545 }, test: { windows: 2545 } });
    expect(d.horizons).toEqual([96, 192, 336, 720]);
    const cfg = path.join(dir, 'short.json');
    fs.writeFileSync(cfg, JSON.stringify({ train: { maxBatchesPerEpoch: 2, maxValWindows: 64 } }));
    const io2 = capture();
    expect(await main(['train', '--model', 'linear', '--data', 'ett-h1', '--file', file, '--protocol', 'tslib', '--horizon', '192', '--epochs', '1', '--config', cfg, '--json'], io2)).toBe(0);
    const r = JSON.parse(io2.stdout[0]);
    expect(r.window).toEqual({ inputLength: 96, horizon: 192, targetLength: 192 });
    expect(r.test.windows).toBe(2689);
    expect(await main(['train', '--model', 'linear', '--data', 'ett-h1', '--file', file, '--protocol', 'lstnet'], capture())).toBe(2);
  });
});
