/**
 * Detaux stage 3 (docs/design.md §Detaux D8; the authors' `aux_learning.py`): hard parameter
 * sharing — one trunk, a principal head and (MTL) an auxiliary head, each head
 * →64–Dropout(0.1)–ReLU→C — trained on CE(principal) + w·CE(auxiliary).
 * Arms: `stl` (principal head only), `detaux` (auxiliary = discovered labels), `random`
 * (uniform random labels of the same cardinality), `oracle` (a true non-principal factor).
 * Principal accuracy and macro-F1 on the ID and OOD test windows.
 */
import * as tf from '@tensorflow/tfjs';
import { Dense, ParamStore, dropout } from '../../models/nn';
import { mixSeed } from '../../util/random';
import { Trunk } from '../../models/trunk';
import { Adam, namedGradients } from '../../train/adam';
import { makeRng, permutation } from '../../util/random';
import { UserError } from '../../util/errors';
import { classificationScores, type ClassificationScores } from '../../eval/classification';
import type { Stage3Config } from './config';

export type ArmName = 'stl' | 'detaux' | 'random' | 'oracle';
export const ARMS: readonly ArmName[] = ['stl', 'detaux', 'random', 'oracle'];

/** Dense(in→h) – Dropout – ReLU – Dense(h→C). */
class Head {
  private readonly hidden: Dense;
  private readonly out: Dense;
  constructor(store: ParamStore, group: string, inDim: number, hidden: number, classes: number, private readonly rate: number) {
    this.hidden = new Dense(store, group, 'hidden', inDim, hidden);
    this.out = new Dense(store, group, 'out', hidden, classes);
  }
  apply(h: tf.Tensor2D, seed: number | null): tf.Tensor2D {
    return tf.tidy(() => {
      let u = this.hidden.apply(h);
      if (seed !== null) u = dropout(u, this.rate, seed);
      return this.out.apply(tf.relu(u));
    });
  }
}

/** Mean softmax cross-entropy of logits [B, C] against ids [B]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]).toFloat(), tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

export class MultiTaskNet {
  readonly store: ParamStore;
  private readonly trunk: Trunk;
  private readonly principal: Head;
  private readonly aux: Head | null;
  constructor(readonly config: Stage3Config, readonly inputLength: number, principalClasses: number, auxClasses: number | null, seed: number) {
    this.store = new ParamStore(seed);
    this.trunk = new Trunk(this.store, 'trunk', config.trunk, inputLength, 1);
    this.principal = new Head(this.store, 'principal', this.trunk.outDim, config.headHidden, principalClasses, config.dropout);
    this.aux = auxClasses === null ? null : new Head(this.store, 'auxiliary', this.trunk.outDim, config.headHidden, auxClasses, config.dropout);
  }
  private features(x: tf.Tensor2D): tf.Tensor2D {
    return this.trunk.apply(tf.reshape(x, [x.shape[0], this.inputLength, 1]) as tf.Tensor3D);
  }
  /** CE(principal) + w·CE(aux) with dropout seeded by `seed` (D8). */
  loss(x: tf.Tensor2D, yPrincipal: tf.Tensor1D, yAux: tf.Tensor1D | null, seed: number): tf.Scalar {
    return tf.tidy(() => {
      const h = this.features(x);
      const main = crossEntropy(this.principal.apply(h, mixSeed(seed, 1)), yPrincipal); // docs/design.md §Detaux D8
      if (!this.aux || !yAux) return main;
      return tf.add(main, tf.mul(this.config.auxWeight, crossEntropy(this.aux.apply(h, mixSeed(seed, 2)), yAux))); // D8: + w·CE_aux
    });
  }
  /** The principal head's cross-entropy without dropout (the early-stopping criterion). */
  principalLoss(x: tf.Tensor2D, yPrincipal: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => crossEntropy(this.principal.apply(this.features(x), null), yPrincipal));
  }
  /** Principal-class predictions (argmax, no dropout) for n windows. */
  predict(x: Float32Array, n: number, batch = 512): Int32Array {
    const L = this.inputLength;
    const out = new Int32Array(n);
    for (let start = 0; start < n; start += batch) {
      const m = Math.min(batch, n - start);
      const p = tf.tidy(() => tf.argMax(this.principal.apply(this.features(tf.tensor2d(x.subarray(start * L, (start + m) * L), [m, L])), null), 1));
      out.set(p.dataSync() as Int32Array, start);
      p.dispose();
    }
    return out;
  }
  dispose(): void {
    this.store.dispose();
  }
}

export interface TaskData {
  readonly x: Float32Array;
  readonly n: number;
  readonly principal: Int32Array;
}

export interface ArmResult {
  readonly arm: ArmName;
  readonly seed: number;
  readonly auxClasses: number | null;
  readonly finalLoss: number;
  /** Epochs trained, the epoch whose weights were kept (1-based; 0 = the untrained net), and whether early stopping ended it. */
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly converged: boolean;
  readonly iid: ClassificationScores;
  readonly ood: ClassificationScores;
}

