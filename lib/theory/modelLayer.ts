/**
 * E3 evaluated on the model's own RBF layer (lib/models/rbf.ts), not on a re-implementation:
 * the layer's logits must be log π_k + log p_k(b), so that its softmax is the mixture's Bayes
 * posterior and logsumexp of its logits is the mixture's log density. These helpers build the
 * layer for a Gaussian mixture and evaluate its pieces on a grid (float32 tf ops, integrated in
 * float64), for the `e3-model-layer-*` checks and notebook 03.
 */
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from '../models/nn';
import { RbfLayer } from '../models/rbf';
import type { MixturePrior } from './mixtureKl';
import { linspace } from './explore';
import { GAUSS_WINDOW_SD, normal1dLogPdf, type Normal1d } from './quadrature';

/** The model's RBF layer holding a Gaussian mixture's centres, widths and weights. */
export function rbfLayerOf(p: MixturePrior): { layer: RbfLayer; dispose: () => void } {
  if (p.components.some((c) => c.family !== 'gaussian')) throw new Error('the RBF layer has Gaussian components only');
  const store = new ParamStore(0);
  const layer = new RbfLayer(store, 'rbf', 'check', [...p.weights], { span: 1 });
  layer.centres.assign(tf.tensor1d(p.components.map((c) => c.loc)));
  layer.logWidths.assign(tf.tensor1d(p.components.map((c) => Math.log(c.scale))));
  return { layer, dispose: () => { layer.dispose(); store.dispose(); } };
}

/** The layer's memberships r_k(b) at each point: [points][K]. */
export function layerMemberships(layer: RbfLayer, points: readonly number[]): number[][] {
  return tf.tidy(() => layer.memberships(tf.tensor1d([...points])).arraySync());
}

/** The E3 pieces of q against the layer's mixture, with y the label. */
export interface LayerE3 {
  /** KL(q ‖ p) with log p(b) = logsumexp_k of the layer's logits (trapezoid, 8001 points over ±14 sd). */
  readonly kl: number;
  /** KL(q ‖ p_y) from the layer's closed form (RbfLayer.componentKl). */
  readonly klComponent: number;
  /** E_q[CE(b, y)] with CE = −log softmax(layer logits)_y. */
  readonly expectedCe: number;
  /** log π_y of the layer. */
  readonly logWeight: number;
}

export function layerE3(layer: RbfLayer, q: Normal1d, y: number): LayerE3 {
  const n = 8001;
  const b = linspace(q.mean - GAUSS_WINDOW_SD * q.sd, q.mean + GAUSS_WINDOW_SD * q.sd, n);
  const h = (b[n - 1] - b[0]) / (n - 1);
  const { logp, ce, klComponent, logWeight } = tf.tidy(() => {
    const logits = layer.logits(tf.tensor1d(b));
    const logR = tf.logSoftmax(logits);
    return {
      logp: tf.logSumExp(logits, 1).arraySync() as number[],
      ce: tf.neg(tf.squeeze(tf.slice(logR, [0, y], [n, 1]), [1])).arraySync() as number[],
      klComponent: layer.componentKl(tf.tensor1d([q.mean]), tf.tensor1d([2 * Math.log(q.sd)]), tf.tensor1d([y], 'int32')).arraySync()[0] as number,
      logWeight: (layer.logPrior.arraySync() as number[])[y],
    };
  });
  let kl = 0;
  let expectedCe = 0;
  for (let i = 0; i < n; i++) {
    const w = (i === 0 || i === n - 1 ? 0.5 : 1) * h;
    const lq = normal1dLogPdf(q, b[i]);
    const qb = Math.exp(lq);
    kl += w * qb * (lq - logp[i]);
    expectedCe += w * qb * ce[i];
  }
  return { kl, klComponent, expectedCe, logWeight };
}
