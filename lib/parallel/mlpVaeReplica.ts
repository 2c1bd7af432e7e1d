/**
 * The `mlp-vae` replica: the `dive bench` MLP VAE (lib/bench/workloads/mlpVae.ts) with Adam
 * (tf.train.adam). Input `x` [rows, input]. The noise ε is drawn for the whole batch from the
 * step's seed and sliced per shard, so the averaged gradient equals the full-batch one.
 */
import * as tf from '@tensorflow/tfjs';
import { MlpVaeNet, mlpVaeNoiseSeed, type MlpVaeConfig } from '../bench/workloads/mlpVae';
import { makeRng } from '../util/random';
import type { Replica, ShardInfo } from './types';
import type { SharedAdamConfig } from './sharedAdam';

/** The `mlp-vae` replica: the bench network and its Adam optimizer. */
export class MlpVaeReplica implements Replica {
  readonly phases = 1;
  private readonly net: MlpVaeNet;
  private readonly optimizer: tf.AdamOptimizer;
  /** tf.train.adam's update: β = (0.9, 0.999), ε = the backend epsilon (1e-7 in float32), no clipping. */
  readonly adam: SharedAdamConfig;

  constructor(private readonly c: MlpVaeConfig, private readonly seed: number) {
    // The same stream as MlpVaeInstance: the weights are the first draws of makeRng(seed).
    this.net = new MlpVaeNet(c, makeRng(seed));
    this.optimizer = tf.train.adam(c.lr);
    this.adam = { lr: c.lr, beta1: 0.9, beta2: 0.999, epsilon: tf.backend().epsilon() };
  }

  variables(): readonly tf.Variable[] {
    return this.net.variables;
  }

  loss(inputs: Readonly<Record<string, tf.Tensor>>, shard: ShardInfo, step: number): tf.Scalar {
    return this.net.loss(inputs.x as tf.Tensor2D, mlpVaeNoiseSeed(this.seed, step), { offset: shard.offset, total: shard.total });
  }

  applyGradients(grads: readonly tf.Tensor[]): void {
    const vars = this.net.variables;
    this.optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
  }

  dispose(): void {
    this.optimizer.dispose();
    this.net.dispose();
  }
}
