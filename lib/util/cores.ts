import * as os from 'node:os';

/** Cores Node may use (os.availableParallelism, else the CPU count). */
export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : Math.max(1, os.cpus().length);
}

let oneOfSeveral = false;

/**
 * Declare this process one of several running side by side (`dive reproduce`'s shards): the
 * speed lab's OpenBLAS then defaults to one thread (its summation order depends on the thread
 * count, and sharded and unsharded reproductions must give the same numbers).
 */
export function declareOneOfSeveralProcesses(): void {
  oneOfSeveral = true;
}

/** True once `declareOneOfSeveralProcesses` ran in this process. */
export function oneOfSeveralProcesses(): boolean {
  return oneOfSeveral;
}
