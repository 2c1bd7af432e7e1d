/**
 * The recipes of docs/architecture.md, performed on toy cards in the registries and run end to
 * end: a model variant (one card), a metric (one card), a claim (one ClaimSpec) — each through
 * `dive train` and a table (or the claims table). The data-set recipe is in tests/data/csv.test.ts
 * (a CSV file as a card). Every card is removed again after its test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../lib/cli/main';
import { modelCard, registerModel } from '../lib/models/registry';
import type { ModelCard } from '../lib/models/card';
import { registerMetric, type MetricCard } from '../lib/train/metrics';
import { TINY } from '../lib/study/spec/protocol';
import { chooseAll } from '../lib/study/run/dataChoice';
import { cellRunIds, resolveRun, runId, seedsOf, type PlanInputs } from '../lib/study/run/plan';
import { executeRun } from '../lib/study/run/execute';
import { renderTable } from '../lib/study/report/tabulate';
import { claimsTable, type ClaimSpec } from '../lib/study/report/claims';
import type { RunRecord, TableSpec, Variant } from '../lib/study/spec/types';
import { datasetInfo } from '../lib/data/registry';
import { capture } from './io';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-recipes-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

const tinyConfig = path.join(tmp, 'tiny.json');
fs.writeFileSync(tinyConfig, JSON.stringify({
  model: { trunk: { hidden: 16, layers: 1 }, decoderHidden: 16, forecasterHidden: 16, tokenDim: 8, heads: 2, aDim: 4 },
  train: { batchSize: 32, maxBatchesPerEpoch: 2, conflictEvery: 1 },
}));

/** Recipe 1: a model variant is one card — here DeepDIVE with concatenation fusion and a one-token a. */
const toyVariant: ModelCard = {
  ...modelCard('deepdive'),
  name: 'toy-deepdive-onetoken',
  label: 'DeepDIVE, one a-token (toy)',
  description: 'DeepDIVE with a single query token for a (a recipe test)',
  defaults: { aTokens: 1 },
};

/** Recipe 2: a metric is one card — here the forecast RMSE in original units. */
const forecastRmse: MetricCard = {
  key: 'forecastRmse',
  label: 'forecast RMSE',
  better: 'lower',
  doc: 'Square root of the forecast MSE on the test split, original units (a recipe test).',
  of: (r) => (r.test ? Math.sqrt(r.test.forecast.original.mse) : null),
};

const generated = (name: string): boolean => datasetInfo(name).kind === 'generated';

/** Runs of the tiny protocol for some variants, executed in-process: id → record. */
async function runAll(variants: readonly Variant[], inputs: PlanInputs): Promise<Map<string, RunRecord>> {
  const records = new Map<string, RunRecord>();
  for (const v of variants) {
    for (const seed of seedsOf(inputs.protocol)) {
      const spec = resolveRun(v, seed, inputs.protocol, inputs.choices);
      const id = runId(spec);
      if (!records.has(id)) records.set(id, await executeRun(id, spec));
    }
  }
  return records;
}

