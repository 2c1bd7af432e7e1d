/**
 * Slurm job scripts for a sharded reproduction (docs/cluster.md):
 *
 *   shards.sbatch  an array job, one task per shard: `dive reproduce … --shard auto/N`, all
 *                  tasks writing into the one shared results folder
 *   merge.sbatch   `dive merge OUT --out OUT`: tables and figures from every shard's runs
 *   submit.sh      submits the array, then the merge with `--dependency=afterok:<array>`
 *                  (arguments go to the array's sbatch, e.g. `--array=3` to redo one shard)
 *
 * Array index i is shard i+1 of N (DIVE_SHARD_BASE=0, see shardEnv.ts), also when some indices
 * are resubmitted; a resubmitted shard skips its finished runs. `--requeue` lets Slurm requeue a
 * pre-empted task, which then resumes the same way; logs append (`--open-mode=append`).
 */
import * as path from 'node:path';
import { UserError } from '../util/errors';
import { jobNeedsGpu, shellQuote, type ReproduceJob } from './reproduceJob';

export interface SbatchOptions {
  /** Job name (array: NAME, merge: NAME-merge). Default "dive-reproduce". */
  readonly name: string;
  /** Absolute results folder on a file system every node sees. */
  readonly out: string;
  /** Absolute working directory of the jobs (default: where `dive jobs` ran). */
  readonly workdir: string;
  /** Command that runs node on the compute nodes (default: this node's absolute path). */
  readonly node: string;
  /** Absolute path of divelab's bin/dive.js (default: this checkout's). */
  readonly dive: string;
  /** Per shard: wall-clock limit (Slurm time format), memory, CPUs. */
  readonly time: string;
  readonly mem: string;
  readonly cpus: number;
  /** Merge job: wall-clock limit. */
  readonly mergeTime: string;
  readonly partition?: string;
  readonly account?: string;
  /** At most this many shards at once (`--array=0-(N-1)%M`). */
  readonly maxParallel?: number;
  /** The shards' tfjs backend (DIVE_BACKEND); 'webgpu' asks Slurm for a GPU (`--gres=gpu:1`). */
  readonly backend?: string;
}

export interface SbatchFiles {
  readonly 'shards.sbatch': string;
  readonly 'merge.sbatch': string;
  readonly 'submit.sh': string;
}

