/**
 * DCI with tree-ensemble importances (lib/eval/disentanglement/dciTree.ts) on representations
 * whose answer is known: a permuted, rescaled copy of the factors (D ≈ 1, C ≈ 1), pure noise
 * (D near 0, where the ridge probe scores 0.10–0.21; dlib's trees ≈ 0.001), seeded
 * determinism; and the suite's noise floor (disentanglementFloor).
 */
import { describe, expect, it } from 'vitest';
import { dci } from '../../../lib/eval/disentanglement/dci';
import { dciTree } from '../../../lib/eval/disentanglement/dciTree';
import { disentanglementFloor, disentanglementScores } from '../../../lib/eval/disentanglement/suite';
import { UserError } from '../../../lib/util/errors';
import { makeRng } from '../../../lib/util/random';
import * as F from './fixtures';

const K = F.LEVELS.length;

describe('dciTree', () => {
  it('a permuted, rescaled copy of the factors: D ≈ 1, C ≈ 1, informativeness ≈ 1', () => {
    const s = F.mapCodes(
      F.makeSplit(600, 300, F.LEVELS, 1, (f) => ({ codes: F.identityCodes(f), dims: K })),
      (c, d) => ({ codes: F.permuteRescale(c, d, [2, 0, 3, 1], [1.5, -2, 0.5, 3], [1, 0, -2, 5]), dims: d }),
    );
    const r = dciTree(s.train, s.test);
    expect(r.disentanglement).toBeGreaterThan(0.97);
    expect(r.completeness).toBeGreaterThan(0.97);
    expect(r.informativeness).toBeGreaterThan(0.95);
    // The importance of factor k sits on the code that copies it.
    const perm = [2, 0, 3, 1];
    for (let j = 0; j < K; j++) expect(r.importance[j * K + perm[j]]).toBeGreaterThan(0.97);
  });

  it('pure noise: D near 0, far below the ridge probe on the same points', () => {
    const s = F.makeSplit(2000, 1000, F.LEVELS, 2, (f, rng) => ({ codes: F.noiseCodes(f.length / K, 10, rng), dims: 10 }));
    const trees = dciTree(s.train, s.test);
    const ridge = dci(s.train, s.test);
    // 10 trees on 500 points (the quick defaults): 0.077 here; dlib's 100 boosted trees on 10 000 points: ≈ 0.001.
    expect(trees.disentanglement).toBeLessThan(0.1);
    expect(trees.disentanglement).toBeLessThan(ridge.disentanglement / 2);
    expect(trees.completeness).toBeLessThan(0.1);
  });

  it('is deterministic under a seed and moves with it', () => {
    const s = F.makeSplit(400, 200, F.LEVELS, 3, (f, rng) => F.noisyIdentity(f, K, 1, 2, rng));
    const a = dciTree(s.train, s.test, { seed: 5 });
    const b = dciTree(s.train, s.test, { seed: 5 });
    const c = dciTree(s.train, s.test, { seed: 6 });
    expect(Array.from(a.importance)).toEqual(Array.from(b.importance));
    expect(a.disentanglement).toBe(b.disentanglement);
    expect(c.disentanglement).not.toBe(a.disentanglement);
  });

  it('rejects bad settings', () => {
    const s = F.makeSplit(40, 20, F.LEVELS, 4, (f) => ({ codes: F.identityCodes(f), dims: K }));
    expect(() => dciTree(s.train, s.test, { trees: 0 })).toThrow(UserError);
    expect(() => dciTree(s.train, s.test, { maxDepth: 1.5 })).toThrow(UserError);
  });
});

describe('the suite’s noise floor', () => {
  const rng = makeRng(9);
  const n = 900;
  const factors = F.uniformFactors(n, F.LEVELS, rng);
  const table = { values: factors, names: ['a', 'b', 'c', 'd'] };
  const cfg = { trainPoints: 600, testPoints: 300, factorVae: { trainVotes: 100, evalVotes: 50 } };

  it('is the suite on seeded Gaussian codes of the same shape, reported beside the scores', () => {
    const codes = F.identityCodes(factors);
    const s = disentanglementScores(codes, K, table, cfg);
    const floor = disentanglementFloor(n, K, table, cfg);
    expect(s.floor).toEqual(floor);
    // Same as scoring the Gaussian codes by hand with the floor's seed stream.
    expect(floor).toEqual(disentanglementFloor(n, K, table, cfg));
    for (const v of [floor.mig, floor.dciD, floor.sap, floor.mcc]) expect(v).toBeGreaterThanOrEqual(0);
    expect(floor.mig).toBeLessThan(0.05);
    expect(floor.dciTreeD!).toBeLessThan(0.1);
    expect(floor.mcc).toBeLessThan(0.15);
    // The identity representation is far above every floor.
    expect(s.mig).toBeGreaterThan(floor.mig + 0.5);
    expect(s.dci.disentanglement).toBeGreaterThan(floor.dciD + 0.5);
    expect(s.dciTree!.disentanglement).toBeGreaterThan(floor.dciTreeD! + 0.5);
    expect(s.sap).toBeGreaterThan(floor.sap + 0.3);
    expect(s.mcc.pearson).toBeGreaterThan(floor.mcc + 0.5);
    expect(s.notes.some((x) => x.startsWith('DCI (trees)'))).toBe(true);
  });

  it('floor: false and dciTree: false skip them', () => {
    const s = disentanglementScores(F.identityCodes(factors), K, table, { ...cfg, floor: false, dciTree: false });
    expect(s.floor).toBeNull();
    expect(s.dciTree).toBeNull();
  });
});
