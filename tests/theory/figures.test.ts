/**
 * The theory notebooks' figure builders (lib/theory/figures.ts), which explorable figures run in
 * Node and in the browser: what each plots obeys the equation it illustrates, for parameters the
 * notebooks never use, and bad parameters fail with one line naming the fix.
 */
import { describe, expect, it } from 'vitest';
import {
  boundFigure,
  elboPathFigure,
  gapFigure,
  minimisersFigure,
  objectivesFigure,
  responsibilitiesFigure,
  tcCurvesFigure,
  withLabelWeight,
} from '../../lib/theory/figures';

const W = [0.3, 0.45, 0.25];
const ys = (fig: { data: { y?: readonly unknown[] }[] }, i: number): number[] => fig.data[i].y as number[];

describe('theory figure builders', () => {
  it('withLabelWeight sets the labelled weight and keeps the others in ratio, summing to 1', () => {
    expect(withLabelWeight(W, 1, 0.45)).toEqual(W);
    const w = withLabelWeight(W, 1, 0.7);
    expect(w[1]).toBe(0.7);
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    expect(w[0] / w[2]).toBeCloseTo(0.3 / 0.25, 13);
    expect(() => withLabelWeight(W, 1, 1)).toThrow(/label weight 1 is outside \(0, 1\)/);
  });

  it('E1 path: ELBO + gap = log p(x,y) everywhere, the gap falls to 0 at the posterior, for any seed and spread', () => {
    for (const [seed, spread] of [[2025, 1], [7, 0.3], [123, 3.5]]) {
      const f = elboPathFigure({ seed, spread });
      const [logp, elbo, gap] = [ys(f, 0), ys(f, 1), ys(f, 2)];
      logp.forEach((v, i) => expect(Math.abs(elbo[i] + gap[i] - v) / Math.max(1, Math.abs(v))).toBeLessThan(1e-12));
      expect(Math.abs(gap[20])).toBeLessThan(1e-9);
      gap.forEach((g, i) => i === 0 || expect(g).toBeLessThanOrEqual(gap[i - 1] + 1e-12));
    }
    expect(elboPathFigure({ seed: 1, spread: 2 }).layout.title?.text).toContain('q spread 2');
    expect(() => elboPathFigure({ seed: 1, spread: 0 })).toThrow(/spread is 0; give a positive number/);
  });

  it('E2: the measured Naive-Bayes gap is the closed-form TC whatever the scales', () => {
    const f = tcCurvesFigure({ s1: 2.3, s2: 0.15, draws: 50, seed: 1 });
    const [closed, gap] = [ys(f, 0), ys(f, 2)];
    expect(closed).toHaveLength(39);
    closed.forEach((c, i) => expect(Math.abs(gap[i] - c)).toBeLessThan(1e-9));
    expect(f.data[1].name).toBe('TC, Monte Carlo (50 draws)');
    expect(() => tcCurvesFigure({ s1: 1, s2: 1, draws: 1.5, seed: 1 })).toThrow(/draws is 1\.5; give an integer of at least 2/);
  });

  it('E3: responsibilities sum to 1 in both panels; unknown families and bad separations are refused', () => {
    const f = responsibilitiesFigure({ weights: W, labelWeight: 0.6, d: 2.7, left: 'laplace', right: 'logistic' });
    expect(f.data).toHaveLength(8);
    for (const panel of [0, 4]) {
      const sum = ys(f, panel).map((v, i) => v + ys(f, panel + 1)[i] + ys(f, panel + 2)[i]);
      sum.forEach((s) => expect(s).toBeCloseTo(1, 12));
    }
    expect(f.data[4].xaxis).toBe('x2');
    expect(() => responsibilitiesFigure({ weights: W, labelWeight: 0.45, d: 2, left: 'gauss', right: 'cauchy' })).toThrow(/unknown component family 'gauss'; choose one of gaussian, laplace, logistic, cauchy/);
    expect(() => responsibilitiesFigure({ weights: W, labelWeight: 0.45, d: -1, left: 'gaussian', right: 'cauchy' })).toThrow(/separation d is -1; give a positive number/);
  });

  it('E3: the bound is bound = KL + E_q[CE] pointwise; its minimum sits at the labelled centre; gaps are positive', () => {
    const o = objectivesFigure({ weights: W, labelWeight: 0.3, d: 1.7, sd: 0.45, left: 'gaussian', right: 'cauchy', points: 9 });
    for (const base of [0, 3]) ys(o, base).forEach((u, i) => expect(Math.abs(u - ys(o, base + 1)[i] - ys(o, base + 2)[i])).toBeLessThan(1e-9));
    const b = boundFigure({ weights: W, labelWeight: 0.45, d: 2.5, sd: 0.7 });
    for (let k = 0; k < 4; k++) expect(Math.min(...ys(b, k))).toBe(0);
    expect(ys(b, 0)[40]).toBe(0); // m = 0, the middle class's centre
    const g = gapFigure({ weights: W, labelWeight: 0.45, sd: 0.5, points: 5 });
    expect(g.layout.yaxis?.type).toBe('log');
    for (let k = 0; k < 4; k++) ys(g, k).forEach((v) => expect(v).toBeGreaterThan(0));
    const m = minimisersFigure({ weights: W, labelWeight: 0.45, sd: 0.1, separations: [3, 6] });
    ys(m, 0).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-6)); // the bound's argmin is the mode
  });
});
