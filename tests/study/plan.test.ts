import { describe, expect, it } from 'vitest';
import { chooseAll, chooseData } from '../../lib/study/run/dataChoice';
import { EXPERIMENT_NAMES, OPT_IN_EXPERIMENTS, PAPER_MODELS, REFERENCE_MODELS, experiments } from '../../lib/study/spec/definitions';
import { PAPER_ELECTRICITY, PAPER_GAIT, PAPER_HORIZONS } from '../../lib/study/spec/paper';
import { cellRunIds, expandPlan, parseShard, resolveRun, runId, shardRuns, variantsOf, type PlanInputs } from '../../lib/study/run/plan';
import { canonicalJson } from '../../lib/util/json';
import { FULL, QUICK, TINY } from '../../lib/study/spec/protocol';
import type { RunSpec } from '../../lib/study/spec/types';
import { specDefaults } from '../../lib/study/run/specDefaults';
import { modelCard, registerModel } from '../../lib/models/registry';
import { PIPELINE_MODELS } from '../../lib/methods/pipelines';
import { SPARSE_RHO_MODEL } from '../../lib/methods/sparse/rho';

const none = (): boolean => false;
const real = (name: string): boolean => name === 'gaitndd' || name === 'ett-h1';

function inputs(protocol = FULL, only: string[] = [], available = real): PlanInputs {
  return { protocol, only, choices: chooseAll(available) };
}

describe('experiment definitions', () => {
  it('the gait and electricity tables have a row per model and the paper values', () => {
    const ex = experiments(FULL, chooseAll(real));
    const gait = ex.find((e) => e.name === 'gait')!.table!;
    expect(gait.rows.map((r) => r.cells.forecast?.variant.model)).toEqual([...PAPER_MODELS]);
    for (const r of gait.rows) {
      const m = r.cells.forecast!.variant.model as keyof typeof PAPER_GAIT;
      expect(r.cells.recon?.paper?.value).toBe(PAPER_GAIT[m].reconRrse.value);
      expect(r.cells.mig?.paper?.value).toBe(PAPER_GAIT[m].mig.value);
    }
    const elec = ex.find((e) => e.name === 'electricity')!.table!;
    expect(elec.rows.map((r) => r.cells.forecast?.variant.model)).toEqual([...PAPER_MODELS, ...REFERENCE_MODELS]);
    expect(elec.rows[0].cells.forecast?.paper?.value).toBe(PAPER_ELECTRICITY.deepdive.forecastRrse.value);
    for (const r of elec.rows) expect(r.cells.forecast?.variant.horizon).toBe(24);
    const hz = ex.find((e) => e.name === 'horizons')!.table!;
    expect(hz.columns.map((c) => c.key)).toEqual(['h3', 'h6', 'h12', 'h24']);
    expect(hz.rows.find((r) => r.label.startsWith('AutoCTS'))?.paperOnly?.h3?.value).toBe(PAPER_HORIZONS.AutoCTS[3]!.value);
  });

  it('expands every table cell of every experiment into runs over all seeds', () => {
    const inp = inputs(FULL);
    const plan = expandPlan(inp);
    // Without --only: every experiment but the opt-in ones (tslib-ett, tests/study/tslibEtt.test.ts; sparse-rho, tests/study/sparseRho.test.ts).
    expect(plan.experiments.map((e) => e.name)).toEqual(EXPERIMENT_NAMES.filter((n) => !OPT_IN_EXPERIMENTS.includes(n)));
    const ids = new Set(plan.runs.map((r) => r.id));
    expect(ids.size).toBe(plan.runs.length);
    let cells = 0;
    for (const t of plan.tables) {
      expect(t.rows.length).toBeGreaterThan(0);
      for (const row of t.rows) {
        for (const c of t.columns) {
          const cell = row.cells[c.key];
          if (!cell) continue;
          cells++;
          const cellIds = cellRunIds(cell.variant, inp);
          expect(cellIds).toHaveLength(FULL.seeds);
          for (const id of cellIds) expect(ids.has(id)).toBe(true);
        }
      }
    }
    expect(cells).toBeGreaterThan(40);
    // Sweeps follow the protocol.
    expect(plan.tables.find((t) => t.name === 'ablation-lambda')!.rows).toHaveLength(2 * FULL.lambdas.length);
    expect(plan.tables.find((t) => t.name === 'ablation-beta')!.rows).toHaveLength(FULL.betaAs.length);
    // Shared runs are deduplicated: DeepDIVE on gait serves the gait table and four ablations.
    const ddGait = plan.runs.filter((r) => r.spec.model === 'deepdive' && r.spec.data === 'gaitndd' && r.spec.mode === 'interleave' && Object.keys(r.spec.config).length === 0);
    expect(ddGait).toHaveLength(FULL.seeds);
  });

  it('--only keeps just the named experiments and rejects unknown names', () => {
    const plan = expandPlan(inputs(QUICK, ['horizons']));
    expect(plan.tables.map((t) => t.name)).toEqual(['horizons']);
    expect(new Set(plan.runs.map((r) => r.spec.horizon))).toEqual(new Set(QUICK.horizons));
    expect(plan.runs).toHaveLength(QUICK.horizons.length * QUICK.horizonModels.length * QUICK.seeds);
    expect(() => expandPlan(inputs(QUICK, ['gait', 'bogus']))).toThrow(/unknown experiment 'bogus'.*known: gait/);
  });
});

