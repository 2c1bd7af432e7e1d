/**
 * The tuning stage of `dive reproduce`: every compared model gets the same budget of
 * configurations, drawn by a seeded random search from its declared search space
 * (definitions.ts searchSpaces(), TUNING_TARGETS), each trained as a run of its own
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
import { datasetInfo } from '../../data/registry';
import { writeFileAtomic } from '../../util/atomic';
import { makeRng, type Rng } from '../../util/random';
import { resolveRun, runId } from './plan';
import { canonicalJson } from '../../util/json';
import { TUNE_SEED_BASE, spaceDimensions, tuningEnabled, type TrialConfig, type TrialOutcome, type TunedModel, type TuningResult, type TuningTarget } from '../spec/tuning';
import { type Dimension, type SearchSpace } from '../../models/card';
import type { DataChoice, DataFamily, Protocol, RunRecord, RunSpec, TuningBudget, Variant } from '../spec/types';

const EMPTY: TrialConfig = { model: {}, train: {} };


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

/** Number of points of an all-choice space (Infinity with a continuous dimension). */
export function spaceSize(space: SearchSpace, inputLength: number): number {
  return spaceDimensions(space).reduce((n, { dim }) => (dim.kind === 'choice' ? n * choiceValues(dim, inputLength).length : Infinity), 1);
}

/**
 * The trial configurations of one model (see module doc): a pure function of (space, budget,
 * searchSeed, target, input length).
 */
export function drawTrials(space: SearchSpace, budget: number, searchSeed: number, target: TuningTarget, inputLength: number): TrialConfig[] {
  const ds = spaceDimensions(space);
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
    const inputLength = datasetInfo(choices[target.family].data).defaults.window.inputLength;
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
  convergedOf: (id: string) => number | null = () => null,
): TuningResult | undefined {
  if (!tuningEnabled(p)) return undefined;
  const models: TunedModel[] = targets.map((target) => {
    const data = choices[target.family].data;
    const horizon = target.horizon ?? datasetInfo(data).defaults.window.horizon;
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
      const conv = o.runIds.map(convergedOf);
      const converged = conv.some((c) => c === 0) ? false : conv.every((c) => c === 1) ? true : null;
      return { ...o, valForecastMse: ok ? vals.reduce((a, b) => a + b, 0) / vals.length : null, converged };
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

/** A trial run's `converged` metric (1 = early stopping, 0 = the epoch cap), null when absent. */
export function trialConverged(record: RunRecord | undefined): number | null {
  const v = record?.metrics.converged;
  return v === 0 || v === 1 ? v : null;
}
