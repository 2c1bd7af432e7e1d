/**
 * `--shard auto`: which shard K/N this process is, read from the scheduler's own environment.
 *
 *   Slurm array job          K = (SLURM_ARRAY_TASK_ID − base) / step + 1
 *                            base = DIVE_SHARD_BASE when set, else SLURM_ARRAY_TASK_MIN;
 *                            step = SLURM_ARRAY_TASK_STEP (1 when unset) unless DIVE_SHARD_BASE is set;
 *                            N = the count of `--shard auto/N`, else SLURM_ARRAY_TASK_COUNT
 *   Kubernetes Indexed Job   K = JOB_COMPLETION_INDEX + 1 (0-based, always 0..completions−1);
 *                            N = the count of `--shard auto/N` (the Job's `completions`)
 *
 * Why DIVE_SHARD_BASE: a resubmission of some array indices (`sbatch --array=3 shards.sbatch`)
 * is a new array whose SLURM_ARRAY_TASK_MIN is 3 and SLURM_ARRAY_TASK_COUNT is 1, so the array's
 * own numbers would call it shard 1/1. The scripts `dive jobs slurm` writes fix the count on the
 * command line (`--shard auto/N`) and export DIVE_SHARD_BASE=0 (array index = shard − 1), which
 * keeps a resubmitted index the same shard. A hand-written `#SBATCH --array=1-8` with
 * `--shard auto` works from the array's own variables (MIN offset and STEP included).
 *
 * Anything inconsistent (no scheduler variables, both schedulers' variables, an index outside
 * 1..N, a non-integer) is a UserError naming the variable and the fix.
 */
import { UserError } from '../util/errors';
import type { Shard } from '../study/run/plan';

export type ShardEnv = Readonly<Record<string, string | undefined>>;

/** A resolved shard and the sentence saying where it came from (for the log). */
export interface ResolvedShard {
  readonly shard: Shard;
  readonly source: string;
}

/** Is this `--shard` text one of the automatic forms (`auto`, `auto/N`)? */
export function isAutoShard(text: string): boolean {
  return /^auto(\/|$)/.test(text.trim());
}

function intVar(env: ShardEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const v = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < min) {
    throw new UserError(`${name} must be a whole number ≥ ${min}, got '${raw}'; unset it or run inside a proper array job`);
  }
  return v;
}

/** Resolve `auto` or `auto/N` against the environment (see module doc). */
export function resolveAutoShard(text: string, env: ShardEnv = process.env): ResolvedShard {
  const m = /^auto(?:\/(\d+))?$/.exec(text.trim());
  if (!m) throw new UserError(`--shard must be K/N, auto or auto/N (e.g. --shard auto/4), got '${text}'`);
  const fixedCount = m[1] === undefined ? undefined : Number(m[1]);
  if (fixedCount !== undefined && fixedCount < 1) throw new UserError(`--shard auto/N needs N ≥ 1, got '${text}'`);
  const slurmId = intVar(env, 'SLURM_ARRAY_TASK_ID', 0);
  const k8sIndex = intVar(env, 'JOB_COMPLETION_INDEX', 0);
  if (slurmId !== undefined && k8sIndex !== undefined) {
    throw new UserError('both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set, so --shard auto cannot tell the scheduler; unset the one that does not apply or pass --shard K/N');
  }
  if (slurmId === undefined && k8sIndex === undefined) {
    throw new UserError('--shard auto needs SLURM_ARRAY_TASK_ID (a Slurm array job) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); outside a scheduler pass --shard K/N');
  }
  let index: number;
  let count: number;
  let source: string;
  if (slurmId !== undefined) {
    const explicitBase = intVar(env, 'DIVE_SHARD_BASE', 0);
    const base = explicitBase ?? intVar(env, 'SLURM_ARRAY_TASK_MIN', 0) ?? 0;
    const step = explicitBase === undefined ? (intVar(env, 'SLURM_ARRAY_TASK_STEP', 1) ?? 1) : 1;
    const arrayCount = intVar(env, 'SLURM_ARRAY_TASK_COUNT', 1);
    const c = fixedCount ?? arrayCount;
    if (c === undefined) throw new UserError('--shard auto found SLURM_ARRAY_TASK_ID but no SLURM_ARRAY_TASK_COUNT; pass the shard count as --shard auto/N');
    count = c;
    const offset = slurmId - base;
    if (offset < 0 || offset % step !== 0) {
      throw new UserError(`SLURM_ARRAY_TASK_ID=${slurmId} is not base ${base} plus a multiple of step ${step}; submit a contiguous range (#SBATCH --array=0-${count - 1}) or set DIVE_SHARD_BASE`);
    }
    index = offset / step + 1;
    source = `SLURM_ARRAY_TASK_ID=${slurmId} (base ${base}${explicitBase !== undefined ? ' from DIVE_SHARD_BASE' : ''}${step > 1 ? `, step ${step}` : ''}), count ${count} from ${fixedCount !== undefined ? '--shard auto/N' : 'SLURM_ARRAY_TASK_COUNT'}`;
  } else {
    if (fixedCount === undefined) throw new UserError('--shard auto in a Kubernetes Indexed Job needs the shard count: pass --shard auto/N with N = the Job\'s completions');
    index = (k8sIndex as number) + 1;
    count = fixedCount;
    source = `JOB_COMPLETION_INDEX=${k8sIndex as number}, count ${count} from --shard auto/N`;
  }
  if (index > count) {
    throw new UserError(`--shard auto resolved to shard ${index} of ${count} (${source}); the array has more tasks than shards — make the array 0..${count - 1} or raise N in --shard auto/N`);
  }
  return { shard: { index, count }, source };
}
