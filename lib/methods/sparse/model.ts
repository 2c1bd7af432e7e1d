/**
 * The shared encoder of the sparse base-predictors (docs/design.md §Sparse base-predictors):
 * the project's trunk (lib/models/trunk.ts) on one window x [B, L], a linear map to m′ codes, and
 * per-batch standardisation of each code (the authors' BatchNorm without scale or offset):
 *   φ(x) = (h − mean_B h) / √(var_B h + 1e-5),   h = Dense(Trunk(x))
 * so the inner problems see codes of unit scale (λ_max and the step sizes are then comparable
 * across steps).
 */
import * as tf from '@tensorflow/tfjs';
import { Dense, ParamStore } from '../../models/nn';
import { Trunk, type TrunkConfig } from '../../models/trunk';

export class SparseEncoder {
  readonly store: ParamStore;
  private readonly trunk: Trunk;
  private readonly head: Dense;
  constructor(trunk: TrunkConfig, readonly inputLength: number, readonly codes: number, seed: number) {
    this.store = new ParamStore(seed);
    this.trunk = new Trunk(this.store, 'encoder', trunk, inputLength, 1);
    this.head = new Dense(this.store, 'encoder', 'codes', this.trunk.outDim, codes);
  }
  /** x [B, L] → standardised codes [B, m′] (statistics of this batch). */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [B, L] = x.shape;
      const h = this.head.apply(this.trunk.apply(tf.reshape(x, [B, L, 1])));
      const { mean, variance } = tf.moments(h, 0, true);
      return tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))) as tf.Tensor2D;
    });
  }
  /**
   * Codes before the standardisation, h [n, m′] of n windows (row-major [n, L] values): to
   * standardise other points with the training points' statistics (BatchNorm's evaluation mode).
   */
  rawCodesOf(x: Float32Array, n: number): Float32Array {
    return tf.tidy(() => {
      const h = this.head.apply(this.trunk.apply(tf.reshape(tf.tensor2d(x, [n, this.inputLength]), [n, this.inputLength, 1])));
      return h.dataSync() as Float32Array;
    });
  }
  /** Codes [n, m′] of n windows (row-major [n, L] values), standardised over the n windows. */
  codesOf(x: Float32Array, n: number): Float32Array {
    return tf.tidy(() => this.apply(tf.tensor2d(x, [n, this.inputLength])).dataSync() as Float32Array);
  }
  dispose(): void {
    this.store.dispose();
  }
}
