/**
 * `dive bench`: median training-step time per workload and backend variant, with p10/p90,
 * samples/s, GFLOP/s (documented FLOP formula per workload) and peak RSS.
 *
 * The default backend list times the wasm backend with tfjs's own kernels (wasm-reference),
 * our wasm GEMM with today's element-wise kernels (wasm-gemm), the default path —
 * OpenBLAS when it loads (wasm) — and data-parallel over worker threads (wasm-parallel), plus
 * the native backend when installed and PyTorch (torch, on 1 and all cores' threads) when
 * python3-torch is, so one run reports before/after and ours/PyTorch on the same machine.
 * Each pair runs in its own process unless --in-process is given.
 */
import * as os from 'node:os';
import type { Command } from 'divelab/lib/util/command';
import { optBool, optList, optNumber } from 'divelab/lib/util/command';
import { UserError } from 'divelab/lib/util/errors';
import { WORKLOADS, findWorkload, workloadNames } from './workloads';
import { parseBenchBackend } from './variants';
import { defaultWorkerCount } from '../parallel/shards';
import { childEntry, runBenchInProcess, runBenchIsolated, type BenchSpec } from './run';
import { runTorchBench } from './torch';
import type { BenchResult } from './types';
import { availableCores } from 'divelab/lib/util/cores';
import { loadOpenBlas } from '../blas/openblas';

const DEFAULT_BACKENDS = 'wasm-reference,wasm-gemm,wasm,wasm-parallel,tensorflow,torch';

/** Our step against PyTorch's, measured in the same run. */
export interface TorchComparison {
  workload: string;
  /** Our variant (label as in the table). */
  ours: string;
  oursMs: number;
  /** 'best': PyTorch at its fastest thread count; 'one thread': ours on one thread against PyTorch on one. */
  against: 'best' | 'one thread';
  torchThreads: number;
  torchMs: number;
  /** torch ms / our ms: ≥ 1 means ours is at least as fast. */
  ratio: number;
}

function fmt(x: number | undefined, digits = 1): string {
  return x === undefined ? '-' : x.toFixed(digits);
}

/**
 * Backend column: the variant, with its worker count for data-parallel runs ("wasm-parallel×2"),
 * its thread count for PyTorch ("torch 2t") and OpenBLAS ("wasm blas 2t").
 */
function backendLabel(r: BenchResult): string {
  const w = r.details?.workers;
  if (typeof w === 'number') return `${r.backend}×${w}`;
  if (r.backend === 'torch' && typeof r.details?.threads === 'number') return `torch ${r.details.threads}t`;
  const blas = r.details?.blas as { threads?: number } | undefined;
  if (blas && typeof blas.threads === 'number') return `${r.backend} blas ${blas.threads}t`;
  return r.backend;
}

/** Whether a result of ours ran its products on one thread (wasm-gemm; wasm on one OpenBLAS thread or without OpenBLAS). */
function onOneThread(r: BenchResult): boolean {
  if (r.backend === 'wasm-gemm') return true;
  const blas = r.details?.blas as { threads?: number } | undefined;
  return r.backend === 'wasm' && (blas === undefined || blas.threads === 1);
}

/**
 * Each wasm (and wasm-parallel) result against the fastest PyTorch result of its workload, and
 * each of ours on one thread against PyTorch on one thread.
 */
export function torchComparisons(results: readonly BenchResult[]): TorchComparison[] {
  const out: TorchComparison[] = [];
  for (const r of results) {
    if (r.status !== 'ok' || !r.medianMs || !(r.backend === 'wasm' || r.backend === 'wasm-parallel' || r.backend === 'wasm-gemm')) continue;
    const torch = results.filter((q) => q.workload === r.workload && q.backend === 'torch' && q.status === 'ok' && q.medianMs);
    if (torch.length === 0) continue;
    const add = (t: BenchResult, against: TorchComparison['against']): void => {
      out.push({ workload: r.workload, ours: backendLabel(r), oursMs: r.medianMs!, against, torchThreads: Number(t.details?.threads), torchMs: t.medianMs!, ratio: t.medianMs! / r.medianMs! });
    };
    add(torch.reduce((a, b) => (b.medianMs! < a.medianMs! ? b : a)), 'best');
    const single = torch.find((t) => t.details?.threads === 1);
    if (single && onOneThread(r)) add(single, 'one thread');
  }
  return out;
}

