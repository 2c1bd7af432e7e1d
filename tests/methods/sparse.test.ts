import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { fistaLasso, gramOf, lambdaMax, lassoGram, lipschitz } from '../../lib/methods/sparse/lasso';
import { implicitSolve, lassoHyper, ridgeHyper, type InnerHyper } from '../../lib/methods/sparse/implicit';
import { blockSoftThreshold, disposeHead, fitGroupLasso } from '../../lib/methods/sparse/groupLasso';
import { applyFastIca, fitFastIca } from '../../lib/methods/sparse/ica';
import { outerLoss, runSparse, trainEncoder } from '../../lib/methods/sparse/pipeline';
import { QUICK_SPARSE, codeWidth, sparseConfig } from '../../lib/methods/sparse/config';
import { classificationTask, factorColumns, regressionTask, taskColumns } from '../../lib/methods/sparse/tasks';
import { BENCHMARK_FACTORS, BENCHMARK_LEVELS, PRINCIPAL, generateBenchmark } from '../../lib/data/benchmark';
import { mcc } from '../../lib/eval/disentanglement/mcc';
import { makeRng } from '../../lib/util/random';
import { UserError } from '../../lib/util/errors';

beforeAll(async () => {
  await initBackend();
});

function normals(n: number, seed: number): Float64Array {
  const r = makeRng(seed);
  return Float64Array.from({ length: n }, () => r.normal());
}

/** T small regression problems: Φ_s [T, n, m], y_s = Φ_s w* + noise with one zero coefficient, and a query set. */
function problem(T: number, n: number, q: number, m: number, seed: number) {
  const phiS = normals(T * n * m, seed), phiQ = normals(T * q * m, seed + 1), noise = normals(T * (n + q), seed + 2);
  const wTrue = [1.5, -1, 0.8, 0, 0.6, -0.7].slice(0, m);
  const y = (phi: Float64Array, rows: number, off: number): Float64Array => Float64Array.from({ length: T * rows }, (_, r) => {
    let s = 0;
    for (let a = 0; a < m; a++) s += phi[r * m + a] * wTrue[a];
    return s + 0.1 * noise[off + r];
  });
  return { phiS, phiQ, yS: y(phiS, n, 0), yQ: y(phiQ, q, T * n) };
}

/** float64 outer loss S3 with the exact Lasso/ridge solution at fixed λ, μ. */
function outer64(phiS: Float64Array, yS: Float64Array, phiQ: Float64Array, yQ: Float64Array, T: number, n: number, q: number, m: number, lambda: ArrayLike<number>, mu?: ArrayLike<number>): number {
  const { w } = lassoGram(gramOf(phiS, yS, T, n, m), lambda, mu, 1e-15);
  let s = 0;
  for (let t = 0; t < T; t++) for (let i = 0; i < q; i++) {
    let p = 0;
    for (let a = 0; a < m; a++) p += phiQ[(t * q + i) * m + a] * w[t * m + a];
    s += (p - yQ[t * q + i]) ** 2;
  }
  return (0.5 * s) / (T * q);
}

