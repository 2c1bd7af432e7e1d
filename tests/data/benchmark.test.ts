import { describe, expect, it } from 'vitest';
import {
  BENCHMARK_FACTORS, BENCHMARK_LEVELS, DEFAULT_BENCHMARK, amplitudeOf, factorColumn, factorTable, frequencyOf, generateBenchmark, isHeldOut,
  pairIndex, phaseOf, renderWindow, sampleOneFactorPairs, samplePrincipalPairs, sampleWithFactorFixed, trendOf, type BenchmarkSplit,
} from '../../lib/data/benchmark';
import { waveform } from '../../lib/data/synthetic';
import { makeRng } from '../../lib/util/random';
import { UserError } from '../../lib/util/errors';

const SMALL = { trainWindows: 3000, valWindows: 50, testWindows: 400, oodWindows: 400 };
const K = BENCHMARK_FACTORS.length;

/** Bitwise equality of two typed arrays (vitest's deep equality is slow on 10⁵ entries). */
function same(a: Float32Array | Int32Array, b: Float32Array | Int32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function combos(split: BenchmarkSplit): Set<string> {
  const s = new Set<string>();
  for (let i = 0; i < split.n; i++) s.add(`${split.factors[i * K + 1]},${split.factors[i * K + 2]}`);
  return s;
}

describe('benchmark generator (Track A)', () => {
  const b = generateBenchmark(SMALL);

  it('is seeded: same config → identical windows, another seed → different ones', () => {
    const again = generateBenchmark(SMALL);
    expect(same(again.train.x, b.train.x)).toBe(true);
    expect(same(again.ood!.factors, b.ood!.factors)).toBe(true);
    const other = generateBenchmark({ ...SMALL, seed: 1 });
    expect(same(other.train.x, b.train.x)).toBe(false);
  });

  it('has the documented geometry and levels', () => {
    expect(b.train.x.length).toBe(SMALL.trainWindows * DEFAULT_BENCHMARK.inputLength);
    expect(b.train.y.length).toBe(SMALL.trainWindows * DEFAULT_BENCHMARK.horizon);
    expect(BENCHMARK_LEVELS).toEqual([4, 6, 5, 8, 5]);
    for (let f = 0; f < K; f++) {
      const col = factorColumn(b.train, f);
      expect(Math.min(...col)).toBe(0);
      expect(Math.max(...col)).toBe(BENCHMARK_LEVELS[f] - 1);
    }
    expect(1 / frequencyOf(0)).toBeCloseTo(48, 10);
    expect(1 / frequencyOf(5)).toBeCloseTo(8, 10);
    expect([amplitudeOf(0), amplitudeOf(4), trendOf(0), trendOf(4), phaseOf(4)]).toEqual([0.5, 2, -1, 1, Math.PI]);
    expect(Math.min(...b.train.noise)).toBeGreaterThanOrEqual(0.05);
    expect(Math.max(...b.train.noise)).toBeLessThanOrEqual(0.2);
    const t = factorTable(b.test);
    expect(t.names).toEqual(['regime', 'frequency', 'amplitude', 'phase', 'trend']);
    expect(t.circular).toEqual([false, false, false, true, false]);
    expect(t.levels).toEqual([4, 6, 5, 8, 5]);
    expect(t.values.length).toBe(SMALL.testWindows * K);
  });

  it('OOD split: train/val/ID test only from train combinations (all 26 seen), OOD test only from the 4 held-out ones', () => {
    const heldOut = (split: BenchmarkSplit): number => Array.from({ length: split.n }, (_, i) => isHeldOut(split.factors[i * K + 1], split.factors[i * K + 2])).filter(Boolean).length;
    for (const split of [b.train, b.val, b.test]) expect(heldOut(split)).toBe(0);
    expect(heldOut(b.ood!)).toBe(b.ood!.n);
    expect(combos(b.train).size).toBe(26);
    expect(combos(b.ood!)).toEqual(new Set(['4,3', '4,4', '5,3', '5,4']));
    // the ID test is a fresh draw, not a copy of training windows
    expect(same(b.test.x.subarray(0, 48), b.train.x.subarray(0, 48))).toBe(false);
  });

  it('iid split draws every split from the whole grid and has no OOD test', () => {
    const iid = generateBenchmark({ ...SMALL, split: 'iid' });
    expect(iid.ood).toBeNull();
    expect(combos(iid.train).size).toBe(30);
  });

  it('renders x_t = A·w_c(φ + 2πFt) + S·t/(L+H−1) exactly when σ = 0', () => {
    const x = new Float32Array(48), y = new Float32Array(12);
    const levels = [3, 2, 1, 5, 0];
    renderWindow(levels, 0, 48, 12, makeRng(0), x, 0, y, 0);
    for (let t = 0; t < 60; t++) {
      const want = amplitudeOf(1) * waveform(3, phaseOf(5) + 2 * Math.PI * frequencyOf(2) * t) + (trendOf(0) * t) / 59;
      expect(t < 48 ? x[t] : y[t - 48]).toBeCloseTo(want, 5);
    }
  });

  it('principal pairs: x′ of another regime with p = 0.5, both from the training split', () => {
    const pairs = samplePrincipalPairs(b.train, pairIndex(b.train), 4000, 0.5, makeRng(3));
    let differ = 0;
    for (let i = 0; i < pairs.n; i++) {
      if (pairs.f1[i * K] !== pairs.f2[i * K]) differ++;
      expect(isHeldOut(pairs.f2[i * K + 1], pairs.f2[i * K + 2])).toBe(false);
    }
    expect(differ / pairs.n).toBeGreaterThan(0.47);
    expect(differ / pairs.n).toBeLessThan(0.53);
    const same = samplePrincipalPairs(b.train, pairIndex(b.train), 200, 0, makeRng(4));
    for (let i = 0; i < same.n; i++) expect(same.f1[i * K]).toBe(same.f2[i * K]);
  });

  it('one-factor pairs differ in exactly the recorded factor and stay in the training region', () => {
    const pairs = sampleOneFactorPairs(b.config, 500, makeRng(5));
    const counts = new Array<number>(K).fill(0);
    for (let i = 0; i < pairs.n; i++) {
      const diff = [...Array(K).keys()].filter((f) => pairs.f1[i * K + f] !== pairs.f2[i * K + f]);
      expect(diff).toEqual([pairs.changed[i]]);
      counts[pairs.changed[i]]++;
      expect(isHeldOut(pairs.f2[i * K + 1], pairs.f2[i * K + 2])).toBe(false);
    }
    expect(Math.min(...counts)).toBeGreaterThan(50);
  });

  it('sampleWithFactorFixed fixes one factor; impossible or malformed requests are UserErrors', () => {
    const s = sampleWithFactorFixed(b.config, 2, 4, 64, makeRng(6));
    expect(factorColumn(s, 2).every((v) => v === 4)).toBe(true);
    expect(new Set(factorColumn(s, 0)).size).toBeGreaterThan(1);
    expect(() => sampleWithFactorFixed(b.config, 7, 0, 4, makeRng(0))).toThrow(UserError);
    expect(() => sampleWithFactorFixed(b.config, 1, 6, 4, makeRng(0))).toThrow(/frequency level must be 0..5/);
    expect(() => sampleWithFactorFixed(b.config, 1, 0, 4, makeRng(0), 'ood')).toThrow(/no factor combination in the ood region/);
  });

  it('rejects bad configs with one-line UserErrors', () => {
    expect(() => generateBenchmark({ trainWindows: 0 })).toThrow(/config field benchmark.trainWindows must be ≥ 1, got 0/);
    expect(() => generateBenchmark({ noiseRange: [0.3, 0.1] })).toThrow(/noiseRange/);
    expect(() => generateBenchmark({ split: 'random' as 'iid' })).toThrow(/benchmark.split must be ood or iid, got 'random'/);
  });
});
