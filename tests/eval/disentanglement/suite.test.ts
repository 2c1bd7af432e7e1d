/**
 * The metric suite (lib/eval/disentanglement/suite.ts) on the benchmark's shape: N = 5000 points,
 * J = 10 codes, K = 5 factors (regime 4, frequency 6, amplitude 5, phase 8 circular, trend 5).
 */
import { describe, expect, it } from 'vitest';
import { disentanglementScores, type FactorTable } from '../../../lib/eval/disentanglement/suite';
import { UserError } from '../../../lib/util/errors';
import { makeRng } from '../../../lib/util/random';
import * as F from './fixtures';

const LEVELS = [4, 6, 5, 8, 5];
const NAMES = ['regime', 'frequency', 'amplitude', 'phase', 'trend'];
const N = 5000;
const K = LEVELS.length;
const J = 10;
/** Smaller settings for the tests that do not time the defaults. */
const SMALL = { trainPoints: 1500, testPoints: 500, factorVae: { trainVotes: 2000, evalVotes: 1000 } };

const rng = makeRng(61);
const values = F.uniformFactors(N, LEVELS, rng);
const table: FactorTable = { values, names: NAMES, circular: [false, false, false, true, false] };

/** Codes 0..3: the factors except phase; codes 4, 5: (cos, sin) of the phase; codes 6..9: noise. */
function benchmarkCodes(noise: number): Float64Array {
  const r = makeRng(62);
  const z = new Float64Array(N * J);
  for (let i = 0; i < N; i++) {
    [0, 1, 2, 4].forEach((k, c) => (z[i * J + c] = values[i * K + k] + noise * r.normal()));
    const a = (2 * Math.PI * values[i * K + 3]) / 8;
    z[i * J + 4] = Math.cos(a) + (noise / 3) * r.normal();
    z[i * J + 5] = Math.sin(a) + (noise / 3) * r.normal();
    for (let j = 6; j < J; j++) z[i * J + j] = r.normal();
  }
  return z;
}

