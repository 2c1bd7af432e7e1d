/**
 * The LSTNet suite's other data sets (traffic, solar-AL, exchange rate): registered with their
 * file names, published shapes, calendars and the LSTNet protocol; `dive data describe NAME`
 * reports the calendar of a generated file placed in a temporary DIVE_DATA_DIR. Exchange rate
 * is generated at its full published shape (7,588 × 8); traffic and solar-AL with their real
 * column counts but fewer rows (the full traffic file is 15 M values), which the loader accepts
 * with a row-count warning — the full-size calendars are checked from the published row counts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { LSTNET_SUITE, loadLstnetSuite } from '../../lib/data/lstnet';
import { DATASETS, datasetInfo, resolveDataPath } from '../../lib/data/registry';
import { prepareData } from '../../lib/data/prepare';
import { capture, tempDir, userError } from './helpers';

const saved = { dir: process.env.DIVE_DATA_DIR, mirror: process.env.DIVE_DATA_MIRROR };
afterEach(() => {
  for (const [k, v] of [['DIVE_DATA_DIR', saved.dir], ['DIVE_DATA_MIRROR', saved.mirror]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** A rows × cols LSTNet-format file (comma-separated, no header) of positive seeded values. */
function writeMatrix(file: string, rows: number, cols: number, gzip: boolean): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines: string[] = new Array(rows);
  for (let t = 0; t < rows; t++) {
    const row: string[] = new Array(cols);
    for (let c = 0; c < cols; c++) row[c] = (1 + 0.5 * Math.sin((2 * Math.PI * t) / 24 + c) + ((t * 7 + c * 13) % 10) / 100).toFixed(3);
    lines[t] = row.join(',');
  }
  const text = `${lines.join('\n')}\n`;
  fs.writeFileSync(file, gzip ? zlib.gzipSync(text) : text);
}

async function describeJson(name: string): Promise<Record<string, any>> {
  const io = capture();
  expect(await main(['data', 'describe', name, '--json'], io)).toBe(0);
  return JSON.parse(io.stdout.join('\n'));
}

describe('LSTNet suite registry', () => {
  it('registers traffic, solar-al and exchange-rate with files, protocol and season', () => {
    expect(datasetInfo('traffic').locations).toEqual(['traffic/traffic.txt.gz', 'traffic/traffic.txt']);
    expect(datasetInfo('solar-al').locations).toEqual(['solar-energy/solar_AL.txt.gz', 'solar-energy/solar_AL.txt']);
    expect(datasetInfo('exchange-rate').locations).toEqual(['exchange_rate/exchange_rate.txt.gz', 'exchange_rate/exchange_rate.txt']);
    for (const name of ['traffic', 'solar-al', 'exchange-rate'] as const) {
      const d = DATASETS[name].defaults;
      expect(d.window).toEqual({ inputLength: 168, horizon: 24, targetLength: 1, stride: 1 });
      expect(d.split).toEqual({ kind: 'fractions', train: 0.6, val: 0.2 });
      expect(d.scaler).toBe('maxabs');
      expect(d.horizons).toEqual([3, 6, 12, 24]);
    }
    // Season in rows = seasonSeconds / interval: one day hourly (24), one day at 10 min (144), one week daily (7).
    expect(DATASETS.traffic.defaults.seasonSeconds / 3600).toBe(24);
    expect(DATASETS['solar-al'].defaults.seasonSeconds / 600).toBe(144);
    expect(DATASETS['exchange-rate'].defaults.seasonSeconds / 86_400).toBe(7);
  });

  it('published shapes and calendars end where the sources say', () => {
    // Last timestamp = start + (rows − 1) · interval; the end dates are the sources' (docs/data.md):
    // electricity 2012–2014, traffic 2015–2016, solar 2006, exchange rate to 2010-10-10.
    const end = (n: keyof typeof LSTNET_SUITE) => new Date(LSTNET_SUITE[n].startMs + (LSTNET_SUITE[n].rows - 1) * LSTNET_SUITE[n].stepSeconds * 1000).toISOString();
    expect(end('electricity-lstnet')).toBe('2014-12-31T23:00:00.000Z');
    expect(end('traffic')).toBe('2016-12-31T23:00:00.000Z');
    expect(end('solar-al')).toBe('2006-12-31T23:50:00.000Z');
    expect(end('exchange-rate')).toBe('2010-10-10T00:00:00.000Z');
    expect([LSTNET_SUITE.traffic.rows, LSTNET_SUITE.traffic.cols]).toEqual([17_544, 862]);
    expect([LSTNET_SUITE['solar-al'].rows, LSTNET_SUITE['solar-al'].cols]).toEqual([52_560, 137]);
    expect([LSTNET_SUITE['exchange-rate'].rows, LSTNET_SUITE['exchange-rate'].cols]).toEqual([7_588, 8]);
  });
});

