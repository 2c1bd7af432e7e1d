/**
 * `dive reproduce` on the paper's data when its files are present in the download cache:
 * - a generated LSTNet-format file (gzipped, 1,200 rows × 6 series — the loader does not care
 *   about the real 26,304 × 321 size) makes the electricity table use electricity-lstnet, say
 *   so, and give the MLP-trunk models the channel-mlp trunk;
 * - a generated GaitMotion export (3 groups × 10 subjects, ≈ 6,000 rows at 1000 Hz) makes the
 *   gait table use gaitmotion with the paper's windows (1000 in, 800 out) and say so.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLstnetShaped } from '../../lib/data/lstnetGenerated';
import { TINY } from '../../lib/study/spec/protocol';
import { reproduce } from '../../lib/study/reproduce';
import { readRecords } from '../../lib/study/run/store';
import { standardTrials, writeExport } from '../data/gaitmotionFixture';

let dir: string;
const saved = process.env.DIVE_DATA_DIR;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-lstnet-'));
  const rows = 1200;
  const series = 6;
  const v = generateLstnetShaped({ rows, series, seed: 5 }).segments[0].values;
  const lines: string[] = [];
  for (let t = 0; t < rows; t++) lines.push(Array.from(v.subarray(t * series, (t + 1) * series), (x) => x.toFixed(3)).join(','));
  fs.mkdirSync(path.join(dir, 'data', 'electricity'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'electricity', 'electricity.txt.gz'), zlib.gzipSync(`${lines.join('\n')}\n`));
  fs.mkdirSync(path.join(dir, 'data', 'gaitmotion'));
  writeExport(standardTrials(), path.join(dir, 'data', 'gaitmotion'));
  process.env.DIVE_DATA_DIR = path.join(dir, 'data');
  const paperData = (n: string): boolean => n === 'electricity-lstnet' || n === 'gaitmotion';
  await reproduce({ out: path.join(dir, 'out'), protocol: { ...TINY, seeds: 1 }, only: ['gait', 'electricity'], available: paperData, images: false });
}, 600_000);

afterAll(() => {
  if (saved === undefined) delete process.env.DIVE_DATA_DIR;
  else process.env.DIVE_DATA_DIR = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('dive reproduce with the paper\'s data present', () => {
  it('runs the electricity table on electricity-lstnet with the channel-mlp trunk for MLP-trunk models and says so', () => {
    const records = [...readRecords(path.join(dir, 'out')).values()].filter((r) => r.spec.data !== 'gaitmotion');
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(r.spec.data).toBe('electricity-lstnet');
      expect(r.data.source).toContain('electricity.txt.gz');
      const trunk = (r.spec.config as { trunk?: { kind?: string } }).trunk?.kind;
      expect([r.spec.model, trunk]).toEqual([r.spec.model, ['deepdive', 'deepdive-a', 'deepdive-b', 'beta-tcvae'].includes(r.spec.model) ? 'channel-mlp' : undefined]);
    }
    const table = fs.readFileSync(path.join(dir, 'out', 'tables', 'electricity.md'), 'utf8');
    expect(table).toMatch(/LSTNet/);
    expect(table).not.toMatch(/ETTh1 used/);
  });

  it('runs the gait table on gaitmotion with the paper\'s windows and says so', () => {
    const records = [...readRecords(path.join(dir, 'out')).values()].filter((r) => r.spec.data === 'gaitmotion');
    expect(records.map((r) => r.spec.model).sort()).toEqual(['beta-tcvae', 'deepdive', 'deepdive-a', 'deepdive-b', 'persistence']);
    for (const r of records) {
      expect(r.spec.horizon).toBe(800);
      expect(Number.isFinite(r.metrics.forecastRrse)).toBe(true);
    }
    const table = fs.readFileSync(path.join(dir, 'out', 'tables', 'gait.md'), 'utf8');
    expect(table).toMatch(/GaitMotion used/);
  });
});
