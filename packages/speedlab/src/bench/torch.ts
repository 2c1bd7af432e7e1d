/**
 * `dive bench --backend torch`: the same workload trained by PyTorch in a python3 child, once
 * per thread count, so one bench run reports our step beside PyTorch's as a ratio on the same
 * machine at the same moment. A missing torch is a skipped result with the install command, not
 * an error (./torchChild.ts).
 * - `mlp-vae`: ./torch_mlp_vae.py builds the same network, data shape and Adam itself.
 * - `deepdive-gait`, `deepdive-electricity`: ./torch_deepdive.py, DeepDIVE's PyTorch reference
 *   (the one the parity test checks against ours, packages/speedlab/tests/bench/torchDeepdive.test.ts),
 *   loaded with the workload's own initial weights and batches (a bundle, ./torchDeepdive.ts,
 *   in a temporary directory): phase M then phase C on each batch, Adam with the trainer's
 *   clip-norm, in float32; its noise is drawn by torch each step, as ours is by us.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_ADAM } from 'divelab/lib/train/adam';
import { DEFAULT_TRAIN } from 'divelab/lib/train/trainer';
import { disposeBatch, toTensors } from 'divelab/lib/train/batches';
import { DEFAULT_MLP_VAE, mlpVaeFlopFormula, mlpVaeFlops } from './workloads/mlpVae';
import { deepdiveFamily, deepdiveSetup, stepFlops, STEP_FLOP_FORMULA } from './workloads/deepdive';
import { summarise } from './run';
import { childFailure, runPython, torchScript } from './torchChild';
import { writeDeepdiveBundle } from './torchDeepdive';
import type { BenchResult, Workload, WorkloadInstance } from './types';

/** Workloads with a PyTorch twin. */
export const TORCH_WORKLOADS = ['mlp-vae', 'deepdive-electricity', 'deepdive-gait'] as const;

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

interface TorchSpec {
  steps: number;
  warmup: number;
  warmupSeconds?: number;
  seed: number;
}

/** The child's arguments and the FLOP count of the step it times; `done` removes what was written for it. */
interface TorchJob {
  args: string[];
  inst: Pick<WorkloadInstance, 'flopsPerStep' | 'flopFormula' | 'note'>;
  done(): void;
}

async function torchJob(w: Workload, spec: TorchSpec, threads: number): Promise<TorchJob> {
  const timing = { threads, steps: spec.steps, warmup: spec.warmup, warmupSeconds: spec.warmupSeconds ?? 0, seed: spec.seed };
  const family = deepdiveFamily(w.name);
  if (!family) {
    const c = DEFAULT_MLP_VAE;
    const arg = JSON.stringify({ ...timing, batch: c.batch, input: c.input, hidden: c.hidden, latent: c.latent, lr: c.lr });
    return { args: [torchScript('torch_mlp_vae.py'), arg], inst: { flopsPerStep: mlpVaeFlops(c), flopFormula: mlpVaeFlopFormula(c) }, done: () => undefined };
  }
  // The workload's own model (initial weights), batches and phases, as our step gets them.
  const s = deepdiveSetup(family, spec.seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dive-torch-'));
  try {
    const tensors = s.batches.map((b) => toTensors(b, s.data.train));
    let flops: number;
    try {
      flops = await stepFlops(s.model, tensors[0], s.phases);
      writeDeepdiveBundle(dir, s.model, tensors, s.phases);
    } finally {
      tensors.forEach(disposeBatch);
    }
    const arg = JSON.stringify({ ...timing, lr: DEFAULT_TRAIN.lr, adam: DEFAULT_ADAM, clipNorm: DEFAULT_TRAIN.clipNorm });
    return {
      args: [torchScript('torch_deepdive.py'), 'bench', dir, arg],
      inst: { flopsPerStep: flops, flopFormula: STEP_FLOP_FORMULA, note: s.note },
      done: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    s.model.dispose();
  }
}

/**
 * Time `workload` in PyTorch on `threads` threads (torch.set_num_threads, OMP_NUM_THREADS and
 * OpenBLAS's own count). Resolves to an ok or skipped result; never rejects.
 */
export async function runTorchBench(w: Workload, spec: TorchSpec, threads: number): Promise<BenchResult> {
  const skipped = (reason: string): BenchResult => ({ workload: w.name, backend: 'torch', status: 'skipped', reason, details: { threads } });
  if (!(TORCH_WORKLOADS as readonly string[]).includes(w.name)) return skipped(`${w.name} has no PyTorch version (only ${TORCH_WORKLOADS.join(', ')})`);
  let job: TorchJob;
  try {
    job = await torchJob(w, spec, threads);
  } catch (e) {
    return skipped(`the PyTorch run could not be prepared: ${(e as Error).message}`);
  }
  const t = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t };
  let r: Awaited<ReturnType<typeof runPython>>;
  try {
    r = await runPython(job.args, env);
  } finally {
    job.done();
  }
  const failed = childFailure(r);
  if (failed) return skipped(failed);
  let o: TorchOutput;
  try {
    o = JSON.parse(r.out) as TorchOutput;
  } catch {
    return skipped('the PyTorch child printed no result');
  }
  return {
    ...summarise(w, job.inst, 'torch', o.stepMs, o.cpuMs, o.losses, o.warmupSteps ?? spec.warmup),
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
