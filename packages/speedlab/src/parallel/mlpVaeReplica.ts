/**
 * The `mlp-vae` replica: the `dive bench` MLP VAE (src/bench/workloads/mlpVae.ts) with
 * lib/train's Adam, as the single-thread workload. Input `x` [rows, input]. The noise ε is drawn for the whole batch from the
 * step's seed and sliced per shard, so the averaged gradient equals the full-batch one.
 */
import * as tf from '@tensorflow/tfjs';
import { MlpVaeNet, mlpVaeNoiseSeed, type MlpVaeConfig } from '../bench/workloads/mlpVae';
import { makeRng } from 'divelab/lib/util/random';
import { Adam, DEFAULT_ADAM } from 'divelab/lib/train/adam';
import type { Replica, ShardInfo } from './types';
import type { SharedAdamConfig } from './sharedAdam';

/** The `mlp-vae` replica: the bench network and its Adam optimizer. */
export class MlpVaeReplica implements Replica {
  readonly phases = 1;
  private readonly net: MlpVaeNet;
  private readonly optimizer: Adam;
  /** lib/train's Adam (β = (0.9, 0.999), ε = 1e-8), no clipping. */
  readonly adam: SharedAdamConfig;

  constructor(private readonly c: MlpVaeConfig, private readonly seed: number) {
    // The same stream as MlpVaeInstance: the weights are the first draws of makeRng(seed).
    this.net = new MlpVaeNet(c, makeRng(seed));
    this.adam = { ...DEFAULT_ADAM, lr: c.lr };
    this.optimizer = new Adam(this.adam);
  }

  variables(): readonly tf.Variable[] {
    return this.net.variables;
  }

  loss(inputs: Readonly<Record<string, tf.Tensor>>, shard: ShardInfo, step: number): tf.Scalar {
    return this.net.loss(inputs.x as tf.Tensor2D, mlpVaeNoiseSeed(this.seed, step), { offset: shard.offset, total: shard.total });
  }

  applyGradients(grads: readonly tf.Tensor[]): void {
    const vars = this.net.variables;
    this.optimizer.step(vars.map((variable, i) => ({ name: variable.name, variable, grad: grads[i] })), 0).dispose();
  }

  dispose(): void {
    this.optimizer.dispose();
    this.net.dispose();
  }
}