describe('inner Lasso solvers (S1)', () => {
  const T = 3, n = 20, q = 10, m = 5;
  const pr = problem(T, n, q, m, 11);
  const g = gramOf(pr.phiS, pr.yS, T, n, m);
  const lambda = lambdaMax(g).map((v) => 0.3 * v);

  it('λ_max is the smallest λ with ŵ = 0, and FISTA meets the KKT conditions of the Lasso', () => {
    const zero = lassoGram(g, lambdaMax(g).map((v) => v * 1.0001));
    expect(Array.from(zero.w).every((x) => x === 0)).toBe(true);
    const below = lassoGram(g, lambdaMax(g).map((v) => v * 0.98));
    for (let t = 0; t < T; t++) expect(below.support[t].length).toBeGreaterThan(0);

    const before = tf.memory().numTensors;
    const w = tf.tidy(() => fistaLasso(tf.tensor3d(Float32Array.from(pr.phiS), [T, n, m]), tf.tensor3d(Float32Array.from(pr.yS), [T, n, 1]), lambda, lipschitz(g), 1500));
    const wv = Float64Array.from(w.dataSync());
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const exact = lassoGram(g, lambda);
    let zeros = 0;
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < m; j++) {
        // KKT: (Gŵ − c)_j = −λ sign(ŵ_j) where ŵ_j ≠ 0, |(Gŵ − c)_j| ≤ λ where ŵ_j = 0.
        let r = -g.c[t * m + j];
        for (let k = 0; k < m; k++) r += g.G[(t * m + j) * m + k] * wv[t * m + k];
        if (wv[t * m + j] !== 0) expect(Math.abs(r + lambda[t] * Math.sign(wv[t * m + j]))).toBeLessThan(2e-5);
        else {
          zeros++;
          expect(Math.abs(r)).toBeLessThanOrEqual(lambda[t] + 2e-5);
        }
        expect(Math.abs(wv[t * m + j] - exact.w[t * m + j])).toBeLessThan(1e-4);
      }
    }
    expect(zeros).toBeGreaterThan(0); // the problem really is sparse at λ = 0.3 λ_max
  });

  it('the unrolled FISTA gradient of the outer loss w.r.t. Φ matches central finite differences', () => {
    const Tm = 2, K = 40;
    const phiQ = tf.tensor3d(Float32Array.from(pr.phiQ.subarray(0, Tm * q * m)), [Tm, q, m]);
    const yS = tf.tensor3d(Float32Array.from(pr.yS.subarray(0, Tm * n)), [Tm, n, 1]);
    const yQ = tf.tensor3d(Float32Array.from(pr.yQ.subarray(0, Tm * q)), [Tm, q, 1]);
    const phi0 = Float32Array.from(pr.phiS.subarray(0, Tm * n * m));
    const g0 = gramOf(phi0, pr.yS, Tm, n, m);
    const lam = lambdaMax(g0).map((v) => 0.3 * v), L = lipschitz(g0);
    const f = (phi: tf.Tensor3D): tf.Scalar => outerLoss(phiQ, fistaLasso(phi, yS, lam, L, K), yQ);
    const before = tf.memory().numTensors;
    const grad = tf.tidy(() => tf.grad((p: tf.Tensor) => f(p as tf.Tensor3D))(tf.tensor3d(phi0, [Tm, n, m])));
    const gv = grad.dataSync();
    grad.dispose();
    const eps = 1e-2;
    for (let d = 0; d < 4; d++) {
      const dir = normals(phi0.length, 100 + d);
      const norm = Math.sqrt(dir.reduce((s, x) => s + x * x, 0));
      const at = (sgn: number): number => tf.tidy(() => f(tf.tensor3d(phi0.map((x, i) => x + (sgn * eps * dir[i]) / norm), [Tm, n, m])).dataSync()[0]);
      const fd = (at(1) - at(-1)) / (2 * eps);
      const ad = Array.from(gv).reduce((s, x, i) => s + (x * dir[i]) / norm, 0);
      expect(Math.abs(fd - ad)).toBeLessThan(2e-3 + 2e-2 * Math.abs(ad));
    }
    tf.dispose([phiQ, yS, yQ]);
    expect(tf.memory().numTensors).toBe(before - 3);
  });

  function implicitGrads(hyper: InnerHyper, phiS: Float64Array, yS: Float64Array): { dPhi: Float32Array; dY: Float32Array } {
    return tf.tidy(() => {
      const phiQ = tf.tensor3d(Float32Array.from(pr.phiQ), [T, q, m]), yQ = tf.tensor3d(Float32Array.from(pr.yQ), [T, q, 1]);
      const [dPhi, dY] = tf.grads((p: tf.Tensor, y: tf.Tensor) => outerLoss(phiQ, implicitSolve(p as tf.Tensor3D, y as tf.Tensor3D, hyper), yQ))([tf.tensor3d(Float32Array.from(phiS), [T, n, m]), tf.tensor3d(Float32Array.from(yS), [T, n, 1])]);
      return { dPhi: dPhi.dataSync() as Float32Array, dY: dY.dataSync() as Float32Array };
    });
  }

  it('the implicit active-set gradient (S2′) matches float64 central finite differences, for Lasso and ridge', () => {
    const phi32 = Float64Array.from(Float32Array.from(pr.phiS)), y32 = Float64Array.from(Float32Array.from(pr.yS));
    const g32 = gramOf(phi32, y32, T, n, m);
    const lam = lambdaMax(g32).map((v) => 0.3 * v);
    const mu = ridgeHyper(0.05)(g32).mu;
    const cases: [string, InnerHyper, Float64Array, Float64Array | undefined][] = [
      ['lasso', (gg) => ({ lambda: lam, mu: new Float64Array(gg.T) }), lam, undefined],
      ['ridge', (gg) => ({ lambda: new Float64Array(gg.T), mu }), new Float64Array(T), mu],
    ];
    const before = tf.memory().numTensors;
    for (const [, hyper, l, u] of cases) {
      const { dPhi, dY } = implicitGrads(hyper, phi32, y32);
      const h = 1e-6;
      let worst = 0, scale = 0;
      for (let i = 0; i < phi32.length; i++) {
        const p = Float64Array.from(phi32), mnus = Float64Array.from(phi32);
        p[i] += h;
        mnus[i] -= h;
        const fd = (outer64(p, y32, pr.phiQ, pr.yQ, T, n, q, m, l, u) - outer64(mnus, y32, pr.phiQ, pr.yQ, T, n, q, m, l, u)) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - dPhi[i]));
        scale = Math.max(scale, Math.abs(fd));
      }
      expect(scale).toBeGreaterThan(1e-3);
      expect(worst).toBeLessThan(1e-5 + 1e-4 * scale);
      for (let i = 0; i < y32.length; i++) {
        const p = Float64Array.from(y32), mnus = Float64Array.from(y32);
        p[i] += h;
        mnus[i] -= h;
        const fd = (outer64(phi32, p, pr.phiQ, pr.yQ, T, n, q, m, l, u) - outer64(phi32, mnus, pr.phiQ, pr.yQ, T, n, q, m, l, u)) / (2 * h);
        expect(Math.abs(fd - dY[i])).toBeLessThan(1e-5 + 1e-4 * scale);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a long unroll converges to the implicit gradient', () => {
    const phi32 = Float32Array.from(pr.phiS);
    const g32 = gramOf(phi32, pr.yS, T, n, m);
    const lam = lambdaMax(g32).map((v) => 0.3 * v), L = lipschitz(g32);
    const { dPhi } = implicitGrads((gg) => ({ lambda: lam, mu: new Float64Array(gg.T) }), Float64Array.from(phi32), pr.yS);
    const unrolled = tf.tidy(() => {
      const phiQ = tf.tensor3d(Float32Array.from(pr.phiQ), [T, q, m]), yQ = tf.tensor3d(Float32Array.from(pr.yQ), [T, q, 1]), yS = tf.tensor3d(Float32Array.from(pr.yS), [T, n, 1]);
      return tf.grad((p: tf.Tensor) => outerLoss(phiQ, fistaLasso(p as tf.Tensor3D, yS, lam, L, 800), yQ))(tf.tensor3d(phi32, [T, n, m])).dataSync();
    });
    const scale = Math.max(...Array.from(dPhi, Math.abs));
    for (let i = 0; i < dPhi.length; i++) expect(Math.abs(unrolled[i] - dPhi[i])).toBeLessThan(1e-3 * scale + 1e-5);
  });
});

