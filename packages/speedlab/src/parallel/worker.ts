/**
 * Entry point of one data-parallel worker thread (started by ./trainer.ts; not for direct use).
 *
 * Start-up (asynchronous, by message): initialise its own tfjs backend (wasm + fast kernels by
 * default, via initBackend), build the replica, report the variable sizes per phase; receive
 * the shared buffers (worker 0 seeds the master weights), report 'attached'; then enter the synchronous command loop of ./control.ts, which blocks
 * this thread's event loop until EXIT (every later exchange goes through shared memory).
 *
 * One STEP / GRADIENT on worker w of W, phase p with P_p gradient numbers:
 *   1. tensors of its shard's rows of every input (copied from the shared input buffers);
 *   2. (count/total) · mean shard loss and its gradient (tf.variableGrads) → its slot of the
 *      shared gradient buffer [W × P] (float32), its loss → the shared loss slots (float64);
 *   3. barrier; reduce-scatter: worker w sums chunk w of the P_p numbers over the W slots in
 *      slot order 0…W−1 (float64 accumulation, one rounding) into the shared average buffer;
 *   4. (STEP, `replicated` update) barrier; if the summed loss is finite, every worker applies
 *      its replica's optimizer to the whole averaged gradient, so replicas stay bit-identical;
 *   4'. (STEP, `sharded` update) worker w adds Σ chunk² to the shared partial norms; barrier;
 *      if loss and gradient norm are finite, it runs Adam (./sharedAdam.ts) on chunk w of the
 *      shared master weights and moments; barrier; every worker loads the phase's variables
 *      from the master weights (so replicas are bit-identical by construction).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from 'divelab/lib/backend/select';
import { registerFastWasmKernels, restoreWasmKernels } from '../kernels/register';
import { asWasmBackend } from '../kernels/wasmInternals';
import { Cmd, PeerFailed, Slot, barrier, reportFailure, tensorCountSlot } from './control';
import { createReplica } from './replicas';
import { chunk } from './shards';
import type { Replica, ShardInfo } from './types';
import { TIMING_PARTS, type BuffersMessage, type ReadyMessage, type WorkerInit } from './protocol';
import { adamChunk, sumOfSquares, type Segment } from './sharedAdam';

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

class WorkerLoop {
  private readonly ctl: Int32Array;
  private readonly errorBytes: Uint8Array;
  private readonly inputs: (Float32Array | Int32Array)[];
  private readonly rowSizes: number[];
  /** Unique variables of all phases, in first-seen order (the snapshot layout). */
  private readonly allVariables: tf.Variable[];
  private grads!: Float32Array;
  private average!: Float32Array;
  private losses!: Float64Array;
  private timings!: Float64Array;
  private slotSize = 0;
  /** `sharded` update: master weights, moments, partial norms, per-variable step counts, segments per phase. */
  private theta?: Float32Array;
  private m?: Float32Array;
  private v?: Float32Array;
  private norms?: Float64Array;
  private readonly adamSteps: Int32Array;
  private readonly segments: Segment[][];

  constructor(private readonly init: WorkerInit, private readonly replica: Replica) {
    this.ctl = new Int32Array(init.control);
    this.errorBytes = new Uint8Array(init.errors);
    this.inputs = init.inputs.map((s, i) => (s.dtype === 'int32' ? new Int32Array(init.inputBuffers[i]) : new Float32Array(init.inputBuffers[i])));
    this.rowSizes = init.inputs.map((s) => s.rowShape.reduce((a, b) => a * b, 1));
    const seen = new Set<tf.Variable>();
    this.allVariables = [];
    for (let p = 0; p < replica.phases; p++) {
      for (const v of replica.variables(p)) {
        if (!seen.has(v)) {
          seen.add(v);
          this.allVariables.push(v);
        }
      }
    }
    this.adamSteps = new Int32Array(this.allVariables.length);
    const masterOffset: number[] = [];
    this.allVariables.reduce((at, v) => (masterOffset.push(at), at + v.size), 0);
    this.segments = Array.from({ length: replica.phases }, (_, p) => {
      let at = 0;
      return replica.variables(p).map((v) => {
        const k = this.allVariables.indexOf(v);
        const seg = { gradOffset: at, masterOffset: masterOffset[k], size: v.size, variable: k, decay: v.rank >= 2 };
        at += v.size;
        return seg;
      });
    });
  }

  ready(details: Record<string, unknown>): ReadyMessage {
    const sizes = Array.from({ length: this.replica.phases }, (_, p) => this.replica.variables(p).map((v) => v.size));
    return { type: 'ready', sizes, allSizes: this.allVariables.map((v) => v.size), details, ...(this.replica.adam ? { adam: this.replica.adam } : {}) };
  }

  attach(m: BuffersMessage): void {
    this.grads = new Float32Array(m.grads);
    this.average = new Float32Array(m.average);
    this.losses = new Float64Array(m.losses);
    this.timings = new Float64Array(m.timings);
    this.slotSize = this.average.length;
    if (m.mode === 'sharded') {
      if (!m.theta || !m.m || !m.v || !m.norms || !this.replica.adam) throw new Error('sharded update without shared optimizer buffers');
      this.theta = new Float32Array(m.theta);
      this.m = new Float32Array(m.m);
      this.v = new Float32Array(m.v);
      this.norms = new Float64Array(m.norms);
      // Worker 0 seeds the master weights (every replica starts identical); the trainer's
      // create() returns only after every worker has attached, so nobody reads them earlier.
      if (this.init.index === 0) {
        let at = 0;
        for (const v of this.allVariables) {
          this.copyOut(v, this.theta, at);
          at += v.size;
        }
      }
    }
  }

  /** The command loop; returns after EXIT. */
  run(): void {
    const { ctl } = this;
    let seen = 0;
    for (;;) {
      let seq: number;
      while ((seq = Atomics.load(ctl, Slot.SEQ)) === seen) Atomics.wait(ctl, Slot.SEQ, seen);
      seen = seq;
      const cmd = Atomics.load(ctl, Slot.CMD);
      try {
        if (cmd === Cmd.STEP || cmd === Cmd.GRADIENT) this.gradientStep(cmd === Cmd.STEP);
        else if (cmd === Cmd.SNAPSHOT) this.snapshot();
        else if (cmd === Cmd.EXIT) this.replica.dispose();
        else throw new Error(`unknown command ${cmd}`);
      } catch (err) {
        if (!(err instanceof PeerFailed)) {
          const e = err as Error;
          reportFailure(ctl, this.errorBytes, this.init.index, `worker ${this.init.index}: ${e.message ?? String(err)}`);
        }
      }
      Atomics.store(ctl, tensorCountSlot(this.init.workers, this.init.index), tf.memory().numTensors);
      Atomics.add(ctl, Slot.DONE, 1);
      Atomics.notify(ctl, Slot.DONE);
      if (cmd === Cmd.EXIT) return;
    }
  }

  private shard(): ShardInfo {
    const w = this.init.index;
    return { offset: this.ctl[Slot.SHARDS + 2 * w], count: this.ctl[Slot.SHARDS + 2 * w + 1], total: this.ctl[Slot.ROWS] };
  }

  /** Copy a gradient tensor's numbers into `dst` at `at` (a view of the wasm heap when possible). */
  private copyOut(t: tf.Tensor, dst: Float32Array, at: number): void {
    if (tf.getBackend() === 'wasm') {
      const b = asWasmBackend(tf.backend());
      const v = b.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
      dst.set(v as Float32Array, at);
    } else {
      dst.set(t.dataSync() as Float32Array, at);
    }
  }

  private gradientStep(update: boolean): void {
    const { ctl, replica } = this;
    const w = this.init.index;
    const W = this.init.workers;
    const phase = ctl[Slot.PHASE];
    const step = ctl[Slot.STEP];
    const shard = this.shard();
    const vars = replica.variables(phase);
    const sizes = vars.map((v) => v.size);
    const P = sum(sizes);
    const slot = this.grads.subarray(w * this.slotSize, w * this.slotSize + P);
    const T = w * TIMING_PARTS.length;
    let t0 = performance.now();
    const lap = (part: number): void => {
      const t = performance.now();
      this.timings[T + part] += t - t0;
      t0 = t;
    };
    if (shard.count > 0) {
      const { value, grads } = tf.variableGrads(() => {
        const inputs: Record<string, tf.Tensor> = {};
        this.init.inputs.forEach((s, i) => {
          const rs = this.rowSizes[i];
          const view = this.inputs[i].subarray(shard.offset * rs, (shard.offset + shard.count) * rs);
          inputs[s.name] = tf.tensor(view, [shard.count, ...s.rowShape], s.dtype);
        });
        // Weight shard w by count/total: Σ_w (n_w/N) · mean_w = the full-batch mean.
        return tf.mul(replica.loss(inputs, shard, step, phase), shard.count / shard.total) as tf.Scalar;
      }, vars as tf.Variable[]);
      try {
        this.losses[w] = value.dataSync()[0];
        let at = 0;
        vars.forEach((v, i) => {
          const g = grads[v.name];
          if (g) this.copyOut(g, slot, at);
          else slot.fill(0, at, at + sizes[i]); // the loss does not reach v
          at += sizes[i];
        });
      } finally {
        value.dispose();
        tf.dispose(Object.values(grads));
      }
    } else {
      this.losses[w] = 0;
      slot.fill(0);
    }
    lap(0);
    barrier(ctl, W);
    lap(1);
    // Reduce-scatter: this worker sums its chunk over all slots, in slot order.
    const [lo, hi] = chunk(P, W, w);
    const S = this.slotSize;
    const g = this.grads;
    const avg = this.average;
    if (W === 2) {
      for (let i = lo; i < hi; i++) avg[i] = g[i] + g[S + i];
    } else {
      for (let i = lo; i < hi; i++) {
        let s = 0;
        for (let k = 0; k < W; k++) s += g[k * S + i];
        avg[i] = s;
      }
    }
    lap(2);
    if (update && this.theta) return this.shardedUpdate(phase, lo, hi, lap);
    barrier(ctl, W);
    lap(1);
    if (!update) return;
    let loss = 0;
    for (let k = 0; k < W; k++) loss += this.losses[k];
    if (!Number.isFinite(loss)) {
      Atomics.store(ctl, Slot.SKIPPED, 1); // every worker skips the same update
      return;
    }
    const gradTensors: tf.Tensor[] = [];
    let at = 0;
    for (const v of vars) {
      gradTensors.push(tf.tensor(avg.subarray(at, at + v.size), v.shape, 'float32'));
      at += v.size;
    }
    try {
      tf.tidy(() => replica.applyGradients(gradTensors, step, phase));
    } finally {
      tf.dispose(gradTensors);
    }
    lap(3);
  }

  /** Steps 4' of the module comment: clip-norm, Adam on this worker's chunk, load the master weights. */
  private shardedUpdate(phase: number, lo: number, hi: number, lap: (part: number) => void): void {
    const { ctl } = this;
    const W = this.init.workers;
    const w = this.init.index;
    const norms = this.norms!;
    const theta = this.theta!;
    const adam = this.replica.adam!;
    norms[w] = sumOfSquares(this.average, lo, hi);
    lap(3);
    barrier(ctl, W);
    lap(1);
    let loss = 0;
    let sq = 0;
    for (let k = 0; k < W; k++) {
      loss += this.losses[k];
      sq += norms[k];
    }
    const norm = Math.sqrt(sq);
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
      Atomics.store(ctl, Slot.SKIPPED, 1); // every worker reaches the same verdict
      return;
    }
    const clip = adam.clipNorm ?? 0;
    const scale = clip > 0 && norm > clip ? clip / norm : 1;
    const segs = this.segments[phase];
    for (const s of segs) this.adamSteps[s.variable] += 1; // every worker counts every variable
    adamChunk(adam, segs, lo, hi, this.average, scale, theta, this.m!, this.v!, this.adamSteps);
    lap(3);
    barrier(ctl, W);
    lap(1);
    const vars = this.replica.variables(phase);
    tf.tidy(() => {
      segs.forEach((s, i) => vars[i].assign(tf.tensor(theta.subarray(s.masterOffset, s.masterOffset + s.size), vars[i].shape, 'float32')));
    });
    lap(4);
  }

  private snapshot(): void {
    const w = this.init.index;
    const slot = this.grads.subarray(w * this.slotSize, (w + 1) * this.slotSize);
    let at = 0;
    for (const v of this.allVariables) {
      this.copyOut(v, slot, at);
      at += v.size;
    }
  }
}

async function start(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('src/parallel/worker must run as a worker thread');
  const init = workerData as WorkerInit;
  let loop: WorkerLoop;
  try {
    const report = await initBackend(init.backend);
    if (report.active === 'wasm' && init.fastKernels !== undefined) {
      if (init.fastKernels) registerFastWasmKernels();
      else restoreWasmKernels();
    }
    const replica = createReplica(init.spec);
    loop = new WorkerLoop(init, replica);
    port.postMessage(loop.ready({ backend: report.active, ...report.details }));
  } catch (err) {
    port.postMessage({ type: 'error', message: (err as Error).message ?? String(err) });
    return;
  }
  port.once('message', (m: BuffersMessage) => {
    try {
      loop.attach(m);
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).message ?? String(err) });
      return;
    }
    // The trainer returns from create() only after every worker attached (shared state written).
    port.postMessage({ type: 'attached' });
    port.close();
    loop.run();
  });
}

void start();
