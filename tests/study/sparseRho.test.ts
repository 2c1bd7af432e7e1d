/**
 * The opt-in `sparse-rho` experiment (lib/study/spec/sparseRho.ts): its table is declared as
 * data (rows = ρ, each cell choosing its regularisation from a sweep on a validation metric, the
 * oracle columns on the test MCC), the table machinery picks the candidate with the best
 * criterion and names it, it is selected only by name, and `--only sparse-rho` runs end to end
 * on the tiny protocol, writing the table and the SVG figure.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseAll } from '../../lib/study/run/dataChoice';
import { EXPERIMENT_NAMES, OPT_IN_EXPERIMENTS } from '../../lib/study/spec/definitions';
import { FULL, QUICK, TINY } from '../../lib/study/spec/protocol';
import { LASSO_SWEEP, RIDGE_SWEEP, SPARSE_RHO_VALUES, sparseRhoExperiment, sparseRhoGrid } from '../../lib/study/spec/sparseRho';
import { cellRunIds, expandPlan, selectExperiments, type PlanInputs } from '../../lib/study/run/plan';
import { renderTable } from '../../lib/study/report/tabulate';
import { reproduce, type ReproduceReport } from '../../lib/study/reproduce';
import { readRecords } from '../../lib/study/run/store';
import type { RunRecord } from '../../lib/study/spec/types';

const choices = chooseAll(() => false);

describe('the sparse-rho table', () => {
  const table = sparseRhoExperiment(FULL).table!;

  it('has a row per ρ and, per method, cells that choose the regularisation on the validation probe (left) or the test MCC (right, the oracles)', () => {
    expect(table.rows.map((r) => r.label)).toEqual(SPARSE_RHO_VALUES.map((r) => `ρ = ${r}`));
    expect(SPARSE_RHO_VALUES).toEqual([0, 0.3, 0.6, 0.9]);
    expect(table.columns.map((c) => c.key)).toEqual(['lasso', 'ridge', 'ica', 'lassoOracle', 'ridgeOracle', 'icaOracle']);
    for (const [i, row] of table.rows.entries()) {
      const rho = SPARSE_RHO_VALUES[i];
      expect(row.cells.lasso).toMatchObject({ metric: 'mcc', select: { criterion: 'probeValMse' } });
      expect(row.cells.ridge).toMatchObject({ metric: 'mcc', select: { criterion: 'probeValMse' } });
      expect(row.cells.ica).toMatchObject({ metric: 'mccIca', select: { criterion: 'probeValMseIca' } });
      expect(row.cells.lassoOracle).toMatchObject({ metric: 'mcc', select: { criterion: 'mcc' } });
      expect(row.cells.icaOracle).toMatchObject({ metric: 'mccIca', select: { criterion: 'mccIca' } });
      expect(row.cells.lasso!.select!.candidates.map((c) => c.variant.config)).toEqual(LASSO_SWEEP.map((reg) => ({ preset: 'default', rho, inner: 'lasso', reg })));
      expect(row.cells.ica!.select!.candidates.map((c) => c.label)).toEqual(RIDGE_SWEEP.map((reg) => `l2reg ${reg}`));
      // Ridge + ICA reads the inner-Ridge runs: the same variants as the Ridge column.
      expect(row.cells.ica!.select!.candidates.map((c) => c.variant)).toEqual(row.cells.ridge!.select!.candidates.map((c) => c.variant));
    }
    expect(sparseRhoExperiment(QUICK).table!.rows[0].cells.lasso!.variant.config).toMatchObject({ preset: 'quick' });
    expect(sparseRhoGrid(TINY)).toEqual({ rhos: [0, 0.9], lasso: [0.1, 0.3], ridge: [0.01, 0.1] });
  });

  it('runs only when named, with one run per (ρ, inner solver, regularisation, seed)', () => {
    expect(OPT_IN_EXPERIMENTS).toContain('sparse-rho');
    expect(selectExperiments([])).toEqual(EXPERIMENT_NAMES.filter((n) => !OPT_IN_EXPERIMENTS.includes(n)));
    expect(expandPlan({ protocol: FULL, only: [], choices }).runs.some((r) => r.spec.model === 'sparse-rho')).toBe(false);
    const plan = expandPlan({ protocol: FULL, only: ['sparse-rho'], choices });
    expect(plan.runs).toHaveLength(SPARSE_RHO_VALUES.length * (LASSO_SWEEP.length + RIDGE_SWEEP.length) * FULL.seeds);
    expect(plan.runs.every((r) => r.spec.model === 'sparse-rho' && r.spec.data === 'benchmark')).toBe(true);
  });

  it('shows, per cell, the metric of the candidate with the best mean criterion, and names it', () => {
    const inputs: PlanInputs = { protocol: { ...FULL, seeds: 2 }, only: ['sparse-rho'], choices };
    const t = sparseRhoExperiment(inputs.protocol).table!;
    const records = new Map<string, RunRecord>();
    // Row ρ = 0.3: the Lasso's probe criterion is lowest at l1reg 0.1 (the middle candidate), its test MCC highest at 0.3.
    const row = t.rows[1];
    const put = (variant: (typeof row.cells.lasso & object)['variant'], probe: number, mcc: number): void => {
      cellRunIds(variant, inputs).forEach((id, seed) => {
        records.set(id, { id, metrics: { probeValMse: probe + 0.01 * seed, mcc: mcc + 0.02 * seed } } as unknown as RunRecord);
      });
    };
    const [c003, c01, c03] = row.cells.lasso!.select!.candidates;
    put(c003.variant, 0.5, 0.7);
    put(c01.variant, 0.2, 0.8);
    put(c03.variant, 0.3, 0.9);
    const r = renderTable(t, inputs, records);
    expect(r.cells['ρ = 0.3'].lasso).toMatchObject({ chosen: 'l1reg 0.1', n: 2 });
    expect(r.cells['ρ = 0.3'].lasso.mean).toBeCloseTo(0.81, 12);
    expect(r.cells['ρ = 0.3'].lassoOracle).toMatchObject({ chosen: 'l1reg 0.3' });
    expect(r.cells['ρ = 0.3'].lassoOracle.mean).toBeCloseTo(0.91, 12);
    expect(r.markdown).toMatch(/\| ρ = 0\.3 \| 0\.810 ± 0\.014 \(l1reg 0\.1\) \| missing \(0\/6 runs\) \|/);
    expect(r.markdown).toContain('ρ = 0.3: l1reg 0.03 0.5050, l1reg 0.1 0.2050*, l1reg 0.3 0.3050');
    expect(r.csv.split('\n')[0]).toContain('lasso_mean,lasso_std,lasso_n,lasso_paper,lasso_chosen,ridge_mean');
    expect(r.csv.split('\n')[2]).toMatch(/^ρ = 0\.3,0\.81\d*,0\.014\d*,2,,l1reg 0\.1,/);
  });
});

describe('dive reproduce --only sparse-rho (tiny protocol)', () => {
  let dir: string;
  let report: ReproduceReport;
  let tensorsBefore: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-sparse-rho-'));
    await tf.ready();
    tensorsBefore = tf.memory().numTensors;
    report = await reproduce({ out: dir, protocol: TINY, only: ['sparse-rho'], available: () => false, imageFormats: ['svg'] });
  }, 120_000);
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('trains every (ρ, inner, regularisation, seed) run and records the pipeline numbers', () => {
    expect(report.failed).toEqual([]);
    expect(report.planned).toBe(2 * (2 + 2) * TINY.seeds);
    expect(report.ran).toHaveLength(report.planned);
    const recs = [...readRecords(dir).values()];
    expect(recs).toHaveLength(report.planned);
    for (const r of recs) {
      expect(r.spec.model).toBe('sparse-rho');
      expect(r.data.protocol).toMatch(/^sparse-rho pipeline \(quick preset\)/);
      expect(r.metrics.mcc).toBeGreaterThan(0);
      expect(r.metrics.probeValMse).toBeGreaterThan(0);
      const ridge = (r.spec.config as { inner: string }).inner === 'ridge';
      expect(typeof r.metrics.mccIca === 'number').toBe(ridge);
      expect([0, 1]).toContain(r.metrics.converged); // the stopping rule's verdict
      expect(r.metrics.outerSteps).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('writes the MCC-vs-ρ table (rows ρ, chosen regularisation per cell, the paper\'s result in the notes) and the SVG figure', () => {
    const md = fs.readFileSync(path.join(dir, 'tables', 'sparse-rho.md'), 'utf8');
    expect(md).toContain('| correlation | Inner Lasso | Inner Ridge | Inner Ridge + ICA | Inner Lasso, best test MCC | Inner Ridge, best test MCC | Inner Ridge + ICA, best test MCC |');
    expect(md).toMatch(/\| ρ = 0 \| \d\.\d{3} ± \d\.\d{3} \(l1reg 0\.[13]\) \| \d\.\d{3} ± \d\.\d{3} \(l2reg 0\.0?1\) \| \d\.\d{3} ± \d\.\d{3} \(l2reg 0\.0?1\) \|/);
    expect(md).toMatch(/\| ρ = 0\.9 \|/);
    expect(md).toContain('SMOKE TEST');
    expect(md).toMatch(/Paper \(Lachapelle et al\. 2023.*inner Lasso's MCC stays high.*Ridge \+ ICA.*degrades/);
    expect(md).toMatch(/From ρ = 0 to ρ = 0\.9 \(this table's means\): Inner Lasso \d\.\d{3} → \d\.\d{3}/);
    // Every candidate of every selecting cell is counted (2 + 2 regularisations × the seeds per row).
    expect(md).toMatch(new RegExp(`Converged by early stopping \\(runs per row\\): ρ = 0 \\d+/${4 * TINY.seeds}; ρ = 0\\.9 \\d+/${4 * TINY.seeds}\\.`));
    const csv = fs.readFileSync(path.join(dir, 'tables', 'sparse-rho.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toMatch(/^ρ = 0,[\d.]+,[\d.]+,2,,l1reg 0\.[13],/);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.tables['sparse-rho']['ρ = 0.9'].ica.chosen).toMatch(/^l2reg 0\.0?1$/);
    expect(summary.figures).toEqual(['sparse-rho']);
    expect(fs.readFileSync(path.join(dir, 'figures', 'sparse-rho.html'), 'utf8')).toContain('Inner Ridge + ICA');
    const svg = fs.readFileSync(path.join(dir, 'figures', 'sparse-rho.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Inner Lasso');
    expect(svg).toContain('correlation ρ between the factors');
  });
});
