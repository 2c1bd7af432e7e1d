/**
 * Synchronous data-parallel training over worker_threads.
 *
 * W workers (default: one per core, `DIVE_WORKERS` overrides) each run their own tfjs backend
 * (wasm + the fast matMul kernels by default, via initBackend) and an identical replica of the
 * model (./replicas.ts, built from the same spec and seed). The main thread computes nothing:
 * per step it writes the batch into shared input buffers (`trainer.inputs`, or `setBatch`),
 * writes each worker's shard (contiguous rows, sizes differing by ≤ 1) into the control block
 * and waits; the workers compute their shard's gradient, average the gradients in shared
 * memory (reduce-scatter, weights n_w / N), and the optimizer update follows (./worker.ts).
 * Nothing is allocated for data exchange per step.
 *
 * Two update strategies (`update`), measured on mlp-vae in docs/performance.md:
 * - `sharded` (default when the replica declares its Adam hyper-parameters): the master
 *   weights and Adam moments live in shared memory; worker w runs Adam (./sharedAdam.ts, one
 *   fused loop) on chunk w of the parameters only, then every replica loads the new weights.
 *   The optimizer's work is split W ways instead of repeated, and tfjs's ≈10 elementwise
 *   kernels per variable become one pass; the price is one weight copy into each wasm heap.
 *   Replicas are bit-identical by construction (they load the same bits).
 * - `replicated`: every worker runs its replica's own tfjs optimizer on the whole averaged
 *   gradient (no weight copy, but the update is done W times). Replicas stay bit-identical
 *   because deterministic kernels see identical numbers (tests check it via `snapshot`).
 * Rejected: updating on the main thread and broadcasting weights — a serial section while
 * the workers idle, plus the same weight copy as `sharded`.
 *
 * `step` blocks the calling thread (Atomics.wait) until the workers are done, like a
 * single-thread training step does.
 */
import type { Worker } from 'node:worker_threads';
import { Cmd, ERROR_BYTES, Slot, controlLength, readFailure, tensorCountSlot, type CmdCode } from './control';
import { defaultWorkerCount, shardRows } from './shards';
import { startWorker } from './spawn';
import type { InputSpec, ReplicaSpec } from './types';
import { TIMING_PARTS, type BuffersMessage, type ReadyMessage, type TimingPart, type WorkerInit } from './protocol';

export interface DataParallelConfig {
  /** The model replica every worker builds (kind, config, seed). */
  replica: ReplicaSpec;
  /** Named inputs of a batch. */
  inputs: InputSpec[];
  /** Largest batch (rows) a step may use; the shared input buffers have this many rows. */
  maxRows: number;
  /** Worker threads. Default `defaultWorkerCount()` (DIVE_WORKERS, else the core count). */
  workers?: number;
  /** tfjs backend of the workers. Default 'wasm'. */
  backend?: string;
  /** Fast wasm matMul kernels in the workers; default: the DIVE_FAST_KERNELS policy (on). */
  fastKernels?: boolean;
  /** Milliseconds one command may take before the trainer gives up. Default 600,000. */
  timeoutMs?: number;
  /** Optimizer update strategy (module comment). Default 'sharded' when the replica has `adam`, else 'replicated'. */
  update?: 'sharded' | 'replicated';
}

/**
 * The next message of a starting worker, which must be of `type`; rejects on an error message,
 * an uncaught error or an exit. Removes its listeners once settled.
 */
function reply<T extends { type: string }>(t: Worker, index: number, type: T['type']): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      t.off('message', onMessage).off('error', onError).off('exit', onExit);
    };
    const onMessage = (m: T | { type: 'error'; message: string }): void => {
      done();
      if (m.type === type) resolve(m as T);
      else reject(new Error(`data-parallel worker ${index} failed to start: ${'message' in m ? m.message : m.type}`));
    };
    const onError = (e: Error): void => {
      done();
      reject(new Error(`data-parallel worker ${index} failed to start: ${e.message}`));
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`data-parallel worker ${index} exited with code ${code} while starting`));
    };
    t.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/** Thrown by `step` when the summed loss is NaN/±∞; no replica was updated. */
export class NonFiniteLoss extends Error {}

const CMD_NAMES: Record<CmdCode, string> = { [Cmd.STEP]: 'step', [Cmd.GRADIENT]: 'gradient', [Cmd.SNAPSHOT]: 'snapshot', [Cmd.EXIT]: 'exit' };