describe('dive data describe on generated LSTNet-suite files', () => {
  it('exchange-rate (full shape, gzipped): daily calendar 1990-01-01 … 2010-10-10, weekday and month labels, no hour', async () => {
    const dir = tempDir();
    process.env.DIVE_DATA_DIR = dir;
    delete process.env.DIVE_DATA_MIRROR;
    writeMatrix(path.join(dir, 'exchange_rate', 'exchange_rate.txt.gz'), 7_588, 8, true);
    const r = await describeJson('exchange-rate');
    expect(r.calendar).toEqual({ start: '1990-01-01T00:00:00.000Z', end: '2010-10-10T00:00:00.000Z', intervalSeconds: 86_400, interval: '1 day', rows: 7_588 });
    expect(r.channels).toBe(8);
    expect(r.labels.map((l: { name: string }) => l.name)).toEqual(['weekday', 'month']);
    expect(r.meta.warning).toBeUndefined();
    expect(r.scaler.kind).toBe('maxabs');
    expect(r.horizons).toEqual([3, 6, 12, 24]);
    // 0.6/0.2/0.2 by target index: train targets are rows 191 … 4551 (floor(0.6 · 7588) = 4552).
    expect(r.splits.train.windows).toBe(4552 - 191);
    const io = capture();
    expect(await main(['data', 'describe', 'exchange-rate'], io)).toBe(0);
    expect(io.stdout).toContain('calendar: 7588 rows every 1 day from 1990-01-01T00:00:00.000Z to 2010-10-10T00:00:00.000Z');
  });

  it('traffic (862 columns, 1,000 rows): hourly from 2015-01-01, hour/weekday/month labels, row-count warning', async () => {
    const dir = tempDir();
    process.env.DIVE_DATA_DIR = dir;
    delete process.env.DIVE_DATA_MIRROR;
    writeMatrix(path.join(dir, 'traffic', 'traffic.txt'), 1_000, 862, false);
    const r = await describeJson('traffic');
    // 999 h after 2015-01-01 00:00 = 41 days 15 h → 2015-02-11 15:00.
    expect(r.calendar).toEqual({ start: '2015-01-01T00:00:00.000Z', end: '2015-02-11T15:00:00.000Z', intervalSeconds: 3600, interval: '1 h', rows: 1_000 });
    expect(r.channels).toBe(862);
    expect(r.labels.map((l: { name: string }) => l.name)).toEqual(['hour', 'weekday', 'month']);
    expect(r.meta.warning).toMatch(/traffic\.txt has 1000 rows, the published 'traffic' file has 17544/);
  });

  it('solar-al (137 columns, 2,000 rows): every 10 min from 2006-01-01, 144 rows per day', async () => {
    const dir = tempDir();
    process.env.DIVE_DATA_DIR = dir;
    delete process.env.DIVE_DATA_MIRROR;
    writeMatrix(path.join(dir, 'solar-energy', 'solar_AL.txt.gz'), 2_000, 137, true);
    const io = capture();
    expect(await main(['data', 'describe', 'solar-al'], io)).toBe(0);
    // 1,999 · 10 min = 13 days 21 h 10 min → 2006-01-14 21:10.
    expect(io.stdout).toContain('calendar: 2000 rows every 10 min from 2006-01-01T00:00:00.000Z to 2006-01-14T21:10:00.000Z');
    expect(io.stdout.some((l) => l.startsWith('warning: solar_AL.txt.gz has 2000 rows, the published'))).toBe(true);
    expect(io.stdout).toContain('label hour (24 classes; train frequencies):');
    const p = prepareData('solar-al');
    expect(Math.round(DATASETS['solar-al'].defaults.seasonSeconds * p.dataset.sampleRateHz)).toBe(144);
  });

  it('a file with the wrong column count, or none at all, is a one-line error naming the fix', async () => {
    const dir = tempDir();
    process.env.DIVE_DATA_DIR = dir;
    delete process.env.DIVE_DATA_MIRROR;
    const f = path.join(dir, 'wrong.txt');
    writeMatrix(f, 300, 9, false);
    userError(() => loadLstnetSuite(f, 'exchange-rate'), /wrong\.txt has 9 columns, but 'exchange-rate' has 8; check that it is the exchange_rate\.txt\.gz file/);
    userError(() => resolveDataPath('traffic'), /data set 'traffic' not found .*download traffic\.txt\.gz .*--file PATH/);
    const io = capture();
    expect(await main(['data', 'describe', 'solar-al', '--file', f], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/has 9 columns, but 'solar-al' has 137/);
  });
});
