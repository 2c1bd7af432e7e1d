/**
 * How many threads OpenBLAS may use: `DIVE_THREADS` when set (an integer from 1 to 256, or
 * `auto`), else the default — every available core when one process trains alone, one thread
 * inside a worker thread (data-parallel runs, lib/parallel: the W workers already fill the
 * cores) and one in a process that has declared itself one of several shards
 * (`useOneBlasThreadPerProcess`, for `dive reproduce --shard K/N` run side by side).
 * OpenBLAS's thread count is process-wide.
 */
import { isMainThread } from 'node:worker_threads';
import { UserError } from 'divelab/lib/util/errors';
import { availableCores, declareOneOfSeveralProcesses, oneOfSeveralProcesses } from 'divelab/lib/util/cores';

export interface ThreadContext {
  /** True inside a worker thread. Default: `!isMainThread`. */
  worker?: boolean;
  /** True when this process is one of several running side by side (shards). */
  sharded?: boolean;
  /** Cores available. Default: `availableCores()`. */
  cores?: number;
}

/** Declare this process one of several running side by side: the default becomes 1 BLAS thread (divelab's flag, divelab/lib/util/cores.ts). */
export function useOneBlasThreadPerProcess(): void {
  declareOneOfSeveralProcesses();
}

/** Where the thread count came from, for `dive backend`. */
export interface ThreadChoice {
  threads: number;
  why: string;
}

/** The BLAS thread count `DIVE_THREADS` and the context ask for (UserError for a bad value). */
export function blasThreadsWanted(env: NodeJS.ProcessEnv = process.env, ctx: ThreadContext = {}): ThreadChoice {
  const v = env.DIVE_THREADS?.trim().toLowerCase();
  if (v && v !== 'auto') {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 256) {
      throw new UserError(`DIVE_THREADS must be an integer from 1 to 256 or 'auto', got '${env.DIVE_THREADS}'`);
    }
    return { threads: n, why: 'DIVE_THREADS' };
  }
  if (ctx.worker ?? !isMainThread) return { threads: 1, why: 'one per data-parallel worker' };
  if (ctx.sharded ?? oneOfSeveralProcesses()) return { threads: 1, why: 'one per shard process' };
  const cores = ctx.cores ?? availableCores();
  return { threads: cores, why: `all ${cores} cores (one training process)` };
}
