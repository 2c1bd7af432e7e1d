/**
 * `dive reproduce` as a library function: plan → (shard) → run what is not finished → outputs.
 *
 * Restart-safe: every finished run is a record file written atomically, and runs whose record
 * exists are skipped, so an interrupted reproduction loses at most the run in progress.
 * A failing run (e.g. diverged training) is reported and the others continue; its cells show
 * as missing and `failed` lists it. With a shard, only that shard's runs execute and the
 * tables are left to `dive merge` (or to an unsharded rerun, which skips finished runs).
 *
 * Tuning (tune.ts): when 'tune' is selected (it is by default, i.e. without --only) and the
 * protocol has a budget, the tuning trials run first, the selection is written to
 * OUT/tuning.json and into the plan inputs, and the test runs use the chosen configurations.
 * Sharded, a shard whose trials are done but whose folder still lacks other shards' trials
 * stops after its trials (`tuningPending`); rerunning the same command finishes the job. With
 * `waitForTuning` (seconds) it instead polls the shared folder until the other shards' trials
 * are there — for array jobs whose shards all run at once; with fewer slots than shards the
 * waiting shards would hold the slots the missing ones need, so the default is not to wait.
 */
import { declareOneOfSeveralProcesses } from '../util/cores';
import { Progress, type ProgressSink } from '../util/progress';
import { chooseAll, filesPresent, type Availability } from './run/dataChoice';
import { executeRun } from './run/execute';
import { writeOutputs, type OutputReport } from './report/outputs';
import { expandPlan, selectExperiments, shardRuns, variantsOf, type PlanInputs, type Shard } from './run/plan';
import { claimPlanInputs, isFinished, readRecord, readRecords, recordPath, RESULTS_TARGET, writePlanInputs, writeRecord } from './run/store';
import { checkOutputDir } from '../util/outputDir';
import { TUNING_TARGETS, searchSpaces } from './spec/definitions';
import { selectTuning, trialConverged, trialValMse, tuningRuns, writeTuning, type TrialRun } from './run/tune';
import { tuningEnabled } from './spec/tuning';
import type { Protocol, RunRecord, RunSpec } from './spec/types';

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
  /** Sharded: wait up to this many seconds for other shards' tuning trials (default 0: stop and say to rerun). */
  readonly waitForTuning?: number;
  /** Poll interval of `waitForTuning`, seconds. Default 10. */
  readonly pollSeconds?: number;
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
  /** The tuning stage's trials (of this shard), when it ran. */
  readonly tuning?: { readonly planned: number; readonly selected: number; readonly ran: string[]; readonly skipped: number; readonly failed: { id: string; error: string }[] };
  /** Set when this shard finished its tuning trials but others' are still missing: rerun the command. */
  readonly tuningPending?: string;
}

/**
 * The record of a tuning trial that failed (e.g. a drawn learning rate diverged): kept so that
 * the trial counts as finished with no score (it cannot be chosen), on every shard.
 */
function failedTrialRecord(id: string, spec: RunSpec, error: string): RunRecord {
  return {
    schema: 1, id, spec, data: { name: spec.data, source: '', protocol: '', windows: { train: 0, val: 0, test: 0 } },
    backend: '', seconds: 0, epochs: 0, modelConfig: {}, metrics: { valForecastMse: null }, history: { epochs: [], conflict: [] }, error,
  };
}

async function runTrials(o: ReproduceOptions, trials: readonly TrialRun[], log: (l: string) => void): Promise<NonNullable<ReproduceReport['tuning']>> {
  const mine = shardRuns(trials, o.shard);
  const todo = mine.filter((r) => !isFinished(o.out, r.id));
  log(`tuning: ${trials.length} trial runs planned${o.shard ? `, ${mine.length} in shard ${o.shard.index}/${o.shard.count}` : ''}; ${mine.length - todo.length} already finished, ${todo.length} to run`);
  const progress = new Progress('tune', todo.length, o.onProgress);
  progress.report();
  const ran: string[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const r of todo) {
    try {
      const rec = await executeRun(r.id, r.spec);
      writeRecord(o.out, rec);
      ran.push(r.id);
      progress.tick(1, `tune ${r.spec.model} ${r.spec.data} trial ${r.trial}: val MSE ${trialValMse(rec)?.toPrecision(4) ?? 'n/a'} (${rec.seconds.toFixed(1)} s)`);
    } catch (err) {
      const error = (err as Error).message.split('\n')[0];
      writeRecord(o.out, failedTrialRecord(r.id, r.spec, error));
      failed.push({ id: r.id, error });
      log(`tuning trial ${r.id} failed (kept as a trial without a score; delete its record in ${o.out}/runs to retry): ${error}`);
      progress.tick(1, `${r.id} FAILED`);
    }
  }
  return { planned: trials.length, selected: mine.length, ran, skipped: mine.length - todo.length, failed };
}