describe('disentanglementScores', () => {
  it('scores a representation with one code per factor (phase as cos, sin) near the top of every metric', () => {
    const s = disentanglementScores(benchmarkCodes(0), J, table);
    expect(s.mcc.pearson).toBeCloseTo(1, 10);
    expect(s.factorVae.score).toBe(1);
    expect(s.factorVae.activeDims).toBe(J);
    expect(s.dci.informativeness).toBe(1);
    expect(s.dci.disentanglement).toBeGreaterThan(0.95);
    // The phase needs two codes, so completeness and MIG are below 1 for it alone.
    expect(s.dci.completeness).toBeGreaterThan(0.85);
    expect(s.mig).toBeGreaterThan(0.7);
    expect(s.sap).toBeGreaterThan(0.5);
    expect(s.notes.join('\n')).toMatch(/3334 training and 1666 test points/);
  });

  it('ranks a noisier representation lower on every metric', () => {
    const clean = disentanglementScores(benchmarkCodes(0.2), J, table, SMALL);
    const noisy = disentanglementScores(benchmarkCodes(1.5), J, table, SMALL);
    expect(noisy.mig).toBeLessThan(clean.mig);
    expect(noisy.dci.disentanglement).toBeLessThan(clean.dci.disentanglement);
    expect(noisy.dci.informativeness).toBeLessThan(clean.dci.informativeness);
    expect(noisy.sap).toBeLessThan(clean.sap);
    expect(noisy.factorVae.score).toBeLessThan(clean.factorVae.score);
    expect(noisy.mcc.pearson).toBeLessThan(clean.mcc.pearson);
  });

  it('gives the same numbers for the same seed, and another split for another seed', () => {
    const z = benchmarkCodes(1);
    const config = SMALL;
    const a = disentanglementScores(z, J, table, { ...config, seed: 3 });
    expect(disentanglementScores(z, J, table, { ...config, seed: 3 })).toEqual(a);
    const b = disentanglementScores(z, J, table, { ...config, seed: 4 });
    expect(b.mig).not.toBe(a.mig);
  });

  it('uses (cos, sin) targets for circular factors in MCC', () => {
    const z = benchmarkCodes(0);
    const flat = disentanglementScores(z, J, { values, names: NAMES }, SMALL);
    expect(flat.mcc.pearson).toBeLessThan(0.95);
    expect(flat.notes.join('\n')).toMatch(/5 target columns/);
  });

  it('matches a categorical factor against one indicator column per level in MCC, when the table flags it', () => {
    // Codes 0..3 the regime's indicators, 4..8 the other factors (phase as cos, sin), 9 noise.
    const r = makeRng(64);
    const z = new Float64Array(N * J);
    for (let i = 0; i < N; i++) {
      z[i * J + values[i * K]] = 1;
      [1, 2, 4].forEach((k, c) => (z[i * J + 4 + c] = values[i * K + k]));
      const a = (2 * Math.PI * values[i * K + 3]) / 8;
      z[i * J + 7] = Math.cos(a);
      z[i * J + 8] = Math.sin(a);
      z[i * J + 9] = r.normal();
    }
    const categorical = { ...table, categorical: [true, false, false, false, false] };
    const s = disentanglementScores(z, J, categorical, { ...SMALL, floor: false, dciTree: false });
    expect(s.mcc.pearson).toBeCloseTo(1, 10);
    expect(s.dci.informativeness).toBeGreaterThan(0.99);
    expect(s.notes.join('\n')).toMatch(/9 target columns \(circular factors as cos, sin, categorical factors as one indicator per level\)/);
    // Without the flag the regime is one ordinal column: the best indicator code (the top level's)
    // correlates √0.6 with a level uniform on 0..3, so MCC ≈ (5 + √0.6)/6.
    expect(disentanglementScores(z, J, table, { ...SMALL, floor: false, dciTree: false }).mcc.pearson).toBeCloseTo((5 + Math.sqrt(0.6)) / 6, 2);
    expect(() => disentanglementScores(z, J, { ...table, categorical: [true] })).toThrow(/1 categorical flags for 5 factors/);
  });

  it('leaves out a constant factor, with a note', () => {
    const withConstant = new Int32Array(N * 2);
    for (let i = 0; i < N; i++) {
      withConstant[i * 2] = values[i * K];
      withConstant[i * 2 + 1] = 2;
    }
    const z = F.withNuisance(Float64Array.from(withConstant.filter((_, i) => i % 2 === 0)), 1, 2, makeRng(63));
    const s = disentanglementScores(z, 3, { values: withConstant, names: ['regime', 'stuck'] }, SMALL);
    expect(s.notes[0]).toBe("factor 'stuck' is constant on these points and is left out of every metric");
    expect(s.mcc.pearson).toBeCloseTo(1, 10);
  });

  it('rejects bad input with one-line UserErrors naming the thing and the fix', () => {
    const z = benchmarkCodes(0).subarray(0, 100 * J);
    const v = values.subarray(0, 100 * K);
    const t = { values: v, names: NAMES };
    const bad = Float64Array.from(z);
    bad[3 * J + 2] = NaN;
    const cases: [() => unknown, RegExp][] = [
      [() => disentanglementScores(bad, J, t), /codes is NaN at row 3, column 2/],
      [() => disentanglementScores(z, 7, t), /not a multiple of codeDims=7/],
      [() => disentanglementScores(z, J, { values: v.subarray(5), names: NAMES }), /one row of levels per code row/],
      [() => disentanglementScores(z, J, { values: Float64Array.from(v, (x, i) => (i === 7 ? 1.5 : x)), names: NAMES }), /'amplitude' has level 1.5 at row 1/],
      [() => disentanglementScores(z, J, { ...t, circular: [true] }), /1 circular flags for 5 factors/],
      [() => disentanglementScores(z, J, { ...t, levels: [4, 6, 5, 2, 5] }), /'phase' has level 7 but levels says 2/],
      [() => disentanglementScores(z.filter((_, i) => i % J === 0), 1, t), /at least 2 latent codes/],
      [() => disentanglementScores(z.subarray(0, 5 * J), J, { values: v.subarray(0, 5 * K), names: NAMES }), /too few/],
      [() => disentanglementScores(z, J, t, { trainPoints: 0 }), /trainPoints must be a positive integer/],
    ];
    for (const [f, message] of cases) {
      expect(f).toThrow(UserError);
      expect(f).toThrow(message);
    }
  });
});
