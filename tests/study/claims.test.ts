/**
 * The claims table (lib/study/report/claims.ts) on synthetic run records with known effects:
 * a large effect is supported (and a reference much better than DeepDIVE contradicts
 * comparability), a null effect is inconclusive, one seed is a labelled smoke test.
 */
import { describe, expect, it } from 'vitest';
import { claimSpecs, claimsTable, dciOfRecord, seedsForAnyVerdict, SMOKE_LABEL } from '../../lib/study/report/claims';
import { chooseAll } from '../../lib/study/run/dataChoice';
import { EXPERIMENT_NAMES } from '../../lib/study/spec/definitions';
import { cellRunIds, resolveRun, type PlanInputs } from '../../lib/study/run/plan';
import { FULL, QUICK } from '../../lib/study/spec/protocol';
import type { RunRecord, Variant } from '../../lib/study/spec/types';
import { makeRng } from '../../lib/util/random';
import { windowSquaredErrors } from '../../lib/study/run/execute';
import type { PreparedData } from '../../lib/data/types';
import type { SplitOutputs } from '../../lib/train/predict';

const none = (): boolean => false;
const WINDOWS = 64;

interface World {
  /** Test forecast RRSE of a variant at a seed (before noise). */
  rrse(v: Variant): number;
  mig(v: Variant): number;
  cosine(v: Variant): number;
  /** Latent codes that each carry one label (true) or mix both (false). */
  disentangled(v: Variant): boolean;
  noise: number;
}

/** Figure artifacts of 60 windows with 2 labels of 3 classes and a 2-dim latent. */
function artifactsFor(disentangled: boolean, rng: ReturnType<typeof makeRng>): NonNullable<RunRecord['artifacts']> {
  const n = 60;
  const l1 = Array.from({ length: n }, () => rng.int(3));
  const l2 = Array.from({ length: n }, () => rng.int(3));
  const values = l1.flatMap((a, i) => (disentangled ? [a, l2[i]] : [a + l2[i], a - l2[i]]).map((v) => v + 0.1 * rng.normal()));
  return { latentA: { dims: 2, values }, labels: [{ name: 'l1', classes: ['0', '1', '2'], ids: l1 }, { name: 'l2', classes: ['0', '1', '2'], ids: l2 }], forecasts: [] };
}

function inputsFor(seeds: number, protocol = FULL): PlanInputs {
  return { protocol: { ...protocol, seeds }, only: [...EXPERIMENT_NAMES], choices: chooseAll(none) };
}

/** One record per claim variant and seed, with seeded noise; per-window losses scale with the RRSE. */
function recordsFor(world: World, inputs: PlanInputs, rngSeed = 7): Map<string, RunRecord> {
  const rng = makeRng(rngSeed);
  const out = new Map<string, RunRecord>();
  const variants = claimSpecs().flatMap((c) => (c.b ? [c.a, c.b] : [c.a]));
  for (const v of variants) {
    const ids = cellRunIds(v, inputs);
    ids.forEach((id, seed) => {
      if (out.has(id)) return;
      const rrse = world.rrse(v) + world.noise * rng.normal();
      out.set(id, {
        schema: 1, id, spec: resolveRun(v, seed, inputs.protocol, inputs.choices),
        data: { name: 'synthetic', source: 'test', protocol: 'test', windows: { train: 1, val: 1, test: WINDOWS } },
        backend: 'test', seconds: 0, epochs: 1, modelConfig: {},
        metrics: { forecastRrse: rrse, mig: world.mig(v) + world.noise * rng.normal(), gradientCosine: v.mode === 'joint' ? world.cosine(v) + world.noise * rng.normal() : null },
        history: { epochs: [], conflict: [] },
        testWindowSquaredErrors: Array.from({ length: WINDOWS }, () => rrse * rrse * (1 + 0.5 * rng.uniform())),
        artifacts: artifactsFor(world.disentangled(v), rng),
      });
    });
  }
  return out;
}

const isDeepdive = (v: Variant): boolean => v.model === 'deepdive' && v.mode !== 'joint';

const LARGE: World = {
  rrse: (v) => (isDeepdive(v) ? 0.5 : v.model === 'linear' ? 0.3 : 0.6),
  mig: (v) => (isDeepdive(v) ? 0.3 : 0.1),
  cosine: () => -0.2,
  disentangled: isDeepdive,
  noise: 0.005,
};
const NULL_WORLD: World = { rrse: () => 0.55, mig: () => 0.2, cosine: () => 0, disentangled: () => true, noise: 0.003 };