export class DataParallelTrainer {
  /** Worker count W. */
  readonly workers: number;
  /** Largest batch a step may have. */
  readonly maxRows: number;
  /** Shared input buffers, [maxRows, ...rowShape] row-major each: write a batch's rows here. */
  readonly inputs: Readonly<Record<string, Float32Array | Int32Array>>;
  /** Variable sizes per phase (identical on every replica). */
  readonly sizes: readonly (readonly number[])[];
  /** Sizes of every trainable variable (union over phases): the layout of `snapshot`. */
  readonly allSizes: readonly number[];
  /** Backend facts reported by worker 0 (backend name, simd, threads), the worker count and update strategy. */
  readonly details: Record<string, unknown>;
  /** The update strategy in use. */
  readonly update: 'sharded' | 'replicated';
  private readonly ctl: Int32Array;
  private readonly errorBytes: Uint8Array;
  private readonly threads: Worker[];
  private readonly grads: Float32Array;
  private readonly average: Float32Array;
  private readonly losses: Float64Array;
  private readonly timings: Float64Array;
  private readonly theta: Float32Array | undefined;
  private readonly slotSize: number;
  private readonly timeoutMs: number;
  private readonly rowSizes: Record<string, number>;
  private stepCount = 0;
  /** Uncaught errors of worker threads, by worker (set by 'error' events between commands). */
  private readonly threadErrors: (string | undefined)[] = [];
  private broken: string | undefined;
  private closed = false;

  private constructor(args: {
    config: DataParallelConfig;
    workers: number;
    threads: Worker[];
    ctl: Int32Array;
    errorBytes: Uint8Array;
    inputs: Record<string, Float32Array | Int32Array>;
    ready: ReadyMessage;
    buffers: BuffersMessage;
    update: 'sharded' | 'replicated';
  }) {
    this.update = args.update;
    this.workers = args.workers;
    this.maxRows = args.config.maxRows;
    this.threads = args.threads;
    this.ctl = args.ctl;
    this.errorBytes = args.errorBytes;
    this.inputs = args.inputs;
    this.sizes = args.ready.sizes;
    this.allSizes = args.ready.allSizes;
    this.details = { ...args.ready.details, workers: args.workers, update: args.update };
    this.grads = new Float32Array(args.buffers.grads);
    this.average = new Float32Array(args.buffers.average);
    this.losses = new Float64Array(args.buffers.losses);
    this.timings = new Float64Array(args.buffers.timings);
    if (args.buffers.theta) this.theta = new Float32Array(args.buffers.theta);
    this.slotSize = this.average.length;
    this.timeoutMs = args.config.timeoutMs ?? 600_000;
    this.rowSizes = Object.fromEntries(args.config.inputs.map((s) => [s.name, s.rowShape.reduce((a, b) => a * b, 1)]));
  }

