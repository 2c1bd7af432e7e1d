/**
 * The tuning stage (lib/study/run/tune.ts): seeded, equal-budget random search; selection on
 * the validation split only; resumable; the test runs use the chosen configuration. The end to
 * end part runs TINY with a 2-configuration budget on the fusion ablation (4 trials, 4 test runs).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseAll } from '../../lib/study/run/dataChoice';
import { searchSpaces, TUNING_TARGETS } from '../../lib/study/spec/definitions';
import { cellRunIds, expandPlan, shardRuns, type PlanInputs } from '../../lib/study/run/plan';
import { FULL, QUICK, TINY } from '../../lib/study/spec/protocol';
import { reproduce, tuningTargetsOf, type ReproduceReport } from '../../lib/study/reproduce';
import { readRecords, recordPath } from '../../lib/study/run/store';
import { drawTrials, readTuningFile, selectTuning, spaceSize, tuningRuns } from '../../lib/study/run/tune';
import { TUNE_SEED_BASE, applyTuning, type TuningResult } from '../../lib/study/spec/tuning';
import { type SearchSpace } from '../../lib/models/card';
import type { Protocol } from '../../lib/study/spec/types';

const none = (): boolean => false;
const real = (name: string): boolean => name === 'gaitndd' || name === 'ett-h1';
const TUNED: Protocol = { ...TINY, tuning: { budget: 2, seeds: 1, epochs: 1, maxWindows: { train: 32, val: 16, test: 0 }, searchSeed: 0 } };

describe('random search', () => {
  const space: SearchSpace = { model: { 'trunk.hidden': { kind: 'choice', values: [64, 128, 256] } }, train: { lr: { kind: 'log-uniform', min: 3e-4, max: 3e-3 } } };
  const target = { model: 'deepdive', family: 'gait' as const };

  it('is deterministic given the search seed, starts from the defaults and draws distinct in-range configs', () => {
    const a = drawTrials(space, 6, 0, target, 200);
    expect(drawTrials(space, 6, 0, target, 200)).toEqual(a);
    expect(drawTrials(space, 6, 1, target, 200)).not.toEqual(a);
    expect(a).toHaveLength(6);
    expect(a[0]).toEqual({ model: {}, train: {} });
    expect(new Set(a.map((c) => JSON.stringify(c))).size).toBe(6);
    for (const c of a.slice(1)) {
      expect([64, 128, 256]).toContain((c.model.trunk as { hidden: number }).hidden);
      const lr = c.train.lr as number;
      expect(lr).toBeGreaterThanOrEqual(3e-4);
      expect(lr).toBeLessThanOrEqual(3e-3);
      expect(Number(lr.toPrecision(2))).toBe(lr);
    }
    // Another model draws other configurations from the same seed.
    expect(drawTrials(space, 6, 0, { model: 'deepdive-a', family: 'gait' }, 200)).not.toEqual(a);
  });

  it('enumerates a small finite space whole, dropping seasons longer than the input', () => {
    const season = searchSpaces()['seasonal-naive']!;
    expect(spaceSize(season, 168)).toBe(2);
    expect(drawTrials(season, 8, 0, target, 168)).toEqual([{ model: { season: 24 }, train: {} }, { model: { season: 168 }, train: {} }]);
    expect(drawTrials(season, 8, 0, target, 64)).toEqual([{ model: { season: 24 }, train: {} }]);
    expect(searchSpaces().persistence).toBeNull();
  });

  it('gives every tuned model the same number of trials × seeds, on tuning seeds, and declares every target', () => {
    const choices = chooseAll(real);
    const p: Protocol = { ...FULL, tuning: { ...FULL.tuning!, seeds: 2 } };
    const runs = tuningRuns(p, choices, TUNING_TARGETS, searchSpaces());
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    const perModel = new Map<string, number>();
    for (const r of runs) {
      expect(r.spec.stage).toBe('tune');
      expect(r.spec.seed).toBeGreaterThanOrEqual(TUNE_SEED_BASE);
      expect(r.spec.epochs).toBe(FULL.tuning!.epochs);
      const k = `${r.target.model}|${r.target.family}`;
      perModel.set(k, (perModel.get(k) ?? 0) + 1);
    }
    for (const t of TUNING_TARGETS) {
      expect(t.model in searchSpaces()).toBe(true);
      const k = `${t.model}|${t.family}`;
      const space = searchSpaces()[t.model];
      if (!space) expect(perModel.get(k)).toBeUndefined();
      else if (t.model === 'seasonal-naive') expect(perModel.get(k)).toBe(2 * 2); // the whole 2-point grid
      else expect(perModel.get(k)).toBe(FULL.tuning!.budget * 2);
    }
    // The quick and full protocols carry a budget; the test protocol does not.
    expect(QUICK.tuning!.budget).toBeGreaterThan(0);
    expect(TINY.tuning).toBeUndefined();
    expect(tuningRuns(TINY, choices, TUNING_TARGETS, searchSpaces())).toEqual([]);
  });

  it('tunes the models the selected experiments use; the stage alone tunes every target', () => {
    const inp = (only: string[]): PlanInputs => ({ protocol: TUNED, only, choices: chooseAll(none) });
    // The fusion ablation is not tuned on its own: it takes DeepDIVE's configuration (its card's tunedAs).
    expect(tuningTargetsOf(inp(['tune', 'ablation-fusion'])).map((t) => t.model)).toEqual(['deepdive']);
    expect(tuningTargetsOf(inp(['tune']))).toEqual(TUNING_TARGETS);
    expect(tuningTargetsOf(inp(['tune', 'horizons'])).map((t) => `${t.model}|${t.family}`)).toEqual(TINY.horizonModels.map((m) => `${m}|electricity`));
  });

  it('selects on the validation MSE only and applies the choice to variants without their own config', () => {
    const choices = chooseAll(none);
    const targets = [{ model: 'deepdive', family: 'gait' as const }, { model: 'linear', family: 'electricity' as const, horizon: 24 }];
    const runs = tuningRuns(TUNED, choices, targets, searchSpaces());
    expect(runs).toHaveLength(4);
    // Scores by id: trial 1 of deepdive is best; linear's trial 1 failed (null).
    const score = new Map(runs.map((r) => [r.id, r.target.model === 'deepdive' ? (r.trial === 1 ? 0.5 : 0.7) : r.trial === 1 ? null : 0.9]));
    const seen: string[] = [];
    const sel = selectTuning(TUNED, choices, targets, searchSpaces(), runs, (id) => {
      seen.push(id);
      return score.get(id) ?? null;
    })!;
    // The selection reads exactly the trial runs' validation scores, nothing else.
    expect(new Set(seen)).toEqual(new Set(runs.map((r) => r.id)));
    const dd = sel.models.find((m) => m.model === 'deepdive')!;
    expect(dd.chosen).toBe(1);
    expect(dd.config).toEqual(runs.find((r) => r.target.model === 'deepdive' && r.trial === 1)!.config);
    const lin = sel.models.find((m) => m.model === 'linear')!;
    expect(lin.trials.map((t) => t.valForecastMse)).toEqual([0.9, null]);
    expect(lin.chosen).toBe(0);
    // Variants: the plain one gets the tuned config; a sweep row keeps its own; other models unchanged.
    const tunedVariant = applyTuning({ model: 'deepdive', family: 'gait' }, sel);
    expect(tunedVariant.config ?? {}).toEqual(dd.config.model);
    expect(tunedVariant.trainConfig ?? {}).toEqual(dd.config.train);
    expect(applyTuning({ model: 'deepdive', family: 'gait', config: { lambda: 10 } }, sel)).toEqual({ model: 'deepdive', family: 'gait', config: { lambda: 10 } });
    expect(applyTuning({ model: 'beta-tcvae', family: 'gait' }, sel)).toEqual({ model: 'beta-tcvae', family: 'gait' });
  });
});

describe('tuning stage end to end (tiny, synthetic)', () => {
  let dir: string;
  let first: ReproduceReport;
  let tensorsBefore: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-tune-'));
    await tf.ready();
    tensorsBefore = tf.memory().numTensors;
    first = await reproduce({ out: dir, protocol: TUNED, only: ['tune', 'ablation-fusion'], available: none, images: false });
  }, 120_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the same budget per model, never reads the test split, and leaks no tensors', () => {
    expect(first.failed).toEqual([]);
    expect(first.tuning?.planned).toBe(2); // deepdive × 2 configurations × 1 seed (deepdive-concat uses its choice)
    expect(first.tuning?.failed).toEqual([]);
    const tuning = readTuningFile(dir)!;
    expect(tuning.models.map((m) => m.model)).toEqual(['deepdive']);
    for (const m of tuning.models) expect(m.trials).toHaveLength(2);
    const recs = [...readRecords(dir).values()];
    const trials = recs.filter((r) => r.spec.stage === 'tune');
    expect(trials).toHaveLength(2);
    for (const r of trials) {
      expect(r.data.windows.test).toBe(0);
      expect(Object.keys(r.metrics).sort()).toEqual(['bestEpoch', 'bestValForecastMse', 'converged', 'improvedOnInitial', 'initialValForecastMse', 'valForecastMse']);
      expect(r.metrics.valForecastMse).toBeGreaterThan(0);
      expect(r.testWindowSquaredErrors).toBeUndefined();
      expect(r.artifacts).toBeUndefined();
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('the test runs use the chosen configuration with fresh seeds; provenance and notes record it', () => {
    const tuning = readTuningFile(dir) as TuningResult;
    const inputs = JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8')) as PlanInputs;
    expect(inputs.tuning).toEqual(JSON.parse(JSON.stringify(tuning)));
    const recs = readRecords(dir);
    for (const m of tuning.models) {
      const ids = cellRunIds({ model: m.model, family: 'gait' }, inputs);
      expect(ids).toHaveLength(TINY.seeds);
      for (const id of ids) {
        const r = recs.get(id)!;
        expect(r.spec.stage).toBeUndefined();
        expect(r.spec.seed).toBeLessThan(TUNE_SEED_BASE);
        expect(r.testWindowSquaredErrors).toHaveLength(r.data.windows.test);
        if (typeof m.config.train.lr === 'number') expect(r.spec.trainConfig.lr).toBe(m.config.train.lr);
      }
    }
    // The fusion ablation runs with DeepDIVE's chosen configuration; only the fusion differs.
    const [dd] = tuning.models;
    const pairs = cellRunIds({ model: 'deepdive', family: 'gait' }, inputs).map((id, i) => [recs.get(id)!, recs.get(cellRunIds({ model: 'deepdive-concat', family: 'gait' }, inputs)[i])!]);
    for (const [a, c] of pairs) {
      expect(c.spec.config).toEqual(a.spec.config);
      expect(c.spec.trainConfig).toEqual(a.spec.trainConfig);
      expect(c.modelConfig).toEqual({ ...a.modelConfig, fusion: 'concat' });
      if (typeof dd.config.train.lr === 'number') expect(c.spec.trainConfig.lr).toBe(dd.config.train.lr);
    }
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.tuning.budget.budget).toBe(2);
    const md = fs.readFileSync(path.join(dir, 'tables', 'ablation-fusion.md'), 'utf8');
    expect(md).toContain('Tuning (same budget for every model): 2 configuration(s) per model');
    expect(md).toMatch(/DeepDIVE: space aDim ∈ \{8, 16, 32\}.*trunk\.hidden ∈ \{64, 128, 256\}.*2 trial\(s\), validation MSE [\d.]+, [\d.]+; 0 of 2 trial\(s\) converged by early stopping \(2 hit the epoch cap: NOT CONVERGED\); chosen trial \d/);
    expect(md).toContain("DeepDIVE, concatenation fusion: not tuned on its own — it uses DeepDIVE's tuned configuration, so that only the ablated component differs.");
    expect(fs.existsSync(path.join(dir, 'claims.md'))).toBe(true);
  });

  it('is resumable: a second call runs nothing, and without the tune stage the notes say so', async () => {
    const again = await reproduce({ out: dir, protocol: TUNED, only: ['tune', 'ablation-fusion'], available: none, images: false });
    expect(again.tuning?.ran).toEqual([]);
    expect(again.tuning?.skipped).toBe(2);
    expect(again.ran).toEqual([]);
    const plan = expandPlan({ protocol: TUNED, only: ['ablation-fusion'], choices: chooseAll(none) });
    expect(plan.tables[0].notes.join('\n')).toContain("Tuning: not run (the 'tune' stage was not selected with --only)");
  });

  // The ablation's test runs (two models and the persistence bar, 2 seeds each) that shard k of 2 owns.
  const testRunsOfShard = (k: number): number => shardRuns(expandPlan({ protocol: TUNED, only: ['ablation-fusion'], choices: chooseAll(none) }).runs, { index: k, count: 2 }).length;

  it('a sharded first pass stops after its trials and a second pass completes', async () => {
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-tune-shard-'));
    try {
      const one = await reproduce({ out: shared, protocol: TUNED, only: ['tune', 'ablation-fusion'], available: none, images: false, shard: { index: 1, count: 2 } });
      expect(one.tuning?.ran).toHaveLength(1);
      expect(one.tuningPending).toMatch(/1 tuning trial\(s\) of other shards/);
      expect(one.ran).toEqual([]);
      // Shard 2 finds every trial finished after its own: it selects and runs its test runs.
      const two = await reproduce({ out: shared, protocol: TUNED, only: ['tune', 'ablation-fusion'], available: none, images: false, shard: { index: 2, count: 2 } });
      expect(two.tuningPending).toBeUndefined();
      expect(two.ran).toHaveLength(testRunsOfShard(2));
      // The selection equals the unsharded one (same trials, same records → same choice).
      expect(readTuningFile(shared)!.models.map((m) => m.chosen)).toEqual(readTuningFile(dir)!.models.map((m) => m.chosen));
    } finally {
      fs.rmSync(shared, { recursive: true, force: true });
    }
  }, 120_000);

  it('with waitForTuning a shard waits for the other shards\' trials, then runs its test runs', async () => {
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-tune-wait-'));
    try {
      const inp: PlanInputs = { protocol: TUNED, only: ['tune', 'ablation-fusion'], choices: chooseAll(none) };
      const others = shardRuns(tuningRuns(TUNED, inp.choices, tuningTargetsOf(inp), searchSpaces()), { index: 2, count: 2 });
      // "Shard 2" finishes while shard 1 waits: its records appear in the shared folder.
      const arrive = (): void => {
        setTimeout(() => {
          fs.mkdirSync(path.join(shared, 'runs'), { recursive: true });
          for (const t of others) fs.copyFileSync(recordPath(dir, t.id), recordPath(shared, t.id));
        }, 100);
      };
      const lines: string[] = [];
      const one = await reproduce({
        out: shared, protocol: TUNED, only: ['tune', 'ablation-fusion'], available: none, images: false, shard: { index: 1, count: 2 }, waitForTuning: 60, pollSeconds: 0.05,
        log: (l) => { lines.push(l); if (l.startsWith('waiting up to')) arrive(); },
      });
      expect(lines.some((l) => l.startsWith('waiting up to 60 s for 1 tuning trial(s)'))).toBe(true);
      expect(one.tuningPending).toBeUndefined();
      expect(one.tuning?.ran).toHaveLength(1);
      expect(one.ran).toHaveLength(testRunsOfShard(1));
      expect(readTuningFile(shared)!.models.map((m) => m.chosen)).toEqual(readTuningFile(dir)!.models.map((m) => m.chosen));
    } finally {
      fs.rmSync(shared, { recursive: true, force: true });
    }
  }, 120_000);
});
