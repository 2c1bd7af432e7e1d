import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadBytes, fetchDataset, verifyFile } from '../../lib/data/fetch';
import { readManifest } from '../../lib/data/manifest';
import { main } from '../../lib/cli/main';
import { UserError } from '../../lib/util/errors';
import { capture, requireShared, SHARED, tempDir } from './helpers';

const saved = { dir: process.env.DIVE_DATA_DIR, mirror: process.env.DIVE_DATA_MIRROR };
afterEach(() => {
  for (const [k, v] of [['DIVE_DATA_DIR', saved.dir], ['DIVE_DATA_MIRROR', saved.mirror]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('manifest', () => {
  it('records ETTh1 and every gaitndd record file', () => {
    const m = readManifest();
    expect(m.datasets['ett-h1'].files[0].sha256).toBe('f18de3ad269cef59bb07b5438d79bb3042d3be49bdeecf01c1cd6d29695ee066');
    const g = m.datasets.gaitndd.files.map((f) => f.name);
    for (const ext of ['hea', 'let', 'rit', 'ts']) expect(g.filter((n) => n.endsWith(`.${ext}`))).toHaveLength(64);
    expect(m.datasets['electricity-lstnet'].shape).toEqual([26304, 321]);
  });
  it('accepts a CRLF header saved with LF, but not a changed one', () => {
    const hea = readManifest().datasets.gaitndd.files.find((f) => f.name === 'control14.hea')!;
    const lf = fs.readFileSync(path.join(requireShared('gaitndd'), 'control14.hea'));
    expect(verifyFile(lf, hea)).toBe('sha256 (line endings normalised)');
    expect(verifyFile(Buffer.from(lf.toString().replace('525', '526')), hea)).toBeUndefined();
    const sig = readManifest().datasets.gaitndd.files.find((f) => f.name === 'control14.let')!;
    expect(verifyFile(fs.readFileSync(path.join(SHARED, 'gaitndd', 'control14.let')), sig)).toBe('sha256');
  });
});

describe('fetch', () => {
  it('copies ett-h1 from the mirror into the cache, verified; a second fetch keeps the cache', async () => {
    const cache = tempDir();
    const r = await fetchDataset('ett-h1', { cache, mirror: SHARED });
    expect(r.files).toEqual([{ name: 'ETTh1.csv', path: path.join(cache, 'ett', 'ETTh1.csv'), source: 'mirror', check: 'sha256' }]);
    expect(fs.readdirSync(path.join(cache, 'ett'))).toEqual(['ETTh1.csv']);
    const again = await fetchDataset('ett-h1', { cache, mirror: SHARED });
    expect(again.files[0].source).toBe('cache');
  });
  it('a corrupted mirror copy is a UserError and leaves nothing in the cache', async () => {
    const cache = tempDir();
    const mirror = tempDir();
    fs.mkdirSync(path.join(mirror, 'ett'));
    fs.writeFileSync(path.join(mirror, 'ett', 'ETTh1.csv'), 'date,HUFL\n');
    await expect(fetchDataset('ett-h1', { cache, mirror })).rejects.toThrow(/sha256 mismatch for ett\/ETTh1\.csv from .*: got [0-9a-f]{64}, expected f18de3ad/);
    expect(fs.existsSync(path.join(cache, 'ett')) ? fs.readdirSync(path.join(cache, 'ett')) : []).toEqual([]);
  });
  it('fetches all gaitndd files from the mirror (signals strict, headers LF/CRLF)', async () => {
    const cache = tempDir();
    const r = await fetchDataset('gaitndd', { cache, mirror: SHARED });
    expect(r.files).toHaveLength(258);
    expect(new Set(r.files.filter((f) => /\.(let|rit|ts)$/.test(f.name)).map((f) => f.check))).toEqual(new Set(['sha256']));
  });
  it('without a mirror it downloads; a failed download is a one-line UserError', async () => {
    const cache = tempDir();
    const urls: string[] = [];
    await expect(
      fetchDataset('ett-h1', { cache, mirror: tempDir(), download: async (u) => { urls.push(u); return downloadBytes('http://127.0.0.1:9/ETTh1.csv', 5000); } }),
    ).rejects.toThrow(UserError);
    expect(urls).toEqual(['https://raw.githubusercontent.com/zhouhaoyi/ETDataset/main/ETT-small/ETTh1.csv']);
    await expect(downloadBytes('http://127.0.0.1:9/x', 5000)).rejects.toThrow(/^download failed: http:\/\/127\.0\.0\.1:9\/x \(.+\); check the network or set DIVE_DATA_MIRROR/);
  });
  it('synthetic has nothing to fetch', async () => {
    await expect(fetchDataset('synthetic')).rejects.toThrow(/generated on the fly/);
  });
});

describe('dive data CLI', () => {
  it('list --json names the ten data sets', async () => {
    const io = capture();
    expect(await main(['data', 'list', '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout[0]) as { datasets: { name: string }[] };
    expect(r.datasets.map((d) => d.name)).toEqual(['ett-h1', 'gaitndd', 'gaitmotion', 'electricity-lstnet', 'traffic', 'solar-al', 'exchange-rate', 'synthetic', 'benchmark', 'csv']);
  });
  it('describe ett-h1 --json: 17,420 rows, 7 channels, split sizes', async () => {
    const io = capture();
    expect(await main(['data', 'describe', 'ett-h1', '--file', requireShared('ett/ETTh1.csv'), '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout[0]);
    expect(r.rows).toBe(17420);
    expect(r.channels).toBe(7);
    expect(r.splits).toEqual({ train: { windows: 8449, rows: 8640 }, val: { windows: 2857, rows: 2880 }, test: { windows: 2857, rows: 2880 } });
    expect(r.labels.map((l: { name: string }) => l.name)).toEqual(['hour', 'weekday', 'month']);
    expect(r.timeSpan).toEqual({ start: '2016-07-01T00:00:00.000Z', end: '2018-06-26T19:00:00.000Z' });
  });
  it('describe gaitndd --json: 64 subjects, 4 groups (found via DIVE_DATA_MIRROR)', async () => {
    process.env.DIVE_DATA_DIR = tempDir();
    process.env.DIVE_DATA_MIRROR = SHARED;
    const io = capture();
    expect(await main(['data', 'describe', 'gaitndd', '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout[0]);
    expect(r.segments).toBe(64);
    expect(r.where).toBe('DIVE_DATA_MIRROR');
    expect(r.labels[0]).toMatchObject({ name: 'group', classes: ['control', 'als', 'hunt', 'park'] });
  });
  it('describe prints a human summary; an unknown name exits 2 with one line', async () => {
    const io = capture();
    expect(await main(['data', 'describe', 'synthetic'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/ground-truth factors: regime, frequency, amplitude, phase, trend, noise/);
    const bad = capture();
    expect(await main(['data', 'describe', 'mnist'], bad)).toBe(2);
    expect(bad.stderr).toEqual([expect.stringMatching(/^dive: unknown data set 'mnist'/)]);
  });
  it('fetch --json with DIVE_DATA_DIR / DIVE_DATA_MIRROR', async () => {
    process.env.DIVE_DATA_DIR = tempDir();
    process.env.DIVE_DATA_MIRROR = SHARED;
    const io = capture();
    expect(await main(['data', 'fetch', 'ett-h1', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout[0]).files[0].source).toBe('mirror');
  });
});