  /** Start the workers, build the replicas and allocate the shared buffers. */
  static async create(config: DataParallelConfig): Promise<DataParallelTrainer> {
    const W = config.workers ?? defaultWorkerCount();
    if (!Number.isInteger(W) || W < 1) throw new Error(`workers must be a positive integer, got ${W}`);
    if (!Number.isInteger(config.maxRows) || config.maxRows < 1) throw new Error(`maxRows must be a positive integer, got ${config.maxRows}`);
    const names = new Set<string>();
    for (const s of config.inputs) {
      if (names.has(s.name)) throw new Error(`input '${s.name}' is listed twice`);
      names.add(s.name);
    }
    const control = new SharedArrayBuffer(4 * controlLength(W));
    const errors = new SharedArrayBuffer(ERROR_BYTES);
    const inputBuffers = config.inputs.map((s) => new SharedArrayBuffer(4 * config.maxRows * s.rowShape.reduce((a, b) => a * b, 1)));
    const inputs: Record<string, Float32Array | Int32Array> = {};
    config.inputs.forEach((s, i) => (inputs[s.name] = s.dtype === 'int32' ? new Int32Array(inputBuffers[i]) : new Float32Array(inputBuffers[i])));
    const threads: Worker[] = [];
    try {
      const readies = await Promise.all(
        Array.from({ length: W }, (_, index) => {
          const init: WorkerInit = {
            index,
            workers: W,
            spec: config.replica,
            inputs: config.inputs,
            inputBuffers,
            control,
            errors,
            backend: config.backend ?? 'wasm',
            ...(config.fastKernels === undefined ? {} : { fastKernels: config.fastKernels }),
          };
          const t = startWorker(init);
          threads.push(t);
          return reply<ReadyMessage>(t, index, 'ready');
        }),
      );
      const ref = JSON.stringify([readies[0].sizes, readies[0].allSizes]);
      readies.forEach((r, i) => {
        if (JSON.stringify([r.sizes, r.allSizes]) !== ref) throw new Error(`data-parallel worker ${i} built a replica with other variable sizes than worker 0`);
      });
      const update = config.update ?? (readies[0].adam ? 'sharded' : 'replicated');
      if (update === 'sharded' && !readies[0].adam) throw new Error(`replica kind '${config.replica.kind}' declares no Adam hyper-parameters: use update 'replicated'`);
      const P = Math.max(readies[0].allSizes.reduce((a, b) => a + b, 0), ...readies[0].sizes.map((s) => s.reduce((a, b) => a + b, 0)));
      const buffers: BuffersMessage = {
        type: 'buffers',
        grads: new SharedArrayBuffer(4 * W * P),
        average: new SharedArrayBuffer(4 * P),
        losses: new SharedArrayBuffer(8 * W),
        timings: new SharedArrayBuffer(8 * W * TIMING_PARTS.length),
        ...(update === 'sharded'
          ? { theta: new SharedArrayBuffer(4 * P), m: new SharedArrayBuffer(4 * P), v: new SharedArrayBuffer(4 * P), norms: new SharedArrayBuffer(8 * W) }
          : {}),
        mode: update,
      };
      await Promise.all(
        threads.map((t, index) => {
          const attached = reply(t, index, 'attached');
          t.postMessage(buffers);
          return attached;
        }),
      );
      const trainer = new DataParallelTrainer({ config, workers: W, threads, ctl: new Int32Array(control), errorBytes: new Uint8Array(errors), inputs, ready: readies[0], buffers, update });
      threads.forEach((t, index) => {
        // Only a crash outside the command loop's try (e.g. out of memory) lands here; the next
        // command reports it.
        t.on('error', (e) => (trainer.threadErrors[index] = e.message));
        t.unref(); // a trainer that was never disposed does not keep the process alive
      });
      return trainer;
    } catch (err) {
      await Promise.all(threads.map((t) => t.terminate()));
      throw err;
    }
  }

  /** Steps taken so far (the step index that seeds each step's noise). */
  get steps(): number {
    return this.stepCount;
  }

  /** Copy a batch (row-major arrays, `rows` rows each) into the shared input buffers. */
  setBatch(batch: Readonly<Record<string, ArrayLike<number>>>, rows: number): void {
    for (const [name, buf] of Object.entries(this.inputs)) {
      const src = batch[name];
      if (!src) throw new Error(`batch has no input '${name}'`);
      const n = rows * this.rowSizes[name];
      if (src.length < n) throw new Error(`input '${name}' has ${src.length} numbers, ${rows} rows need ${n}`);
      if (src.length === n) buf.set(src);
      else for (let i = 0; i < n; i++) buf[i] = src[i];
    }
  }

  /**
   * One synchronous training step on the first `rows` rows of the shared inputs (phase `phase`
   * of the replica): shard gradients, their average, one identical optimizer update on every
   * replica. Returns the full-batch mean loss (Σ_w n_w/N · shard mean). Throws NonFiniteLoss
   * (nothing updated) when that loss is not finite.
   */
  step(rows = this.maxRows, phase = 0): number {
    this.prepare(rows, phase);
    this.command(Cmd.STEP);
    const loss = this.summedLoss();
    const step = this.stepCount++;
    if (Atomics.load(this.ctl, Slot.SKIPPED) !== 0) throw new NonFiniteLoss(`data-parallel step ${step}: loss is ${loss}; no update was applied`);
    return loss;
  }

  /**
   * The averaged full-batch gradient of phase `phase` on the first `rows` rows at the current
   * step index, without updating (copies, one Float32Array per variable of the phase).
   */
  gradient(rows = this.maxRows, phase = 0): { loss: number; grads: Float32Array[] } {
    this.prepare(rows, phase);
    this.command(Cmd.GRADIENT);
    const grads: Float32Array[] = [];
    let at = 0;
    for (const n of this.sizes[phase]) {
      grads.push(this.average.slice(at, at + n));
      at += n;
    }
    return { loss: this.summedLoss(), grads };
  }

  /** Every replica's current weights, concatenated in `allSizes` order (copies, one per worker). */
  snapshot(): Float32Array[] {
    this.command(Cmd.SNAPSHOT);
    const P = this.allSizes.reduce((a, b) => a + b, 0);
    return Array.from({ length: this.workers }, (_, w) => this.grads.slice(w * this.slotSize, w * this.slotSize + P));
  }