const PINNED: RunSpec = {
  model: 'deepdive', data: 'gaitndd', horizon: 100, seed: 0, mode: 'interleave', epochs: 30,
  config: { lambda: 10 }, trainConfig: { patience: 5 }, maxWindows: { train: 0, val: 0, test: 0 }, figurePoints: 400,
};
// = sha256 of the sorted-key JSON of { spec, defaults: specDefaults(spec) }, checked with Python's
// json.dumps(sort_keys=True). It changes when a default governing this run changes (deepdive's,
// the trainer's, gaitndd's windows): then the stored records were made under the old default, and
// the new id keeps a results folder from taking them as current. Update it with that in mind.
const PINNED_ID = 'deepdive_gaitndd_h100_interleave_s0_b357be4468e6';

describe('run ids', () => {
  const spec: RunSpec = resolveRun({ model: 'deepdive', family: 'gait', config: { lambda: 10 } }, 1, TINY, chooseAll(none));

  it('are stable: same spec, same id, independent of key order; pinned value', () => {
    const shuffled = JSON.parse(canonicalJson(spec)) as RunSpec;
    const reordered = Object.fromEntries(Object.entries(shuffled).reverse()) as unknown as RunSpec;
    expect(runId(reordered)).toBe(runId(spec));
    expect(runId(spec)).toMatch(/^deepdive_synthetic_h16_interleave_s1_[0-9a-f]{12}$/);
    // Pinned: the id of a literal spec must not change silently (it would orphan stored results).
    expect(runId(PINNED)).toBe(PINNED_ID);
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('change with anything in the spec', () => {
    const base = runId(spec);
    expect(runId({ ...spec, seed: 2 })).not.toBe(base);
    expect(runId({ ...spec, epochs: spec.epochs + 1 })).not.toBe(base);
    expect(runId({ ...spec, config: { lambda: 1 } })).not.toBe(base);
    expect(runId({ ...spec, mode: 'joint' })).not.toBe(base);
    expect(runId({ ...spec, maxWindows: { ...spec.maxWindows, test: 7 } })).not.toBe(base);
  });

  it('change with a default the spec leaves implicit (the spec keeps only what differs from it)', () => {
    const withDefaults = (defaults: Record<string, unknown>): string => {
      const unregister = registerModel({ ...modelCard('deepdive'), name: 'id-test-deepdive', defaults });
      try {
        const s = resolveRun({ model: 'id-test-deepdive', family: 'gait', config: { lambda: 10 } }, 1, TINY, chooseAll(none));
        return `${canonicalJson(s)} ${runId(s)}`;
      } finally {
        unregister();
      }
    };
    const [specA, idA] = withDefaults({ aTokens: 2 }).split(' ');
    const [specB, idB] = withDefaults({ aTokens: 3 }).split(' ');
    expect(specB).toBe(specA);
    expect(idB).not.toBe(idA);
    expect(withDefaults({ aTokens: 2 }).split(' ')[1]).toBe(idA);
    // Every pipeline's presets are part of its runs' defaults.
    for (const m of [...PIPELINE_MODELS, SPARSE_RHO_MODEL]) expect(specDefaults({ ...spec, model: m, config: {} }).pipeline).toBeDefined();
  });
});

describe('shards', () => {
  it('partition the plan: every run in exactly one shard, for N = 1..7', () => {
    const runs = expandPlan(inputs(QUICK)).runs;
    for (let n = 1; n <= 7; n++) {
      const seen = new Map<string, number>();
      for (let k = 1; k <= n; k++) for (const r of shardRuns(runs, { index: k, count: n })) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
      expect(seen.size).toBe(runs.length);
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
    }
    expect(shardRuns(runs, { index: 2, count: 3 })[0]).toBe(runs[1]);
  });

  it('parses K/N and rejects bad values with a one-line message', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/2', '3/2', '1', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(/--shard must be K\/N/);
  });
});

describe('data choice', () => {
  it('falls back to synthetic with a note when no real data set is present', () => {
    const c = chooseAll(none);
    expect(c.gait.data).toBe('synthetic');
    expect(c.gait.note).toMatch(/GaitMotion and gaitndd not found; synthetic used/);
    expect(c.electricity.data).toBe('synthetic');
    expect(c.electricity.note).toMatch(/ETTh1 not found; synthetic used/);
    const gait = experiments(QUICK, c).find((e) => e.name === 'gait')!.table!;
    expect(gait.notes[0]).toContain('synthetic used');
    // Every run of the real-data families falls back to synthetic; the companions table runs on the generated benchmark.
    expect(expandPlan(inputs(QUICK, [], none)).runs.every((r) => r.spec.data === (r.spec.model === 'detaux' || r.spec.model === 'sparse-bilevel' || r.id.includes('_benchmark_') ? 'benchmark' : 'synthetic'))).toBe(true);
    expect(c.benchmark.data).toBe('benchmark');
  });

  it('prefers gaitndd and ETTh1, and the paper data when present', () => {
    expect(chooseData('gait', real)).toMatchObject({ data: 'gaitndd', note: expect.stringMatching(/GaitMotion not found.*gaitndd used/) });
    expect(chooseData('electricity', real)).toMatchObject({ data: 'ett-h1', note: expect.stringMatching(/ETTh1 used/) });
    expect(chooseData('electricity', () => true).data).toBe('electricity-lstnet');
  });

  it('finds the real data sets of this machine (../shared/data) by their files', () => {
    const c = chooseAll();
    expect(c.gait.data).toBe('gaitndd');
    expect(c.electricity.data).toBe('ett-h1');
  });
});

describe('variants', () => {
  it('the figure experiment asks for DeepDIVE on both families and the joint ablation', () => {
    const fig = experiments(TINY, chooseAll(none)).find((e) => e.name === 'figures')!;
    expect(variantsOf(fig).map((v) => `${v.model}/${v.family}/${v.mode ?? 'interleave'}`)).toEqual([
      'deepdive/gait/interleave', 'deepdive/gait/joint', 'deepdive/electricity/interleave',
    ]);
  });
});

describe('data-specific model config', () => {
  it('gives models with an MLP trunk the channel-mlp trunk on the LSTNet electricity data only', () => {
    const lstnet = chooseAll((name) => name === 'electricity-lstnet');
    expect(lstnet.electricity.data).toBe('electricity-lstnet');
    const cfg = (model: string, choices = lstnet): Record<string, unknown> => resolveRun({ model, family: 'electricity', horizon: 24 }, 0, FULL, choices).config;
    expect(cfg('deepdive')).toMatchObject({ trunk: { kind: 'channel-mlp' } });
    expect(cfg('beta-tcvae')).toMatchObject({ trunk: { kind: 'channel-mlp' } });
    expect(cfg('gru')).not.toHaveProperty('trunk.kind');
    expect(cfg('linear')).toEqual({});
    const ett = chooseAll((name) => name === 'ett-h1');
    expect(cfg('deepdive', ett)).toEqual({});
  });
});

describe('data choice: GaitMotion', () => {
  const onlyGaitMotion = (name: string): boolean => name === 'gaitmotion';

  it('picks gaitmotion for the gait tables when its files are present', () => {
    expect(chooseData('gait', onlyGaitMotion)).toEqual({ family: 'gait', data: 'gaitmotion', note: expect.stringMatching(/^GaitMotion used \(the paper's data/) });
    expect(chooseData('gait', () => true).data).toBe('gaitmotion');
    expect(chooseData('electricity', onlyGaitMotion).data).toBe('synthetic');
    const gaitRuns = expandPlan(inputs(QUICK, ['gait'], onlyGaitMotion)).runs;
    expect(gaitRuns.length).toBeGreaterThan(0);
    for (const r of gaitRuns) expect(r.spec).toMatchObject({ data: 'gaitmotion', horizon: 800 });
  });

  it('chooseAll with nothing available still falls back to synthetic, saying GaitMotion was not found', () => {
    const c = chooseAll(none);
    expect(c.gait).toEqual({ family: 'gait', data: 'synthetic', note: expect.stringMatching(/^GaitMotion and gaitndd not found; synthetic used/) });
    expect(c.gait.note).not.toMatch(/no loader/);
    expect(chooseData('gait', real).note).toMatch(/^GaitMotion not found \(bring its CSV export, see `dive data describe gaitmotion`\); gaitndd used/);
  });
});
