/**
 * The model registry: the list of model cards (card.ts), and everything derived from it —
 * names, defaults, the data-dependent trunk choice, `createModel`. Adding a model is one card
 * file (cards/) and its line below; a user's own model is `registerModel(card)` at run time
 * (docs/architecture.md, "Recipes").
 */
import { UserError } from '../util/errors';
import { deepMerge } from '../util/merge';
import { defaultsOf, parseConfig, type z } from '../util/config';
import { datasetInfo } from '../data/registry';
import type { ModelCard } from './card';
import type { DataInfo, Model } from './types';
import { deepdive } from './cards/deepdive';
import { deepdiveA } from './cards/deepdiveA';
import { deepdiveB } from './cards/deepdiveB';
import { deepdiveConcat } from './cards/deepdiveConcat';
import { betaTcvae } from './cards/betaTcvae';
import { betaVae } from './cards/betaVae';
import { persistence } from './cards/persistence';
import { seasonalNaive } from './cards/seasonalNaive';
import { linear } from './cards/linear';
import { gru } from './cards/gru';

/** The built-in models, in the order reports show them. */
export const BUILT_IN_MODELS = [deepdive, deepdiveA, deepdiveB, deepdiveConcat, betaTcvae, betaVae, persistence, seasonalNaive, linear, gru] as const;

/** A built-in model's name (a registered card's name is any string `modelCard` knows). */
export type ModelName = (typeof BUILT_IN_MODELS)[number]['name'];

/** Names of the built-in models (report order). */
export const MODEL_NAMES: readonly ModelName[] = BUILT_IN_MODELS.map((c) => c.name);

const registered: ModelCard[] = [];

/** Every model card: the built-in ones, then those registered at run time. */
export function modelCards(): readonly ModelCard[] {
  return [...(BUILT_IN_MODELS as readonly ModelCard[]), ...registered];
}

/** Every model name (built-in and registered). */
export function modelNames(): string[] {
  return modelCards().map((c) => c.name);
}

/**
 * Register a model card of your own (e.g. from a notebook or a `dive --plugin` file); it is
 * then known to `createModel`, `dive train`, the tables and the tuning stage like a built-in
 * one. Returns a function that removes it again.
 */
export function registerModel(card: ModelCard): () => void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(card.name)) throw new UserError(`model name '${card.name}' must be lower-case letters, digits and '-'`);
  if (modelCards().some((c) => c.name === card.name)) throw new UserError(`a model named '${card.name}' is already registered; choose another name`);
  registered.push(card);
  return () => {
    const i = registered.indexOf(card);
    if (i >= 0) registered.splice(i, 1);
  };
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length]![b.length]!;
}

/** The card of a model name (case-insensitive); an unknown name is a UserError with the closest names. */
export function modelCard(name: string): ModelCard {
  const cards = modelCards();
  const exact = cards.find((c) => c.name === name) ?? cards.find((c) => c.name === name.toLowerCase());
  if (exact) return exact;
  const near = cards.map((c) => ({ name: c.name, d: distance(name.toLowerCase(), c.name) })).filter((x) => x.d <= 2).sort((a, b) => a.d - b.d);
  const hint = near.length ? `did you mean '${near[0]!.name}'? ` : '';
  throw new UserError(`unknown model '${name}'; ${hint}known: ${cards.map((c) => c.name).join(', ')}`);
}

export function isModelName(name: string): boolean {
  return modelCards().some((c) => c.name === name);
}

/** The full default config of a model (a fresh copy): the schema's defaults under the card's own. */
export function defaultConfig(name: string): Record<string, unknown> {
  const card = modelCard(name);
  return (card.defaults ? card.schema.parse(card.defaults) : defaultsOf(card.schema)) as Record<string, unknown>;
}

/**
 * Model config a data set needs beyond the defaults (a partial override, {} for most): on
 * data with hundreds of series (the data set card's `manySeries`: LSTNet electricity, traffic,
 * solar) models with a flattened-window MLP trunk get the channel-shared trunk, whose size does
 * not grow with the series count (docs/design.md). Applied by `dive train`, `dive reproduce`
 * and the `deepdive-electricity` benchmark, before any user override.
 */
export function dataModelConfig(model: string, data: string): Record<string, unknown> {
  return modelCard(model).traits.trunk === 'mlp' && datasetInfo(data).manySeries ? { trunk: { kind: 'channel-mlp' } } : {};
}

/** A model's full config from a partial override (unknown fields and bad values are one-line UserErrors). */
export function modelConfig(name: string, config: unknown): Record<string, unknown> {
  const card = modelCard(name);
  const patch = config ?? {};
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return parseConfig(card.schema, patch, 'model') as Record<string, unknown>;
  return parseConfig(card.schema, card.defaults ? deepMerge(card.defaults as Record<string, unknown>, patch as Record<string, unknown>) : patch, 'model') as Record<string, unknown>;
}

/** Build a model; `config` is a partial override of `defaultConfig(name)`. */
export function createModel(name: string, config: unknown, dataInfo: DataInfo): Model {
  const card = modelCard(name);
  return card.create(card.name, modelConfig(card.name, config) as z.output<typeof card.schema>, dataInfo);
}
