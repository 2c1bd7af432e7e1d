/**
 * The sharded `dive reproduce` that a cluster job runs: the user's reproduce options, checked
 * here (before any job file is written) with the same parser `dive reproduce` uses, the number
 * of runs they plan, and the shard count checked against it.
 *
 * Both job writers (sbatch.ts, kubernetes.ts) take a ReproduceJob and only decide how the
 * scheduler starts `dive reproduce <args> --out OUT --shard auto/N` N times and then
 * `dive merge OUT --out OUT` once.
 */
import { parseArgs, optBool, optList, optNumber, type Command } from '../util/command';
import { chooseAll, filesPresent } from '../study/run/dataChoice';
import { expandPlan, selectExperiments } from '../study/run/plan';
import { protocolFor } from '../study/spec/protocol';
import { tuningEnabled } from '../study/spec/tuning';
import { UserError } from '../util/errors';
import { parseBackendName } from '../backend/select';

export interface ReproduceJob {
  /** `dive reproduce` options as the user gave them, minus --out and --shard. */
  readonly args: readonly string[];
  /** Shards (array tasks / Job completions), 1 ≤ shards ≤ runs. */
  readonly shards: number;
  /** Runs the plan expands to (with the data sets present on this machine). */
  readonly runs: number;
  /** 'quick' or 'full' (sets the default time limits). */
  readonly protocol: 'quick' | 'full';
  /** --html-only given: the merge writes HTML figures only too. */
  readonly htmlOnly: boolean;
  /**
   * The plan has the tuning stage (experiment 'tune' selected and the protocol has a budget,
   * lib/study/run/tune.ts): its test runs depend on every shard's trials, so the shards run
   * twice — the first pass finishes the trials (a shard whose trials are done stops early while
   * others' are missing), the second, after the first has ended, the test runs.
   */
  readonly tuning: boolean;
}

const OWNED = ['out', 'shard'] as const;

/**
 * Whether a job's shards need a GPU: their backend (`dive jobs --backend`, a DIVE_BACKEND name)
 * is webgpu. The name is checked here, so a misspelt backend fails when the job files are written.
 */
export function jobNeedsGpu(backend: string | undefined): boolean {
  if (backend === undefined) return false;
  let name: string;
  try {
    name = parseBackendName(backend);
  } catch (err) {
    throw new UserError(`--backend: ${(err as Error).message}`);
  }
  return name === 'webgpu';
}

/**
 * Check the reproduce options (parsed with `reproduce`, the `dive reproduce` command the CLI
 * passes in) and the shard count (see module doc).
 */
export function reproduceJob(args: readonly string[], shards: number, reproduce: Command): ReproduceJob {
  for (const a of args) {
    const name = /^--([^=]+)/.exec(a)?.[1];
    if (name && (OWNED as readonly string[]).includes(name)) {
      throw new UserError(`--${name} is set by 'dive jobs' itself (the results folder and --shard auto/N); drop it from the reproduce options after '--'`);
    }
    if (name === 'json' || name === 'help') throw new UserError(`--${name} cannot be passed to the jobs' 'dive reproduce'; drop it from the options after '--'`);
  }
  const parsed = parseArgs(reproduce, args);
  if (parsed.positionals.length > 0) throw new UserError(`'dive reproduce' takes no arguments, got '${parsed.positionals.join(' ')}' after '--'`);
  if (!Number.isInteger(shards) || shards < 1) throw new UserError(`--shards must be a whole number ≥ 1, got ${shards}`);
  const quick = optBool(parsed, 'quick');
  const seeds = optNumber(parsed, 'seeds');
  if (seeds !== undefined && seeds < 1) throw new UserError(`--seeds must be ≥ 1, got ${seeds}`);
  const protocol = protocolFor(quick ? 'quick' : 'full', seeds);
  const only = selectExperiments(optList(parsed, 'only'));
  const plan = expandPlan({ protocol, only, choices: chooseAll(filesPresent) });
  if (shards > plan.runs.length) {
    throw new UserError(`--shards ${shards} is more than the ${plan.runs.length} runs this reproduction plans; use --shards ${plan.runs.length} or fewer`);
  }
  const tuning = (only as string[]).includes('tune') && tuningEnabled(protocol);
  return { args: [...args], shards, runs: plan.runs.length, protocol: quick ? 'quick' : 'full', htmlOnly: optBool(parsed, 'html-only'), tuning };
}

/** One word for a POSIX shell: as is when safe, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_\/.,:=@%+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A job name: a DNS-1123 label (Kubernetes) that Slurm takes as is, short enough for suffixes. */
export function checkJobName(name: string, suffixRoom: number): string {
  const max = 63 - suffixRoom;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > max) {
    throw new UserError(`--name '${name}' must be lower-case letters, digits and '-', start and end with a letter or digit, at most ${max} characters (e.g. dive-quick)`);
  }
  return name;
}
