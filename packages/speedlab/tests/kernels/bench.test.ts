/** `dive bench`: statistics, the FLOP formula, the runner on a small workload, and the CLI. */
import { describe, expect, it } from 'vitest';
import { tf } from '../../../../lib/backend/select';
import { initBackend } from '../../../../lib/backend/select';
import { countMatMulFlops, DEFAULT_MLP_VAE, mlpVaeFlops, mlpVaeNoiseSeed, mlpVaeWorkload, parseBenchBackend, quantile, runBenchInProcess, runTorchBench, type BenchResult } from '../../src/bench';
import { findWorkload } from '../../src/bench/workloads';
import { formatBenchTable, torchComparisons } from '../../src/bench/command';
import { spawnSync } from 'node:child_process';
import { main } from '../../../../lib/cli/main';
import { capture } from '../../../../tests/io';

const tiny = mlpVaeWorkload({ batch: 8, input: 24, hidden: 16, latent: 3, lr: 1e-3, batches: 2 }, 'tiny-vae');

describe('bench statistics and FLOP count', () => {
  it('quantile interpolates between order statistics', () => {
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([10, 20, 30, 40, 50], 0.1)).toBeCloseTo(14);
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBeCloseTo(46);
    expect(quantile([7], 0.9)).toBe(7);
    expect(() => quantile([], 0.5)).toThrow(/empty/);
  });

  it('counts 3 × forward matmul FLOPs for the default mlp-vae (4.064 GFLOP/step)', () => {
    const perSample = 2048 * 512 + 512 * 512 + 512 * 32 + 16 * 512 + 512 * 512 + 512 * 2048;
    expect(mlpVaeFlops(DEFAULT_MLP_VAE)).toBe(3 * 2 * 256 * perSample);
    expect(mlpVaeFlops(DEFAULT_MLP_VAE)).toBe(4_064_280_576);
  });

  it('counts executed matmul FLOPs from kernel shapes, whatever the transposes', async () => {
    await initBackend('wasm');
    const a = tf.ones([5, 7]);
    const b = tf.ones([3, 7]);
    const c = tf.ones([2, 7, 4]);
    const flops = await countMatMulFlops(() => [tf.matMul(a, b, false, true), tf.matMul(b, a, false, true), tf.matMul(c, c, true, false)]);
    expect(flops).toBe(2 * 5 * 7 * 3 + 2 * 3 * 7 * 5 + 2 * 2 * 4 * 7 * 4);
    tf.dispose([a, b, c]);
  });

  it('agrees with the analytic mlp-vae forward count when counted from the kernels', async () => {
    await initBackend('wasm');
    const cfg = { batch: 8, input: 24, hidden: 16, latent: 3, lr: 1e-3, batches: 1 };
    const inst = await mlpVaeWorkload(cfg).create(1);
    const forward = await countMatMulFlops(() => inst.loss(inst.batch(0), 3));
    expect(3 * forward).toBe(mlpVaeFlops(cfg));
    expect(inst.flopsPerStep).toBe(mlpVaeFlops(cfg));
    inst.dispose();
  });

  it('accepts backend aliases and rejects unknown names', () => {
    expect(parseBenchBackend('fast-wasm')).toBe('wasm');
    expect(parseBenchBackend('WASM-Reference')).toBe('wasm-reference');
    expect(parseBenchBackend('parallel')).toBe('wasm-parallel');
    expect(() => parseBenchBackend('quantum')).toThrow(/unknown bench backend 'quantum'/);
  });
});

