/**
 * Expansion of experiments into runs, run ids, and shards.
 *
 * `expandPlan(inputs)` turns the selected experiments into a flat list of unique RunSpecs in a
 * deterministic order (experiment order, then row, column, seed; a run two tables share — e.g.
 * DeepDIVE on gait in the gait table and three ablations — appears once, where first needed).
 * The run id is `<model>_<data>_h<H>_<mode>_s<seed>_<hash>`, the hash being the first 12 hex
 * digits of sha256 over the canonical JSON (sorted keys) of the whole RunSpec and of the defaults
 * it leaves implicit (specDefaults.ts), so any change of model config, epochs, subsets or trainer
 * settings — given or by a changed default — gives a new id, and the same spec under the same
 * defaults always the same id, on any machine.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../util/json';
import { datasetInfo } from '../../data/registry';
import { forecastProtocol } from '../../data/protocols';
import { dataModelConfig, defaultConfig, isModelName, modelCard } from '../../models/registry';
import { UserError } from '../../util/errors';
import { deepMerge, isPlainObject } from '../../util/merge';
export { deepMerge } from '../../util/merge';
import { EXPERIMENT_NAMES, OPT_IN_EXPERIMENTS, experiments, type ExperimentName } from '../spec/definitions';
import type { DataChoice, DataFamily, Experiment, Protocol, RunSpec, TableSpec, Variant } from '../spec/types';
import { applyTuning, type TuningResult } from '../spec/tuning';
import { specDefaults } from './specDefaults';

/** Everything that determines a reproduction's runs and tables (saved as results/plan.json). */
export interface PlanInputs {
  readonly protocol: Protocol;
  /** Selected experiment names (all when empty). */
  readonly only: readonly string[];
  readonly choices: Readonly<Record<DataFamily, DataChoice>>;
  /** The tuning stage's selection (tune.ts), when it ran: every variant without its own config uses its model's chosen config. */
  readonly tuning?: TuningResult;
}

export interface PlannedRun {
  readonly id: string;
  readonly spec: RunSpec;
}

export interface Plan {
  readonly inputs: PlanInputs;
  readonly experiments: readonly Experiment[];
  readonly tables: readonly TableSpec[];
  /** Unique runs in execution order. */
  readonly runs: readonly PlannedRun[];
}

/** The protocol's small networks for one model (its card's `sized`), {} at the models' default sizes. */
function sizedConfig(model: string, p: Protocol): Readonly<Record<string, unknown>> {
  return p.networkSize ? (modelCard(model).sized?.(p.networkSize) ?? {}) : {};
}

/** Stable id of a run spec (see module doc). */
export function runId(spec: RunSpec): string {
  const hash = createHash('sha256').update(canonicalJson({ spec, defaults: specDefaults(spec) })).digest('hex').slice(0, 12);
  const slug = `${spec.model}_${spec.data}_h${spec.horizon}_${spec.mode}_s${spec.seed}`.replace(/[^A-Za-z0-9_.-]/g, '-');
  return `${slug}_${hash}`;
}


/**
 * Drop the fields of a config patch that equal the model's defaults (recursively), so that e.g.
 * `{lambda: 1}` and `{}` are the same run (λ = 1 is DeepDIVE's default).
 */
export function pruneDefaults(patch: Readonly<Record<string, unknown>>, defaults: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    const d = defaults[k];
    if (isPlainObject(v) && isPlainObject(d)) {
      const inner = pruneDefaults(v, d);
      if (Object.keys(inner).length > 0) out[k] = inner;
    } else if (!(k in defaults) || canonicalJson(v) !== canonicalJson(d)) {
      out[k] = v;
    }
  }
  return out;
}