/** The human-readable table, one row per result, then speed-ups over wasm-reference (and of wasm-parallel over wasm). */
export function formatBenchTable(results: readonly BenchResult[]): string[] {
  const head = ['workload', 'backend', 'median ms', 'p10–p90 ms', 'min ms', 'CPU ms', 'samples/s', 'GFLOP/s', 'GFLOP/CPU-s', 'peak RSS MiB'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const r of results) {
    if (r.status !== 'ok') {
      notes.push(`${r.workload} on ${r.backend}: skipped (${r.reason ?? 'unavailable'})`);
      continue;
    }
    rows.push([
      r.workload,
      backendLabel(r),
      fmt(r.medianMs),
      `${fmt(r.p10Ms)}–${fmt(r.p90Ms)}`,
      fmt(r.minMs),
      fmt(r.medianCpuMs),
      fmt(r.samplesPerSec, 0),
      fmt(r.gflops, 2),
      fmt(r.gflopsPerCpuSec, 2),
      fmt(r.peakRssMiB, 0),
    ]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = rows.length ? [line(head), ...rows.map(line)] : [];
  for (const c of torchComparisons(results)) {
    const at = c.against === 'best' ? 'at its best thread count' : 'on one thread';
    out.push(`${c.workload}: ${c.ours} vs PyTorch ${at} (torch ${c.torchThreads}t, ${c.torchMs.toFixed(1)} ms): ratio ${c.ratio.toFixed(2)} (torch ms / ours; ≥ 1 = ours at least as fast)`);
  }
  for (const r of results) {
    if (r.status !== 'ok' || !(r.backend === 'wasm' || r.backend === 'wasm-gemm') || !r.medianMs) continue;
    const gemm = results.find((q) => q.workload === r.workload && q.backend === 'wasm-gemm' && q.status === 'ok');
    if (r.backend === 'wasm' && gemm?.medianMs) out.push(`${r.workload}: ${backendLabel(r)} is ${(gemm.medianMs / r.medianMs).toFixed(2)}× wasm-gemm (products on our wasm GEMM, the fallback without OpenBLAS)`);
  }
  for (const r of results) {
    if (r.status !== 'ok' || r.backend === 'wasm-reference' || r.backend === 'torch') continue;
    const ref = results.find((q) => q.workload === r.workload && q.backend === 'wasm-reference' && q.status === 'ok');
    if (ref?.medianMs && r.medianMs) {
      const cpu = ref.medianCpuMs && r.medianCpuMs ? ` (CPU time: ${(ref.medianCpuMs / r.medianCpuMs).toFixed(1)}×)` : '';
      out.push(`${r.workload}: ${backendLabel(r)} is ${(ref.medianMs / r.medianMs).toFixed(1)}× wasm-reference${cpu}`);
    }
    const single = results.find((q) => q.workload === r.workload && q.backend === 'wasm' && q.status === 'ok');
    if (r.backend === 'wasm-parallel' && single?.medianMs && r.medianMs) {
      out.push(`${r.workload}: ${backendLabel(r)} is ${(single.medianMs / r.medianMs).toFixed(2)}× wasm (one thread)`);
    }
    const workers = r.details?.workers;
    if (r.backend === 'wasm-parallel' && typeof workers === 'number' && workers > 1 && r.medianCpuMs && r.medianMs) {
      // CPU time per wall time = cores the process actually got; well below W means other processes held them.
      out.push(`${r.workload}: ${backendLabel(r)} ran on ≈ ${(r.medianCpuMs / r.medianMs).toFixed(1)} cores on average (CPU ms / median ms)`);
    }
  }
  for (const r of results) {
    if (!r.profile) continue;
    const p = r.profile;
    out.push(`profile ${r.workload} on ${backendLabel(r)} (${p.steps} steps): ${p.stepMs.toFixed(1)} ms/step, ${p.kernelMs.toFixed(1)} ms in kernels, ${(p.stepMs - p.kernelMs).toFixed(1)} ms outside (JS, tape)`);
    for (const k of p.kernels.slice(0, 15)) out.push(`  ${k.name.padEnd(22)} ${k.ms.toFixed(2).padStart(8)} ms  ${(100 * k.share).toFixed(1).padStart(5)} %  ${k.calls.toFixed(0).padStart(4)} calls`);
  }
  return [...out, ...notes];
}

export const benchCommand: Command = {
  words: ['bench'],
  summary: 'time training steps per workload and backend (ms/step, GFLOP/s, peak RSS)',
  help:
    `Runs untimed warm-up steps (at least --warmup of them and --warmup-seconds of time), then --steps timed steps (each ends with a loss read-back). Workloads: ${WORKLOADS.map((w) => `${w.name} (${w.description})`).join('; ')}. ` +
    'Backends: wasm (the default fast kernels: products on the machine\'s OpenBLAS through koffi on --threads/DIVE_THREADS threads when it loads, else our relaxed-SIMD GEMM), wasm-gemm (every product on our relaxed-SIMD GEMM, one thread, as with DIVE_FAST_KERNELS=gemm: the fallback without OpenBLAS), torch (the same workload in PyTorch, python3 child, once per --torch-threads: mlp-vae, and DeepDIVE\'s PyTorch reference loaded with the deepdive workloads\' weights and batches; the result lines give torch ms / ours at PyTorch\'s best thread count, and on one thread each), wasm-reference (tfjs-backend-wasm kernels and divelab\'s plain op definitions, as with DIVE_FAST_KERNELS=0), wasm-parallel (data-parallel over --workers worker threads, each a wasm backend with the fast kernels; gradients averaged in shared memory, Adam split across the workers), webgpu (the WebGPU adapter Dawn offers, a software one such as lavapipe too; divelab op definitions), cpu, tensorflow, tensorflow-gpu; unavailable ones are reported as skipped. ' +
    'CPU ms counts every thread of the measuring process (all workers for wasm-parallel); peak RSS is the whole process (all workers). ' +
    'GFLOP/s = the workload\'s FLOPs per step (forward + backward ≈ 3 × forward matmul FLOPs) / median step time; GFLOP/CPU-s divides by the median CPU time of the process instead (robust on a shared machine).',
  options: [
    { name: 'workload', type: 'list', value: 'NAME[,NAME]', description: `workloads to time (${workloadNames().join(', ')})`, default: 'mlp-vae' },
    { name: 'backend', type: 'list', value: 'NAME[,NAME]', description: 'backend variants: wasm|fast-wasm|blas, wasm-gemm, wasm-reference, wasm-parallel, webgpu, cpu, tensorflow, tensorflow-gpu, torch', default: DEFAULT_BACKENDS },
    { name: 'workers', type: 'integer', value: 'N', description: 'worker threads of wasm-parallel (default: DIVE_WORKERS, else one per core)' },
    { name: 'steps', type: 'integer', value: 'N', description: 'timed steps per run', default: 20 },
    { name: 'warmup', type: 'integer', value: 'N', description: 'untimed warm-up steps per run: at least N…', default: 5 },
    { name: 'warmup-seconds', type: 'number', value: 'S', description: '…and at least S seconds of them (the JIT needs ≈ 50 steps, 0.5 s, on the small deepdive-gait step; 0 = N steps only)', default: 1 },
    { name: 'seed', type: 'integer', value: 'N', description: 'seed of weights and synthetic data', default: 0 },
    { name: 'in-process', type: 'boolean', description: 'measure in this process instead of one fresh process per run (peak RSS then covers all runs)' },
    { name: 'threads', type: 'list', value: 'N[,N]', description: 'OpenBLAS threads of the wasm variant, one run per value (default: DIVE_THREADS, else every core)' },
    { name: 'torch-threads', type: 'list', value: 'N[,N]', description: 'PyTorch thread counts, one run per value', default: '1,<cores>' },
    { name: 'profile', type: 'boolean', description: 'after the timed steps, profile 3 more steps kernel by kernel (tf.profile) and print time per kernel' },
  ],
  maxArgs: 0,
  async run(args, io) {
    const workloads = optList(args, 'workload');
    for (const w of workloads) {
      if (!findWorkload(w)) throw new UserError(`unknown workload '${w}' for --workload (known: ${workloadNames().join(', ')})`);
    }
    const backends = [...new Set(optList(args, 'backend').map(parseBenchBackend))];
    const steps = optNumber(args, 'steps') ?? 20;
    const warmup = optNumber(args, 'warmup') ?? 5;
    const warmupSeconds = optNumber(args, 'warmup-seconds') ?? 1;
    if (!(warmupSeconds >= 0 && warmupSeconds <= 3600)) throw new UserError(`--warmup-seconds must be from 0 to 3600, got ${warmupSeconds}`);
    const seed = optNumber(args, 'seed') ?? 0;
    if (steps < 1) throw new UserError(`--steps must be at least 1, got ${steps}`);
    if (warmup < 0) throw new UserError(`--warmup must be 0 or more, got ${warmup}`);
    const workers = optNumber(args, 'workers') ?? (backends.includes('wasm-parallel') ? defaultWorkerCount() : undefined);
    if (workers !== undefined && (workers < 1 || workers > 256)) throw new UserError(`--workers must be from 1 to 256, got ${workers}`);
    if (workloads.length === 0 || backends.length === 0) throw new UserError('give at least one --workload and one --backend');
    const isolate = !optBool(args, 'in-process') && childEntry() !== undefined;
    const counts = (name: string, fallback: number[]): number[] => {
      const raw = args.options[name] === undefined ? [] : optList(args, name);
      const list = raw.length ? raw.map((v) => (v === '<cores>' ? availableCores() : Number(v))) : fallback;
      for (const n of list) if (!Number.isInteger(n) || n < 1 || n > 256) throw new UserError(`--${name} takes integers from 1 to 256, got '${raw.join(',')}'`);
      return [...new Set(list)];
    };
    const blasThreads: (number | undefined)[] = args.options.threads === undefined ? [undefined] : counts('threads', []);
    const torchThreads = counts('torch-threads', [1, availableCores()]);
    const profile = optBool(args, 'profile') ? 3 : 0;
    const results: BenchResult[] = [];
    for (const workload of workloads) {
      for (const backend of backends) {
        if (backend === 'torch') {
          const w = findWorkload(workload)!;
          for (const t of torchThreads) {
            io.err(`bench: ${workload} on PyTorch, ${t} thread${t === 1 ? '' : 's'} (≥ ${warmup} warm-up steps and ≥ ${warmupSeconds} s + ${steps} timed steps, python3 child)`);
            const r = await runTorchBench(w, { steps, warmup, warmupSeconds, seed }, t);
            results.push(r);
            if (r.status !== 'ok') break; // the same reason for every thread count
          }
          continue;
        }
        for (const threads of backend === 'wasm' ? blasThreads : [undefined]) {
          const spec: BenchSpec = {
            workload,
            backend,
            steps,
            warmup,
            warmupSeconds,
            seed,
            ...(backend === 'wasm-parallel' && workers !== undefined ? { workers } : {}),
            ...(threads !== undefined ? { threads } : {}),
            ...(profile ? { profileSteps: profile } : {}),
          };
          io.err(`bench: ${workload} on ${backend}${threads ? ` (${threads} BLAS threads)` : ''} (≥ ${warmup} warm-up steps and ≥ ${warmupSeconds} s + ${steps} timed steps${isolate ? ', own process' : ''})`);
          const result = isolate
            ? await runBenchIsolated(spec, (l) => io.err(`  ${l}`))
            : await runBenchInProcess(spec, (phase, i, ms, loss) => io.err(`  ${phase} step ${i + 1}: ${ms.toFixed(1)} ms, loss ${loss.toFixed(4)}`));
          results.push(result);
        }
      }
    }
    const cpus = os.cpus();
    const blas = loadOpenBlas();
    const machine = {
      cpu: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      load1: os.loadavg()[0],
      blas: blas.ok ? { path: blas.blas.path, config: blas.blas.config, coreName: blas.blas.coreName } : { unavailable: blas.reason },
    };
    const comparisons = torchComparisons(results);
    if (args.json) io.json({ machine, results, comparisons });
    else {
      io.out(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.load1.toFixed(1)}`);
      io.out(blas.ok ? `BLAS: ${blas.blas.config} (${blas.blas.path})` : `BLAS: none (${blas.reason})`);
      const torchBlas = results.find((r) => r.backend === 'torch' && r.status === 'ok')?.details;
      if (torchBlas) io.out(`PyTorch ${String(torchBlas.torch)}: BLAS_INFO=${String(torchBlas.blasInfo)}, libraries ${(torchBlas.blasLibraries as string[]).join(', ') || 'none found'}`);
      for (const l of formatBenchTable(results)) io.out(l);
      const notes = new Map(results.filter((r) => r.note).map((r) => [r.workload, r.note]));
      for (const [w, note] of notes) io.out(`${w}: ${note}`);
    }
    return 0;
  },
};
