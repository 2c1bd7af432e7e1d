/**
 * Detaux stage-1 losses (docs/design.md §Detaux, equations D1–D6; the authors' code
 * `models/dis_basic_model.py`), for a batch of B pairs (x_b, x′_b) encoded together as 2B inputs:
 * z [k, 2B, d] with rows 0..B−1 = x and B..2B−1 = x′.
 */
import * as tf from '@tensorflow/tfjs';
import { DetauxAutoencoder } from './autoencoder';
import type { Stage1Config } from './config';

/** The identity with a zero gradient (PyTorch's `.detach()`). */
export const detach = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as (x: tf.Tensor) => tf.Tensor;

/** L_rec = mean (x − x̂)² over all inputs and rows. */
export function reconstructionLoss(x: tf.Tensor2D, recon: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.squaredDifference(x, recon)); // docs/design.md §Detaux D1
}

/** L_sp = mean over inputs n and coordinates i of Σ_s |z_{s,n,i} · Σ_{s′≠s} z_{s′,n,i}|. */
export function orthogonalityLoss(z: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => {
    const total = tf.sum(z, 0, true); // [1, N, d]
    const cross = tf.abs(tf.mul(z, tf.sub(total, z))); // z_s · Σ_{s′≠s} z_s′
    return tf.mean(tf.sum(cross, 0)); // docs/design.md §Detaux D2
  });
}

/**
 * Which subspace each pair is allowed to move (the "oracle" selection of the authors' forced
 * mode): sel [B, k] rows sum to 1. δ_{b,s} = ‖z_s(x_b) − z_s(x′_b)‖², m_s = mean over all (2B)²
 * input pairs of ‖z_s(u) − z_s(v)‖ + 1e-8, δ̃ = δ/m. Pairs whose principal factor differs select
 * subspace 0; the others select argmax_{s≥1} δ̃ (hard) or softmax_{s≥1}(δ̃/τ).
 */
export function selection(z: tf.Tensor3D, principalDiffers: tf.Tensor1D, temperature: number | null): { delta: tf.Tensor2D; sel: tf.Tensor2D } {
  return tf.tidy(() => {
    const [k, N] = z.shape;
    const B = N / 2;
    const z1 = tf.slice(z, [0, 0, 0], [k, B, -1]);
    const z2 = tf.slice(z, [0, B, 0], [k, B, -1]);
    const delta = tf.transpose(tf.sum(tf.squaredDifference(z1, z2), 2)) as tf.Tensor2D; // [B, k]
    const diff = tf.sub(tf.expandDims(z, 2), tf.expandDims(z, 1)); // [k, 2B, 2B, d]
    const meanDist = tf.add(tf.mean(tf.sqrt(tf.add(tf.sum(tf.square(diff), 3), 1e-12)), [1, 2]), 1e-8); // [k]
    const norm = tf.div(delta, meanDist); // δ̃ [B, k]
    const rest = tf.slice(norm, [0, 1], [B, k - 1]);
    const pick = temperature === null ? tf.oneHot(tf.argMax(rest, 1), k - 1).toFloat() : tf.softmax(tf.div(rest, temperature));
    const forcedRows = tf.concat([tf.zeros([B, 1]), pick], 1);
    const principalRows = tf.oneHot(tf.zeros([B], 'int32'), k).toFloat();
    const differs = tf.expandDims(principalDiffers, 1);
    const sel = tf.add(tf.mul(differs, principalRows), tf.mul(tf.sub(1, differs), forcedRows)) as tf.Tensor2D;
    return { delta, sel };
  });
}

/** L_dist = mean(δ·M) + w·mean ReLU(margin − δ·(1−M)), M = 1 − sel (selection detached). */
export function distanceLoss(delta: tf.Tensor2D, sel: tf.Tensor2D, margin: number, marginWeight: number): tf.Scalar {
  return tf.tidy(() => {
    const keep = tf.sub(1, sel); // M: the subspaces that must stay
    const stay = tf.mean(tf.mul(delta, keep));
    const move = tf.mean(tf.relu(tf.sub(margin, tf.mul(delta, sel))));
    return tf.add(stay, tf.mul(marginWeight, move)); // docs/design.md §Detaux D3
  });
}

/** L_reg = w · mean_s (1/k − mean_b sel_{b,s})²: every subspace is selected equally often. */
export function balanceLoss(sel: tf.Tensor2D, weight: number): tf.Scalar {
  return tf.tidy(() => {
    const k = sel.shape[1];
    return tf.mul(weight, tf.mean(tf.square(tf.sub(1 / k, tf.mean(sel, 0))))); // docs/design.md §Detaux D5
  });
}

/**
 * L_cons: for each subspace s and pair b, z̃ = z(x′_b) with component s replaced by z_s(x_b);
 * of these k·B swaps, `picks` (2B, seeded) are decoded, x̃ = D(Σ_s z̃_s), re-encoded, and
 * L_cons = mean (z(x̃) − z̃)².
 */
