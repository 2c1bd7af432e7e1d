/**
 * `dive reproduce` as a library function: plan → (shard) → run what is not finished → outputs.
 *
 * Restart-safe: every finished run is a record file written atomically, and runs whose record
 * exists are skipped, so an interrupted reproduction loses at most the run in progress.
 * A failing run (e.g. diverged training) is reported and the others continue; its cells show
 * as missing and `failed` lists it. With a shard, only that shard's runs execute and the
 * tables are left to `dive merge` (or to an unsharded rerun, which skips finished runs).
 */
import { Progress, type ProgressSink } from '../util/progress';
import { chooseAll, filesPresent, type Availability } from './dataChoice';
import { executeRun } from './execute';
import { writeOutputs, type OutputReport } from './outputs';
import { expandPlan, selectExperiments, shardRuns, type PlanInputs, type Shard } from './plan';
import { isFinished, readRecords, writePlanInputs, writeRecord } from './store';
import type { Protocol, RunRecord } from './types';

export interface ReproduceOptions {
  /** Results folder (default "results"). */
  readonly out: string;
  readonly protocol: Protocol;
  /** Experiment names (all when empty). */
  readonly only?: readonly string[];
  readonly shard?: Shard;
  /** Which data sets exist (default: look for their files). */
  readonly available?: Availability;
  /** SVG/PNG copies of the figures. Default true. */
  readonly images?: boolean;
  /** Static formats; default ['svg'] for the quick protocol, ['svg', 'png'] otherwise. */
  readonly imageFormats?: readonly ('svg' | 'png')[];
  /** Progress across runs (one tick per run). */
  readonly onProgress?: ProgressSink;
  /** One-line diagnostics. */
  readonly log?: (line: string) => void;
}

export interface ReproduceReport {
  readonly out: string;
  readonly inputs: PlanInputs;
  readonly planned: number;
  /** Runs of this shard (all runs without a shard). */
  readonly selected: number;
  readonly skipped: string[];
  readonly ran: string[];
  readonly failed: { id: string; error: string }[];
  readonly seconds: number;
  /** Undefined when sharded (tables come from `dive merge`). */
  readonly outputs?: OutputReport;
}

export async function reproduce(o: ReproduceOptions): Promise<ReproduceReport> {
  const started = Date.now();
  const log = o.log ?? (() => undefined);
  const inputs: PlanInputs = {
    protocol: o.protocol,
    only: selectExperiments(o.only ?? []),
    choices: chooseAll(o.available ?? filesPresent),
  };
  const plan = expandPlan(inputs);
  writePlanInputs(o.out, inputs);
  for (const c of Object.values(inputs.choices)) log(`${c.family}: ${c.note}`);
  const mine = shardRuns(plan.runs, o.shard);
  const skipped = mine.filter((r) => isFinished(o.out, r.id)).map((r) => r.id);
  const todo = mine.filter((r) => !skipped.includes(r.id));
  log(`${plan.runs.length} runs planned${o.shard ? `, ${mine.length} in shard ${o.shard.index}/${o.shard.count}` : ''}; ${skipped.length} already finished (skipped), ${todo.length} to run`);
  const progress = new Progress('reproduce', todo.length, o.onProgress);
  progress.report();
  const ran: string[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const r of todo) {
    let record: RunRecord;
    try {
      record = await executeRun(r.id, r.spec);
    } catch (err) {
      const error = (err as Error).message.split('\n')[0];
      failed.push({ id: r.id, error });
      log(`run ${r.id} failed: ${error}`);
      progress.tick(1, `${r.id} FAILED`);
      continue;
    }
    writeRecord(o.out, record);
    ran.push(r.id);
    const rrse = record.metrics.forecastRrse;
    progress.tick(1, `${r.spec.model} ${r.spec.data} h${r.spec.horizon} s${r.spec.seed}: RRSE ${typeof rrse === 'number' ? rrse.toFixed(4) : 'n/a'} (${record.seconds.toFixed(1)} s)`);
  }
  let outputs: OutputReport | undefined;
  if (!o.shard) outputs = await writeOutputs(o.out, inputs, readRecords(o.out), { images: o.images, imageFormats: o.imageFormats ?? (o.protocol.name === 'full' ? ['svg', 'png'] : ['svg']), log });
  return { out: o.out, inputs, planned: plan.runs.length, selected: mine.length, skipped, ran, failed, seconds: (Date.now() - started) / 1000, outputs };
}
