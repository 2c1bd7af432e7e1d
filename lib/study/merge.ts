/**
 * `dive merge DIR… --out DIR`: combine the run records of several (shard) results folders and
 * rebuild tables, figures and summary.json. Every folder must hold the same plan (plan.json:
 * protocol, --only, data choices) — otherwise their runs do not belong to the same tables and
 * merging is refused. A run present in several folders is taken from the first one given.
 * Tables are a pure function of (plan, records), so merging the shards of a reproduction gives
 * byte-identical tables to the unsharded reproduction.
 */
import * as path from 'node:path';
import { UserError } from '../util/errors';
import { writeOutputs, type OutputOptions, type OutputReport } from './report/outputs';
import { expandPlan, type PlanInputs } from './run/plan';
import { canonicalJson } from '../util/json';
import { readPlanInputs, readRecords, recordPath, RESULTS_TARGET, writePlanInputs, writeRecord } from './run/store';
import { checkOutputDir } from '../util/outputDir';
import type { RunRecord } from './spec/types';
import * as fs from 'node:fs';

export interface MergeReport {
  readonly out: string;
  readonly inputs: PlanInputs;
  /** Records found per input folder. */
  readonly found: Record<string, number>;
  readonly merged: number;
  readonly outputs: OutputReport;
}

export async function mergeResults(dirs: readonly string[], out: string, options: OutputOptions = {}): Promise<MergeReport> {
  if (dirs.length === 0) throw new UserError("'dive merge' needs at least one results folder");
  checkOutputDir(out, RESULTS_TARGET);
  const inputs = readPlanInputs(dirs[0]);
  const ref = canonicalJson(inputs);
  for (const d of dirs.slice(1)) {
    if (canonicalJson(readPlanInputs(d)) !== ref) {
      throw new UserError(`${path.join(d, 'plan.json')} differs from ${path.join(dirs[0], 'plan.json')} (protocol, --only, --seeds or data choices); merge only shards of the same 'dive reproduce' command`);
    }
  }
  const planned = new Set(expandPlan(inputs).runs.map((r) => r.id));
  const records = new Map<string, RunRecord>();
  const found: Record<string, number> = {};
  for (const d of dirs) {
    const recs = readRecords(d);
    found[d] = recs.size;
    for (const [id, r] of recs) if (planned.has(id) && !records.has(id)) records.set(id, r);
  }
  writePlanInputs(out, inputs);
  for (const r of records.values()) {
    if (!fs.existsSync(recordPath(out, r.id))) writeRecord(out, r);
  }
  const outputs = await writeOutputs(out, inputs, records, options);
  return { out, inputs, found, merged: records.size, outputs };
}
