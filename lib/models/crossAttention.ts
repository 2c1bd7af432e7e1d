/**
 * Cross-attention fusion of DeepDIVE: the conditional code a attends to the label tokens.
 *
 * - Queries: `nA` a-tokens, A = reshape(a W_a + b_a) [B, nA, d].
 * - Keys / values: one token per label, t_i = Σ_k r_ik E_ik + b_i u_i + e_i [B, M, d], i.e. the
 *   membership-weighted class embedding plus the marginal scalar and a label identity vector.
 * - Multi-head scaled dot-product attention over the M label tokens, output projection W_o and
 *   a residual: F = A + Attn(A, T) W_o. The fused code is flatten(F) [B, nA·d].
 * `concat` mode (the deepdive-concat ablation) instead returns [flatten(A) ‖ flatten(T)].
 */
import * as tf from '@tensorflow/tfjs';
import { Dense, type ParamStore } from './nn';

export interface LabelTokenizer {
  /** r_i [B, K_i] and b_i [B] per label → tokens [B, M, d]. */
  tokens(memberships: readonly tf.Tensor2D[], b: tf.Tensor2D): tf.Tensor3D;
}

/** t_i = Σ_k r_ik E_ik + b_i u_i + e_i. */
export class LabelTokens implements LabelTokenizer {
  readonly embeddings: tf.Variable[]; // E_i [K_i, d]
  readonly scalarDir: tf.Variable; // u [M, d]
  readonly identity: tf.Variable; // e [M, d]
  constructor(store: ParamStore, group: string, classCounts: readonly number[], readonly dim: number) {
    this.embeddings = classCounts.map((k, i) => store.normal(group, `labelEmbedding${i}`, [k, dim], 1 / Math.sqrt(dim)));
    this.scalarDir = store.normal(group, 'scalarDirection', [classCounts.length, dim], 1 / Math.sqrt(dim));
    this.identity = store.normal(group, 'labelIdentity', [classCounts.length, dim], 1 / Math.sqrt(dim));
  }
  tokens(memberships: readonly tf.Tensor2D[], b: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const M = memberships.length;
      const mixed = tf.stack(memberships.map((r, i) => tf.matMul(r, this.embeddings[i] as tf.Tensor2D)), 1); // [B, M, d]
      const scalar = tf.mul(tf.reshape(b, [-1, M, 1]), tf.reshape(this.scalarDir, [1, M, this.dim]));
      return tf.add(tf.add(mixed, scalar), tf.reshape(this.identity, [1, M, this.dim])) as tf.Tensor3D;
    });
  }
}

export class CrossAttention {
  readonly wq: Dense;
  readonly wk: Dense;
  readonly wv: Dense;
  readonly wo: Dense;
  readonly headDim: number;
  constructor(store: ParamStore, group: string, readonly dim: number, readonly heads: number) {
    if (dim % heads !== 0) throw new Error(`token dim ${dim} is not divisible by ${heads} heads`);
    this.headDim = dim / heads;
    this.wq = new Dense(store, group, 'attn/q', dim, dim);
    this.wk = new Dense(store, group, 'attn/k', dim, dim);
    this.wv = new Dense(store, group, 'attn/v', dim, dim);
    this.wo = new Dense(store, group, 'attn/o', dim, dim);
  }

  private split(x: tf.Tensor3D, proj: Dense): tf.Tensor4D {
    const [B, n, d] = x.shape;
    const p = proj.apply(tf.reshape(x, [B * n, d]));
    return tf.transpose(tf.reshape(p, [B, n, this.heads, this.headDim]), [0, 2, 1, 3]); // [B, h, n, dh]
  }

  /** queries [B, nA, d], context [B, M, d] → fused [B, nA, d] (residual included). */
  apply(queries: tf.Tensor3D, context: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [B, nA, d] = queries.shape;
      const q = this.split(queries, this.wq);
      const k = this.split(context, this.wk);
      const v = this.split(context, this.wv);
      const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(this.headDim)); // [B, h, nA, M]
      const att = tf.matMul(tf.softmax(scores), v); // [B, h, nA, dh]
      const merged = tf.reshape(tf.transpose(att, [0, 2, 1, 3]), [B * nA, d]) as tf.Tensor2D;
      return tf.add(queries, tf.reshape(this.wo.apply(merged), [B, nA, d])) as tf.Tensor3D;
    });
  }

  /** Attention weights [B, h, nA, M] (for inspection in notebooks). */
  weights(queries: tf.Tensor3D, context: tf.Tensor3D): tf.Tensor4D {
    return tf.tidy(() => {
      const q = this.split(queries, this.wq);
      const k = this.split(context, this.wk);
      return tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(this.headDim))) as tf.Tensor4D;
    });
  }
}