/** The concrete run of a variant under a protocol, data choices and a seed. */
export function resolveRun(variant: Variant, seed: number, p: Protocol, choices: Readonly<Record<DataFamily, DataChoice>>): RunSpec {
  const data = choices[variant.family].data;
  const horizon = variant.horizon ?? (variant.protocol !== undefined ? forecastProtocol(variant.protocol).horizons[0] : datasetInfo(data).defaults.window.horizon);
  return {
    model: variant.model,
    data,
    horizon,
    seed,
    mode: variant.mode ?? 'interleave',
    epochs: Math.min(p.epochs, variant.epochs ?? p.epochs),
    config: isModelName(variant.model)
      ? pruneDefaults(deepMerge(deepMerge(dataModelConfig(variant.model, data), sizedConfig(variant.model, p)), variant.config ?? {}), defaultConfig(variant.model))
      : { ...(variant.config ?? {}) },
    trainConfig: deepMerge(deepMerge(p.trainConfig, p.modelTrainConfig[variant.model] ?? {}), variant.trainConfig ?? {}),
    maxWindows: p.maxWindows,
    figurePoints: p.figurePoints,
    // Absent unless set, so that the ids of runs on the data sets' own protocols do not change.
    ...(variant.protocol !== undefined ? { protocol: variant.protocol } : {}),
  };
}

/** Seeds 0..p.seeds-1. */
export function seedsOf(p: Protocol): number[] {
  if (!Number.isInteger(p.seeds) || p.seeds < 1) throw new UserError(`--seeds must be a whole number ≥ 1, got ${p.seeds}`);
  return Array.from({ length: p.seeds }, (_, i) => i);
}

/**
 * Check `--only` names; returns the selected names in EXPERIMENT_NAMES order. Without `--only`
 * every experiment but the opt-in ones (OPT_IN_EXPERIMENTS: published benchmarks of their own
 * data and budget) is selected.
 */
export function selectExperiments(only: readonly string[]): ExperimentName[] {
  for (const n of only) {
    if (!(EXPERIMENT_NAMES as readonly string[]).includes(n)) throw new UserError(`unknown experiment '${n}' in --only (known: ${EXPERIMENT_NAMES.join(', ')})`);
  }
  return EXPERIMENT_NAMES.filter((n) => (only.length === 0 ? !(OPT_IN_EXPERIMENTS as readonly string[]).includes(n) : only.includes(n)));
}

/** Every variant an experiment needs, in table order (rows, then columns; a selecting cell's candidates in order), then its extras. */
export function variantsOf(e: Experiment): Variant[] {
  const out: Variant[] = [];
  if (e.table) {
    for (const row of e.table.rows) {
      for (const c of e.table.columns) {
        const cell = row.cells[c.key];
        if (cell) out.push(...(cell.select ? cell.select.candidates.map((k) => k.variant) : [cell.variant]));
      }
    }
  }
  out.push(...(e.extraVariants ?? []));
  return out;
}

/** Expand the selected experiments into unique runs (see module doc). */
export function expandPlan(inputs: PlanInputs): Plan {
  const names = selectExperiments(inputs.only);
  const all = experiments(inputs.protocol, inputs.choices, { tuning: inputs.tuning }).filter((e) => (names as string[]).includes(e.name));
  const seeds = seedsOf(inputs.protocol);
  const seen = new Set<string>();
  const runs: PlannedRun[] = [];
  for (const e of all) {
    for (const v of variantsOf(e)) {
      for (const seed of seeds) {
        const spec = resolveRun(applyTuning(v, inputs.tuning), seed, inputs.protocol, inputs.choices);
        const id = runId(spec);
        if (seen.has(id)) continue;
        seen.add(id);
        runs.push({ id, spec });
      }
    }
  }
  return { inputs, experiments: all, tables: all.flatMap((e) => (e.table ? [e.table] : [])), runs };
}

/** The ids of a variant's runs over the protocol's seeds. */
export function cellRunIds(variant: Variant, inputs: PlanInputs): string[] {
  const tuned = applyTuning(variant, inputs.tuning);
  return seedsOf(inputs.protocol).map((seed) => runId(resolveRun(tuned, seed, inputs.protocol, inputs.choices)));
}

/** A shard "K/N" (1 ≤ K ≤ N). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new UserError(`--shard must be K/N with 1 ≤ K ≤ N (e.g. 2/4), got '${text}'`);
  return { index: k, count: n };
}

/** The runs of shard K/N: those at positions i ≡ K−1 (mod N) of the plan's order. */
export function shardRuns<T>(runs: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...runs];
  return runs.filter((_, i) => i % shard.count === shard.index - 1);
}
