/**
 * The tuning stage of `dive reproduce`: every compared model gets the same budget of
 * configurations, drawn by a seeded random search from its declared search space
 * (definitions.ts SEARCH_SPACES, TUNING_TARGETS), each trained as a run of its own
 * (RunSpec.stage 'tune', same store, same sharding) and judged on the **validation** forecast
 * MSE only — a tuning trial never evaluates the test split (execute.ts `tuningRecord`). The
 * chosen configuration of each model is then used by every test run of that model (fresh
 * seeds 0..n−1; tuning trains on seeds 1000, 1001, …).
 *
 * Search (docs/results.md §Claims): trial 0 is the model's defaults (so tuning can only match or
 * beat the untuned model on validation); trials 1..budget−1 are independent draws, a
 * `choice` dimension uniformly from its values, a `log-uniform` one as exp(U[log min, log max])
 * rounded to 2 significant digits; a repeated draw is redrawn (up to 100 times). A space whose
 * dimensions are all finite with at most `budget` points in total is enumerated whole instead
 * (seasonal naive's season: 24 or 168 rows). A model without hyper-parameters (persistence)
 * is not tuned and says so. The draws depend only on (searchSeed, model, data family), so the
 * same protocol always gives the same trials, and a restart reruns only unfinished trials.
 *
 * Selection: the trial with the lowest mean validation forecast MSE over its seeds (scaled
 * units; all trials of a model see the same data); ties go to the lower trial index; a trial
 * that failed (e.g. diverged) cannot be chosen; if every trial failed, the defaults are kept
 * and the table notes say so.
 *
 * Two-pass dependency: the test runs depend on the selection, so their run ids exist only once
 * every trial has finished. Unsharded, `reproduce` runs the trials, selects, then plans the
 * test runs. Sharded (`--shard K/N` on one shared results folder), each shard runs its share
 * of the trials; a shard that then finds every trial finished selects (a pure function of the
 * records, so every shard computes the same selection) and continues with its share of the
 * test runs; a shard that finds trials of other shards still missing stops and says to rerun
 * it — the same command run twice completes the reproduction.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATASETS } from '../data/registry';
import { writeFileAtomic } from '../util/atomic';
import { makeRng, type Rng } from '../util/random';
import { canonicalJson, resolveRun, runId } from './plan';
import type { DataChoice, DataFamily, Protocol, RunRecord, RunSpec, TuningBudget, Variant } from './types';

/** One hyper-parameter's range. */
export type Dimension =
  | {
    readonly kind: 'choice';
    readonly values: readonly (number | string | boolean | null)[];
    /** Drop numeric values larger than the data set's input length (a season must fit the input window). */
    readonly atMostInputLength?: boolean;
  }
  | { readonly kind: 'log-uniform'; readonly min: number; readonly max: number };

/** A model's search space: model-config and trainer-config fields by dotted path ('trunk.hidden'). */
export interface SearchSpace {
  readonly model?: Readonly<Record<string, Dimension>>;
  readonly train?: Readonly<Record<string, Dimension>>;
}

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

const EMPTY: TrialConfig = { model: {}, train: {} };

/** Is the stage on for this protocol? */
export function tuningEnabled(p: Protocol): p is Protocol & { tuning: TuningBudget } {
  return p.tuning !== undefined && p.tuning.budget > 0;
}

function seedOf(text: string, searchSeed: number): number {
  return (createHash('sha256').update(`${searchSeed}|${text}`).digest().readUInt32LE(0)) >>> 0;
}

/** 2 significant digits (learning rates like 0.00047). */
function round2(v: number): number {
  return Number(v.toPrecision(2));
}

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]] = value;
}

/** The choice values valid for a data set (atMostInputLength). */
function choiceValues(d: Extract<Dimension, { kind: 'choice' }>, inputLength: number): readonly (number | string | boolean | null)[] {
  return d.atMostInputLength ? d.values.filter((v) => typeof v !== 'number' || v <= inputLength) : d.values;
}

function draw(d: Dimension, rng: Rng, inputLength: number): unknown {
  if (d.kind === 'choice') {
    const vals = choiceValues(d, inputLength);
    return vals[rng.int(vals.length)];
  }
  return round2(Math.exp(Math.log(d.min) + rng.uniform() * (Math.log(d.max) - Math.log(d.min))));
}