  /**
   * Each worker's cumulative wall-clock ms per part of its steps since the start (or the last
   * reset): gradient (shard forward + backward + copy out), wait (at the two barriers: load
   * imbalance, or a core taken by another process), reduce (its chunk of the average), update
   * (the optimizer: its chunk under `sharded`, everything under `replicated`), load (`sharded`:
   * the new weights into the replica).
   */
  workerTimings(reset = false): Record<TimingPart, number>[] {
    const out = Array.from({ length: this.workers }, (_, w) =>
      Object.fromEntries(TIMING_PARTS.map((p, i) => [p, this.timings[w * TIMING_PARTS.length + i]])) as Record<TimingPart, number>,
    );
    if (reset) this.timings.fill(0);
    return out;
  }

  /**
   * The current weights in the `allSizes` layout (a copy): the shared master weights under the
   * `sharded` update, replica 0's weights under `replicated`.
   */
  weights(): Float32Array {
    if (this.theta) return this.theta.slice();
    return this.snapshot()[0];
  }

  /** Each worker's live tfjs tensor count after its last command (leak checks). */
  workerTensorCounts(): number[] {
    return Array.from({ length: this.workers }, (_, w) => Atomics.load(this.ctl, tensorCountSlot(this.workers, w)));
  }

  private prepare(rows: number, phase: number): void {
    if (!Number.isInteger(rows) || rows < 1 || rows > this.maxRows) throw new Error(`rows must be an integer from 1 to ${this.maxRows}, got ${rows}`);
    if (!Number.isInteger(phase) || phase < 0 || phase >= this.sizes.length) throw new Error(`phase must be an integer from 0 to ${this.sizes.length - 1}, got ${phase}`);
    const ctl = this.ctl;
    ctl[Slot.STEP] = this.stepCount;
    ctl[Slot.PHASE] = phase;
    ctl[Slot.ROWS] = rows;
    shardRows(rows, this.workers).forEach((s, w) => {
      ctl[Slot.SHARDS + 2 * w] = s.offset;
      ctl[Slot.SHARDS + 2 * w + 1] = s.count;
    });
  }

  private summedLoss(): number {
    let loss = 0;
    for (let w = 0; w < this.workers; w++) loss += this.losses[w];
    return loss;
  }

  /** Issue one command and block until every worker has finished it. */
  private command(cmd: CmdCode): void {
    if (this.closed) throw new Error('the data-parallel trainer is disposed');
    if (this.broken) throw new Error(`the data-parallel trainer is unusable after an earlier failure (${this.broken})`);
    const crashed = this.threadErrors.findIndex((e) => e !== undefined);
    if (crashed >= 0) this.fail(`worker ${crashed} crashed: ${this.threadErrors[crashed]}`);
    const ctl = this.ctl;
    Atomics.store(ctl, Slot.DONE, 0);
    Atomics.store(ctl, Slot.SKIPPED, 0);
    Atomics.store(ctl, Slot.CMD, cmd);
    Atomics.add(ctl, Slot.SEQ, 1);
    Atomics.notify(ctl, Slot.SEQ);
    const deadline = Date.now() + this.timeoutMs;
    let done: number;
    while ((done = Atomics.load(ctl, Slot.DONE)) < this.workers) {
      const dead = this.threads.findIndex((t) => t.threadId === -1);
      if (dead >= 0) this.fail(`worker ${dead} exited during ${CMD_NAMES[cmd]}`);
      if (Date.now() > deadline) this.fail(`${CMD_NAMES[cmd]} took longer than ${this.timeoutMs} ms`);
      Atomics.wait(ctl, Slot.DONE, done, 250);
    }
    if (Atomics.load(ctl, Slot.ERR) !== 0) this.fail(readFailure(this.errorBytes));
  }

  private fail(why: string): never {
    this.broken = why;
    throw new Error(`data-parallel training failed: ${why}`);
  }

  /**
   * Stop the workers (replicas disposed in each worker) and wait until they have exited.
   * Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.dispose();
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  /** Stop the workers without waiting for their exit (synchronous; for WorkloadInstance.dispose). */
  dispose(): void {
    if (this.closed) return;
    if (!this.broken) {
      try {
        this.command(Cmd.EXIT);
      } catch {
        // fall through to terminate
      }
    }
    this.closed = true;
    for (const t of this.threads) void t.terminate();
  }
}
