/**
 * What the tuning stage is, as data (the "what to run" side; study/run/tune.ts runs it): the
 * search-space and result types, which protocols tune, how a tuned configuration applies to a
 * variant, and the sentences the tables print about it. The search itself is documented in
 * study/run/tune.ts.
 */
import type { DataFamily, Protocol, TuningBudget, Variant } from './types';
import type { Dimension, SearchSpace } from '../../models/card';
import { isModelName, modelCard } from '../../models/registry';
/** A model tuned in one data family at one horizon (the tuned config is used at every horizon). */
export interface TuningTarget {
  readonly model: string;
  readonly family: DataFamily;
  /** Horizon the trials forecast; undefined = the data set's default. */
  readonly horizon?: number;
}

/** One configuration: a partial model config and a partial trainer config. */
export interface TrialConfig {
  readonly model: Readonly<Record<string, unknown>>;
  readonly train: Readonly<Record<string, unknown>>;
}

export interface TrialOutcome {
  readonly trial: number;
  readonly config: TrialConfig;
  readonly runIds: readonly string[];
  /** Mean validation forecast MSE (scaled units) over the trial's seeds; null when a run is missing or failed. */
  readonly valForecastMse: number | null;
  /** Every run of the trial stopped by early stopping (false: one hit the epoch cap); null when unknown (older records). */
  readonly converged?: boolean | null;
}

export interface TunedModel {
  readonly model: string;
  readonly family: DataFamily;
  readonly data: string;
  readonly horizon: number;
  /** The search space as declared (null = no hyper-parameters, not tuned). */
  readonly space: SearchSpace | null;
  readonly trials: readonly TrialOutcome[];
  /** Index of the chosen trial; null when not tuned or every trial failed. */
  readonly chosen: number | null;
  /** The configuration the test runs use ({} = the defaults). */
  readonly config: TrialConfig;
}

/** The tuning stage's result: saved in plan.json (PlanInputs.tuning), tuning.json and summary.json. */
export interface TuningResult {
  readonly budget: TuningBudget;
  readonly models: readonly TunedModel[];
}

/** First tuning seed: trials train on seeds TUNE_SEED_BASE + 0..seeds−1, never a test seed. */
export const TUNE_SEED_BASE = 1000;

/** Is the stage on for this protocol? */
export function tuningEnabled(p: Protocol): p is Protocol & { tuning: TuningBudget } {
  return p.tuning !== undefined && p.tuning.budget > 0;
}
/** The dimensions of a space, model fields first. */
export function spaceDimensions(space: SearchSpace): { group: 'model' | 'train'; key: string; dim: Dimension }[] {
  const out: { group: 'model' | 'train'; key: string; dim: Dimension }[] = [];
  for (const group of ['model', 'train'] as const) for (const [key, dim] of Object.entries(space[group] ?? {})) out.push({ group, key, dim });
  return out;
}

/** The model whose tuned configuration `model` uses: its card's `tunedAs` (an ablation of one component), else itself. */
export function tunedAs(model: string): string {
  return (isModelName(model) ? modelCard(model).tunedAs : undefined) ?? model;
}

/** The tuned entry of a model in a family, if any. */
export function tunedFor(tuning: TuningResult | undefined, model: string, family: DataFamily): TunedModel | undefined {
  return tuning?.models.find((m) => m.model === model && m.family === family);
}

/**
 * A variant with its model's tuned configuration. Variants with their own `config` (the λ and
 * β_a sweeps) keep it: their value is the point of the row, so they use the defaults around it.
 * Training mode does not matter (the joint-training ablation uses the interleaved model's
 * hyper-parameters, so only the schedule differs), nor does the horizon (tuned at the family's
 * tuning horizon, used at every horizon).
 */
export function applyTuning(variant: Variant, tuning: TuningResult | undefined): Variant {
  if (variant.config !== undefined || variant.trainConfig !== undefined) return variant;
  const t = tunedFor(tuning, tunedAs(variant.model), variant.family);
  if (!t || t.chosen === null) return variant;
  const { config: c } = t;
  return {
    ...variant,
    ...(Object.keys(c.model).length ? { config: c.model } : {}),
    ...(Object.keys(c.train).length ? { trainConfig: c.train } : {}),
  };
}

function describeDim(d: Dimension): string {
  return d.kind === 'choice' ? `{${d.values.map((v) => JSON.stringify(v)).join(', ')}}${d.atMostInputLength ? ' (≤ input length)' : ''}` : `log-uniform [${d.min}, ${d.max}]`;
}