function dims(space: SearchSpace): { group: 'model' | 'train'; key: string; dim: Dimension }[] {
  const out: { group: 'model' | 'train'; key: string; dim: Dimension }[] = [];
  for (const group of ['model', 'train'] as const) for (const [key, dim] of Object.entries(space[group] ?? {})) out.push({ group, key, dim });
  return out;
}

/** Number of points of an all-choice space (Infinity with a continuous dimension). */
export function spaceSize(space: SearchSpace, inputLength: number): number {
  return dims(space).reduce((n, { dim }) => (dim.kind === 'choice' ? n * choiceValues(dim, inputLength).length : Infinity), 1);
}

/**
 * The trial configurations of one model (see module doc): a pure function of (space, budget,
 * searchSeed, target, input length).
 */
export function drawTrials(space: SearchSpace, budget: number, searchSeed: number, target: TuningTarget, inputLength: number): TrialConfig[] {
  const ds = dims(space);
  if (ds.length === 0 || budget < 1) return [];
  if (spaceSize(space, inputLength) <= budget) {
    // Enumerate the whole grid, in declaration order.
    let grid: TrialConfig[] = [{ model: {}, train: {} }];
    for (const { group, key, dim } of ds) {
      const vals = choiceValues(dim as Extract<Dimension, { kind: 'choice' }>, inputLength);
      grid = grid.flatMap((c) => vals.map((v) => {
        const next = { model: structuredClone(c.model) as Record<string, unknown>, train: structuredClone(c.train) as Record<string, unknown> };
        setPath(next[group], key, v);
        return next;
      }));
    }
    return grid;
  }
  const rng = makeRng(seedOf(`${target.model}|${target.family}|${target.horizon ?? ''}`, searchSeed));
  const trials: TrialConfig[] = [EMPTY];
  const seen = new Set([canonicalJson(EMPTY)]);
  while (trials.length < budget) {
    let cfg: TrialConfig = EMPTY;
    for (let attempt = 0; attempt < 100; attempt++) {
      const m: Record<string, unknown> = {};
      const t: Record<string, unknown> = {};
      for (const { group, key, dim } of ds) setPath(group === 'model' ? m : t, key, draw(dim, rng, inputLength));
      cfg = { model: m, train: t };
      if (!seen.has(canonicalJson(cfg))) break;
    }
    if (seen.has(canonicalJson(cfg))) break; // space exhausted by repeated draws
    seen.add(canonicalJson(cfg));
    trials.push(cfg);
  }
  return trials;
}

/** A trial's variant: the target with the trial's configuration. */
export function trialVariant(target: TuningTarget, config: TrialConfig): Variant {
  return {
    model: target.model,
    family: target.family,
    ...(target.horizon !== undefined ? { horizon: target.horizon } : {}),
    ...(Object.keys(config.model).length ? { config: config.model } : {}),
    ...(Object.keys(config.train).length ? { trainConfig: config.train } : {}),
  };
}

/** The protocol a trial runs under: the test protocol with the tuning budget's epochs and windows. */
export function trialProtocol(p: Protocol & { tuning: TuningBudget }): Protocol {
  return { ...p, epochs: p.tuning.epochs, maxWindows: p.tuning.maxWindows, figurePoints: 0 };
}

/** One planned trial run. */
export interface TrialRun {
  readonly target: TuningTarget;
  readonly trial: number;
  readonly config: TrialConfig;
  readonly id: string;
  readonly spec: RunSpec;
}

/** Every trial run of the tuning stage, in a deterministic order (target, trial, seed). */
export function tuningRuns(
  p: Protocol,
  choices: Readonly<Record<DataFamily, DataChoice>>,
  targets: readonly TuningTarget[],
  spaces: Readonly<Record<string, SearchSpace | null>>,
): TrialRun[] {
  if (!tuningEnabled(p)) return [];
  const tp = trialProtocol(p);
  const out: TrialRun[] = [];
  for (const target of targets) {
    const space = spaces[target.model];
    if (!space) continue;
    const inputLength = DATASETS[choices[target.family].data].defaults.window.inputLength;
    drawTrials(space, p.tuning.budget, p.tuning.searchSeed, target, inputLength).forEach((config, trial) => {
      for (let s = 0; s < p.tuning.seeds; s++) {
        const spec: RunSpec = { ...resolveRun(trialVariant(target, config), TUNE_SEED_BASE + s, tp, choices), stage: 'tune' };
        out.push({ target, trial, config, id: runId(spec), spec });
      }
    });
  }
  return out;
}

