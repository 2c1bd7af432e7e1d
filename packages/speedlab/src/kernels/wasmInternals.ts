/**
 * The few internals of the tfjs wasm backend (`BackendWasm`, tfjs-backend-wasm 4.22) that the
 * replacement kernels use, typed narrowly so that a version change fails loudly in one place.
 *
 * Inside a kernel, tensors are `TensorInfo`s (data id + shape + dtype), not engine-tracked
 * `tf.Tensor`s: temporaries made with `makeOutput` or by calling another kernel function must
 * be released with `release` before the kernel returns, or wasm heap memory leaks (the engine's
 * `tf.memory().numTensors` would not notice, but `numBytes` and the heap would grow).
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmMemory } from '../gemm/gemm';

/** One entry of the backend's data map (a buffer on the wasm heap). */
interface WasmTensorData {
  /** The id the C++ side knows the buffer by. */
  id: number;
  /** Byte offset of the buffer in wasm memory. */
  memoryOffset: number;
  refCount: number;
}

/** The parts of `BackendWasm` the replacement kernels touch. */
export interface WasmBackendLike {
  dataIdMap: { get(dataId: tf.TensorInfo['dataId']): WasmTensorData | undefined };
  /** Allocate an uninitialised output buffer of `shape` on the wasm heap (refCount 1). */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** Increment the refCount (another tensor shares the buffer, as Reshape does). */
  incRef(dataId: tf.TensorInfo['dataId']): void;
  /** Decrement the refCount; frees the buffer (and the C++ side's cached operators) at 0. */
  disposeData(dataId: tf.TensorInfo['dataId'], force?: boolean): boolean;
  /** A Float32Array/Int32Array view of the buffer (valid until the next heap allocation). */
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  /** The Emscripten module; `asm.memory` is its WebAssembly.Memory (the heap). */
  wasm: { asm: { memory: WasmMemory } };
}

/** Narrow the engine-provided backend object, checking the members we rely on exist. */
export function asWasmBackend(backend: unknown): WasmBackendLike {
  const b = backend as Partial<WasmBackendLike> | null;
  if (
    !b ||
    typeof b.makeOutput !== 'function' ||
    typeof b.disposeData !== 'function' ||
    typeof b.incRef !== 'function' ||
    typeof b.typedArrayFromHeap !== 'function' ||
    !b.dataIdMap
  ) {
    throw new Error('fast wasm kernels: the backend is not a tfjs-backend-wasm 4.x BackendWasm');
  }
  return b as WasmBackendLike;
}

/** Release a kernel-internal temporary (one reference to its buffer). */
export function release(backend: WasmBackendLike, info: tf.TensorInfo): void {
  backend.disposeData(info.dataId);
}

/** A view of the same buffer with another shape (no copy; no new reference). */
export function withShape(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** Float32 view of a float32 buffer; re-fetch after any allocation (the heap may have moved). */
export function f32(backend: WasmBackendLike, info: tf.TensorInfo): Float32Array {
  const v = backend.typedArrayFromHeap(info);
  if (!(v instanceof Float32Array)) throw new Error(`fast wasm kernels: expected float32 data, got ${info.dtype}`);
  return v;
}

/** The backend's heap (the WebAssembly.Memory every tensor buffer lives in). */
export function heapMemory(backend: WasmBackendLike): WasmMemory {
  const memory = backend.wasm?.asm?.memory;
  if (!memory || !(memory.buffer instanceof ArrayBuffer)) throw new Error('fast wasm kernels: the wasm backend does not expose its memory (wasm.asm.memory)');
  return memory;
}

/** Byte address of a tensor's buffer on the heap. */
export function heapOffset(backend: WasmBackendLike, info: tf.TensorInfo): number {
  const d = backend.dataIdMap.get(info.dataId);
  if (!d) throw new Error('fast wasm kernels: tensor data is not on the wasm heap');
  return d.memoryOffset;
}
