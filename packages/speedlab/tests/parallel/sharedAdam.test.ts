/** Adam on shared memory (src/parallel/sharedAdam.ts) against lib/train's Adam, chunk by chunk. */
import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../../lib/backend/select';
import { Adam } from '../../../../lib/train/adam';
import { adamChunk, sumOfSquares, type Segment, type SharedAdamConfig } from '../../src/parallel/sharedAdam';
import { chunk } from '../../src/parallel/shards';
import { makeRng } from '../../../../lib/util/random';

describe('shared-memory Adam', () => {
  it('matches lib/train Adam (clip-norm, weight decay, per-variable step counts) when split into chunks', async () => {
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const rng = makeRng(3);
    const shapes = [[3, 4], [4], [2, 5]];
    const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
    const P = sizes.reduce((a, b) => a + b, 0);
    const init = Float32Array.from({ length: P }, () => rng.normal());
    const cfg: SharedAdamConfig = { lr: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1, clipNorm: 1.5 };
    // Reference: lib/train Adam on tf variables; phase A updates variables 0 and 1, phase B variable 2.
    let at = 0;
    const vars = shapes.map((s, i) => {
      const t = tf.tensor(init.subarray(at, at + sizes[i]), s);
      const v = tf.variable(t);
      t.dispose();
      at += sizes[i];
      return v;
    });
    const adam = new Adam({ lr: cfg.lr, beta1: cfg.beta1, beta2: cfg.beta2, epsilon: cfg.epsilon, weightDecay: cfg.weightDecay });
    // Shared state in the master layout.
    const theta = init.slice();
    const m = new Float32Array(P);
    const v = new Float32Array(P);
    const steps = new Int32Array(3);
    const offsets = [0, sizes[0], sizes[0] + sizes[1]];
    const phases = [[0, 1], [2]];
    for (let step = 0; step < 5; step++) {
      const phase = phases[step % 3 === 2 ? 1 : 0];
      const grads = phase.map((k) => Float32Array.from({ length: sizes[k] }, () => 3 * rng.normal()));
      const tensors = phase.map((k, i) => tf.tensor(grads[i], shapes[k]));
      adam.step(phase.map((k, i) => ({ name: `v${k}`, variable: vars[k], grad: tensors[i] })), cfg.clipNorm!).dispose();
      tf.dispose(tensors);
      // Shared: compact phase layout, 3 chunks, global norm from per-chunk partial sums.
      const flat = new Float32Array(grads.reduce((n, g) => n + g.length, 0));
      const segments: Segment[] = [];
      let g0 = 0;
      phase.forEach((k, i) => {
        flat.set(grads[i], g0);
        segments.push({ gradOffset: g0, masterOffset: offsets[k], size: sizes[k], variable: k, decay: shapes[k].length >= 2 });
        g0 += sizes[k];
      });
      const parts = [0, 1, 2].map((w) => chunk(flat.length, 3, w));
      const norm = Math.sqrt(parts.reduce((s, [lo, hi]) => s + sumOfSquares(flat, lo, hi), 0));
      expect(norm).toBeGreaterThan(cfg.clipNorm!); // clipping is exercised
      for (const s of segments) steps[s.variable] += 1;
      for (const [lo, hi] of parts) adamChunk(cfg, segments, lo, hi, flat, Math.min(1, cfg.clipNorm! / norm), theta, m, v, steps);
    }
    const ref = Float32Array.from(vars.flatMap((x) => Array.from(x.dataSync())));
    let err = 0;
    for (let i = 0; i < P; i++) err = Math.max(err, Math.abs(theta[i] - ref[i]));
    expect(err).toBeLessThan(1e-5);
    expect(theta.some((x, i) => x !== init[i])).toBe(true);
    adam.dispose();
    tf.dispose(vars);
    expect(tf.memory().numTensors).toBe(before);
  });
});