/**
 * The selection (module doc) from the trials' records. Reads only `metrics.valForecastMse` of
 * tuning records — the test split is not an input.
 */
export function selectTuning(
  p: Protocol,
  choices: Readonly<Record<DataFamily, DataChoice>>,
  targets: readonly TuningTarget[],
  spaces: Readonly<Record<string, SearchSpace | null>>,
  runs: readonly TrialRun[],
  valMseOf: (id: string) => number | null,
): TuningResult | undefined {
  if (!tuningEnabled(p)) return undefined;
  const models: TunedModel[] = targets.map((target) => {
    const data = choices[target.family].data;
    const horizon = target.horizon ?? DATASETS[data].defaults.window.horizon;
    const space = spaces[target.model] ?? null;
    const mine = runs.filter((t) => t.target.model === target.model && t.target.family === target.family);
    const trials: TrialOutcome[] = [];
    for (const t of mine) {
      let o = trials[t.trial];
      if (!o) o = trials[t.trial] = { trial: t.trial, config: t.config, runIds: [], valForecastMse: null };
      (o.runIds as string[]).push(t.id);
    }
    const scored = trials.map((o) => {
      const vals = o.runIds.map(valMseOf);
      const ok = vals.every((v): v is number => typeof v === 'number' && Number.isFinite(v));
      return { ...o, valForecastMse: ok ? vals.reduce((a, b) => a + b, 0) / vals.length : null };
    });
    let chosen: number | null = null;
    for (const o of scored) {
      if (o.valForecastMse === null) continue;
      if (chosen === null || o.valForecastMse < (scored[chosen].valForecastMse as number)) chosen = o.trial;
    }
    return { model: target.model, family: target.family, data, horizon, space, trials: scored, chosen, config: chosen === null ? EMPTY : scored[chosen].config };
  });
  return { budget: p.tuning, models };
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
  const t = tunedFor(tuning, variant.model, variant.family);
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

/** "lr ∈ log-uniform [0.0003, 0.003], trunk.hidden ∈ {64, 128}" */
export function describeSpace(space: SearchSpace | null): string {
  if (!space) return 'no tuning (no hyper-parameters)';
  return dims(space).map(({ group, key, dim }) => `${group === 'train' ? 'train.' : ''}${key} ∈ ${describeDim(dim)}`).join(', ');
}

function describeConfig(c: TrialConfig): string {
  const flat: string[] = [];
  const walk = (o: Readonly<Record<string, unknown>>, prefix: string): void => {
    for (const [k, v] of Object.entries(o)) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, `${prefix}${k}.`);
      else flat.push(`${prefix}${k} = ${JSON.stringify(v)}`);
    }
  };
  walk(c.model, '');
  walk(c.train, 'train.');
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
    const t = tunedFor(tuning, m.model, m.family);
    if (!t) continue;
    if (!t.space) {
      lines.push(`${m.label}: no tuning (no hyper-parameters).`);
      continue;
    }
    const scores = t.trials.map((o) => (o.valForecastMse === null ? 'failed' : o.valForecastMse.toPrecision(4))).join(', ');
    const chosen = t.chosen === null ? 'every trial failed: the defaults are used' : `chosen trial ${t.chosen}: ${describeConfig(t.config)}`;
    lines.push(`${m.label}: space ${describeSpace(t.space)}; ${t.trials.length} trial(s), validation MSE ${scores}; ${chosen}.`);
  }
  const elec = tuning.models.find((t) => t.family === 'electricity' && models.some((m) => m.model === t.model && m.family === 'electricity'));
  return lines.length ? [`Tuned configurations${elec ? ` (electricity models tuned at h = ${elec.horizon}, used at every horizon)` : ''}: ${lines.join(' ')}`] : [];
}

/** OUT/tuning.json: the selection with every trial, for humans (plan.json holds the same). */
export function tuningPath(out: string): string {
  return path.join(out, 'tuning.json');
}

export function writeTuning(out: string, tuning: TuningResult): void {
  writeFileAtomic(tuningPath(out), `${JSON.stringify(JSON.parse(canonicalJson(tuning)), null, 2)}\n`);
}

export function readTuningFile(out: string): TuningResult | undefined {
  const f = tuningPath(out);
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as TuningResult) : undefined;
}

/** Validation MSE of a tuning record (the only metric selection reads). */
export function trialValMse(record: RunRecord | undefined): number | null {
  const v = record?.metrics.valForecastMse;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