describe('bench runner', () => {
  const spec = { workload: 'tiny-vae', steps: 3, warmup: 1, seed: 5 };

  it('times steps on wasm and wasm-reference with the same losses, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const fast = await runBenchInProcess({ ...spec, backend: 'wasm' }, undefined, [tiny]);
    const ref = await runBenchInProcess({ ...spec, backend: 'wasm-reference' }, undefined, [tiny]);
    expect(tf.memory().numTensors).toBe(before);
    for (const r of [fast, ref]) {
      expect(r.status).toBe('ok');
      expect(r.stepMs).toHaveLength(3);
      expect(r.p10Ms!).toBeLessThanOrEqual(r.medianMs!);
      expect(r.medianMs!).toBeLessThanOrEqual(r.p90Ms!);
      expect(r.gflops).toBeCloseTo(r.flopsPerStep! / (r.medianMs! * 1e6), 10);
      expect(r.samplesPerSec).toBeCloseTo((8 * 1000) / r.medianMs!, 8);
      expect(r.peakRssMiB!).toBeGreaterThan(10);
      expect(Number.isFinite(r.firstLoss)).toBe(true);
    }
    expect(fast.details).toMatchObject({ fastKernels: true });
    expect(ref.details).toMatchObject({ fastKernels: false });
    // Same seed, same model: the kernels change only float32 rounding.
    expect(Math.abs(fast.firstLoss! - ref.firstLoss!)).toBeLessThan(1e-4 * Math.abs(ref.firstLoss!));
    expect(Math.abs(fast.lastLoss! - ref.lastLoss!)).toBeLessThan(1e-4 * Math.abs(ref.lastLoss!));
  });

  it('warms up for at least --warmup steps and at least --warmup-seconds, and reports the steps it ran', async () => {
    const counted = await runBenchInProcess({ ...spec, warmup: 2, steps: 1, backend: 'wasm' }, undefined, [tiny]);
    expect(counted.warmupSteps).toBe(2);
    const phases: string[] = [];
    const t0 = performance.now();
    const timed = await runBenchInProcess({ ...spec, warmup: 1, warmupSeconds: 0.2, steps: 1, backend: 'wasm' }, (phase) => phases.push(phase), [tiny]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(200);
    // A tiny-vae step takes milliseconds: 0.2 s holds many of them.
    expect(timed.warmupSteps!).toBeGreaterThan(1);
    expect(phases.filter((p) => p === 'warmup')).toHaveLength(timed.warmupSteps!);
  });

  it('is reproducible for seed 0 too (tfjs treats a noise seed of 0 as unseeded)', async () => {
    expect(mlpVaeNoiseSeed(0, 0)).not.toBe(0);
    const a = await runBenchInProcess({ ...spec, seed: 0, warmup: 0, steps: 2, backend: 'wasm' }, undefined, [tiny]);
    const b = await runBenchInProcess({ ...spec, seed: 0, warmup: 0, steps: 2, backend: 'wasm' }, undefined, [tiny]);
    expect(b.firstLoss).toBe(a.firstLoss);
    expect(b.lastLoss).toBe(a.lastLoss);
  });

  it('is reproducible for a seed and trains (loss goes down)', async () => {
    const a = await runBenchInProcess({ ...spec, steps: 8, backend: 'wasm' }, undefined, [tiny]);
    const b = await runBenchInProcess({ ...spec, steps: 8, backend: 'wasm' }, undefined, [tiny]);
    expect(b.firstLoss).toBe(a.firstLoss);
    expect(b.lastLoss).toBe(a.lastLoss);
    expect(a.lastLoss!).toBeLessThan(a.firstLoss!);
  });

  it('runs a DeepDIVE step on the electricity family with FLOPs counted from its kernels', async () => {
    const r = await runBenchInProcess({ workload: 'deepdive-electricity', backend: 'wasm', steps: 1, warmup: 0, seed: 0 });
    expect(r.status).toBe('ok');
    expect(r.flopsPerStep!).toBeGreaterThan(0);
    expect(r.note).toMatch(/electricity|ETTh1|synthetic/);
    expect(Number.isFinite(r.firstLoss)).toBe(true);
  });

  it('runs the GRU step with its recurrence fused (wasm) and per-step (wasm-reference): the same losses to float32 drift, analytic FLOPs', async () => {
    const [fast, ref] = [await runBenchInProcess({ workload: 'gru-electricity', backend: 'wasm', steps: 2, warmup: 0, seed: 0 }), await runBenchInProcess({ workload: 'gru-electricity', backend: 'wasm-reference', steps: 2, warmup: 0, seed: 0 })];
    for (const r of [fast, ref]) {
      expect(r.status, r.reason).toBe('ok');
      // 2·B·(T·(C·3H + 3H²) + H² + H·T_out·C) × 3 with B 64, T 168, H 64, and on ETTh1 C 7 and T_out 1 (one row 24 h ahead).
      if (/ett-h1/.test(r.note ?? '')) expect(r.flopsPerStep).toBe(3 * 2 * 64 * (168 * (7 * 192 + 3 * 64 * 64) + 64 * 64 + 64 * 1 * 7));
    }
    expect(Math.abs(fast.firstLoss! - ref.firstLoss!)).toBeLessThan(1e-5 * Math.abs(ref.firstLoss!));
    expect(Math.abs(fast.lastLoss! - ref.lastLoss!)).toBeLessThan(1e-4 * Math.abs(ref.lastLoss!));
  });

  it('reports an unavailable backend as skipped with the reason', async () => {
    let r: BenchResult;
    try {
      require.resolve('@tensorflow/tfjs-node-gpu/package.json');
      return; // installed here: nothing to check
    } catch {
      r = await runBenchInProcess({ ...spec, backend: 'tensorflow-gpu' }, undefined, [tiny]);
    }
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/tfjs-node-gpu/);
    expect(formatBenchTable([r]).join('\n')).toMatch(/skipped/);
  });
});

