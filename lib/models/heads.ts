/**
 * Output heads shared by the latent models: the decoder p(x | code) and the forecaster
 * p(y | code, x) with an LSTNet-style linear autoregressive highway.
 */
import * as tf from '@tensorflow/tfjs';
import { Dense, dropout, type ParamStore } from './nn';

/** code [B, D] → x̂ [B, L, C] through one hidden ReLU layer. */
export class Decoder {
  readonly hidden: Dense;
  readonly out: Dense;
  constructor(store: ParamStore, group: string, codeDim: number, hidden: number, readonly inputLength: number, readonly channels: number) {
    this.hidden = new Dense(store, group, 'dec/h', codeDim, hidden, 'relu');
    this.out = new Dense(store, group, 'dec/out', hidden, inputLength * channels);
  }
  apply(code: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => tf.reshape(this.out.apply(this.hidden.apply(code)), [-1, this.inputLength, this.channels]));
  }
}

/**
 * Linear autoregressive highway (LSTNet): each channel's last `window` input values map to its T
 * target rows through one channel-shared matrix W [window, T] and bias [T].
 * x [B, L, C] → [B, T, C].
 */
export class Highway {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  readonly window: number;
  constructor(store: ParamStore, group: string, window: number, readonly inputLength: number, readonly targetLength: number) {
    this.window = Math.max(1, Math.min(window, inputLength));
    // Initialised to persistence (ŷ = last value): the highway starts as the naive forecast.
    const init = new Float32Array(this.window * targetLength);
    for (let t = 0; t < targetLength; t++) init[(this.window - 1) * targetLength + t] = 1;
    this.w = store.add(group, 'highway/w', [this.window, targetLength], init);
    this.b = store.constant(group, 'highway/b', [targetLength], 0);
  }
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [B, L, C] = x.shape;
      const last = tf.slice(x, [0, L - this.window, 0], [B, this.window, C]);
      const rows = tf.reshape(tf.transpose(last, [0, 2, 1]), [B * C, this.window]);
      const out = tf.add(tf.matMul(rows, this.w as tf.Tensor2D), this.b); // [B·C, T]
      return tf.transpose(tf.reshape(out, [B, C, this.targetLength]), [0, 2, 1]) as tf.Tensor3D;
    });
  }
}

/** [code ‖ summary of x] [B, D] → ŷ [B, T, C] = MLP (zero-initialised output) + highway(x). */
export class Forecaster {
  readonly hidden: Dense;
  readonly out: Dense;
  readonly highway?: Highway;
  constructor(
    store: ParamStore,
    group: string,
    inDim: number,
    hidden: number,
    readonly inputLength: number,
    readonly targetLength: number,
    readonly channels: number,
    highwayWindow: number,
  ) {
    this.hidden = new Dense(store, group, 'fc/h', inDim, hidden, 'relu');
    // Zero-initialised output: with the highway initialised to persistence, an untrained
    // forecaster predicts the last value (the naive forecast) and the MLP learns a residual.
    this.out = new Dense(store, group, 'fc/out', hidden, targetLength * channels, 'linear', highwayWindow > 0 ? 'zeros' : 'glorot');
    if (highwayWindow > 0) this.highway = new Highway(store, group, highwayWindow, inputLength, targetLength);
  }
  /**
   * features [B, D], x [B, L, C] → ŷ [B, T, C]. `drop` (training passes only) applies inverted
   * dropout at `rate` to the hidden layer, mask seeded by `seed`.
   */
  apply(features: tf.Tensor2D, x: tf.Tensor3D, drop?: { readonly rate: number; readonly seed: number }): tf.Tensor3D {
    return tf.tidy(() => {
      let hidden = this.hidden.apply(features);
      if (drop) hidden = dropout(hidden, drop.rate, drop.seed);
      const mlp = tf.reshape(this.out.apply(hidden), [-1, this.targetLength, this.channels]) as tf.Tensor3D;
      return this.highway ? tf.add(mlp, this.highway.apply(x)) : mlp;
    });
  }
}