/** Mean principal cross-entropy of a split (no dropout), the early-stopping criterion. */
function principalCe(net: MultiTaskNet, data: TaskData, batch = 512): number {
  const L = data.x.length / data.n;
  let sum = 0;
  for (let start = 0; start < data.n; start += batch) {
    const m = Math.min(batch, data.n - start);
    sum += tf.tidy(() => net.principalLoss(tf.tensor2d(data.x.subarray(start * L, (start + m) * L), [m, L]), tf.tensor1d(data.principal.subarray(start, start + m), 'int32')).dataSync()[0]) * m;
  }
  return sum / data.n;
}

/**
 * Train one arm: `aux` null for STL, else the auxiliary label of every training window and its
 * cardinality. Seeded: initialisation, batch order and dropout all derive from `seed`. With
 * `cfg.patience` > 0, training stops when the principal cross-entropy on `val` has not improved
 * for `patience` epochs (cap `cfg.epochs`) and the best epoch's weights are kept.
 */
export function trainArm(arm: ArmName, cfg: Stage3Config, train: TaskData, aux: { labels: Int32Array; classes: number } | null, iid: TaskData, ood: TaskData, principalClasses: number, seed: number, val?: TaskData): ArmResult {
  if (cfg.patience > 0 && !val) throw new Error('trainArm: early stopping (stage3.patience > 0) needs the validation windows');
  const L = train.x.length / train.n;
  if (aux && aux.labels.length !== train.n) throw new UserError(`auxiliary labels (${aux.labels.length}) must cover every training window (${train.n})`);
  const net = new MultiTaskNet(cfg, L, principalClasses, aux ? aux.classes : null, seed);
  const adam = new Adam({ lr: cfg.lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: cfg.weightDecay });
  try {
    const vars = net.store.all();
    const B = cfg.batchSize;
    const xb = new Float32Array(B * L), yb = new Int32Array(B), ab = new Int32Array(B);
    let finalLoss = NaN;
    let step = 0;
    const snapshot = (): Float32Array[] => vars.map((p) => Float32Array.from(p.variable.dataSync() as Float32Array));
    let best = cfg.patience > 0 ? principalCe(net, val!) : Infinity;
    let bestWeights = cfg.patience > 0 ? snapshot() : null;
    let bestEpoch = 0;
    let bad = 0;
    let epochs = 0;
    let converged = false;
    for (let epoch = 0; epoch < cfg.epochs && !converged; epoch++) {
      const order = permutation(train.n, makeRng(mixSeed(seed, 100, epoch)));
      let sum = 0, count = 0;
      for (let start = 0; start + B <= train.n; start += B) {
        for (let j = 0; j < B; j++) {
          const i = order[start + j];
          xb.set(train.x.subarray(i * L, (i + 1) * L), j * L);
          yb[j] = train.principal[i];
          if (aux) ab[j] = aux.labels[i];
        }
        const stepSeed = mixSeed(seed, 200, step++);
        const { value, grads } = tf.tidy(() => {
          const x = tf.tensor2d(xb, [B, L]);
          const y = tf.tensor1d(yb, 'int32');
          const a = aux ? tf.tensor1d(ab, 'int32') : null;
          return tf.variableGrads(() => net.loss(x, y, a, stepSeed), vars.map((p) => p.variable));
        });
        try {
          const v = value.dataSync()[0];
          if (!Number.isFinite(v)) throw new UserError(`detaux stage 3 (${arm}) diverged at epoch ${epoch}: loss ${v}; lower stage3.lr`);
          adam.step(namedGradients(vars, grads), cfg.clipNorm).dispose();
          sum += v;
          count++;
        } finally {
          value.dispose();
          Object.values(grads).forEach((g) => g.dispose());
        }
      }
      finalLoss = count ? sum / count : NaN;
      epochs = epoch + 1;
      if (cfg.patience === 0) continue;
      const v = principalCe(net, val!);
      if (v < best) {
        best = v;
        bestWeights = snapshot();
        bestEpoch = epoch + 1;
        bad = 0;
      } else if (++bad >= cfg.patience) converged = true;
    }
    if (bestWeights) vars.forEach((p, i) => tf.tidy(() => p.variable.assign(tf.tensor(bestWeights![i], p.variable.shape))));
    return {
      arm,
      seed,
      auxClasses: aux ? aux.classes : null,
      finalLoss,
      epochs,
      bestEpoch: cfg.patience > 0 ? bestEpoch : epochs,
      converged,
      iid: classificationScores(iid.principal, net.predict(iid.x, iid.n)),
      ood: classificationScores(ood.principal, net.predict(ood.x, ood.n)),
    };
  } finally {
    adam.dispose();
    net.dispose();
  }
}
