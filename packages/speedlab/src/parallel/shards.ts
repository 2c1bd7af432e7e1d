/**
 * How a batch is split across workers, and how many workers to use.
 */
import * as os from 'node:os';
import { UserError } from 'divelab/lib/util/errors';
import { availableCores } from 'divelab/lib/util/cores';
import type { ShardInfo } from './types';

/**
 * Contiguous shards of `rows` rows over `workers` workers, sizes differing by at most one
 * (the first rows % workers shards get the extra row). Shards of 0 rows occur when
 * rows < workers; those workers contribute no gradient.
 */
export function shardRows(rows: number, workers: number): ShardInfo[] {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`batch rows must be a positive integer, got ${rows}`);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be a positive integer, got ${workers}`);
  const base = Math.floor(rows / workers);
  const extra = rows % workers;
  const out: ShardInfo[] = [];
  let offset = 0;
  for (let w = 0; w < workers; w++) {
    const count = base + (w < extra ? 1 : 0);
    out.push({ offset, count, total: rows });
    offset += count;
  }
  return out;
}

/** [lo, hi) of the `part`-th of `parts` near-equal contiguous chunks of [0, n). */
export function chunk(n: number, parts: number, part: number): [number, number] {
  const base = Math.floor(n / parts);
  const extra = n % parts;
  const lo = part * base + Math.min(part, extra);
  return [lo, lo + base + (part < extra ? 1 : 0)];
}


/**
 * Number of data-parallel workers: `DIVE_WORKERS` when set (a positive integer), else the
 * number of available cores.
 */
export function defaultWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.DIVE_WORKERS?.trim();
  if (!v) return availableCores();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UserError(`DIVE_WORKERS must be an integer from 1 to 256, got '${v}'; unset it to use one worker per core`);
  return n;
}
