import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { capture } from '../io';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-detaux-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const tiny = path.join(tmp, 'tiny.json');
fs.writeFileSync(tiny, JSON.stringify({ data: { trainWindows: 300, testWindows: 100, oodWindows: 100 }, stage1: { stepsPerEpoch: 4 }, stage3: { seeds: 1, epochs: 1 } }));

describe('dive train --model detaux', () => {
  it('prints one JSON report with every stage and writes the labels beside the weights', async () => {
    const out = path.join(tmp, 'run');
    const io = capture();
    const code = await main(['train', '--model', 'detaux', '--data', 'synthetic', '--quick', '--config', tiny, '--epochs', '4', '--seed', '2', '--out', out, '--json'], io);
    expect(io.stderr.filter((l) => l.startsWith('dive:'))).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout).toHaveLength(1);
    const r = JSON.parse(io.stdout[0]);
    expect(r).toMatchObject({ model: 'detaux', seed: 2, out });
    // --epochs sets the β schedule's length; the convergence criterion (or the cap) ends stage 1 after it.
    expect(r.stage1.convergence).toMatchObject({ scheduleEpochs: 4, converged: expect.any(Boolean), criterion: expect.any(String) });
    expect(r.stage1.history).toHaveLength(r.stage1.convergence.epochs);
    expect(r.stage1.convergence.epochs).toBeGreaterThanOrEqual(4);
    for (const split of ['iid', 'ood']) {
      const d = r.disentanglement[split];
      for (const v of [d.mig, d.dci.disentanglement, d.dci.completeness, d.dci.informativeness, d.sap, d.mcc.pearson]) expect(Number.isFinite(v)).toBe(true);
    }
    expect(r.stage2.chosenSubspace).toBeGreaterThanOrEqual(1);
    expect(Object.keys(r.stage2.nmi)).toEqual(['regime', 'frequency', 'amplitude', 'phase', 'trend']);
    expect(Object.keys(r.stage3.arms)).toEqual(['stl', 'detaux', 'random', 'oracle']);
    // Stage 3 states its rule and whether every run stopped by it (the quick preset's patience 0: a fixed budget, so not converged).
    expect(r.stage3).toMatchObject({ converged: false, criterion: 'fixed budget: 1 epochs (patience 0), not a convergence criterion' });
    for (const a of Object.values(r.stage3.arms) as { iid: { accuracy: { mean: number }; macroF1: { mean: number } }; ood: { accuracy: { mean: number } } }[]) {
      expect(a.iid.accuracy.mean).toBeGreaterThanOrEqual(0);
      expect(a.iid.macroF1.mean).toBeLessThanOrEqual(1);
      expect(a.ood.accuracy.mean).toBeLessThanOrEqual(1);
    }
    expect(JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')).stage2.k).toBe(r.stage2.k);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'labels.json'), 'utf8')).labels).toHaveLength(300);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'detaux.json'), 'utf8')).config.seed).toBe(2);
  });

  it('bad input: one dive: line, exit 2, nothing written', async () => {
    const cases: [string[], RegExp][] = [
      [['--data', 'ett-h1'], /needs factor-labelled data: --data synthetic/],
      [['--data', 'synthetic', '--config', path.join(tmp, 'missing.json')], /config file .*missing.json does not exist/],
      [['--data', 'synthetic', '--resume', '--out', path.join(tmp, 'x')], /does not resume/],
    ];
    for (const [args, message] of cases) {
      const io = capture();
      expect(await main(['train', '--model', 'detaux', ...args], io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(message);
    }
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ stage1: { epoch: 3 } }));
    const io = capture();
    expect(await main(['train', '--model', 'detaux', '--data', 'synthetic', '--config', bad, '--out', path.join(tmp, 'never')], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/unknown config field stage1.epoch/);
    expect(fs.existsSync(path.join(tmp, 'never'))).toBe(false);
    const other = capture();
    expect(await main(['train', '--model', 'linear', '--data', 'synthetic', '--quick'], other)).toBe(2);
    expect(other.stderr.join('\n')).toMatch(/--quick applies to --model detaux and sparse-bilevel only/);
  });
});
