/**
 * End to end on tiny synthetic runs (TINY protocol: 2 epochs, a few dozen windows, tiny nets):
 * the gait table and the figures, skip-on-restart, tensor hygiene.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandPlan } from '../../lib/study/run/plan';
import { TINY } from '../../lib/study/spec/protocol';
import { reproduce, type ReproduceReport } from '../../lib/study/reproduce';
import { readRecords, recordPath } from '../../lib/study/run/store';
import { PAPER_GAIT } from '../../lib/study/spec/paper';

const none = (): boolean => false;
let dir: string;
let first: ReproduceReport;
let tensorsBefore: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-repro-'));
  await tf.ready();
  tensorsBefore = tf.memory().numTensors;
  first = await reproduce({ out: dir, protocol: TINY, only: ['gait', 'figures'], available: none, images: false });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('dive reproduce (tiny, synthetic)', () => {
  it('runs every planned run, writes one record each, and leaks no tensors', () => {
    expect(first.failed).toEqual([]);
    expect(first.ran).toHaveLength(first.planned);
    // gait: 4 models x 2 seeds and persistence (its note's bar) x 2; figures add deepdive joint (gait) and deepdive (electricity family) x 2 seeds.
    expect(first.planned).toBe(14);
    const recs = readRecords(dir);
    expect(recs.size).toBe(14);
    for (const r of recs.values()) {
      expect(r.spec.data).toBe('synthetic');
      expect(r.data.windows.train).toBeLessThanOrEqual(TINY.maxWindows.train);
      expect(r.metrics.forecastRrse).toBeGreaterThan(0);
      expect(typeof r.backend).toBe('string');
      expect(r.code?.libSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(r.code?.commit).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('writes the gait table with mean ± std over seeds, the paper values and the data note', () => {
    const md = fs.readFileSync(path.join(dir, 'tables', 'gait.md'), 'utf8');
    expect(md).toMatch(/\| DeepDIVE \| \d+\.\d{4} ± \d+\.\d{4} \| 11\.1600 \| \d+\.\d{4} ± \d+\.\d{4} \| 16\.0600 \|/);
    expect(md).toContain('β-TCVAE');
    expect(md).toContain('GaitMotion and gaitndd not found; synthetic used');
    expect(md).toContain('reported (secondary source)');
    expect(md).toMatch(/mean ± sample std over 2 seed\(s\)/);
    const csv = fs.readFileSync(path.join(dir, 'tables', 'gait.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('row,recon_mean,recon_std,recon_n,recon_paper,forecast_mean,forecast_std,forecast_n,forecast_paper,mig_mean,mig_std,mig_n,mig_paper,migFloor_mean,migFloor_std,migFloor_n,migFloor_paper');
    expect(csv).toHaveLength(5);
    const tcvae = csv.find((l) => l.startsWith('β-TCVAE'))!.split(',');
    // Beside MIG, its floor: the same MIG of random codes of the latent's shape, over the same seeds.
    expect(Number(tcvae[15])).toBe(2);
    expect(Number(tcvae[13])).toBeGreaterThanOrEqual(0);
    expect(Number(tcvae[4])).toBe(PAPER_GAIT['beta-tcvae'].reconRrse.value);
    expect(Number(tcvae[3])).toBe(2);
    // The mean in the CSV is the mean of the two seeds' records.
    const recs = [...readRecords(dir).values()].filter((r) => r.spec.model === 'beta-tcvae');
    expect(Number(tcvae[5])).toBeCloseTo((recs[0].metrics.forecastRrse! + recs[1].metrics.forecastRrse!) / 2, 12);
  });

  it('draws the figures as offline HTML and lists them in summary.json', () => {
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.figures).toEqual(expect.arrayContaining([
      'latent-gait-a-pca', 'latent-gait-b-tsne', 'rbf-density-gait', 'forecast-gait', 'loss-gait', 'gradient-conflict', 'latent-electricity-a-pca',
    ]));
    expect(summary.runs).toMatchObject({ planned: 14, finished: 14, missing: [] });
    expect(summary.data.gait.data).toBe('synthetic');
    expect(summary.codeVersions).toHaveLength(1);
    for (const f of summary.figures as string[]) {
      const html = fs.readFileSync(path.join(dir, 'figures', `${f}.html`), 'utf8');
      expect(html).toContain('Plotly.newPlot');
      expect(html).not.toMatch(/<script[^>]+src=/);
    }
    const density = fs.readFileSync(path.join(dir, 'figures', 'rbf-density-gait.html'), 'utf8');
    expect(density).toContain('RBF centre');
    const conflict = fs.readFileSync(path.join(dir, 'figures', 'gradient-conflict.html'), 'utf8');
    expect(conflict).toContain('joint: cos(');
    // interleaving updates disjoint groups: no cosine to draw for it
    expect(conflict).not.toContain('interleaved: cos(');
  });

  it('skips finished runs on restart, reruns a lost one, and rebuilds identical tables', async () => {
    const table = fs.readFileSync(path.join(dir, 'tables', 'gait.md'), 'utf8');
    const again = await reproduce({ out: dir, protocol: TINY, only: ['gait', 'figures'], available: none, images: false });
    expect(again.ran).toEqual([]);
    expect(again.skipped).toHaveLength(14);
    const lost = expandPlan(again.inputs).runs[3].id;
    fs.rmSync(recordPath(dir, lost));
    fs.writeFileSync(path.join(dir, 'runs', `.${lost}.json.tmp-1-2`), '{"half": '); // an interrupted write
    const third = await reproduce({ out: dir, protocol: TINY, only: ['gait', 'figures'], available: none, images: false });
    expect(third.ran).toEqual([lost]);
    expect(fs.readFileSync(path.join(dir, 'tables', 'gait.md'), 'utf8')).toBe(table);
  });
});
