/**
 * Run a model's deterministic forward pass over a whole split and collect every output into
 * flat row-major arrays (in window order), for metrics and notebooks.
 */
import * as tf from '@tensorflow/tfjs';
import type { WindowSet } from '../data/types';
import type { Model } from '../models/types';
import { range, toTensors, disposeBatch } from './batches';
import { mse } from '../eval/forecast';

export interface SplitOutputs {
  /** Number of windows. */
  readonly n: number;
  /** ŷ and y [n, T, C] (scaled units). */
  readonly forecast: Float32Array;
  readonly target: Float32Array;
  /** x̂ and x [n, L, C], when the model reconstructs. */
  readonly reconstruction?: Float32Array;
  readonly input?: Float32Array;
  /** μ_a [n, A] and μ_b [n, M] when present. */
  readonly latentA?: Float32Array;
  readonly latentADim: number;
  readonly latentB?: Float32Array;
  readonly latentBDim: number;
  /** Per label: memberships [n, K_i] when the model has RBF layers. */
  readonly memberships?: Float32Array[];
  /** Per label: class ids [n]. */
  readonly labels: Int32Array[];
  /** Ground-truth factors [n, F] (synthetic). */
  readonly factors?: Float32Array;
}

class Collector {
  private parts: Float32Array[] = [];
  push(a: Float32Array): void {
    this.parts.push(a);
  }
  get empty(): boolean {
    return this.parts.length === 0;
  }
  join(): Float32Array {
    const n = this.parts.reduce((s, p) => s + p.length, 0);
    const out = new Float32Array(n);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/**
 * Predict every window of `set` in batches of `batchSize` (max windows: `limit`); each batch's
 * outputs are read back asynchronously together.
 */
export async function predictSplit(model: Model, set: WindowSet, batchSize = 256, limit = Infinity): Promise<SplitOutputs> {
  const n = Math.min(set.count, limit);
  const c = {
    forecast: new Collector(), target: new Collector(), recon: new Collector(), input: new Collector(),
    a: new Collector(), b: new Collector(), factors: new Collector(),
  };
  const mem: Collector[] = set.labels.map(() => new Collector());
  const labels: Int32Array[] = set.labels.map(() => new Int32Array(n));
  let aDim = 0;
  let bDim = 0;
  for (let start = 0; start < n; start += batchSize) {
    const wb = set.batch(range(start, Math.min(n, start + batchSize)));
    const tb = toTensors(wb, set);
    // The batch's outputs and the collector each goes to, read back together below.
    const to: Collector[] = [];
    let outs: tf.Tensor[];
    try {
      outs = tf.tidy(() => {
        const p = model.predict(tb.x);
        const list: tf.Tensor[] = [];
        const add = (c2: Collector, t: tf.Tensor): void => {
          to.push(c2);
          list.push(t);
        };
        add(c.forecast, p.forecast);
        if (p.reconstruction) add(c.recon, p.reconstruction);
        if (p.latentA) {
          aDim = p.latentA.shape[1];
          add(c.a, p.latentA);
        }
        if (p.latentB) {
          bDim = p.latentB.shape[1];
          add(c.b, p.latentB);
        }
        p.memberships?.forEach((r, i) => add(mem[i], r));
        return list;
      });
    } finally {
      disposeBatch(tb);
    }
    try {
      const data = await Promise.all(outs.map((t) => t.data()));
      data.forEach((d, i) => to[i].push(d as Float32Array));
    } finally {
      tf.dispose(outs);
    }
    c.target.push(wb.y);
    if (to.includes(c.recon)) c.input.push(wb.x);
    wb.labels.forEach((l, i) => labels[i].set(l, start));
    if (wb.factors) c.factors.push(wb.factors);
  }
  return {
    n,
    forecast: c.forecast.join(),
    target: c.target.join(),
    reconstruction: c.recon.empty ? undefined : c.recon.join(),
    input: c.input.empty ? undefined : c.input.join(),
    latentA: c.a.empty ? undefined : c.a.join(),
    latentADim: aDim,
    latentB: c.b.empty ? undefined : c.b.join(),
    latentBDim: bDim,
    memberships: mem.length && !mem[0].empty ? mem.map((m) => m.join()) : undefined,
    labels,
    factors: c.factors.empty ? undefined : c.factors.join(),
  };
}

/**
 * The forecast MSE (scaled units) of `model` on every window of `set` — what run records report
 * as `valForecastMse` on the validation split, for every model alike (the trainer validates only
 * models that learn; persistence and seasonal naive are scored here).
 */
export async function splitForecastMse(model: Model, set: WindowSet, batchSize = 256): Promise<number> {
  const out = await predictSplit(model, set, batchSize);
  return mse(out.forecast, out.target);
}