// The notes list keys sorted within each group (model, then train), not in declaration order: a
// merge reads the spaces and configs back from plan.json, whose keys are sorted, and its tables
// must be byte-identical to an unsharded reproduction's.
const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** "lr ∈ log-uniform [0.0003, 0.003], trunk.hidden ∈ {64, 128}" */
export function describeSpace(space: SearchSpace | null): string {
  if (!space) return 'no tuning (no hyper-parameters)';
  const dims = spaceDimensions(space);
  const sorted = (['model', 'train'] as const).flatMap((g) => dims.filter((d) => d.group === g).sort((x, y) => byKey(x.key, y.key)));
  return sorted.map(({ group, key, dim }) => `${group === 'train' ? 'train.' : ''}${key} ∈ ${describeDim(dim)}`).join(', ');
}

function describeConfig(c: TrialConfig): string {
  const flatten = (o: Readonly<Record<string, unknown>>, prefix: string): [string, unknown][] =>
    Object.entries(o).flatMap(([k, v]): [string, unknown][] => (v !== null && typeof v === 'object' && !Array.isArray(v) ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, v]]));
  const group = (o: Readonly<Record<string, unknown>>, prefix: string): string[] =>
    flatten(o, prefix).sort((x, y) => byKey(x[0], y[0])).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  const flat = [...group(c.model, ''), ...group(c.train, 'train.')];
  return flat.length ? flat.join(', ') : 'the defaults';
}

/** The budget sentence every table prints. */
export function budgetNote(p: Protocol, selected: boolean): string {
  if (!tuningEnabled(p)) return `Tuning: none — protocol '${p.name}' has no tuning budget; every model uses its documented defaults.`;
  const b = p.tuning;
  const how = `${b.budget} configuration(s) per model (trial 0 = the defaults, the rest a seeded random search, seed ${b.searchSeed}; spaces with at most ${b.budget} points enumerated whole) × ${b.seeds} seed(s) (${TUNE_SEED_BASE}…), up to ${b.epochs} epoch(s)${b.maxWindows.train ? `, at most ${b.maxWindows.train}/${b.maxWindows.val} train/val windows` : ', all windows'}; chosen on the validation forecast MSE only (the trials never evaluate the test split); test runs use fresh seeds`;
  return selected ? `Tuning (same budget for every model): ${how}.` : `Tuning: not run (the 'tune' stage was not selected with --only); every model uses its documented defaults. The protocol's budget would be ${how}.`;
}

/** Per-model tuning notes of a table: search space, trials and the chosen configuration. */
export function tuningNotes(models: readonly { model: string; family: DataFamily; label: string }[], tuning: TuningResult | undefined): string[] {
  if (!tuning) return [];
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const m of models) {
    const key = `${m.model}|${m.family}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const as = tunedAs(m.model);
    if (as !== m.model) {
      if (tunedFor(tuning, as, m.family)) lines.push(`${m.label}: not tuned on its own — it uses ${modelCard(as).label}'s tuned configuration, so that only the ablated component differs.`);
      continue;
    }
    const t = tunedFor(tuning, m.model, m.family);
    if (!t) continue;
    if (!t.space) {
      lines.push(`${m.label}: no tuning (no hyper-parameters).`);
      continue;
    }
    const scores = t.trials.map((o) => (o.valForecastMse === null ? 'failed' : o.valForecastMse.toPrecision(4))).join(', ');
    const chosen = t.chosen === null ? 'every trial failed: the defaults are used' : `chosen trial ${t.chosen}: ${describeConfig(t.config)}`;
    const capped = t.trials.filter((o) => o.converged === false).length;
    const known = t.trials.filter((o) => typeof o.converged === 'boolean').length;
    const conv = known ? `; ${known - capped} of ${known} trial(s) converged by early stopping${capped ? ` (${capped} hit the epoch cap: NOT CONVERGED)` : ''}` : '';
    lines.push(`${m.label}: space ${describeSpace(t.space)}; ${t.trials.length} trial(s), validation MSE ${scores}${conv}; ${chosen}.`);
  }
  const elec = tuning.models.find((t) => t.family === 'electricity' && models.some((m) => m.model === t.model && m.family === 'electricity'));
  return lines.length ? [`Tuned configurations${elec ? ` (electricity models tuned at h = ${elec.horizon}, used at every horizon)` : ''}: ${lines.join(' ')}`] : [];
}
