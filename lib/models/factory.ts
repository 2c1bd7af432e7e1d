/**
 * The model registry: `createModel(name, config, dataInfo)` builds any model from its name, a
 * partial config (merged over the documented defaults; unknown fields are a UserError) and the
 * data geometry. `MODEL_NAMES` lists them in the order reports show them.
 */
import { UserError } from '../util/errors';
import { DEFAULT_DEEPDIVE, DeepDive, type DeepDiveConfig } from './deepdive';
import { BetaVae, DEFAULT_BETA_TCVAE, DEFAULT_BETA_VAE } from './betaVae';
import { DEFAULT_PERSISTENCE, Persistence } from './persistence';
import { DEFAULT_SEASONAL_NAIVE, SeasonalNaive } from './seasonalNaive';
import { DEFAULT_LINEAR, Linear } from './linear';
import { DEFAULT_GRU, GruForecaster } from './gru';
import { overrideConfig } from './override';
import type { DataInfo, Model } from './types';

export const MODEL_NAMES = [
  'deepdive',
  'deepdive-a',
  'deepdive-b',
  'deepdive-concat',
  'beta-tcvae',
  'beta-vae',
  'persistence',
  'seasonal-naive',
  'linear',
  'gru',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

const DEEPDIVE_VARIANTS: Record<string, Partial<DeepDiveConfig>> = {
  deepdive: {},
  'deepdive-a': { useB: false },
  'deepdive-b': { useA: false },
  'deepdive-concat': { fusion: 'concat' },
};

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/** The full default config of a model (a fresh copy). */
export function defaultConfig(name: ModelName): Record<string, unknown> {
  if (name in DEEPDIVE_VARIANTS) return { ...structuredClone(DEFAULT_DEEPDIVE), ...DEEPDIVE_VARIANTS[name] };
  switch (name) {
    case 'beta-tcvae': return structuredClone(DEFAULT_BETA_TCVAE) as unknown as Record<string, unknown>;
    case 'beta-vae': return structuredClone(DEFAULT_BETA_VAE) as unknown as Record<string, unknown>;
    case 'persistence': return structuredClone(DEFAULT_PERSISTENCE) as unknown as Record<string, unknown>;
    case 'seasonal-naive': return structuredClone(DEFAULT_SEASONAL_NAIVE) as unknown as Record<string, unknown>;
    case 'linear': return structuredClone(DEFAULT_LINEAR) as unknown as Record<string, unknown>;
    case 'gru': return structuredClone(DEFAULT_GRU) as unknown as Record<string, unknown>;
    default: throw new Error(`no default config for ${String(name)}`);
  }
}

/** LSTNet-suite sets with hundreds of series (321, 862, 137): the flattened-window MLP does not fit them. */
const MANY_SERIES = new Set(['electricity-lstnet', 'traffic', 'solar-al']);

/**
 * Model config a data set needs beyond the defaults (a partial override, {} for most): the
 * LSTNet electricity, traffic and solar shapes (321, 862, 137 series × 168 rows) give models with an MLP trunk the
 * channel-shared trunk, whose size does not grow with the series count (the flattened
 * window would need a 53,928 × 128 first layer; docs/design.md). Applied by `dive train`,
 * `dive reproduce` and the `deepdive-electricity` benchmark, before any user override.
 */
export function dataModelConfig(model: string, data: string): Record<string, unknown> {
  const mlpTrunk = model in DEEPDIVE_VARIANTS || model === 'beta-tcvae' || model === 'beta-vae';
  return MANY_SERIES.has(data) && mlpTrunk ? { trunk: { kind: 'channel-mlp' } } : {};
}

/** Build a model; `config` is a partial override of `defaultConfig(name)`. */
export function createModel(name: string, config: unknown, dataInfo: DataInfo): Model {
  if (!isModelName(name)) throw new UserError(`unknown model '${name}' (known: ${MODEL_NAMES.join(', ')})`);
  const full = overrideConfig(defaultConfig(name), config ?? {}, 'model');
  /* eslint-disable @typescript-eslint/no-explicit-any */
  switch (name) {
    case 'deepdive':
    case 'deepdive-a':
    case 'deepdive-b':
    case 'deepdive-concat':
      return new DeepDive(name, full as any, dataInfo);
    case 'beta-tcvae':
    case 'beta-vae':
      return new BetaVae(name, full as any, dataInfo);
    case 'persistence':
      return new Persistence(name, full as any, dataInfo);
    case 'seasonal-naive':
      return new SeasonalNaive(name, full as any, dataInfo);
    case 'linear':
      return new Linear(name, full as any, dataInfo);
    case 'gru':
      return new GruForecaster(name, full as any, dataInfo);
  }
  /* eslint-enable @typescript-eslint/no-explicit-any */
}