describe('claims table', () => {
  it('a known large effect is supported; a much better reference contradicts comparability', () => {
    const inputs = inputsFor(10);
    const t = claimsTable(inputs, recordsFor(LARGE, inputs));
    const by = Object.fromEntries(t.rows.map((r) => [r.key, r]));
    for (const k of ['vs-conditional-gait', 'vs-conditional-electricity', 'vs-tcvae-gait', 'vs-tcvae-electricity', 'disentangles-mig', 'disentangles-dci', 'interleave-vs-joint', 'attention-vs-concat', 'gradient-conflict', 'comparable-seasonal-naive']) {
      expect(by[k].verdict, k).toBe('supported');
      expect(by[k].n).toBe(10);
      expect(by[k].pHolm!).toBeLessThan(0.05);
    }
    expect(by['comparable-linear'].verdict).toBe('contradicted');
    // The GRU is a reference at the same budget as every model: its comparability claim is in the family.
    expect(by['comparable-gru'].verdict).toBe('supported');
    expect(t.rows).toHaveLength(12);
    // Effect and CI of the raw difference (not of the margin-shifted one).
    expect(by['vs-conditional-gait'].effect!).toBeCloseTo(-0.1, 1);
    expect(by['comparable-linear'].effect!).toBeCloseTo(0.2, 1);
    expect(by['comparable-linear'].ci95![0]).toBeGreaterThan(by['comparable-linear'].margin!);
    // DM on per-window errors for forecast claims, not for MIG or the margin rows.
    expect(by['vs-conditional-gait'].pDm!).toBeLessThan(1e-3);
    expect(by['disentangles-mig'].pDm).toBeNull();
    expect(by['comparable-linear'].pDm).toBeNull();
    // Power: the paper's effect as a relative difference with our spread; the observed one.
    expect(by['vs-tcvae-gait'].seedsForPaper).toBeGreaterThanOrEqual(2);
    expect(by['vs-conditional-gait'].seedsForObserved).toBeGreaterThanOrEqual(2);
    expect(by['interleave-vs-joint'].seedsForPaper).toBeNull(); // the paper gives no numbers
    expect(t.smokeTest).toBe(false);
    expect(t.markdown).not.toContain(SMOKE_LABEL);
  });

  it('a null effect is inconclusive (and equal models are comparable within the margin)', () => {
    const inputs = inputsFor(10);
    const t = claimsTable(inputs, recordsFor(NULL_WORLD, inputs));
    for (const r of t.rows) {
      if (r.kind === 'non-inferiority') expect(r.verdict, r.key).toBe('supported');
      else expect(r.verdict, r.key).toBe('inconclusive');
    }
  });

  it('a row whose runs hit their epoch cap is inconclusive (budget), however large the effect; it stays in the Holm family', () => {
    const inputs = inputsFor(10);
    const recs = recordsFor(LARGE, inputs);
    const converged = claimsTable(inputs, recs);
    const spec = claimSpecs().find((c) => c.key === 'vs-conditional-gait')!;
    const capped = cellRunIds(spec.b!, inputs)[3];
    const r = recs.get(capped)!;
    recs.set(capped, { ...r, metrics: { ...r.metrics, converged: 0 } });
    for (const id of cellRunIds(spec.a, inputs)) {
      const ra = recs.get(id)!;
      recs.set(id, { ...ra, metrics: { ...ra.metrics, converged: 1 } });
    }
    const t = claimsTable(inputs, recs);
    const row = t.rows.find((x) => x.key === 'vs-conditional-gait')!;
    expect(row.verdict).toBe('inconclusive (budget)');
    expect(row.capped).toBe(1);
    expect(row.note).toContain('1 of 20 runs hit their epoch cap');
    // Same p-values as when every run converged: the verdict, not the test, changes.
    expect(row.pHolm).toBe(converged.rows.find((x) => x.key === 'vs-conditional-gait')!.pHolm);
    expect(t.rows.find((x) => x.key === 'vs-tcvae-gait')!.verdict).toBe('supported');
    expect(t.markdown).toContain('inconclusive (budget)');
  });

  it('renders every column in Markdown and CSV; rows of unselected experiments say so', () => {
    const inputs = { ...inputsFor(3), only: ['gait'] };
    const t = claimsTable(inputs, recordsFor(LARGE, inputs));
    const header = t.markdown.split('\n').find((l) => l.startsWith('| # |'))!;
    for (const col of ['claim', 'data', 'seeds', 'effect mean(A − B)', '95 % CI', 'p Wilcoxon', 'p DM', 'p Holm', 'verdict', 'd_z', 'seeds for 80 % power: observed / paper']) expect(header).toContain(col);
    const csv = t.csv.trim().split('\n');
    expect(csv[0]).toBe('key,claim,kind,data,comparison,n,effect,ci_low,ci_high,p_wilcoxon,p_dm,p_combined,p_holm,verdict,d_z,seeds_observed,seeds_paper,paper_a,paper_b,margin,label,note');
    expect(csv).toHaveLength(claimSpecs().length + 1);
    const elec = t.rows.find((r) => r.key === 'vs-conditional-electricity')!;
    expect(elec.verdict).toBe('not run');
    expect(elec.note).toContain("needs the 'electricity' experiment");
    // 3 seeds cannot reach p < 0.05 with the exact rank test: inconclusive even for a large effect.
    expect(t.rows.find((r) => r.key === 'vs-conditional-gait')!.verdict).toBe('inconclusive');
  });

  it('the quick protocol (1 seed) is labelled a smoke test, with the DM p-value and no CI', () => {
    const inputs = inputsFor(1, QUICK);
    const t = claimsTable(inputs, recordsFor(LARGE, inputs));
    expect(t.smokeTest).toBe(true);
    expect(t.markdown.split('\n')[0]).toContain(SMOKE_LABEL);
    expect(t.markdown).toContain('inconclusive (smoke test)');
    const r = t.rows.find((x) => x.key === 'vs-conditional-gait')!;
    expect(r.n).toBe(1);
    expect(r.ci95).toBeNull();
    expect(r.pWilcoxon).toBeNull();
    expect(r.pDm!).toBeLessThan(0.05);
    expect(r.verdict).toBe('inconclusive');
    expect(t.csv.split('\n')[1]).toContain(SMOKE_LABEL);
  });

  it('the full protocol has enough seeds for a verdict under Holm over every claim', () => {
    expect(seedsForAnyVerdict(12)).toBe(8); // 12/256 = 0.047 < 0.05 ≤ 12/128
    expect(seedsForAnyVerdict(1)).toBe(5); // 1/32 < 0.05
    expect(FULL.seeds).toBeGreaterThanOrEqual(seedsForAnyVerdict(claimSpecs().length));
  });

  it('is deterministic: the same records give byte-identical tables', () => {
    const inputs = inputsFor(5);
    const recs = recordsFor(LARGE, inputs);
    expect(claimsTable(inputs, recs).markdown).toBe(claimsTable(inputs, recs).markdown);
  });
});

