import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { DetauxAutoencoder } from '../../lib/methods/detaux/autoencoder';
import { QUICK_DETAUX, DEFAULT_DETAUX, detauxConfig } from '../../lib/methods/detaux/config';
import { balanceLoss, consistencyLoss, detach, distanceLoss, orthogonalityLoss, schedule, selection, selectionDelta, stage1Losses } from '../../lib/methods/detaux/losses';
import { hdbscanLabels, kmeans, kmeansBySilhouette, silhouette } from '../../lib/methods/detaux/cluster';
import { alignments, eligibleSubspaces, firstComponentCodes, leastAlignedSubspace, normalisedAlignments, subspaceRms } from '../../lib/methods/detaux/subspace';
import { crossEntropy } from '../../lib/methods/detaux/multitask';
import { makeRng } from '../../lib/util/random';
import { UserError } from '../../lib/util/errors';

beforeAll(async () => {
  await initBackend();
});

/** Seeded normal array. */
function normals(n: number, seed: number): Float32Array {
  const r = makeRng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
}

describe('stage-1 losses against float64 hand computations', () => {
  const k = 3, B = 4, d = 2, N = 2 * B;
  const zv = normals(k * N * d, 1);
  const at = (s: number, i: number, t: number): number => zv[(s * N + i) * d + t];

  it('L_sp = mean over inputs and coordinates of Σ_s |z_s · Σ_{s′≠s} z_s′|', () => {
    let sum = 0;
    for (let i = 0; i < N; i++) {
      for (let t = 0; t < d; t++) {
        for (let s = 0; s < k; s++) {
          let other = 0;
          for (let s2 = 0; s2 < k; s2++) if (s2 !== s) other += at(s2, i, t);
          sum += Math.abs(at(s, i, t) * other);
        }
      }
    }
    const got = tf.tidy(() => orthogonalityLoss(tf.tensor3d(zv, [k, N, d])).dataSync()[0]);
    expect(got).toBeCloseTo(sum / (N * d), 5);
  });

  it('selection: regime pairs pick subspace 0, others the largest normalised move among s ≥ 1; L_dist and L_reg', () => {
    const differs = [1, 0, 0, 1];
    const delta: number[][] = [];
    const meanDist: number[] = [];
    for (let s = 0; s < k; s++) {
      let m = 0;
      for (let u = 0; u < N; u++) for (let v = 0; v < N; v++) {
        let q = 0;
        for (let t = 0; t < d; t++) q += (at(s, u, t) - at(s, v, t)) ** 2;
        m += Math.sqrt(q);
      }
      meanDist.push(m / (N * N) + 1e-8);
    }
    for (let b = 0; b < B; b++) {
      delta.push([]);
      for (let s = 0; s < k; s++) {
        let q = 0;
        for (let t = 0; t < d; t++) q += (at(s, b, t) - at(s, B + b, t)) ** 2;
        delta[b].push(q);
      }
    }
    const expectSel = delta.map((row, b) => {
      if (differs[b]) return [1, 0, 0];
      const norm = row.map((v, s) => v / meanDist[s]);
      const best = norm[1] >= norm[2] ? 1 : 2;
      return [0, best === 1 ? 1 : 0, best === 2 ? 1 : 0];
    });
    const { sel, dist, reg } = tf.tidy(() => {
      const z = tf.tensor3d(zv, [k, N, d]);
      const r = selection(z, tf.tensor1d(differs), null);
      return {
        sel: r.sel.arraySync(),
        dist: distanceLoss(selectionDelta(z), r.sel, 0.05, 10).dataSync()[0],
        reg: balanceLoss(r.sel, 100).dataSync()[0],
      };
    });
    expect(sel).toEqual(expectSel);
    let stay = 0, move = 0;
    for (let b = 0; b < B; b++) for (let s = 0; s < k; s++) {
      stay += delta[b][s] * (1 - expectSel[b][s]);
      move += Math.max(0, 0.05 - delta[b][s] * expectSel[b][s]);
    }
    expect(dist).toBeCloseTo(stay / (B * k) + (10 * move) / (B * k), 4);
    let r2 = 0;
    for (let s = 0; s < k; s++) r2 += (1 / k - expectSel.reduce((a, row) => a + row[s], 0) / B) ** 2;
    expect(reg).toBeCloseTo((100 * r2) / k, 4);
  });

  it('soft selection (τ): rows on the simplex, subspace 0 for regime pairs, and L_reg gets a gradient', () => {
    const differs = tf.tensor1d([1, 0, 0, 1]);
    const { rows, gradNorm } = tf.tidy(() => {
      const z = tf.tensor3d(zv, [k, N, d]);
      const rows = selection(z, differs, 0.5).sel.arraySync();
      const g = tf.grad((zz: tf.Tensor) => balanceLoss(selection(zz as tf.Tensor3D, differs, 0.5).sel, 100))(z);
      const hard = tf.grad((zz: tf.Tensor) => balanceLoss(selection(detach(zz) as tf.Tensor3D, differs, null).sel, 100))(z);
      return { rows, gradNorm: [tf.norm(g).dataSync()[0], tf.norm(hard).dataSync()[0]] };
    });
    for (const r of rows) expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(rows[0]).toEqual([1, 0, 0]);
    expect(rows[1][0]).toBe(0);
    expect(rows[1][1]).toBeGreaterThan(0);
    expect(rows[1][2]).toBeGreaterThan(0);
    expect(gradNorm[0]).toBeGreaterThan(0);
    expect(Number.isFinite(gradNorm[0])).toBe(true);
    expect(gradNorm[1]).toBe(0);
    differs.dispose();
  });

  it('detach passes values and blocks gradients', () => {
    const g = tf.tidy(() => {
      const x = tf.tensor1d([1, 2, 3]);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.add(tf.mul(v, v), tf.mul(detach(v), 5))))(x).arraySync();
    });
    expect(g).toEqual([2, 4, 6]);
  });

  it('schedule: rec only for the first quarter, β₁ reaches 1 at 0.4E, β₂ at 0.5E, β₃ = 1 − β₁', () => {
    const E = 20;
    expect(schedule(5, E).warm).toBe(false);
    expect(schedule(6, E).warm).toBe(true);
    expect(schedule(8, E).beta1).toBe(1);
    expect(schedule(7, E).beta1).toBeCloseTo(Math.exp((25 / 20) * (7 - 8)), 12);
    expect(schedule(10, E).beta2).toBe(1);
    expect(schedule(6, E).beta3).toBeCloseTo(1 - Math.exp((25 / 20) * (6 - 8)), 12);
    expect(schedule(6, E).consistency).toBe(Math.exp((25 / 20) * (6 - 10)) > 0.01);
  });

  it('L_cons is the MSE between swapped codes and the re-encoded decoded swaps; no tensors leak', () => {
    const cfg = { ...QUICK_DETAUX.stage1, latentDim: d, subspaces: k };
    const ae = new DetauxAutoencoder(cfg, 12, 3);
    const before = tf.memory().numTensors;
    const picks = Int32Array.from([0, 5, 7, 11, 2, 9, 4, 1]);
    const { got, want } = tf.tidy(() => {
      const z = tf.tensor3d(zv, [k, N, d]);
      const got = consistencyLoss(ae, z, picks).dataSync()[0];
      // by hand: combo c = s·B + b swaps subspace s of pair b
      const rows: number[][][] = Array.from({ length: k }, () => []);
      for (const c of picks) {
        const s = Math.floor(c / B), b = c % B;
        for (let u = 0; u < k; u++) rows[u].push(Array.from({ length: d }, (_, t) => (u === s ? at(u, b, t) : at(u, B + b, t))));
      }
      const target = tf.tensor3d(rows);
      const re = ae.codes(ae.decode(tf.sum(target, 0)));
      return { got, want: tf.mean(tf.squaredDifference(re, target)).dataSync()[0] };
    });
    expect(got).toBeCloseTo(want, 6);
    expect(tf.memory().numTensors).toBe(before);
    ae.dispose();
  });

  it('stage1Losses returns finite terms, all of them after the warm-up, and leaks nothing', () => {
    const cfg = { ...QUICK_DETAUX.stage1, latentDim: d, subspaces: k, epochs: 4 };
    const ae = new DetauxAutoencoder(cfg, 12, 4);
    const before = tf.memory().numTensors;
    const vals = tf.tidy(() => {
      const x = tf.tensor2d(normals(N * 12, 5), [N, 12]);
      const t = stage1Losses(ae, x, tf.tensor1d([1, 0, 0, 1]), 3, cfg, Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
      return Object.fromEntries(Object.entries(t).map(([n, v]) => [n, v.dataSync()[0]]));
    });
    for (const v of Object.values(vals)) expect(Number.isFinite(v)).toBe(true);
    expect(vals.sp).toBeGreaterThan(0);
    expect(vals.cons).toBeGreaterThan(0);
    expect(vals.total).toBeGreaterThan(vals.rec);
    expect(tf.memory().numTensors).toBe(before);
    ae.dispose();
  });

  it('cross-entropy matches −mean log softmax', () => {
    const v = tf.tidy(() => crossEntropy(tf.tensor2d([[1, 2, 0], [0, 0, 3]]), tf.tensor1d([1, 2], 'int32')).dataSync()[0]);
    const lse = (a: number[]): number => Math.log(a.reduce((s, x) => s + Math.exp(x), 0));
    expect(v).toBeCloseTo(((lse([1, 2, 0]) - 2) + (lse([0, 0, 3]) - 3)) / 2, 5);
  });
});

