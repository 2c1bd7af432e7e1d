#!/usr/bin/env node
/**
 * How many kernels one training step dispatches, and what a kernel costs besides its
 * arithmetic: for each workload and backend variant (each in its own process, OpenBLAS on one
 * thread), the kernels of one profiled step by name (tf.profile), then the wall and CPU ms per
 * step over --steps steps; and, once, the engine's cost per kernel measured on tiny tensors
 * (a [64, 32] Multiply or Reshape, forward alone and under a gradient tape), where arithmetic
 * is negligible. Small models such as deepdive-gait are set by the second number times the
 * first, not by FLOPs (docs/performance.md §9). CPU ms is the process's user + system time: it
 * moves less than wall time when another process shares the cores.
 *
 * Usage (after `npm run build`):
 *   node bench/step-kernels.js [--workload W[,W]] [--backend V[,V]] [--steps N] [--json]
 * Defaults: --workload deepdive-gait --backend wasm-reference,wasm --steps 200.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'packages', 'speedlab', 'dist');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};

/** Runs in the child: one workload on one variant. */
async function measure(workloadName, variant, steps) {
  process.env.DIVE_THREADS = '1';
  const tf = require('@tensorflow/tfjs');
  const { findWorkload } = require(path.join(dist, 'bench', 'workloads'));
  const { activateVariant, parseBenchBackend } = require(path.join(dist, 'bench', 'variants'));
  await activateVariant(parseBenchBackend(variant));
  const workload = findWorkload(workloadName);
  if (!workload) throw new Error(`unknown workload '${workloadName}'`);
  const inst = await workload.create(0);
  for (let i = 0; i < 100; i++) inst.step(); // JIT warm-up (a gait step settles after ≈ 50)
  const info = await tf.profile(() => {
    inst.step();
  });
  const byName = new Map();
  for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) inst.step();
  const wall = (performance.now() - t0) / steps;
  const c = process.cpuUsage(c0);
  inst.dispose();
  return {
    workload: workloadName,
    variant,
    kernelsPerStep: info.kernels.length,
    kernels: Object.fromEntries([...byName].sort((a, b) => b[1] - a[1])),
    msPerStep: wall,
    cpuMsPerStep: (c.user + c.system) / 1000 / steps,
    dispatch: dispatchCost(tf),
  };
}

/** µs of CPU per call of tiny-tensor ops, where the engine's bookkeeping is nearly all the cost. */
function dispatchCost(tf) {
  const a = tf.variable(tf.randomNormal([64, 32], 0, 1, 'float32', 1));
  const b = tf.randomNormal([64, 32], 0, 1, 'float32', 2);
  const time = (f, n) => {
    for (let i = 0; i < n / 10; i++) tf.dispose(tf.tidy(f));
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) tf.dispose(tf.tidy(f));
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  };
  const chain = (op) => () => tf.variableGrads(() => {
    let x = a;
    for (let i = 0; i < 10; i++) x = op(x, i);
    return x.sum();
  }, [a]).value;
  const empty = time(() => tf.scalar(0), 20000);
  const gradBase = time(() => tf.variableGrads(() => a.sum(), [a]).value, 5000);
  const mulTape = time(chain((x) => x.mul(b)), 5000);
  const reshapeTape = time(chain((x, i) => x.reshape(i % 2 ? [64, 32] : [32, 64])), 5000);
  const r = {
    'tidy + one tensor': empty,
    'Multiply [64,32], forward': time(() => a.mul(b), 20000),
    'Reshape [64,32], forward': time(() => a.reshape([32, 64]), 20000),
    'Multiply [64,32] under a tape, forward + gradient': (mulTape - gradBase) / 10,
    'Reshape [64,32] under a tape, forward + gradient': (reshapeTape - gradBase) / 10,
  };
  a.dispose();
  b.dispose();
  return r;
}

async function main() {
  if (process.env.DIVE_STEP_KERNELS_CHILD) {
    const [w, v, s] = process.env.DIVE_STEP_KERNELS_CHILD.split('|');
    process.stdout.write(JSON.stringify(await measure(w, v, Number(s))) + '\n');
    return;
  }
  const workloads = opt('workload', 'deepdive-gait').split(',');
  const variants = opt('backend', 'wasm-reference,wasm').split(',');
  const steps = Number(opt('steps', '200'));
  if (!Number.isInteger(steps) || steps < 1) {
    console.error(`--steps must be a positive integer, got '${opt('steps')}'`);
    process.exit(2);
  }
  const results = [];
  for (const w of workloads) {
    for (const v of variants) {
      const out = execFileSync(process.execPath, [__filename], {
        env: { ...process.env, DIVE_STEP_KERNELS_CHILD: `${w}|${v}|${steps}` },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      results.push(JSON.parse(out.trim().split('\n').pop()));
    }
  }
  if (args.includes('--json')) {
    process.stdout.write(JSON.stringify({ steps, results }, null, 2) + '\n');
    return;
  }
  for (const r of results) {
    const top = Object.entries(r.kernels).slice(0, 8).map(([k, n]) => `${k} ${n}`).join(', ');
    console.log(`${r.workload} on ${r.variant}: ${r.kernelsPerStep} kernels per step (${top}, …); ${r.msPerStep.toFixed(2)} ms, ${r.cpuMsPerStep.toFixed(2)} CPU ms per step over ${steps} steps`);
  }
  console.log('engine cost per kernel on tiny tensors (CPU µs per call, the last variant):');
  for (const [k, us] of Object.entries(results[results.length - 1].dispatch)) console.log(`  ${k.padEnd(52)} ${us.toFixed(2)}`);
}

main().catch((e) => {
  console.error(`step-kernels: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
