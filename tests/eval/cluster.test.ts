import { describe, expect, it } from 'vitest';
import { argmaxRows, clusterMetrics, nmi } from '../../lib/eval/cluster';
import { hungarian } from '../../lib/eval/hungarian';
import { UserError } from '../../lib/util/errors';
import { makeRng, permutation } from '../../lib/util/random';

/** All injective maps of min(rows, cols) rows into columns, by brute force: the minimum cost. */
function bruteForceMin(cost: Float64Array, rows: number, cols: number): number {
  let best = Infinity;
  const usedCols = new Uint8Array(cols);
  const go = (r: number, acc: number, assigned: number): void => {
    if (r === rows) {
      if (assigned === Math.min(rows, cols)) best = Math.min(best, acc);
      return;
    }
    if (rows > cols) go(r + 1, acc, assigned); // leave row r unassigned
    for (let c = 0; c < cols; c++) {
      if (usedCols[c]) continue;
      usedCols[c] = 1;
      go(r + 1, acc + cost[r * cols + c], assigned + 1);
      usedCols[c] = 0;
    }
  };
  go(0, 0, 0);
  return best;
}

function assignmentCost(cost: Float64Array, cols: number, assignment: Int32Array): number {
  let s = 0;
  assignment.forEach((c, r) => {
    if (c >= 0) s += cost[r * cols + c];
  });
  return s;
}

describe('hungarian', () => {
  it('finds the brute-force optimum on random square and rectangular matrices', () => {
    const rng = makeRng(1);
    for (let trial = 0; trial < 60; trial++) {
      const rows = 1 + rng.int(6);
      const cols = 1 + rng.int(6);
      const cost = new Float64Array(rows * cols).map(() => Math.round(rng.normal() * 10)); // ties included
      const a = hungarian(cost, rows, cols);
      expect(a.length).toBe(rows);
      const assigned = Array.from(a).filter((c) => c >= 0);
      expect(assigned.length).toBe(Math.min(rows, cols));
      expect(new Set(assigned).size).toBe(assigned.length);
      expect(assignmentCost(cost, cols, a)).toBeCloseTo(bruteForceMin(cost, rows, cols), 9);
    }
  });

  it('recovers a planted permutation', () => {
    const k = 8;
    const perm = permutation(k, makeRng(2));
    const cost = new Float64Array(k * k).fill(1);
    for (let r = 0; r < k; r++) cost[r * k + perm[r]] = 0;
    expect(Array.from(hungarian(cost, k, k))).toEqual(Array.from(perm));
  });
});

describe('clusterMetrics', () => {
  it('scores a relabelled perfect clustering 1 (Hungarian, NMI) but not under plain accuracy', () => {
    const rng = makeRng(3);
    const k = 6;
    const labels = Int32Array.from({ length: 600 }, () => rng.int(k));
    for (let seed = 0; seed < 5; seed++) {
      const perm = permutation(k, makeRng(100 + seed));
      const memberships = labels.map((y) => perm[y]);
      const m = clusterMetrics(memberships, labels);
      expect(m.accuracy).toBe(1);
      expect(m.nmi).toBeCloseTo(1, 12);
      for (let c = 0; c < k; c++) expect(m.mapping[perm[c]]).toBe(c);
      // Plain accuracy counts only the samples whose class the permutation leaves in place.
      const inPlace = labels.filter((y) => perm[y] === y).length;
      expect(m.plainAccuracy).toBeCloseTo(inPlace / labels.length, 14);
      if (inPlace < labels.length) expect(m.plainAccuracy).toBeLessThan(1);
    }
    const identity = clusterMetrics(labels, labels);
    expect(identity.plainAccuracy).toBe(1);
  });

  it('gives NMI ≈ 0 and chance accuracy for random memberships', () => {
    const rng = makeRng(4);
    const n = 20000;
    const labels = Int32Array.from({ length: n }, () => rng.int(5));
    const memberships = Int32Array.from({ length: n }, () => rng.int(5));
    const m = clusterMetrics(memberships, labels);
    expect(m.nmi).toBeGreaterThanOrEqual(0);
    expect(m.nmi).toBeLessThan(0.01);
    expect(m.accuracy).toBeGreaterThan(0.18);
    expect(m.accuracy).toBeLessThan(0.23);
    expect(m.accuracy).toBeGreaterThanOrEqual(m.plainAccuracy);
  });

  it('matches a hand-computed confusion matrix', () => {
    // clusters: 0 0 0 1 1 2 2 2 ; labels: 1 1 0 0 0 2 2 1
    const memberships = [0, 0, 0, 1, 1, 2, 2, 2];
    const labels = [1, 1, 0, 0, 0, 2, 2, 1];
    const m = clusterMetrics(memberships, labels);
    expect(Array.from(m.confusion)).toEqual([1, 2, 0, 2, 0, 0, 0, 1, 2]);
    expect(Array.from(m.mapping)).toEqual([1, 0, 2]);
    expect(m.accuracy).toBeCloseTo(6 / 8, 14);
    expect(m.plainAccuracy).toBeCloseTo(3 / 8, 14);
  });

  it('counts clusters beyond the number of classes as errors and honours explicit sizes', () => {
    const m = clusterMetrics([0, 1, 2, 3], [0, 1, 1, 0]);
    expect(m.clusters).toBe(4);
    expect(m.accuracy).toBe(0.5);
    const sized = clusterMetrics([0, 0, 1], [0, 0, 1], { clusters: 5, classes: 3 });
    expect(sized.confusion.length).toBe(15);
    expect(sized.accuracy).toBe(1);
    expect(() => clusterMetrics([0, 7], [0, 1], { clusters: 5 })).toThrow(/cluster id 7 but clusters=5/);
  });

  it('rejects bad input with one-line UserErrors', () => {
    expect(() => clusterMetrics([0, 1], [0])).toThrow(/memberships has 2 entries but 1/);
    expect(() => clusterMetrics([0, -1], [0, 1])).toThrow(/memberships\[1\] is -1/);
    expect(() => clusterMetrics([0, 1], [0, 1.5])).toThrow(UserError);
    expect(() => clusterMetrics([], [])).toThrow(/empty/);
  });
});

describe('nmi', () => {
  it('matches the arithmetic-mean definition on a small example and is symmetric', () => {
    const a = [0, 0, 1, 1];
    const b = [0, 0, 0, 1];
    const ha = Math.log(2);
    const hb = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    const mi = hb - 0.5 * Math.log(2);
    expect(nmi(a, b)).toBeCloseTo(mi / ((ha + hb) / 2), 14);
    expect(nmi(b, a)).toBeCloseTo(nmi(a, b), 14);
    expect(nmi([0, 0, 0], [2, 2, 2])).toBe(1);
    expect(nmi([0, 0, 0], [0, 1, 2])).toBe(0);
  });
});

describe('argmaxRows', () => {
  it('returns the index of the largest entry per row, first on ties', () => {
    const r = argmaxRows(Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.5, 0, 0.2, 0.3, 0.5]), 3);
    expect(Array.from(r)).toEqual([1, 0, 2]);
    expect(() => argmaxRows([0.1, 0.2, NaN, 0.4], 2)).toThrow(/scores is NaN at row 1, column 0/);
    expect(() => argmaxRows([0.1, 0.2, 0.3], 2)).toThrow(/not a multiple of k=2/);
  });
});