describe('stage 2: subspace choice and clustering', () => {
  it('alignment and the least aligned subspace', () => {
    // k = 3, n = 2, d = 2: z_0 = (1,0),(0,1); z_1 = (1,1),(1,1) → ⟨,⟩ = 1,1; z_2 = (0.1,0),(0,−0.3) → 0.1, −0.3
    const codes = Float32Array.from([1, 0, 0, 1, 1, 1, 1, 1, 0.1, 0, 0, -0.3]);
    const a = alignments(codes, 3, 2, 2);
    expect(a[0]).toBeCloseTo(1, 6);
    expect(a[1]).toBeCloseTo(1, 6);
    expect(a[2]).toBeCloseTo(-0.1, 6);
    expect(leastAlignedSubspace(a)).toBe(2);
    const pc = firstComponentCodes(codes, 2, codes, 2, 3, 2);
    expect(pc.values).toHaveLength(6);
  });

  it('the raw rule picks a collapsed subspace that is a scaled copy of z_0; the normalised (default) rule does not', () => {
    // k = 3, n = 4, d = 2. z_0: four unit vectors. z_1: unrelated to z_0 at full scale (orthogonal
    // rotation of each point: ⟨z_1, z_0⟩ = 0.2 on average). z_2 = 0.01 · z_0: collapsed, but the
    // same direction as z_0 (cosine 1).
    const z0 = [1, 0, 0, 1, -1, 0, 0, -1];
    const z1 = [0.2, 1, -1, 0.2, -0.2, -1, 1, -0.2];
    const z2 = z0.map((v) => 0.01 * v);
    const codes = Float32Array.from([...z0, ...z1, ...z2]);
    const raw = alignments(codes, 3, 4, 2);
    expect(raw[1]).toBeCloseTo(0.2, 6);
    expect(raw[2]).toBeCloseTo(0.01, 6);
    expect(leastAlignedSubspace(raw)).toBe(2); // the authors' rule: the collapsed copy of z_0
    const rms = subspaceRms(codes, 3, 4, 2);
    expect(rms[0]).toBeCloseTo(1, 6);
    expect(rms[1]).toBeCloseTo(Math.sqrt(1.04), 6);
    expect(rms[2]).toBeCloseTo(0.01, 6);
    const norm = normalisedAlignments(raw, rms);
    expect(norm[2]).toBeCloseTo(1, 4); // perfectly aligned, whatever its scale
    expect(norm[1]).toBeCloseTo(0.2 / Math.sqrt(1.04), 6);
    expect(leastAlignedSubspace(norm)).toBe(1);
    // A collapsed subspace that is also unrelated to z_0 (0.01 × an orthogonal rotation) passes the
    // normalised test too; the RMS floor (10 % of the largest auxiliary subspace) excludes it.
    const z3 = [0, 0.01, -0.01, 0, 0, -0.01, 0.01, 0];
    const codes4 = Float32Array.from([...z0, ...z1, ...z2, ...z3]);
    const raw4 = alignments(codes4, 4, 4, 2);
    const rms4 = subspaceRms(codes4, 4, 4, 2);
    const norm4 = normalisedAlignments(raw4, rms4);
    expect(leastAlignedSubspace(norm4)).toBe(3);
    expect(eligibleSubspaces(rms4, 0.1)).toEqual([false, true, false, false]);
    expect(leastAlignedSubspace(norm4, eligibleSubspaces(rms4, 0.1))).toBe(1);
  });

  it('silhouette of a hand-checked labelling', () => {
    // 1-D points 0, 1 | 5, 7: a(0)=1, b(0)=6 → 5/6; a(1)=1, b(1)=5 → 4/5; a(5)=2, b(5)=4.5 → 2.5/4.5; a(7)=2, b(7)=6.5 → 4.5/6.5
    const s = silhouette([0, 1, 5, 7], 1, [0, 0, 1, 1], 2);
    expect(s).toBeCloseTo((5 / 6 + 4 / 5 + 2.5 / 4.5 + 4.5 / 6.5) / 4, 10);
  });

  const blobs = (() => {
    const r = makeRng(9);
    const centres = [[0, 0], [6, 0], [0, 6]];
    const pts: number[] = [];
    const truth: number[] = [];
    for (let i = 0; i < 300; i++) {
      const c = i % 3;
      pts.push(centres[c][0] + 0.5 * r.normal(), centres[c][1] + 0.5 * r.normal());
      truth.push(c);
    }
    return { pts: Float64Array.from(pts), truth };
  })();

  it('k-means recovers separated blobs and the silhouette picks K = 3', () => {
    const res = kmeans(blobs.pts, 2, 3, makeRng(1));
    const map = new Map<number, number>();
    blobs.truth.forEach((t, i) => map.set(res.labels[i], t));
    expect(map.size).toBe(3);
    expect(blobs.truth.every((t, i) => map.get(res.labels[i]) === t)).toBe(true);
    const chosen = kmeansBySilhouette(blobs.pts, 2, 2, 6, makeRng(2), { restarts: 2, maxIter: 100, silhouettePoints: 150 });
    expect(chosen.k).toBe(3);
    expect(chosen.silhouettes.map((s) => s.k)).toEqual([2, 3, 4, 5, 6]);
    expect(chosen.sizes.reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('k-means (ml-kmeans) finds the hand-computed optimum of a 1-D case and is reproducible for a seed', () => {
    // Pairs {0, 1}, {10, 11}, {20, 21}: centroids 0.5, 10.5, 20.5 and inertia 6 × 0.25 = 1.5.
    const pts = [0, 1, 10, 11, 20, 21];
    const res = kmeans(pts, 1, 3, makeRng(4));
    expect(Array.from(res.centroids).sort((a, b) => a - b)).toEqual([0.5, 10.5, 20.5]);
    expect(res.inertia).toBeCloseTo(1.5, 12);
    expect(res.labels[0]).toBe(res.labels[1]);
    expect(new Set(res.labels).size).toBe(3);
    const a = kmeans(blobs.pts, 2, 5, makeRng(7), 2);
    const b = kmeans(blobs.pts, 2, 5, makeRng(7), 2);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
  });

  it('hdbscan (hdbscan-ts) separates the blobs too, with noise as its own class', () => {
    const res = hdbscanLabels(blobs.pts, 2, 10, makeRng(3), 120);
    expect(res.method).toBe('hdbscan');
    expect(res.k).toBeGreaterThanOrEqual(3);
    expect(res.k).toBeLessThanOrEqual(4);
  });
});

describe('config', () => {
  it('merges overrides and rejects unknown fields and bad values with one-line UserErrors', () => {
    const c = detauxConfig({ stage1: { epochs: 3, trunk: { hidden: 16 } }, seed: 4 });
    expect(c.stage1.epochs).toBe(3);
    expect(c.stage1.trunk).toEqual({ ...DEFAULT_DETAUX.stage1.trunk, hidden: 16 });
    expect(c.seed).toBe(4);
    expect(() => detauxConfig({ stage1: { epoch: 3 } })).toThrow(/unknown config field stage1.epoch/);
    expect(() => detauxConfig({ stage4: {} })).toThrow(UserError);
    expect(() => detauxConfig({ stage2: { subspace: 0 } })).toThrow(/stage2.subspace/);
    expect(() => detauxConfig({ stage1: { lr: 'fast' } })).toThrow(/stage1.lr must be a finite number/);
    expect(() => detauxConfig({ data: { split: 'iid' } })).toThrow(/data.split/);
  });
});