/**
 * The tuning targets the selected experiments use (model and family of one of their variants);
 * every target when only the tuning stage is selected (`--only tune`, `dive tune`). A target's
 * trials do not depend on which others are tuned, so the two share their trial runs.
 */
export function tuningTargetsOf(inputs: PlanInputs): typeof TUNING_TARGETS {
  if (isTuneOnly(inputs)) return TUNING_TARGETS;
  const used = new Set(expandPlan({ ...inputs, tuning: undefined }).experiments.flatMap(variantsOf).map((v) => `${v.model}|${v.family}`));
  return TUNING_TARGETS.filter((t) => used.has(`${t.model}|${t.family}`));
}

function isTuneOnly(inputs: PlanInputs): boolean {
  return inputs.only.length === 1 && inputs.only[0] === 'tune';
}

export async function reproduce(o: ReproduceOptions): Promise<ReproduceReport> {
  const started = Date.now();
  // Every run of a reproduction uses one OpenBLAS thread (unless DIVE_THREADS says otherwise):
  // OpenBLAS's summation order depends on its thread count, and a sharded reproduction (shards
  // side by side, one per core) must give the same numbers as an unsharded one.
  checkOutputDir(o.out, RESULTS_TARGET);
  declareOneOfSeveralProcesses();
  const log = o.log ?? (() => undefined);
  let inputs: PlanInputs = {
    protocol: o.protocol,
    only: selectExperiments(o.only ?? []),
    choices: chooseAll(o.available ?? filesPresent),
  };
  let tuningReport: ReproduceReport['tuning'];
  if (inputs.only.includes('tune') && tuningEnabled(inputs.protocol)) {
    const targets = tuningTargetsOf(inputs);
    const trials = tuningRuns(inputs.protocol, inputs.choices, targets, searchSpaces());
    tuningReport = await runTrials(o, trials, log);
    let missing = trials.filter((t) => !isFinished(o.out, t.id)).length;
    const deadline = Date.now() + (o.waitForTuning ?? 0) * 1000;
    if (missing > 0 && Date.now() < deadline) log(`waiting up to ${o.waitForTuning} s for ${missing} tuning trial(s) of other shards`);
    while (missing > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min((o.pollSeconds ?? 10) * 1000, Math.max(0, deadline - Date.now()))));
      missing = trials.filter((t) => !isFinished(o.out, t.id)).length;
    }
    if (missing > 0) {
      const tuningPending = `${missing} tuning trial(s) of other shards are not finished yet; rerun this command when they are (the test runs depend on the selection)`;
      log(tuningPending);
      return { out: o.out, inputs, planned: 0, selected: 0, skipped: [], ran: [], failed: [], seconds: (Date.now() - started) / 1000, tuning: tuningReport, tuningPending };
    }
    const tuning = selectTuning(inputs.protocol, inputs.choices, targets, searchSpaces(), trials, (id) => trialValMse(readRecord(recordPath(o.out, id))), (id) => trialConverged(readRecord(recordPath(o.out, id))));
    if (tuning) {
      writeTuning(o.out, tuning);
      inputs = { ...inputs, tuning };
    }
    // The tuning stage alone writes no plan.json (a later reproduction into this folder, sharded or not, owns it).
    if (isTuneOnly(inputs)) return { out: o.out, inputs, planned: 0, selected: 0, skipped: [], ran: [], failed: [], seconds: (Date.now() - started) / 1000, tuning: tuningReport };
  }
  const plan = expandPlan(inputs);
  // Shards share the folder: plan.json is created once and compared by the others (store.ts).
  if (o.shard) claimPlanInputs(o.out, inputs);
  else writePlanInputs(o.out, inputs);
  const families = new Set(plan.experiments.flatMap(variantsOf).map((v) => v.family));
  for (const c of Object.values(inputs.choices)) if (families.has(c.family)) log(`${c.family}: ${c.note}`);
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
    const mcc = record.metrics.mcc;
    // Runs without a forecast (the pipelines) report their MCC instead.
    const score = typeof rrse !== 'number' && typeof mcc === 'number' ? `MCC ${mcc.toFixed(3)}` : `RRSE ${typeof rrse === 'number' ? rrse.toFixed(4) : 'n/a'}`;
    progress.tick(1, `${r.spec.model} ${r.spec.data} h${r.spec.horizon} s${r.spec.seed}: ${score} (${record.seconds.toFixed(1)} s)`);
  }
  let outputs: OutputReport | undefined;
  if (!o.shard) outputs = await writeOutputs(o.out, inputs, readRecords(o.out), { images: o.images, imageFormats: o.imageFormats ?? (o.protocol.name === 'full' ? ['svg', 'png'] : ['svg']), log });
  return { out: o.out, inputs, planned: plan.runs.length, selected: mine.length, skipped, ran, failed, seconds: (Date.now() - started) / 1000, outputs, ...(tuningReport ? { tuning: tuningReport } : {}) };
}