export function consistencyLoss(ae: DetauxAutoencoder, z: tf.Tensor3D, picks: Int32Array): tf.Scalar {
  return tf.tidy(() => {
    const [k, N, d] = z.shape;
    const B = N / 2;
    const z1 = tf.slice(z, [0, 0, 0], [k, B, d]);
    const z2 = tf.slice(z, [0, B, 0], [k, B, d]);
    const gap = tf.sub(z1, z2);
    const swaps = tf.stack(Array.from({ length: k }, (_, s) => {
      const oneHotS = tf.reshape(tf.oneHot([s], k).toFloat(), [k, 1, 1]);
      return tf.add(z2, tf.mul(oneHotS, gap)); // z(x′) with z_s from x
    })); // [k (swapped s), k (subspace), B, d]
    const combos = tf.reshape(tf.transpose(swaps, [1, 0, 2, 3]), [k, k * B, d]);
    // z̃ [k, P, d]: rows `picks` of the combos, as a one-hot matMul (tfjs-wasm has no gradient kernel for gather)
    const choose = tf.tile(tf.expandDims(tf.oneHot(tf.tensor1d(picks, 'int32'), k * B).toFloat(), 0), [k, 1, 1]) as tf.Tensor3D;
    const target = tf.matMul(choose, combos as tf.Tensor3D) as tf.Tensor3D;
    const reEncoded = ae.codes(ae.decode(DetauxAutoencoder.aggregate(target)));
    return tf.mean(tf.squaredDifference(reEncoded, target)); // docs/design.md §Detaux D4
  });
}

/** β₁, β₂, β₃ of epoch e (0-based) of E (docs/design.md §Detaux D6, the authors' schedule). */
export function schedule(epoch: number, epochs: number): { beta1: number; beta2: number; beta3: number; warm: boolean; consistency: boolean } {
  const beta1 = Math.min(Math.exp((25 / epochs) * (epoch - 0.4 * epochs)), 1);
  const beta2 = Math.min(Math.exp((25 / epochs) * (epoch - 0.5 * epochs)), 1);
  const warm = epoch > 0.25 * epochs; // L_rec only during the first 25 % of epochs
  return { beta1, beta2, beta3: 1 - beta1, warm, consistency: warm && beta2 > 1e-2 };
}

export interface Stage1Terms {
  total: tf.Scalar;
  rec: tf.Scalar;
  sp: tf.Scalar;
  dist: tf.Scalar;
  cons: tf.Scalar;
  reg: tf.Scalar;
}

/**
 * All stage-1 terms and the scheduled total (D6):
 *   L = L_rec + β₁(λ_dist L_dist + λ_sp L_sp) + β₂ λ_cons L_cons + β₃ λ_distr L_reg.
 * x [2B, L] (x then x′), principalDiffers [B] (1 where the pair's regimes differ).
 */
export function stage1Losses(ae: DetauxAutoencoder, x: tf.Tensor2D, principalDiffers: tf.Tensor1D, epoch: number, cfg: Stage1Config, picks: Int32Array): Stage1Terms {
  return tf.tidy(() => {
    const { z, recon } = ae.forward(x);
    const rec = reconstructionLoss(x, recon);
    const sch = schedule(epoch, cfg.epochs);
    const zero = tf.scalar(0);
    if (!sch.warm) return { total: rec, rec, sp: zero, dist: zero, cons: zero, reg: zero };
    const sp = orthogonalityLoss(z);
    const hard = selection(detach(z) as tf.Tensor3D, principalDiffers, null);
    const dist = distanceLoss(selectionDelta(z), hard.sel, cfg.margin, cfg.marginWeight);
    const regSel = cfg.selectionTemperature === null ? hard.sel : selection(z, principalDiffers, cfg.selectionTemperature).sel;
    const reg = balanceLoss(regSel, cfg.balanceWeight);
    const cons = sch.consistency && cfg.lambdaConsistency > 0 ? consistencyLoss(ae, z, picks) : zero;
    const total = tf.addN([
      rec,
      tf.mul(sch.beta1, tf.add(tf.mul(cfg.lambdaDistance, dist), tf.mul(cfg.lambdaSparsity, sp))),
      tf.mul(sch.beta2 * cfg.lambdaConsistency, cons),
      tf.mul(sch.beta3 * cfg.lambdaDistribution, reg),
    ]) as tf.Scalar;
    return { total, rec, sp, dist, cons, reg };
  });
}

/** δ [B, k] with gradient: ‖z_s(x_b) − z_s(x′_b)‖². */
export function selectionDelta(z: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const [k, N, d] = z.shape;
    const B = N / 2;
    return tf.transpose(tf.sum(tf.squaredDifference(tf.slice(z, [0, 0, 0], [k, B, d]), tf.slice(z, [0, B, 0], [k, B, d])), 2)) as tf.Tensor2D;
  });
}
