/**
 * The shared control block of a data-parallel trainer: one Int32Array over a SharedArrayBuffer
 * that the main thread and the W workers synchronise on with `Atomics` (no message passing per
 * step, so a step costs no event-loop round trips and allocates nothing for synchronisation).
 *
 * Protocol of one command (STEP, GRADIENT, SNAPSHOT, EXIT):
 *   main:    writes the arguments (step index, phase, shard rows), sets DONE = 0, stores the
 *            command code in CMD, increments SEQ and notifies SEQ;
 *   workers: wake on SEQ, run the command (meeting at `barrier` where they exchange data),
 *            increment DONE; the last one notifies DONE;
 *   main:    waits until DONE = W, then reads the results (loss slots, buffers) and ERR.
 * A worker that fails writes its message into the shared error bytes, sets ERR = its index + 1
 * and wakes every waiter; peers blocked in `barrier` then abort the command instead of hanging.
 */

/** Command codes (the CMD slot). */
export const Cmd = {
  /** Gradients on the shards, average, one optimizer update on every replica. */
  STEP: 1,
  /** Gradients on the shards and their average (left in the shared average buffer), no update. */
  GRADIENT: 2,
  /** Every worker copies its replica's weights into its own gradient slot. */
  SNAPSHOT: 3,
  /** Dispose the replica and leave the loop. */
  EXIT: 4,
} as const;
export type CmdCode = (typeof Cmd)[keyof typeof Cmd];

/** Slot indices of the control Int32Array. */
export const Slot = {
  SEQ: 0,
  CMD: 1,
  DONE: 2,
  ERR: 3,
  BARRIER_COUNT: 4,
  BARRIER_GEN: 5,
  /** Step index (seeds the replica's noise). */
  STEP: 6,
  /** Phase index of the replica (interleaved objectives); 0 for single-phase replicas. */
  PHASE: 7,
  /** Rows of the whole batch this command. */
  ROWS: 8,
  /** 1 when the step's summed loss was not finite and no update was applied. */
  SKIPPED: 9,
  /**
   * Per worker w: first row at SHARDS + 2w, row count at SHARDS + 2w + 1; after the 2W shard
   * slots, worker w's live tensor count (tf.memory().numTensors after its last command) at
   * SHARDS + 2W + w.
   */
  SHARDS: 16,
} as const;

/** Int32 slots needed for `workers` workers. */
export function controlLength(workers: number): number {
  return Slot.SHARDS + 3 * workers;
}

/** Slot of worker w's live tensor count. */
export function tensorCountSlot(workers: number, w: number): number {
  return Slot.SHARDS + 2 * workers + w;
}

/** Bytes reserved for a worker's error message (UTF-8, truncated). */
export const ERROR_BYTES = 4096;

/** Thrown inside a worker when a peer failed during the same command. */
export class PeerFailed extends Error {}

/**
 * A reusable barrier for `parties` threads on two control slots (count and generation). Waits
 * in slices of `sliceMs` so that a peer's failure (ERR ≠ 0) aborts the wait with PeerFailed.
 */
export function barrier(ctl: Int32Array, parties: number, sliceMs = 200): void {
  const gen = Atomics.load(ctl, Slot.BARRIER_GEN);
  if (Atomics.add(ctl, Slot.BARRIER_COUNT, 1) === parties - 1) {
    Atomics.store(ctl, Slot.BARRIER_COUNT, 0);
    Atomics.add(ctl, Slot.BARRIER_GEN, 1);
    Atomics.notify(ctl, Slot.BARRIER_GEN);
    return;
  }
  while (Atomics.load(ctl, Slot.BARRIER_GEN) === gen) {
    if (Atomics.load(ctl, Slot.ERR) !== 0) throw new PeerFailed('a peer worker failed');
    Atomics.wait(ctl, Slot.BARRIER_GEN, gen, sliceMs);
  }
}

/** Record a worker failure (first one wins) and wake every thread waiting on the block. */
export function reportFailure(ctl: Int32Array, errorBytes: Uint8Array, worker: number, message: string): void {
  if (Atomics.compareExchange(ctl, Slot.ERR, 0, worker + 1) === 0) {
    const bytes = new TextEncoder().encode(message.slice(0, ERROR_BYTES / 2));
    errorBytes.fill(0);
    errorBytes.set(bytes.subarray(0, ERROR_BYTES));
  }
  Atomics.notify(ctl, Slot.BARRIER_GEN);
  Atomics.notify(ctl, Slot.DONE);
}

/** The message a failed worker left (empty when none). */
export function readFailure(errorBytes: Uint8Array): string {
  const end = errorBytes.indexOf(0);
  // TextDecoder refuses views of shared memory: copy first.
  return new TextDecoder().decode(errorBytes.slice(0, end < 0 ? errorBytes.length : end));
}
