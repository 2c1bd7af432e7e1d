/**
 * `dive train --model sparse-bilevel`: the sparse base-predictors pipeline on the shared benchmark
 * from the command line (docs/design.md §Sparse base-predictors). Options: --data synthetic (the
 * benchmark), --seed, --config FILE (a JSON over the defaults, same shape as SparseConfig),
 * --epochs N (outer steps = N × 100), --quick (tiny settings, seconds), --out DIR (config and
 * metrics, written atomically), --json.
 */
import { readJsonConfigFile } from '../../util/jsonFile';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliIO, ParsedArgs } from '../../util/command';
import { optBool, optNumber, optString } from '../../util/command';
import { UserError } from '../../util/errors';
import { writeDirAtomic } from '../../util/atomic';
import { checkOutputDir, markOutputDir } from '../../util/outputDir';
import type { ProgressSink } from '../../util/progress';
import { DEFAULT_SPARSE, QUICK_SPARSE, sparseConfig, type SparseConfig } from '../../methods/sparse/config';
import { runSparse, type SparseReport } from '../../methods/sparse/pipeline';

export const SPARSE_DATA = ['synthetic', 'benchmark'] as const;
export const SPARSE_FORMAT = 'divelab-sparse-bilevel/1';

/** Defaults (or --quick), then --config, then --epochs/--seed. */
export function sparseConfigFromArgs(args: ParsedArgs): SparseConfig {
  const file = optString(args, 'config');
  const base = optBool(args, 'quick') ? QUICK_SPARSE : DEFAULT_SPARSE;
  const cfg = sparseConfig(file ? readJsonConfigFile(file, '{"steps": 500}') : undefined, base, file ? `config file ${file}` : 'sparse-bilevel config');
  const epochs = optNumber(args, 'epochs');
  const seed = optNumber(args, 'seed');
  return sparseConfig({ ...(epochs !== undefined ? { steps: epochs * 100 } : {}), ...(seed !== undefined ? { seed } : {}) }, cfg, 'command line');
}

/** Text summary of a report. */
export function describeSparse(r: SparseReport): string[] {
  const lines = [
    `sparse-bilevel on the benchmark (seed ${r.seed}, inner ${r.inner}, ${r.seconds.toFixed(1)} s, backend ${r.backend})`,
    `regime ${r.regime}: ${r.factors.length} factor columns (${r.factors.join(', ')}), ${r.codes} codes`,
  ];
  lines.push('arm            MCC    R²     task R²  |Ŝ|/|S|   ' + r.fewShot.map((f) => `k=${f.k}: R²  acc`).join('   '));
  for (const a of Object.values(r.arms)) {
    if (!a) continue;
    lines.push(
      `${a.arm.padEnd(14)} ${a.mcc.pearson.toFixed(3)}  ${a.r2.toFixed(3)}  ${a.taskError.r2.toFixed(3)}    ${a.taskError.meanSupport.toFixed(1)}/${a.taskError.trueSupport.toFixed(0)}     ` +
        a.fewShot.map((f) => `${f.regression.r2.toFixed(3)} ${f.classification.accuracy.toFixed(3)}`).join('    '),
    );
  }
  for (const a of Object.values(r.arms)) {
    if (!a || a.arm === 'ridge-ica') continue; // its codes are the ridge encoder's
    lines.push(`${a.arm}: ${a.stop.converged ? 'converged' : 'NOT CONVERGED (hit the step cap)'} after ${a.stop.steps} steps, weights of step ${a.stop.bestStep} kept (${a.stop.criterion})`);
  }
  return lines;
}

export async function runSparseCommand(args: ParsedArgs, io: CliIO, backend: string, onProgress: ProgressSink): Promise<number> {
  const data = optString(args, 'data');
  if (!data || !(SPARSE_DATA as readonly string[]).includes(data)) {
    throw new UserError(`--model sparse-bilevel needs factor-labelled data: --data synthetic (the shared benchmark), got '${data ?? ''}'`);
  }
  if (optString(args, 'file')) throw new UserError('--model sparse-bilevel generates its benchmark; drop --file');
  if (optBool(args, 'resume')) throw new UserError('--model sparse-bilevel does not resume (a run takes about two minutes); drop --resume');
  const out = optString(args, 'out');
  if (out) checkOutputDir(out, { writes: 'a sparse-bilevel run folder' });
  const cfg = sparseConfigFromArgs(args);
  const report = runSparse(cfg, { backend, onProgress });
  if (out) {
    await writeDirAtomic(out, (tmp) => {
      markOutputDir(tmp, 'sparse-bilevel');
      fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify({ format: SPARSE_FORMAT, config: cfg }, null, 2));
      fs.writeFileSync(path.join(tmp, 'metrics.json'), JSON.stringify(report, null, 2));
    });
  }
  if (args.json) io.json(out ? { ...report, out } : report);
  else {
    describeSparse(report).forEach((l) => io.out(l));
    if (out) io.out(`saved: ${out} (config.json, metrics.json)`);
  }
  return 0;
}
