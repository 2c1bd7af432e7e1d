/**
 * Contracts of data-parallel training (lib/parallel): what a worker's model replica must
 * provide, and how batches are described.
 *
 * A batch is a set of named inputs, each a row-major array of shape [rows, ...rowShape]
 * (float32 or int32). The trainer splits the rows into W contiguous shards; worker w builds
 * tensors of its shard only and computes the gradient of its replica's mean loss on it.
 */
import type * as tf from '@tensorflow/tfjs';
import type { SharedAdamConfig } from './sharedAdam';

/** One named input of every batch. */
export interface InputSpec {
  readonly name: string;
  /** Shape of one row (sample), e.g. [2048] or [L, C]; [] for one number per sample. */
  readonly rowShape: readonly number[];
  readonly dtype: 'float32' | 'int32';
}

/** Which rows of the batch a worker holds. */
export interface ShardInfo {
  /** First row of the shard within the batch. */
  readonly offset: number;
  /** Rows in the shard (≥ 1 whenever the replica's loss is called). */
  readonly count: number;
  /** Rows in the whole batch. */
  readonly total: number;
}

/**
 * A model replica living in one worker (one per worker, built from the same spec and seed, so
 * every replica starts bit-identical).
 *
 * Requirements for the averaged gradient to equal the full-batch gradient: `loss` is a mean
 * over the shard's samples of per-sample terms (the trainer weights shard w by count/total),
 * and any randomness is drawn per sample so that it does not depend on the sharding (e.g. draw
 * noise for the whole batch from the step's seed and slice the shard's rows).
 */
export interface Replica {
  /** Number of phases (interleaved objectives); each has its own trainable variables. ≥ 1. */
  readonly phases: number;
  /** Trainable variables of a phase, in a fixed order (the same on every replica). */
  variables(phase: number): readonly tf.Variable[];
  /** Mean loss over the shard (called inside tf.variableGrads; inputs hold the shard's rows only). */
  loss(inputs: Readonly<Record<string, tf.Tensor>>, shard: ShardInfo, step: number, phase: number): tf.Scalar;
  /**
   * The replica's optimizer as Adam hyper-parameters, for the trainer's `sharded` update (Adam
   * on shared memory, ./sharedAdam.ts); absent when only the `replicated` update is possible.
   */
  readonly adam?: SharedAdamConfig;
  /**
   * (`replicated` update) One optimizer update of `variables(phase)` with the averaged
   * full-batch gradients (same order). Must be deterministic: every replica applies it to
   * identical numbers.
   */
  applyGradients(grads: readonly tf.Tensor[], step: number, phase: number): void;
  dispose(): void;
}

/** What a worker builds its replica from (JSON/structured-clone-able). */
export interface ReplicaSpec {
  /** A key of REPLICA_FACTORIES (./replicas.ts), e.g. "mlp-vae" or "model". */
  readonly kind: string;
  /** Kind-specific configuration. */
  readonly config: unknown;
  /** Seed of the initial weights (and of the noise streams). */
  readonly seed: number;
}
