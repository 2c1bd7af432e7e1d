/**
 * Contracts of `dive bench`: a workload is one training step of one model on synthetic or
 * real data, timed on one backend variant.
 */

/** A prepared workload on the active backend: run steps, then dispose. */
export interface WorkloadInstance {
  /**
   * One complete training step (forward, backward, optimizer update) that reads the loss back
   * to the CPU (so all queued work has finished). Returns the loss, or a promise of it where the
   * read-back is asynchronous (a GPU backend cannot read synchronously).
   */
  step(): number | Promise<number>;
  /**
   * Floating-point operations per training step by the workload's documented formula (matmul
   * FLOPs, forward + backward ≈ 3 × forward). Used for GFLOP/s.
   */
  readonly flopsPerStep: number;
  /** Short statement of the FLOP formula (printed in --json output). */
  readonly flopFormula: string;
  /** Where the data came from, when that is a choice (e.g. "ETTh1 used, LSTNet electricity not found"). */
  readonly note?: string;
  /** Release every tensor and variable the instance created. */
  dispose(): void;
  /** Called once before the timed steps: start the instance's own counters afresh (optional). */
  startTiming?(): void;
  /** Facts measured by the instance over the timed steps, merged into the result's details (optional). */
  report?(): Record<string, unknown>;
}

export interface Workload {
  /** CLI name, e.g. "mlp-vae". */
  readonly name: string;
  /** One line for `dive bench --help`. */
  readonly description: string;
  /** Samples per training step (the batch size). */
  readonly samplesPerStep: number;
  /** Build the model, optimizer and data (seeded) on the currently active backend. */
  create(seed: number): Promise<WorkloadInstance>;
  /**
   * The same training step data-parallel over `workers` worker threads (lib/parallel), for
   * the `wasm-parallel` variant; absent when the workload has no data-parallel version.
   */
  createParallel?(seed: number, options: { workers: number; fastKernels?: boolean }): Promise<WorkloadInstance>;
}

/** What one (workload, backend variant) run measured. */
export interface BenchResult {
  workload: string;
  /** Backend variant name, e.g. "wasm" or "wasm-reference". */
  backend: string;
  /** 'ok', or 'skipped' with `reason` (backend unavailable, workload unavailable). */
  status: 'ok' | 'skipped';
  reason?: string;
  /** Backend facts (simd, threads, fast kernels). */
  details?: Record<string, unknown>;
  warmupSteps?: number;
  /** Wall-clock ms of each timed step. */
  stepMs?: number[];
  medianMs?: number;
  p10Ms?: number;
  p90Ms?: number;
  /** Fastest timed step (least disturbed by other processes on a shared machine). */
  minMs?: number;
  /**
   * CPU time (user + system) of this process per timed step, ms. On a machine shared with other
   * jobs this is far less sensitive to time-slicing than wall-clock; single-threaded backends
   * (wasm, cpu) use ≈ 1 CPU-ms per wall-ms when the machine is idle.
   */
  cpuMs?: number[];
  medianCpuMs?: number;
  /** flopsPerStep / median CPU time per step. */
  gflopsPerCpuSec?: number;
  samplesPerSec?: number;
  /** flopsPerStep / median step time. */
  gflops?: number;
  flopsPerStep?: number;
  flopFormula?: string;
  /** The workload's data note, if any. */
  note?: string;
  /** Loss at the first and last timed step (a sanity check that training moves). */
  firstLoss?: number;
  lastLoss?: number;
  /** Peak resident set size of the measuring process, MiB. */
  peakRssMiB?: number;
  /** True when measured in a fresh child process (peak RSS is then this run's own). */
  isolated?: boolean;
  /** Time per kernel over extra profiled steps (`dive bench --profile`; see run.ts KernelProfile). */
  profile?: {
    steps: number;
    stepMs: number;
    kernelMs: number;
    kernels: { name: string; ms: number; calls: number; share: number }[];
  };
}