describe('recipes (docs/architecture.md)', () => {
  it('a model variant: one card, then dive train and a table row', async () => {
    cleanups.push(registerModel(toyVariant));
    const io = capture();
    const code = await main(['train', '--model', 'Toy-DeepDIVE-OneToken', '--data', 'synthetic', '--epochs', '1', '--config', tinyConfig, '--json'], io);
    expect(io.stderr.filter((l) => l.startsWith('dive:'))).toEqual([]);
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout[0]!);
    expect(report.model).toBe('toy-deepdive-onetoken');
    expect(report.modelConfig.aTokens).toBe(1);
    expect(Number.isFinite(report.metrics.forecastRrse)).toBe(true);

    const inputs: PlanInputs = { protocol: TINY, only: [], choices: chooseAll(generated) };
    const toy: Variant = { model: toyVariant.name, family: 'gait' };
    const table: TableSpec = {
      name: 'toy', title: 'A toy table', family: 'gait', notes: [],
      columns: [{ key: 'forecast', title: 'forecast RRSE' }],
      rows: [{ label: toyVariant.label, cells: { forecast: { variant: toy, metric: 'forecastRrse' } } }],
    };
    const records = await runAll([toy], inputs);
    const ids = cellRunIds(toy, inputs);
    expect(ids).toHaveLength(TINY.seeds);
    expect(records.get(ids[0]!)!.modelConfig).toMatchObject({ aTokens: 1 });
    const rendered = renderTable(table, inputs, records);
    expect(rendered.missingRuns).toBe(0);
    expect(rendered.cells[toyVariant.label]!.forecast!.n).toBe(TINY.seeds);
    expect(rendered.markdown).toContain(`| ${toyVariant.label} | `);
  }, 120_000);

  it('a metric: one card, then in dive train --json, the run records and a table cell', async () => {
    cleanups.push(registerMetric(forecastRmse));
    const io = capture();
    expect(await main(['train', '--model', 'linear', '--data', 'synthetic', '--epochs', '1', '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout[0]!);
    expect(report.metrics.forecastRmse).toBeCloseTo(Math.sqrt(report.test.forecast.original.mse), 12);

    const inputs: PlanInputs = { protocol: TINY, only: [], choices: chooseAll(generated) };
    const v: Variant = { model: 'linear', family: 'gait' };
    const records = await runAll([v], inputs);
    for (const r of records.values()) expect(r.metrics.forecastRmse).toBeCloseTo(Math.sqrt(r.metrics.forecastMse!), 12);
    const table: TableSpec = {
      name: 'rmse', title: 'RMSE', family: 'gait', notes: [],
      columns: [{ key: 'rmse', title: forecastRmse.label }],
      rows: [{ label: 'linear', cells: { rmse: { variant: v, metric: 'forecastRmse' } } }],
    };
    expect(renderTable(table, inputs, records).cells.linear!.rmse!.n).toBe(TINY.seeds);
  }, 120_000);

  it('a claim: one ClaimSpec over registered cards, judged in the claims table', async () => {
    cleanups.push(registerModel(toyVariant), registerMetric(forecastRmse));
    // The claim reads the runs of the 'gait' experiment: it must be among the selected ones.
    const inputs: PlanInputs = { protocol: TINY, only: ['gait'], choices: chooseAll(generated) };
    const a: Variant = { model: 'deepdive', family: 'gait' };
    const b: Variant = { model: toyVariant.name, family: 'gait' };
    const claim: ClaimSpec = {
      key: 'more-tokens', claim: 'Four a-tokens forecast better than one', experiment: 'gait', kind: 'superiority',
      a, b, metric: 'forecastRmse', direction: 'less', dm: true,
    };
    const records = await runAll([a, b], inputs);
    const table = claimsTable(inputs, records, { claims: [claim] });
    expect(table.rows).toHaveLength(1);
    const row = table.rows[0]!;
    expect(row.n).toBe(TINY.seeds);
    expect(row.effect).not.toBeNull();
    expect(['supported', 'contradicted', 'inconclusive', 'inconclusive (budget)']).toContain(row.verdict);
    expect(table.markdown).toContain('Four a-tokens forecast better than one');
    expect(table.smokeTest).toBe(true);
  }, 180_000);

  it('a card name that is taken, a bad name, or an unknown model with a near name are one-line errors', () => {
    expect(() => registerModel({ ...toyVariant, name: 'deepdive' })).toThrow(/already registered/);
    expect(() => registerModel({ ...toyVariant, name: 'Bad Name' })).toThrow(/lower-case letters/);
    expect(() => modelCard('deepdiv')).toThrow(/did you mean 'deepdive'/);
    expect(modelCard('DeepDIVE').name).toBe('deepdive');
  });
});

describe('plugins: your own cards for the dive command', () => {
  const root = path.resolve(__dirname, '..');
  const dist = path.join(root, 'dist', 'lib', 'index.js');

  it('loads model and metric cards from --plugin and DIVE_PLUGINS, and dive train uses them', async () => {
    const { execFileSync } = await import('node:child_process');
    const plugin = path.join(tmp, 'my-cards.js');
    fs.writeFileSync(plugin, [
      `const { models } = require(${JSON.stringify(dist)});`,
      "exports.models = [{ ...models.modelCard('linear'), name: 'linear-short', label: 'linear, kernel 5', defaults: { kernel: 5 } }];",
      "exports.metrics = [{ key: 'forecastRmse', label: 'forecast RMSE', better: 'lower', doc: 'sqrt of the forecast MSE', of: (r) => (r.test ? Math.sqrt(r.test.forecast.original.mse) : null) }];",
    ].join('\n'));
    const run = (args: string[], env: NodeJS.ProcessEnv = {}): string =>
      execFileSync(process.execPath, [path.join(root, 'bin', 'dive.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const viaFlag = JSON.parse(run(['train', '--plugin', plugin, '--model', 'linear-short', '--data', 'synthetic', '--epochs', '1', '--json']));
    expect(viaFlag.model).toBe('linear-short');
    expect(viaFlag.modelConfig.kernel).toBe(5);
    expect(viaFlag.metrics.forecastRmse).toBeCloseTo(Math.sqrt(viaFlag.test.forecast.original.mse), 12);
    const viaEnv = JSON.parse(run(['train', '--model', 'linear-short', '--data', 'synthetic', '--epochs', '1', '--json'], { DIVE_PLUGINS: plugin }));
    expect(viaEnv.metrics.forecastRmse).toBe(viaFlag.metrics.forecastRmse);
  }, 120_000);

  it('a missing plugin file or one without cards is a one-line error, exit 2', async () => {
    const empty = path.join(tmp, 'empty.js');
    fs.writeFileSync(empty, 'exports.nothing = 1;\n');
    for (const [file, msg] of [[path.join(tmp, 'nope.js'), /^dive: plugin file not found: .*nope\.js; check the path/], [empty, /^dive: plugin .*empty\.js exports no cards/]] as const) {
      const io = capture();
      expect(await main(['--plugin', file, 'data', 'list'], io)).toBe(2);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(msg);
    }
  });
});
