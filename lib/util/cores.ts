import * as os from 'node:os';

/** Cores Node may use (os.availableParallelism, else the CPU count). */
export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : Math.max(1, os.cpus().length);
}
