import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { capture } from '../io';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const config = path.join(tmp, 'tiny.json');
fs.writeFileSync(
  config,
  JSON.stringify({
    model: { trunk: { hidden: 16, layers: 1 }, decoderHidden: 16, forecasterHidden: 16, tokenDim: 8, heads: 2, aTokens: 2, aDim: 4 },
    train: { batchSize: 32, maxBatchesPerEpoch: 2, conflictEvery: 1, schedule: { warmupEpochs: 1 } },
  }),
);

describe('dive train / dive evaluate', () => {
  it('trains, prints one JSON report, and evaluate reproduces the test metrics exactly', async () => {
    const out = path.join(tmp, 'run');
    const io = capture();
    const code = await main(['train', '--model', 'deepdive', '--data', 'synthetic', '--epochs', '2', '--seed', '1', '--config', config, '--out', out, '--json'], io);
    expect(io.stderr.filter((l) => l.startsWith('dive:'))).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout).toHaveLength(1);
    const r = JSON.parse(io.stdout[0]);
    expect(r).toMatchObject({ model: 'deepdive', data: 'synthetic', seed: 1, epochs: 2 });
    expect(Number.isFinite(r.test.forecast.original.rrse)).toBe(true);
    expect(Number.isFinite(r.test.forecast.normalised.corr)).toBe(true);
    expect(r.test.reconstruction.rrse).toBeGreaterThan(0);
    expect(r.test.migAgainst).toBe('factors');
    expect(r.test.mig).toBeGreaterThanOrEqual(0);
    expect(Object.keys(r.test.cluster)).toEqual(['regime', 'freqBin']);
    // interleaving (the default) updates disjoint groups: no conflict cosines, and the report says why
    expect(r.history.meanConflictCosine).toEqual({});
    expect(r.history.conflictNote).toMatch(/disjoint variable groups/);
    expect(typeof r.improvedOnInitial).toBe('boolean');
    expect(r.initialValForecastMse).toBeGreaterThan(0);
    const io2 = capture();
    expect(await main(['evaluate', '--checkpoint', out, '--json'], io2)).toBe(0);
    const e = JSON.parse(io2.stdout[0]);
    expect(e.test).toEqual(r.test);
    expect(e.model).toBe('deepdive');
  });

  it('trains a parameter-free reference in one call', async () => {
    const io = capture();
    expect(await main(['train', '--model', 'persistence', '--data', 'synthetic', '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout[0]);
    expect(r.epochs).toBe(0);
    expect(r.test.reconstruction).toBeNull();
    expect(r.test.mig).toBeNull();
  });

  it('rejects unknown config fields, a missing --model and a missing checkpoint with one-line errors', async () => {
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ train: { learningRate: 1 } }));
    let io = capture();
    expect(await main(['train', '--model', 'linear', '--data', 'synthetic', '--config', bad], io)).toBe(2);
    expect(io.stderr).toEqual([expect.stringMatching(/^dive: unknown config field train.learningRate \(known: epochs, batchSize/)]);
    fs.writeFileSync(bad, JSON.stringify({ optimiser: {} }));
    io = capture();
    expect(await main(['train', '--model', 'linear', '--data', 'synthetic', '--config', bad], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/unknown config field 'optimiser'/);
    io = capture();
    expect(await main(['train', '--data', 'synthetic'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/needs --model NAME/);
    io = capture();
    expect(await main(['evaluate', '--checkpoint', path.join(tmp, 'nowhere')], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/no checkpoint at .*nowhere/);
  });
});