describe('group-Lasso head (S5)', () => {
  it('meets the group-Lasso optimality conditions and zeroes whole rows', () => {
    const n = 40, m = 4, C = 3;
    const phi = normals(n * m, 5);
    const labels = Array.from({ length: n }, (_, i) => (phi[i * m] > 0.5 ? 0 : phi[i * m] < -0.5 ? 1 : 2));
    const before = tf.memory().numTensors;
    const head = fitGroupLasso(phi, labels, 1, n, m, C, 0.3, 1500);
    const { gW, gb } = tf.tidy(() => {
      const P = tf.softmax(tf.add(tf.matMul(tf.tensor2d(Float32Array.from(phi), [n, m]), tf.reshape(head.W, [m, C])), tf.reshape(head.b, [1, C])));
      const r = tf.sub(P, tf.oneHot(tf.tensor1d(labels, 'int32'), C).toFloat());
      return { gW: tf.div(tf.matMul(tf.tensor2d(Float32Array.from(phi), [n, m]), r, true, false), n).dataSync(), gb: tf.mean(r, 0).dataSync() };
    });
    const W = head.W.dataSync();
    let zeroRows = 0;
    for (let j = 0; j < m; j++) {
      const row = Array.from({ length: C }, (_, c) => W[j * C + c]);
      const g = Array.from({ length: C }, (_, c) => gW[j * C + c]);
      const norm = Math.hypot(...row);
      if (norm === 0) {
        zeroRows++;
        expect(Math.hypot(...g)).toBeLessThanOrEqual(head.lambda[0] * 1.001 + 1e-5);
      } else for (let c = 0; c < C; c++) expect(Math.abs(g[c] + (head.lambda[0] * row[c]) / norm)).toBeLessThan(1e-4);
    }
    for (const v of gb) expect(Math.abs(v)).toBeLessThan(1e-4);
    expect(zeroRows).toBeGreaterThan(0); // labels depend on code 0 only
    expect(Math.hypot(W[0], W[1], W[2])).toBeGreaterThan(0);
    disposeHead(head);
    expect(tf.memory().numTensors).toBe(before);
    const bst = tf.tidy(() => blockSoftThreshold(tf.tensor3d([3, 4, 0.3, 0.4], [1, 2, 2]), 1).dataSync());
    expect(Array.from(bst).map((x) => +x.toFixed(6))).toEqual([2.4, 3.2, 0, 0]);
  });
});