describe('DCI from the figure artifacts', () => {
  it('is near 1 for codes that each carry one label, lower for mixed codes, null without a latent', () => {
    const rng = makeRng(3);
    const rec = (art: RunRecord['artifacts']): RunRecord => ({ artifacts: art } as unknown as RunRecord);
    const clean = dciOfRecord(rec(artifactsFor(true, rng)))!;
    const mixed = dciOfRecord(rec(artifactsFor(false, rng)))!;
    expect(clean).toBeGreaterThan(0.8);
    expect(mixed).toBeLessThan(clean - 0.3);
    expect(dciOfRecord(rec({ labels: [], forecasts: [] }))).toBeNull();
  });
});

describe('per-window test errors for the DM test', () => {
  it('are the mean squared error of each window in original units', () => {
    // 2 windows × 3 values; the scaler maps scaled v to 2v + 1, so errors double and squares quadruple.
    const out = { n: 2, forecast: Float32Array.from([0, 1, 2, 1, 1, 1]), target: Float32Array.from([0, 0, 0, 1, 2, 4]) } as unknown as SplitOutputs;
    const data = { scaler: { inverse: (v: Float32Array) => v.map((x) => 2 * x + 1) } } as unknown as PreparedData;
    expect(windowSquaredErrors(out, data)).toEqual([(4 * (0 + 1 + 4)) / 3, (4 * (0 + 1 + 9)) / 3].map((v) => Number(v.toPrecision(4))));
  });
});
