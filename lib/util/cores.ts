import * as os from 'node:os';

/** Cores Node may use (os.availableParallelism, else the CPU count). */
export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : Math.max(1, os.cpus().length);
}

/**
 * Kept on globalThis, not in this module: the speed lab reads it through its own import of this
 * module, and where two copies of divelab are loaded (a checkout whose node_modules belongs to
 * another checkout) a module variable set by one copy went unseen by the other, so its OpenBLAS
 * ran the evaluation's large products on every core and the numbers moved in the 9th digit.
 */
const KEY = Symbol.for('divelab.cores.oneOfSeveral');

/**
 * Declare this process one of several running side by side (`dive reproduce`'s shards): the
 * speed lab's OpenBLAS then defaults to one thread (its summation order depends on the thread
 * count, and sharded and unsharded reproductions must give the same numbers).
 */
export function declareOneOfSeveralProcesses(): void {
  (globalThis as Record<symbol, unknown>)[KEY] = true;
}

/** True once `declareOneOfSeveralProcesses` ran in this process (in any copy of this module). */
export function oneOfSeveralProcesses(): boolean {
  return (globalThis as Record<symbol, unknown>)[KEY] === true;
}