describe('FastICA (S6)', () => {
  it('recovers independent uniform sources from a linear mixture, seeded', () => {
    const n = 2000, d = 3, r = makeRng(3);
    const s = Float64Array.from({ length: n * d }, () => r.uniform() * 2 - 1);
    const A = [1, 0.6, -0.3, 0.4, 1, 0.5, -0.2, 0.7, 1];
    const x = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) x[i * d + a] += A[a * d + b] * s[i * d + b];
    const model = fitFastIca(x, n, d, { seed: 1 });
    expect(model.converged).toBe(true);
    const out = applyFastIca(model, x, n);
    expect(mcc(out, d, s, d).pearson).toBeGreaterThan(0.99);
    expect(mcc(x, d, s, d).pearson).toBeLessThan(0.95);
    expect(Array.from(fitFastIca(x, n, d, { seed: 1 }).unmixing)).toEqual(Array.from(model.unmixing));
  });
});

describe('tasks from the benchmark factors (T1, T2)', () => {
  const bench = generateBenchmark({ trainWindows: 2000, valWindows: 10, testWindows: 10, oodWindows: 10, split: 'iid' });
  const v = factorColumns(bench.train, 'one-hot');
  const M = v.columns, n = bench.train.n;
  const regimeOf = (row: number): number => bench.train.factors[row * BENCHMARK_FACTORS.length + PRINCIPAL];

  it('columns follow the factor declaration: the regime one indicator per level (one-hot) or its level (ordinal)', () => {
    expect(taskColumns('one-hot')).toEqual(['regime=sine', 'regime=square', 'regime=sawtooth', 'regime=triangle', 'frequency', 'amplitude', 'phase-cos', 'phase-sin', 'trend']);
    expect(taskColumns('ordinal')).toEqual(['regime', 'frequency', 'amplitude', 'phase-cos', 'phase-sin', 'trend']);
    expect(M).toBe(BENCHMARK_LEVELS[PRINCIPAL] + BENCHMARK_FACTORS.length); // 4 indicators + 4 other factors + (cos, sin)
    expect(factorColumns(bench.train, 'ordinal').columns).toBe(6);
    // The code width follows the columns unless set.
    expect(codeWidth(QUICK_SPARSE)).toBe(9);
    expect(codeWidth({ ...QUICK_SPARSE, regime: 'ordinal' })).toBe(6);
    expect(codeWidth({ ...QUICK_SPARSE, codes: 4 })).toBe(4);
  });

  it('standardised columns; the regime indicators are (4·1[level] − 1)/√3, sum to exactly 0 and correlate −1/3', () => {
    const L = BENCHMARK_LEVELS[PRINCIPAL];
    for (let j = 0; j < M; j++) {
      let s = 0, s2 = 0;
      for (let i = 0; i < n; i++) { s += v.values[i * M + j]; s2 += v.values[i * M + j] ** 2; }
      expect(Math.abs(s / n)).toBeLessThan(0.1);
      expect(Math.abs(s2 / n - 1)).toBeLessThan(0.1);
    }
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let l = 0; l < L; l++) {
        const x = v.values[i * M + l];
        expect(x).toBeCloseTo(l === regimeOf(i) ? Math.sqrt(L - 1) : -1 / Math.sqrt(L - 1), 12);
        sum += x;
      }
      expect(Math.abs(sum)).toBeLessThan(1e-12);
    }
    let c01 = 0;
    for (let i = 0; i < n; i++) c01 += (v.values[i * M] * v.values[i * M + 1]) / n;
    expect(c01).toBeCloseTo(-1 / (L - 1), 1);
    // Ordinal: the regime is its standardised level, the other columns are unchanged.
    const o = factorColumns(bench.train, 'ordinal');
    for (let i = 0; i < 50; i++) {
      expect(o.values[i * 6]).toBeCloseTo((regimeOf(i) - 1.5) / Math.sqrt(15 / 12), 12);
      for (let j = 1; j < 6; j++) expect(o.values[i * 6 + j]).toBe(v.values[i * M + L - 1 + j]);
    }
  });

  it("a task on one regime indicator separates that level from the others (categorical); on the ordinal column it orders the levels", () => {
    // Draw 1-sparse noiseless tasks until one lands on each regime indicator.
    const rng = makeRng(7);
    const hit = new Set<number>();
    for (let tries = 0; tries < 200 && hit.size < 4; tries++) {
      const t = regressionTask(bench.train, v, 'sparse', 1, 0, 100, 0, rng);
      const level = t.support[0];
      if (level >= 4) continue;
      hit.add(level);
      // y takes one value on the windows of that level and one other value on all the rest.
      const on = new Set<string>(), off = new Set<string>();
      t.index.forEach((row, i) => (regimeOf(row) === level ? on : off).add(t.y[i].toFixed(9)));
      expect(on.size).toBe(1);
      expect(off.size).toBe(1);
      expect([...on][0]).not.toBe([...off][0]);
      const c = classificationTask(bench.train, v, 'sparse', 1, 3, 100, 0, rng);
      if (c.support[0] < 4) {
        // Any labels a one-indicator teacher gives are constant off its level.
        const offLabels = new Set<number>();
        c.index.forEach((row, i) => { if (regimeOf(row) !== c.support[0]) offLabels.add(c.y[i]); });
        expect(offLabels.size).toBe(1);
      }
    }
    expect(hit.size).toBe(4);
    // Ordinal: a task on the regime column is linear in the level index, so all 4 levels get distinct values.
    const o = factorColumns(bench.train, 'ordinal');
    let ordinalTasks = 0;
    for (let tries = 0; tries < 100 && ordinalTasks === 0; tries++) {
      const t = regressionTask(bench.train, o, 'sparse', 1, 0, 200, 0, rng);
      if (t.support[0] !== 0) continue;
      expect(new Set(Array.from(t.y, (y) => y.toFixed(9))).size).toBe(4);
      ordinalTasks++;
    }
    expect(ordinalTasks).toBe(1);
  });

  it('sparse supports of the chosen size, dense = all columns; noiseless tasks linear in the support', () => {
    const rng = makeRng(1);
    const seen = new Set<string>();
    for (let k = 0; k < 30; k++) {
      const t = regressionTask(bench.train, v, 'sparse', 2, 0.1, 25, 25, rng);
      expect(t.support.length).toBe(2);
      expect(new Set(t.index).size).toBe(50);
      seen.add(Array.from(t.support).join());
    }
    expect(seen.size).toBeGreaterThan(5);
    expect(regressionTask(bench.train, v, 'dense', 2, 0.1, 25, 25, rng).support.length).toBe(M);
    const t = regressionTask(bench.train, v, 'sparse', 1, 0, 10, 0, makeRng(2));
    const k = t.support[0];
    const ratio = t.y[0] / v.values[t.index[0] * M + k];
    for (let i = 1; i < 10; i++) expect(t.y[i]).toBeCloseTo(ratio * v.values[t.index[i] * M + k], 9);
    const c = classificationTask(bench.train, v, 'sparse', 2, 3, 50, 50, makeRng(4));
    expect(new Set(c.y).size).toBeGreaterThan(1);
    expect(Array.from(c.y).every((y) => y >= 0 && y < 3)).toBe(true);
    expect(() => regressionTask(bench.train, v, 'sparse', 2, 0.1, 2000, 1, rng)).toThrow(UserError);
    expect(() => regressionTask(bench.train, v, 'sparse', M + 1, 0.1, 25, 25, rng)).toThrow(/exceeds the 9 factor columns/);
  });
});