/** Values that go on `#SBATCH` lines: Slurm splits on whitespace and expands `%`-patterns. */
function directiveValue(what: string, v: string): string {
  if (!v || /[\s%'"\\]/.test(v)) throw new UserError(`${what} '${v}' cannot go into an #SBATCH line (no spaces, quotes, backslashes or %); choose a simpler path or value`);
  return v;
}

function header(o: SbatchOptions, lines: string[]): string[] {
  const out = [...lines];
  if (o.partition) out.push(`#SBATCH --partition=${directiveValue('--partition', o.partition)}`);
  if (o.account) out.push(`#SBATCH --account=${directiveValue('--account', o.account)}`);
  return out;
}

/** The three files (see module doc). */
export function sbatchFiles(job: ReproduceJob, o: SbatchOptions): SbatchFiles {
  for (const [what, p] of [['--out', o.out], ['--workdir', o.workdir], ['--dive', o.dive]] as const) {
    if (!path.isAbsolute(p)) throw new UserError(`${what} must be an absolute path for Slurm (compute nodes do not share your current folder), got '${p}'`);
  }
  if (!/^(\d+-)?\d+(:\d{1,2}){0,2}$/.test(o.time) || !/^(\d+-)?\d+(:\d{1,2}){0,2}$/.test(o.mergeTime)) {
    throw new UserError(`--time must be a Slurm time limit like 02:00:00, 90 or 1-00:00:00, got '${o.time}'`);
  }
  if (!/^\d+[KMGT]?$/.test(o.mem)) throw new UserError(`--mem must be a Slurm memory size like 4G or 4096M, got '${o.mem}'`);
  if (!Number.isInteger(o.cpus) || o.cpus < 1) throw new UserError(`--cpus must be a whole number ≥ 1, got ${o.cpus}`);
  if (o.maxParallel !== undefined && (!Number.isInteger(o.maxParallel) || o.maxParallel < 1)) throw new UserError(`--max-parallel must be a whole number ≥ 1, got ${o.maxParallel}`);
  const gpu = jobNeedsGpu(o.backend);
  const out = directiveValue('--out', o.out);
  const logs = path.join(out, 'logs');
  const n = job.shards;
  const q = shellQuote;
  const reproduceLine = [q(o.node), q(o.dive), 'reproduce', ...job.args.map(q), '--out', q(out), '--shard', `auto/${n}`].join(' ');
  const mergeLine = [q(o.node), q(o.dive), 'merge', q(out), '--out', q(out), ...(job.htmlOnly ? ['--html-only'] : [])].join(' ');
  const here = path.join(out, 'slurm');

  const shards = [
    '#!/bin/bash',
    `# Written by 'dive jobs slurm': ${n} shards of 'dive reproduce ${job.args.map(q).join(' ').replace(/\n/g, ' ')}' (${job.runs} runs) into ${out}.`,
    `# Submit the array and the merge after it:   bash ${path.join(here, 'submit.sh')}`,
    `# Redo some shards (finished runs are kept):  bash ${path.join(here, 'submit.sh')} --array=0,3`,
    ...header(o, [
      `#SBATCH --job-name=${directiveValue('--name', o.name)}`,
      `#SBATCH --array=0-${n - 1}${o.maxParallel ? `%${o.maxParallel}` : ''}`,
      '#SBATCH --ntasks=1',
      `#SBATCH --cpus-per-task=${o.cpus}`,
      `#SBATCH --mem=${o.mem}`,
      `#SBATCH --time=${o.time}`,
      `#SBATCH --output=${logs}/%x-%A_%a.out`,
      '#SBATCH --open-mode=append',
      '#SBATCH --requeue',
      `#SBATCH --chdir=${directiveValue('--workdir', o.workdir)}`,
      ...(gpu ? ['#SBATCH --gres=gpu:1'] : []),
    ]),
    'set -euo pipefail',
    '# Array index i is shard i+1 of N, also in a resubmission of some indices (lib/cluster/shardEnv.ts).',
    'export DIVE_SHARD_BASE=0',
    ...(o.backend ? [`# The backend of every shard (dive backend; docs/design.md, "Backends")${gpu ? ': WebGPU on the GPU Slurm allocated' : ''}.`, `export DIVE_BACKEND=${o.backend}`] : []),
    `exec ${reproduceLine}`,
    '',
  ].join('\n');

  const merge = [
    '#!/bin/bash',
    `# Written by 'dive jobs slurm': tables and figures from every shard's runs in ${out}.`,
    '# submit.sh starts it after the array succeeded; after redoing a shard by hand: sbatch this file.',
    ...header(o, [
      `#SBATCH --job-name=${o.name}-merge`,
      '#SBATCH --ntasks=1',
      '#SBATCH --cpus-per-task=1',
      `#SBATCH --mem=${o.mem}`,
      `#SBATCH --time=${o.mergeTime}`,
      `#SBATCH --output=${logs}/%x-%j.out`,
      `#SBATCH --chdir=${directiveValue('--workdir', o.workdir)}`,
    ]),
    'set -euo pipefail',
    `exec ${mergeLine}`,
    '',
  ].join('\n');

  const submit = [
    '#!/bin/bash',
    "# Written by 'dive jobs slurm'. Submits the shard array (extra arguments go to its sbatch,",
    '# e.g. --array=3 to redo shard 4 only), then the merge once every submitted shard succeeded.',
    'set -euo pipefail',
    'here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"',
    `mkdir -p ${q(logs)}`,
    ...(job.tuning
      ? [
          '# The plan tunes first: pass 1 runs the tuning trials (a shard stops early while other',
          "# shards' trials are missing), pass 2 — the same array, after pass 1 — the test runs.",
          'tune="$(sbatch --parsable "$@" "$here/shards.sbatch")"',
          'tune="${tune%%;*}"',
          'array="$(sbatch --parsable --dependency="afterok:$tune" --kill-on-invalid-dep=yes "$@" "$here/shards.sbatch")"',
        ]
      : ['array="$(sbatch --parsable "$@" "$here/shards.sbatch")"']),
    'array="${array%%;*}"',
    'merge="$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes "$here/merge.sbatch")"',
    'merge="${merge%%;*}"',
    ...(job.tuning ? ['echo "tuning pass: job $tune"'] : []),
    `echo "shard array: job $array (${n} shards), merge: job $merge (after every shard succeeded)"`,
    `echo "watch: squeue -j ${job.tuning ? '$tune,' : ''}$array,$merge   logs: ${logs}/   tables: ${path.join(out, 'tables')}/"`,
    '',
  ].join('\n');

  return { 'shards.sbatch': shards, 'merge.sbatch': merge, 'submit.sh': submit };
}
