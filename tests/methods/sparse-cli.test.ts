import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { runSparseBilevel } from '../../lib/methods/sparse/pipeline';
import { QUICK_SPARSE } from '../../lib/methods/sparse/config';
import { capture } from '../io';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-sparse-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const inUnit = (x: number): boolean => Number.isFinite(x) && x >= 0 && x <= 1;

describe('sparse-bilevel end to end', () => {
  it('the quick pipeline reports every field in range, for all four arms', async () => {
    const r = await runSparseBilevel({ ...QUICK_SPARSE, seed: 0 });
    expect(Object.keys(r.arms)).toEqual(['sparse', 'dense-control', 'ridge', 'ridge-ica']);
    expect(r.arm).toBe('sparse');
    for (const a of Object.values(r.arms)) {
      if (!a) throw new Error('missing arm');
      expect(inUnit(a.mcc.pearson) && inUnit(a.mcc.spearman)).toBe(true);
      expect(a.r2).toBeLessThanOrEqual(1);
      expect(Object.keys(a.r2PerFactor)).toEqual(['regime=sine', 'regime=square', 'regime=sawtooth', 'regime=triangle', 'frequency', 'amplitude', 'phase-cos', 'phase-sin', 'trend']);
      expect(a.taskError.mse).toBeGreaterThan(0);
      expect(a.taskError.r2).toBeLessThanOrEqual(1);
      expect(a.taskError.meanSupport).toBeGreaterThanOrEqual(0);
      expect(a.taskError.meanSupport).toBeLessThanOrEqual(r.codes);
      expect(a.fewShot.map((f) => f.k)).toEqual([10, 25]);
      for (const f of a.fewShot) {
        expect(inUnit(f.classification.accuracy) && inUnit(f.classification.zeroRows)).toBe(true);
        expect(f.regression.r2).toBeLessThanOrEqual(1);
      }
      expect(a.disentanglement && inUnit(a.disentanglement.mig)).toBe(true);
    }
    expect(r.codes).toBe(9);
    expect(r.arms['dense-control']!.taskError.trueSupport).toBe(9); // all factor columns
    expect(r.arms.sparse!.taskError.trueSupport).toBe(2);
    expect(r.arms.ridge!.taskError.meanSupport).toBe(9); // ridge heads are dense
    // The sparse arm's training loss falls.
    const h = r.arms.sparse!.history;
    expect(h[h.length - 1].loss).toBeLessThan(h[0].loss);
  });
});

describe('dive train --model sparse-bilevel', () => {
  it('prints one JSON report with MCC, R², task error and few-shot scores, and writes the folder', async () => {
    const cfg = path.join(tmp, 'tiny.json');
    fs.writeFileSync(cfg, JSON.stringify({ arms: ['sparse'], evalTasks: 5, data: { trainWindows: 300, testWindows: 200 } }));
    const out = path.join(tmp, 'run');
    const io = capture();
    const code = await main(['train', '--model', 'sparse-bilevel', '--data', 'synthetic', '--quick', '--config', cfg, '--seed', '3', '--out', out, '--json'], io);
    expect(io.stderr.filter((l) => l.startsWith('dive:'))).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout).toHaveLength(1);
    const r = JSON.parse(io.stdout[0]);
    expect(r).toMatchObject({ model: 'sparse-bilevel', seed: 3, arm: 'sparse', out });
    for (const v of [r.mcc.pearson, r.mcc.spearman, r.r2, r.taskError.mse, r.taskError.r2, r.fewShot[0].classification.accuracy, r.fewShot[1].regression.r2]) expect(Number.isFinite(v)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')).mcc.pearson).toBe(r.mcc.pearson);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).config.seed).toBe(3);
  });

  it('bad input: one dive: line, exit 2, nothing written', async () => {
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ l1reg: 3 }));
    const small = path.join(tmp, 'small.json');
    fs.writeFileSync(small, JSON.stringify({ data: { testWindows: 120 } }));
    const cases: [string[], RegExp][] = [
      [['--data', 'ett-h1'], /needs factor-labelled data: --data synthetic/],
      [['--data', 'synthetic', '--config', path.join(tmp, 'missing.json')], /config file .*missing.json does not exist/],
      [['--data', 'synthetic', '--config', bad, '--out', path.join(tmp, 'never')], /l1reg must be < 1/],
      [['--data', 'synthetic', '--resume', '--out', path.join(tmp, 'x')], /does not resume/],
      [['--data', 'synthetic', '--quick', '--config', small], /data.testWindows must be ≥ 125/],
    ];
    for (const [args, message] of cases) {
      const io = capture();
      expect(await main(['train', '--model', 'sparse-bilevel', ...args], io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(message);
      expect(io.stderr.filter((l) => l.startsWith('dive:'))).toHaveLength(1);
    }
    expect(fs.existsSync(path.join(tmp, 'never'))).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'x'))).toBe(false);
  });
});
