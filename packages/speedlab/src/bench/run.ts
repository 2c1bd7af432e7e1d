/**
 * Timing of training steps: warm-up steps (kernel set-up, XNNPACK operator packing, JIT),
 * then `steps` timed steps, each ending with a loss read-back so queued work is included.
 *
 * `runBenchInProcess` measures in this process; `runBenchIsolated` starts a fresh Node process
 * per (workload, backend) so peak RSS and backend state belong to that run alone (needs the
 * compiled dist/ build, where `child.js` lives).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BenchResult, Workload, WorkloadInstance } from './types';
import { WORKLOADS, findWorkload, workloadNames } from './workloads';
import { activateVariant, matMulKernelName, parseBenchBackend } from './variants';
import { peakRssMiB, quantile } from './stats';
import { defaultWorkerCount } from '../parallel/shards';

export interface BenchSpec {
  workload: string;
  /** Backend variant (see variants.ts). */
  backend: string;
  /** Timed steps (≥ 1). */
  steps: number;
  /** Untimed warm-up steps (≥ 0): at least this many… */
  warmup: number;
  /**
   * …and at least this many seconds of them (default 0). V8 compiles tfjs's JavaScript while the
   * first steps run: the deepdive-gait step takes ≈ 15 ms over its first 25 steps and ≈ 6 ms from
   * the 50th on, so a count of steps alone measures the compiler on small steps and nothing on
   * large ones (docs/performance.md §10).
   */
  warmupSeconds?: number;
  /** Seed of the model initialisation and synthetic data. */
  seed: number;
  /** Worker threads of the wasm-parallel variant. Default `defaultWorkerCount()` (DIVE_WORKERS, else the cores). */
  workers?: number;
  /** OpenBLAS threads of the wasm variant (as DIVE_THREADS). Default: DIVE_THREADS, else every core. */
  threads?: number;
  /** After the timed steps, profile this many more steps kernel by kernel (tf.profile). Default 0. */
  profileSteps?: number;
}

/** Time per kernel over profiled steps (tf.profile; kernels run synchronously on wasm and cpu). */
export interface KernelProfile {
  /** Steps profiled. */
  steps: number;
  /** Mean wall ms per profiled step (profiling adds a little per kernel). */
  stepMs: number;
  /** Mean ms per step inside kernels; the rest is JavaScript outside kernels (tape, op dispatch). */
  kernelMs: number;
  /** Per kernel name, most expensive first: mean ms and calls per step, share of the step time. */
  kernels: { name: string; ms: number; calls: number; share: number }[];
}

/** Profile `steps` steps of `inst` kernel by kernel. */
export async function profileSteps(inst: WorkloadInstance, steps: number): Promise<KernelProfile> {
  const totals = new Map<string, { ms: number; calls: number }>();
  let wall = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      await inst.step();
    });
    wall += performance.now() - t0;
    for (const k of info.kernels) {
      const t = totals.get(k.name) ?? { ms: 0, calls: 0 };
      t.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      t.calls += 1;
      totals.set(k.name, t);
    }
  }
  const stepMs = wall / steps;
  const kernels = [...totals.entries()]
    .map(([name, t]) => ({ name, ms: t.ms / steps, calls: t.calls / steps, share: t.ms / steps / stepMs }))
    .sort((a, b) => b.ms - a.ms);
  return { steps, stepMs, kernelMs: kernels.reduce((s, k) => s + k.ms, 0), kernels };
}

/** Called after every step: phase, index within the phase, its ms and loss. */
export type StepListener = (phase: 'warmup' | 'timed', index: number, ms: number, loss: number) => void;

/** Summarise timed steps into a result. */
export function summarise(
  w: Workload,
  inst: Pick<WorkloadInstance, 'flopsPerStep' | 'flopFormula' | 'note'>,
  backend: string,
  stepMs: number[],
  cpuMs: number[],
  losses: number[],
  warmup: number,
): BenchResult {
  const median = quantile(stepMs, 0.5);
  const medianCpu = quantile(cpuMs, 0.5);
  return {
    workload: w.name,
    backend,
    status: 'ok',
    warmupSteps: warmup,
    stepMs,
    medianMs: median,
    p10Ms: quantile(stepMs, 0.1),
    p90Ms: quantile(stepMs, 0.9),
    minMs: Math.min(...stepMs),
    cpuMs,
    medianCpuMs: medianCpu,
    gflopsPerCpuSec: inst.flopsPerStep / (medianCpu * 1e6),
    samplesPerSec: (w.samplesPerStep * 1000) / median,
    gflops: inst.flopsPerStep / (median * 1e6),
    flopsPerStep: inst.flopsPerStep,
    flopFormula: inst.flopFormula,
    ...(inst.note ? { note: inst.note } : {}),
    firstLoss: losses[0],
    lastLoss: losses[losses.length - 1],
    peakRssMiB: peakRssMiB(),
  };
}

