#!/usr/bin/env node
/**
 * The GRU recurrence alone (docs/performance.md §13): one batch of B × T steps × H units through
 * `gruRecurrence` (the speed lab's fused forward and backward-through-time calls) and through its
 * definition (per-step tfjs kernels), alternating, --reps times each, every other speed-lab kernel
 * on. Prints the median ms of forward + backward (gradients of Σ h_T w.r.t. xp, U_zr, U_h) and of
 * the forward pass alone. `dive bench --workload gru-electricity` times a whole training step.
 *
 * Usage (after `npm run build`):  node bench/gru-op.js [--reps 9] [--batch 64] [--steps 168] [--hidden 64]
 */
'use strict';
const path = require('node:path');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};

async function main() {
  const dist = path.join(__dirname, '..', 'dist', 'lib');
  const { initBackend, tf } = require(path.join(dist, 'backend', 'select.js'));
  const { gruRecurrence } = require(path.join(dist, 'models', 'nn.js'));
  const report = await initBackend();
  const [B, T, H, reps] = [opt('batch', 64), opt('steps', 168), opt('hidden', 64), opt('reps', 9)];
  const xp = tf.randomNormal([B, T, 3 * H], 0, 1, 'float32', 1);
  const uzr = tf.randomNormal([H, 2 * H], 0, 1 / Math.sqrt(H), 'float32', 2);
  const uh = tf.randomNormal([H, H], 0, 1 / Math.sqrt(H), 'float32', 3);
  const time = (f) => {
    const t0 = performance.now();
    tf.tidy(() => tf.grads((a, b, c) => tf.sum(f(a, b, c)))([xp, uzr, uh]).forEach((g) => g.dataSync()));
    const t1 = performance.now();
    tf.tidy(() => f(xp, uzr, uh).dataSync());
    return [t1 - t0, performance.now() - t1];
  };
  const runs = { fused: [], definition: [] };
  for (let i = 0; i < reps; i++) {
    runs.fused.push(time(gruRecurrence));
    runs.definition.push(time(gruRecurrence.definition));
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  console.log(`backend ${report.active}, B ${B}, T ${T}, H ${H}, ${reps} reps, load average ${require('node:os').loadavg()[0].toFixed(1)}`);
  for (const [name, r] of Object.entries(runs)) {
    console.log(`${name.padEnd(10)} forward + backward ${median(r.map((x) => x[0])).toFixed(0)} ms, forward ${median(r.map((x) => x[1])).toFixed(1)} ms (medians)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
