/**
 * Messages between the trainer (main thread) and its workers at start-up, and the layout of
 * the shared timing counters. After start-up all exchange goes through ./control.ts.
 */
import type { InputSpec, ReplicaSpec } from './types';
import type { SharedAdamConfig } from './sharedAdam';

/** What the trainer passes in `workerData`. */
export interface WorkerInit {
  index: number;
  workers: number;
  spec: ReplicaSpec;
  inputs: InputSpec[];
  /** Shared buffers of the inputs, [maxRows, ...rowShape] each, in `inputs` order. */
  inputBuffers: SharedArrayBuffer[];
  control: SharedArrayBuffer;
  errors: SharedArrayBuffer;
  /** tfjs backend name for initBackend (default 'wasm'). */
  backend: string;
  /** Fast wasm matMul kernels on/off (undefined: DIVE_FAST_KERNELS policy). */
  fastKernels?: boolean;
}

/** Sent once the replica is built: sizes[phase][i] = size of variable i of the phase. */
export interface ReadyMessage {
  type: 'ready';
  sizes: number[][];
  /** Size of every trainable variable of the replica (union over phases), the snapshot layout. */
  allSizes: number[];
  /** The replica's Adam hyper-parameters (present when it supports the sharded update). */
  adam?: SharedAdamConfig;
  details: Record<string, unknown>;
}

/** The buffers sent after every worker is ready. */
export interface BuffersMessage {
  type: 'buffers';
  /** float32 [W × P]: one slot of P numbers per worker. */
  grads: SharedArrayBuffer;
  /** float32 [P]: the averaged gradient. */
  average: SharedArrayBuffer;
  /** float64 [W]: each worker's weighted shard loss. */
  losses: SharedArrayBuffer;
  /** float64 [W × TIMING_PARTS]: each worker's cumulative ms per part of a step. */
  timings: SharedArrayBuffer;
  /** `sharded` update only: float32 [P] master weights θ and Adam moments m, v; float64 [W] partial ‖g‖². */
  theta?: SharedArrayBuffer;
  m?: SharedArrayBuffer;
  v?: SharedArrayBuffer;
  norms?: SharedArrayBuffer;
  /** The update strategy in effect (see DataParallelConfig.update). */
  mode: 'sharded' | 'replicated';
}

/** Parts of a step timed by every worker (cumulative ms in the shared timings buffer). */
export const TIMING_PARTS = ['gradient', 'wait', 'reduce', 'update', 'load'] as const;
export type TimingPart = (typeof TIMING_PARTS)[number];