/** Run one (workload, backend) measurement in this process. */
export async function runBenchInProcess(spec: BenchSpec, onStep?: StepListener, workloads: readonly Workload[] = WORKLOADS): Promise<BenchResult> {
  const w = findWorkload(spec.workload, workloads);
  if (!w) throw new Error(`unknown workload '${spec.workload}' (known: ${workloadNames(workloads).join(', ')})`);
  const backend = parseBenchBackend(spec.backend);
  if (spec.threads !== undefined) process.env.DIVE_THREADS = String(spec.threads);
  let details: Record<string, unknown>;
  try {
    details = await activateVariant(backend);
  } catch (err) {
    return { workload: w.name, backend, status: 'skipped', reason: (err as Error).message.split('\n')[0] };
  }
  let create = (): Promise<WorkloadInstance> => w.create(spec.seed);
  if (backend === 'wasm-parallel') {
    const makeParallel = w.createParallel;
    if (!makeParallel) return { workload: w.name, backend, status: 'skipped', reason: `${w.name} has no data-parallel version yet` };
    const workers = spec.workers ?? defaultWorkerCount();
    details = { ...details, workers, fastKernels: true, matMul: matMulKernelName('wasm-parallel') };
    create = () => makeParallel.call(w, spec.seed, { workers, fastKernels: true });
  }
  const before = tf.memory().numTensors;
  const inst = await create();
  const stepMs: number[] = [];
  const cpuMs: number[] = [];
  const losses: number[] = [];
  let profile: KernelProfile | undefined;
  let warmupSteps = 0;
  try {
    const warmupUntil = performance.now() + 1000 * (spec.warmupSeconds ?? 0);
    for (; warmupSteps < spec.warmup || performance.now() < warmupUntil; warmupSteps++) {
      const t0 = performance.now();
      const loss = await inst.step();
      onStep?.('warmup', warmupSteps, performance.now() - t0, loss);
    }
    inst.startTiming?.();
    for (let i = 0; i < spec.steps; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const loss = await inst.step();
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      stepMs.push(ms);
      cpuMs.push((c.user + c.system) / 1000);
      losses.push(loss);
      onStep?.('timed', i, ms, loss);
    }
    details = { ...details, ...inst.report?.() };
    if (spec.profileSteps && backend !== 'wasm-parallel') profile = await profileSteps(inst, spec.profileSteps);
  } finally {
    inst.dispose();
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`workload '${w.name}' leaked ${leaked} tensors on ${backend}`);
  return { ...summarise(w, inst, backend, stepMs, cpuMs, losses, warmupSteps), details, isolated: false, ...(profile ? { profile } : {}) };
}

/** Path of the compiled child entry point, or undefined when running from TypeScript sources. */
export function childEntry(): string | undefined {
  const p = path.join(__dirname, 'child.js');
  return fs.existsSync(p) ? p : undefined;
}

/**
 * Run one measurement in a fresh Node process. Progress lines of the child are passed to
 * `onLine`. Rejects when the child fails (its last stderr line is the message).
 */
export function runBenchIsolated(spec: BenchSpec, onLine?: (line: string) => void): Promise<BenchResult> {
  const entry = childEntry();
  if (!entry) return Promise.reject(new Error('isolated runs need the compiled build (npm run build); use --in-process'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errTail = '';
    let lastLine = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      const lines = (errTail + d).split('\n');
      errTail = lines.pop() ?? '';
      for (const l of lines) {
        if (!l.trim()) continue;
        lastLine = l;
        onLine?.(l);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        const why = errTail.trim() || lastLine.trim();
        reject(new Error(`bench child for ${spec.workload} on ${spec.backend} exited with ${code}${why ? `: ${why}` : ''}`));
        return;
      }
      try {
        resolve({ ...(JSON.parse(out) as BenchResult), isolated: true });
      } catch {
        reject(new Error(`bench child for ${spec.workload} on ${spec.backend} printed no result`));
      }
    });
  });
}
