/**
 * Detaux stage 1 network on windows (docs/design.md §Detaux): a deterministic auto-encoder whose
 * latent space is a product of k subspaces.
 *   e = Dense_d(Trunk(x))                       encoder: the project's trunk, then linear to d
 *   z_s = P_s(e) = W₂ ReLU(W₁ e + b₁) + b₂       k projector heads d → d → d, s = 0..k−1
 *   x̂ = D(Σ_s z_s)                               sum aggregation; decoder d → 64 → 128 → L (ReLU)
 * Subspace 0 is the principal one (regime). x is [B, L] (one channel).
 */
import * as tf from '@tensorflow/tfjs';
import { Dense, Mlp, ParamStore } from '../../models/nn';
import { Trunk } from '../../models/trunk';
import type { Stage1Config } from './config';

export interface ProductCodes {
  /** Shape `[k, B, d]`: the subspace codes z_s. */
  readonly z: tf.Tensor3D;
  /** Shape `[B, L]`: reconstruction from Σ_s z_s. */
  readonly recon: tf.Tensor2D;
}

export class DetauxAutoencoder {
  readonly store: ParamStore;
  private readonly trunk: Trunk;
  private readonly toLatent: Dense;
  private readonly projectors: { hidden: Dense; out: Dense }[] = [];
  private readonly decoderHidden: Mlp;
  private readonly decoderOut: Dense;
  readonly k: number;
  readonly d: number;

  constructor(readonly config: Stage1Config, readonly inputLength: number, seed: number) {
    this.store = new ParamStore(seed);
    this.k = config.subspaces;
    this.d = config.latentDim;
    this.trunk = new Trunk(this.store, 'encoder', config.trunk, inputLength, 1);
    this.toLatent = new Dense(this.store, 'encoder', 'toLatent', this.trunk.outDim, this.d);
    for (let s = 0; s < this.k; s++) {
      this.projectors.push({
        hidden: new Dense(this.store, 'projectors', `p${s}/0`, this.d, this.d, 'relu'),
        out: new Dense(this.store, 'projectors', `p${s}/1`, this.d, this.d),
      });
    }
    this.decoderHidden = new Mlp(this.store, 'decoder', 'hidden', this.d, config.decoderHidden, 'relu');
    this.decoderOut = new Dense(this.store, 'decoder', 'out', this.decoderHidden.outDim || this.d, inputLength);
  }

  /** x [B, L] → e [B, d]. */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.toLatent.apply(this.trunk.apply(tf.reshape(x, [x.shape[0], this.inputLength, 1]) as tf.Tensor3D)));
  }

  /** e [B, d] → z [k, B, d]. */
  project(e: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => tf.stack(this.projectors.map((p) => p.out.apply(p.hidden.apply(e)))) as tf.Tensor3D);
  }

  /** Σ_s z_s: [k, B, d] → [B, d]. */
  static aggregate(z: tf.Tensor3D): tf.Tensor2D {
    return tf.sum(z, 0);
  }

  /** Aggregated code [B, d] → x̂ [B, L]. */
  decode(zsum: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const h = this.decoderHidden.layers.length ? this.decoderHidden.apply(zsum) : zsum;
      return this.decoderOut.apply(h);
    });
  }

  /** x [B, L] → z [k, B, d] (encoder + projectors). */
  codes(x: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => this.project(this.encode(x)));
  }

  forward(x: tf.Tensor2D): ProductCodes {
    return tf.tidy(() => {
      const z = this.codes(x);
      return { z, recon: this.decode(DetauxAutoencoder.aggregate(z)) };
    });
  }

  /** Subspace codes of many windows, batched: Float32Array [k, n, d] (row-major). */
  codesOf(x: Float32Array, n: number, batch = 256): Float32Array {
    const L = this.inputLength, k = this.k, d = this.d;
    const out = new Float32Array(k * n * d);
    for (let start = 0; start < n; start += batch) {
      const m = Math.min(batch, n - start);
      const z = tf.tidy(() => this.codes(tf.tensor2d(x.subarray(start * L, (start + m) * L), [m, L])));
      const v = z.dataSync();
      z.dispose();
      for (let s = 0; s < k; s++) out.set(v.subarray(s * m * d, (s + 1) * m * d), (s * n + start) * d);
    }
    return out;
  }

  /** Mean squared reconstruction error over n windows (batched). */
  reconstructionMse(x: Float32Array, n: number, batch = 256): number {
    const L = this.inputLength;
    let sum = 0;
    for (let start = 0; start < n; start += batch) {
      const m = Math.min(batch, n - start);
      sum += tf.tidy(() => {
        const xb = tf.tensor2d(x.subarray(start * L, (start + m) * L), [m, L]);
        return tf.sum(tf.squaredDifference(this.forward(xb).recon, xb)).dataSync()[0];
      });
    }
    return sum / (n * L);
  }

  dispose(): void {
    this.store.dispose();
  }
}