describe('bi-level training', () => {
  const tiny = sparseConfig({ steps: 8, arms: ['sparse'], evalTasks: 4, fewShot: [10], data: { trainWindows: 300, testWindows: 120 } }, QUICK_SPARSE);
  it('same config and seed → identical report; another seed differs; no tensor leaks', () => {
    const before = tf.memory().numTensors;
    const strip = (r: ReturnType<typeof runSparse>): unknown => JSON.parse(JSON.stringify({ ...r, seconds: 0, arms: Object.fromEntries(Object.entries(r.arms).map(([k, a]) => [k, { ...a, seconds: 0 }])) }));
    const a = runSparse(tiny), b = runSparse(tiny);
    expect(strip(a)).toEqual(strip(b));
    expect(tf.memory().numTensors).toBe(before);
    const c = runSparse({ ...tiny, seed: 1 });
    expect(c.mcc.pearson).not.toBe(a.mcc.pearson);
    // Unrolled inner mode trains too, and leaks nothing.
    const bench = generateBenchmark(tiny.data);
    const { encoder, history } = trainEncoder(bench, factorColumns(bench.train, tiny.regime), { ...tiny, inner: 'unrolled', unrollSteps: 10 }, 'sparse', 'lasso', 'test');
    encoder.dispose();
    expect(history.every((h) => Number.isFinite(h.loss))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
  it("stops on the validation outer loss and keeps the best check's weights; without validation data it runs the step cap", () => {
    const bench = generateBenchmark(tiny.data);
    const v = factorColumns(bench.train, tiny.regime);
    const val = { pool: bench.val, columns: factorColumns(bench.val, tiny.regime) };
    const cfg = { ...tiny, steps: 400, evalEvery: 5, patience: 3, valTasks: 4 };
    const before = tf.memory().numTensors;
    const stopped = trainEncoder(bench, v, cfg, 'sparse', 'lasso', 'test', undefined, val);
    const { stop } = stopped;
    expect(stop.converged).toBe(true);
    expect(stop.steps).toBeLessThan(cfg.steps);
    expect(stop.checks[0].step).toBe(0); // the untrained encoder is a candidate
    const best = stop.checks.reduce((a, b) => (b.loss < a.loss ? b : a));
    expect(best.step).toBe(stop.bestStep);
    expect(stop.steps - stop.bestStep).toBe(cfg.patience * cfg.evalEvery);
    expect(stop.bestStep).toBeGreaterThan(0);
    // The kept weights are those after bestStep steps: a fixed run of that many steps gives the same codes.
    const fixed = trainEncoder(bench, v, { ...cfg, steps: stop.bestStep }, 'sparse', 'lasso', 'test');
    expect(fixed.stop).toMatchObject({ converged: false, steps: stop.bestStep, checks: [] });
    expect(Array.from(stopped.encoder.codesOf(bench.test.x, bench.test.n))).toEqual(Array.from(fixed.encoder.codesOf(bench.test.x, bench.test.n)));
    stopped.encoder.dispose();
    fixed.encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
  it('the regime encoding sets the columns, the code width and the suite\'s MCC targets of a run; ordinal is the old 6-column run', () => {
    const oneHot = runSparse({ ...tiny, steps: 2 });
    expect(oneHot.regime).toBe('one-hot');
    expect(oneHot.codes).toBe(9);
    expect(oneHot.factors).toEqual(taskColumns('one-hot'));
    const a = oneHot.arms.sparse!;
    expect(Object.keys(a.r2PerFactor)).toEqual(taskColumns('one-hot'));
    expect(a.disentanglement!.notes.join('\n')).toMatch(/MCC: \d+ training points, 9 target columns \(circular factors as cos, sin, categorical factors as one indicator per level\)/);
    const ordinal = runSparse({ ...tiny, steps: 2, regime: 'ordinal' });
    expect(ordinal.codes).toBe(6);
    expect(Object.keys(ordinal.arms.sparse!.r2PerFactor)).toEqual(['regime', 'frequency', 'amplitude', 'phase-cos', 'phase-sin', 'trend']);
    expect(ordinal.arms.sparse!.disentanglement!.notes.join('\n')).toMatch(/6 target columns \(circular factors as cos, sin\)/);
  });

  it('rejects bad config with a UserError naming the field', () => {
    expect(() => sparseConfig({ l1reg: 2 })).toThrow(/l1reg/);
    expect(() => sparseConfig({ stepz: 3 })).toThrow(/unknown config field stepz/);
    expect(() => sparseConfig({ arms: ['ridge-ica'] })).toThrow(/list 'ridge' too/);
    expect(() => sparseConfig({ tasks: { supportSize: 10 } })).toThrow(/tasks.supportSize must be ≤ 9 \(the factor columns with regime 'one-hot'\)/);
    expect(() => sparseConfig({ regime: 'ordinal', tasks: { supportSize: 7 } })).toThrow(/must be ≤ 6/);
    expect(() => sparseConfig({ regime: 'dummy' })).toThrow(/regime must be one-hot or ordinal/);
    expect(sparseConfig({ tasks: { supportSize: 9 } }).tasks.supportSize).toBe(9);
    expect(lassoHyper(0.5)(gramOf([1, 2], [2, 2], 1, 2, 1)).lambda[0]).toBeCloseTo(0.5 * 3, 12);
  });
});
