/**
 * `dive train --model detaux`: the three Detaux stages on the shared benchmark, from the command
 * line. Options shared with `dive train`: --data (synthetic = the benchmark), --epochs (the length of
 * stage 1's β schedule; its convergence criterion ends it later), --seed, --horizon, --config FILE (a JSON {"data", "stage1", "stage2", "stage3",
 * "seed"} over the defaults), --out DIR (weights, discovered labels, config and metrics),
 * --quick (tiny settings, seconds), --json.
 */
import { readJsonConfigFile } from '../../util/jsonFile';
import type { CliIO, ParsedArgs } from '../../util/command';
import { optBool, optNumber, optString } from '../../util/command';
import { UserError } from '../../util/errors';
import type { ProgressSink } from '../../util/progress';
import { DEFAULT_DETAUX, QUICK_DETAUX, detauxConfig, type DetauxConfig } from '../../methods/detaux/config';
import { DETAUX_TARGET, runDetaux, saveDetaux } from '../../methods/detaux/pipeline';
import { checkOutputDir } from '../../util/outputDir';
import { describeDetaux } from '../../methods/detaux/describe';

/** Data names `--model detaux` accepts: the benchmark is generated from the synthetic waveforms. */
export const DETAUX_DATA = ['synthetic', 'benchmark'] as const;

/** The run config from the command line: defaults (or --quick), then --config, then --epochs/--seed/--horizon. */
export function detauxConfigFromArgs(args: ParsedArgs): DetauxConfig {
  const file = optString(args, 'config');
  const base = optBool(args, 'quick') ? QUICK_DETAUX : DEFAULT_DETAUX;
  let cfg = detauxConfig(file ? readJsonConfigFile(file, '{"stage1": {"epochs": 10}}') : undefined, base, file ? `config file ${file}` : 'detaux config');
  const epochs = optNumber(args, 'epochs');
  const seed = optNumber(args, 'seed');
  const horizon = optNumber(args, 'horizon');
  cfg = detauxConfig({ ...(epochs !== undefined ? { stage1: { epochs } } : {}), ...(seed !== undefined ? { seed } : {}), ...(horizon !== undefined ? { data: { horizon } } : {}) }, cfg, 'command line');
  return cfg;
}

export async function runDetauxCommand(args: ParsedArgs, io: CliIO, backend: string, onProgress: ProgressSink): Promise<number> {
  const data = optString(args, 'data');
  if (!data || !(DETAUX_DATA as readonly string[]).includes(data)) {
    throw new UserError(`--model detaux needs factor-labelled data: --data synthetic (the shared benchmark), got '${data ?? ''}'`);
  }
  if (optString(args, 'file')) throw new UserError('--model detaux generates its benchmark; drop --file');
  if (optBool(args, 'resume')) throw new UserError('--model detaux does not resume (a run takes about a minute); drop --resume');
  const cfg = detauxConfigFromArgs(args);
  const out = optString(args, 'out');
  if (out) checkOutputDir(out, DETAUX_TARGET);
  const { report, artifacts } = runDetaux(cfg, { backend, onProgress });
  if (out) await saveDetaux(out, cfg, report, artifacts);
  if (args.json) io.json(out ? { ...report, out } : report);
  else {
    describeDetaux(report).forEach((l) => io.out(l));
    if (out) io.out(`saved: ${out} (weights.bin, detaux.json, labels.json, metrics.json)`);
  }
  return 0;
}
