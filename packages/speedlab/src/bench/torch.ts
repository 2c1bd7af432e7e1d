/**
 * `dive bench --backend torch`: the same workload trained by PyTorch in a python3 child
 * (./torch_mlp_vae.py), once per thread count, so one bench run reports our step beside
 * PyTorch's as a ratio on the same machine at the same moment. Uses `DIVE_PYTHON`, else Debian's
 * /usr/bin/python3 (where apt's python3-torch lives); a missing torch is a skipped result with
 * the install command, not an error. Only `mlp-vae` has a PyTorch version.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { pythonPath } from 'divelab/lib/util/python';
import { DEFAULT_MLP_VAE, mlpVaeFlopFormula, mlpVaeFlops } from './workloads/mlpVae';
import { summarise } from './run';
import type { BenchResult, Workload } from './types';

/** Workloads with a PyTorch twin. */
export const TORCH_WORKLOADS = ['mlp-vae'] as const;

/** What the python child prints. */
interface TorchOutput {
  torch: string;
  threads: number;
  torchThreads: number;
  openblasThreads: number | null;
  blasInfo: string;
  blasLibraries: string[];
  stepMs: number[];
  cpuMs: number[];
  /** Warm-up steps the child ran (at least the asked count; more when a time was asked for). */
  warmupSteps?: number;
  losses: number[];
}

/** The script's path in the package (it is not compiled: src/bench from src/bench and dist/bench alike). */
export function torchScript(): string {
  return path.join(__dirname, '..', '..', 'src', 'bench', 'torch_mlp_vae.py');
}

function runPython(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string; spawnError?: Error }> {
  return new Promise((resolve) => {
    const child = spawn(pythonPath(), args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => resolve({ code: null, out, err, spawnError: e }));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/**
 * Time `workload` in PyTorch on `threads` threads (torch.set_num_threads, OMP_NUM_THREADS and
 * OpenBLAS's own count). Resolves to an ok or skipped result; never rejects.
 */
export async function runTorchBench(w: Workload, spec: { steps: number; warmup: number; warmupSeconds?: number; seed: number }, threads: number): Promise<BenchResult> {
  const skipped = (reason: string): BenchResult => ({ workload: w.name, backend: 'torch', status: 'skipped', reason, details: { threads } });
  if (!(TORCH_WORKLOADS as readonly string[]).includes(w.name)) return skipped(`${w.name} has no PyTorch version (only ${TORCH_WORKLOADS.join(', ')})`);
  const c = DEFAULT_MLP_VAE;
  const arg = JSON.stringify({ threads, steps: spec.steps, warmup: spec.warmup, warmupSeconds: spec.warmupSeconds ?? 0, seed: spec.seed, batch: c.batch, input: c.input, hidden: c.hidden, latent: c.latent, lr: c.lr });
  const t = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t };
  const r = await runPython([torchScript(), arg], env);
  if (r.spawnError) return skipped(`${pythonPath()} did not start (${r.spawnError.message}); set DIVE_PYTHON to a python3 with torch`);
  if (r.code !== 0) {
    const last = r.err.trim().split('\n').pop() ?? '';
    if (/No module named '?torch/.test(r.err)) return skipped(`PyTorch is not installed for ${pythonPath()} (apt-get install python3-torch, or set DIVE_PYTHON)`);
    return skipped(`the PyTorch child exited with ${r.code}: ${last}`);
  }
  let o: TorchOutput;
  try {
    o = JSON.parse(r.out) as TorchOutput;
  } catch {
    return skipped('the PyTorch child printed no result');
  }
  const inst = { flopsPerStep: mlpVaeFlops(c), flopFormula: mlpVaeFlopFormula(c) };
  return {
    ...summarise(w, inst, 'torch', o.stepMs, o.cpuMs, o.losses, o.warmupSteps ?? spec.warmup),
    // The child's own peak RSS is not measured; the parent's would mislead.
    peakRssMiB: undefined,
    isolated: true,
    details: {
      threads,
      torch: o.torch,
      torchThreads: o.torchThreads,
      openblasThreads: o.openblasThreads,
      blasInfo: o.blasInfo,
      blasLibraries: o.blasLibraries,
    },
  };
}