describe('dive bench', () => {
  it('rejects an unknown workload, backend or step count in one line', async () => {
    for (const [argv, msg] of [
      [['bench', '--workload', 'nope'], /unknown workload 'nope'.*mlp-vae/],
      [['bench', '--backend', 'quantum'], /unknown bench backend 'quantum'/],
      [['bench', '--steps', '0'], /--steps must be at least 1/],
      [['bench', '--workers', '0'], /--workers must be from 1 to 256/],
      [['bench', '--warmup-seconds', '-1'], /--warmup-seconds must be from 0 to 3600/],
    ] as [string[], RegExp][]) {
      const io = capture();
      expect(await main(argv, io)).toBe(2);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(msg);
    }
  });

  it('times one mlp-vae step in-process and prints JSON with machine and results', async () => {
    const io = capture();
    expect(await main(['bench', '--backend', 'fast-wasm', '--steps', '1', '--warmup', '0', '--warmup-seconds', '0', '--in-process', '--json'], io)).toBe(0);
    const out = JSON.parse(io.stdout[0]) as { machine: { cores: number }; results: BenchResult[] };
    expect(out.machine.cores).toBeGreaterThan(0);
    expect(out.results).toHaveLength(1);
    expect(out.results[0]).toMatchObject({ workload: 'mlp-vae', backend: 'wasm', status: 'ok', flopsPerStep: 4_064_280_576 });
  });

  it('formats a table with the speed-up over wasm-reference', () => {
    const row = (backend: string, medianMs: number): BenchResult => ({
      workload: 'mlp-vae', backend, status: 'ok', medianMs, p10Ms: medianMs, p90Ms: medianMs, samplesPerSec: 1, gflops: 1, peakRssMiB: 100,
    });
    const par = { ...row('wasm-parallel', 125), medianCpuMs: 240, details: { workers: 2 } };
    const lines = formatBenchTable([row('wasm-reference', 2000), row('wasm', 250), par]);
    expect(lines[0]).toMatch(/workload\s+backend\s+median ms/);
    expect(lines.join('\n')).toMatch(/mlp-vae: wasm is 8\.0× wasm-reference/);
    expect(lines.join('\n')).toMatch(/mlp-vae\s+wasm-parallel×2\s+125\.0/);
    expect(lines.join('\n')).toMatch(/mlp-vae: wasm-parallel×2 is 2\.00× wasm \(one thread\)/);
    expect(lines.join('\n')).toMatch(/wasm-parallel×2 ran on ≈ 1\.9 cores on average/);
  });

  it('compares ours with PyTorch at its best thread count, as torch ms / ours', () => {
    const row = (backend: string, medianMs: number, details?: Record<string, unknown>): BenchResult => ({
      workload: 'mlp-vae', backend, status: 'ok', medianMs, p10Ms: medianMs, p90Ms: medianMs, samplesPerSec: 1, gflops: 1, ...(details ? { details } : {}),
    });
    const results = [row('wasm-gemm', 150), row('wasm', 100, { blas: { threads: 2 } }), row('torch', 130, { threads: 1 }), row('torch', 110, { threads: 2 })];
    const c = torchComparisons(results);
    expect(c).toEqual([
      { workload: 'mlp-vae', ours: 'wasm-gemm', oursMs: 150, against: 'best', torchThreads: 2, torchMs: 110, ratio: 110 / 150 },
      // wasm-gemm runs on one thread: also against PyTorch on one.
      { workload: 'mlp-vae', ours: 'wasm-gemm', oursMs: 150, against: 'one thread', torchThreads: 1, torchMs: 130, ratio: 130 / 150 },
      { workload: 'mlp-vae', ours: 'wasm blas 2t', oursMs: 100, against: 'best', torchThreads: 2, torchMs: 110, ratio: 1.1 },
    ]);
    const text = formatBenchTable(results).join('\n');
    expect(text).toMatch(/mlp-vae: wasm blas 2t vs PyTorch at its best thread count \(torch 2t, 110\.0 ms\): ratio 1\.10/);
    expect(text).toMatch(/mlp-vae: wasm-gemm vs PyTorch on one thread \(torch 1t, 130\.0 ms\): ratio 0\.87/);
    expect(text).toMatch(/mlp-vae: wasm blas 2t is 1\.50× wasm-gemm/);
    expect(text).toMatch(/mlp-vae\s+torch 1t\s+130\.0/);
  });

  it('profiles steps kernel by kernel (--profile): the products are there and the shares add up to at most the step', async () => {
    const r = await runBenchInProcess({ workload: 'tiny-vae', backend: 'wasm', steps: 1, warmup: 1, seed: 1, profileSteps: 2 }, undefined, [tiny]);
    const p = r.profile!;
    expect(p.steps).toBe(2);
    const mm = p.kernels.find((k) => k.name === 'BatchMatMul');
    expect(mm?.calls).toBe(17); // 6 forward + 11 backward products (x's gradient is not needed)
    expect(p.kernels.map((k) => k.ms)).toEqual([...p.kernels.map((k) => k.ms)].sort((a, b) => b - a));
    expect(p.kernelMs).toBeLessThanOrEqual(p.stepMs);
    expect(p.kernels.reduce((s, k) => s + k.share, 0)).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('reports PyTorch as skipped, with the reason, for a workload without a twin or without python', async () => {
    // A workload of another configuration (a wider mlp-vae) has no twin: the child would time another network.
    const wide = mlpVaeWorkload({ ...DEFAULT_MLP_VAE, hidden: 1024 }, 'mlp-vae-wide');
    const r = await runTorchBench(wide, { steps: 1, warmup: 0, seed: 0 }, 1);
    expect(r).toMatchObject({ status: 'skipped', backend: 'torch' });
    expect(r.reason).toMatch(/mlp-vae-wide has no PyTorch version \(only mlp-vae, deepdive-electricity, deepdive-gait\)/);
    const saved = process.env.DIVE_PYTHON;
    process.env.DIVE_PYTHON = '/nonexistent/python3';
    try {
      const m = await runTorchBench(findWorkload('mlp-vae')!, { steps: 1, warmup: 0, seed: 0 }, 1);
      expect(m.status).toBe('skipped');
      expect(m.reason).toMatch(/\/nonexistent\/python3 did not start .*set DIVE_PYTHON/);
    } finally {
      if (saved === undefined) delete process.env.DIVE_PYTHON;
      else process.env.DIVE_PYTHON = saved;
    }
  });

  // python3-torch is optional (dive setup reports it); only its absence skips this check.
  const hasTorch = spawnSync(process.env.DIVE_PYTHON || '/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  if (!hasTorch) console.warn('bench.test: PyTorch is not installed for /usr/bin/python3 (python3-torch); skipping the PyTorch run');
  it.skipIf(!hasTorch)('times the mlp-vae step in PyTorch and names the BLAS it runs on', async () => {
    const r = await runTorchBench(findWorkload('mlp-vae')!, { steps: 1, warmup: 0, seed: 0 }, 1);
    expect(r).toMatchObject({ status: 'ok', backend: 'torch', flopsPerStep: 4_064_280_576 });
    expect(r.medianMs).toBeGreaterThan(0);
    expect(Number.isFinite(r.lastLoss)).toBe(true);
    expect(r.details).toMatchObject({ threads: 1, torchThreads: 1 });
    expect(typeof r.details?.blasInfo).toBe('string');
  }, 60_000);

  it.skipIf(!hasTorch)('times the deepdive-gait step in PyTorch (DeepDIVE\'s reference, loaded with the workload\'s weights and batches)', async () => {
    const r = await runTorchBench(findWorkload('deepdive-gait')!, { steps: 2, warmup: 0, seed: 0 }, 1);
    expect(r, r.reason).toMatchObject({ status: 'ok', backend: 'torch', workload: 'deepdive-gait' });
    expect(r.medianMs).toBeGreaterThan(0);
    expect(r.flopsPerStep).toBeGreaterThan(0);
    // Phase M's and phase C's losses summed, as our step reports them; finite and positive.
    expect(r.firstLoss).toBeGreaterThan(0);
    expect(Number.isFinite(r.lastLoss)).toBe(true);
  }, 120_000);
});
