/**
 * A model card: everything divelab knows about one model, declared once. The registry
 * (registry.ts) lists the cards; every list of model names elsewhere — the CLI's choices, the
 * latent and atom-capable models, row labels, search spaces, the small networks of the quick
 * protocol, the channel-shared trunk on many-series data — is derived from them.
 *
 * Adding a model variant is one card file plus its line in registry.ts (docs/architecture.md).
 */
import type { z } from '../util/config';
import type { DataInfo, Model } from './types';

/** One hyper-parameter's range (the tuning stage draws from it; lib/study/run/tune.ts). */
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

/** The network size knobs of a protocol with small networks (the quick and tiny protocols). */
export interface NetworkSize {
  /** Trunk width. */
  readonly trunkHidden: number;
  /** Decoder and forecaster widths. */
  readonly head: number;
  /** Size of DeepDIVE's conditional code a. */
  readonly aDim: number;
}

export interface ModelTraits {
  /** Has parameters that training changes (persistence and seasonal naive have none). */
  readonly learns: boolean;
  /** Has a latent code: its disentanglement is measured, its latents drawn in the figures. */
  readonly latent: boolean;
  /** Takes the atom-modeling regulariser (config field `atom`; `dive train --atom`). */
  readonly atom: boolean;
  /**
   * Its trunk: 'mlp' (a flattened-window MLP, switched to the channel-shared `channel-mlp` on
   * data with hundreds of series, whose flattened window would need a 53,928 × 128 first
   * layer; docs/design.md), 'gru', or 'none'.
   */
  readonly trunk: 'mlp' | 'gru' | 'none';
}

/**
 * A model, declared once. `schema` is the config schema of the model's class (type, default,
 * range and doc of every field); `defaults` are this card's own defaults over it (a variant
 * such as deepdive-a is the DeepDIVE schema with `{ useB: false }`).
 */
export interface ModelCard<S extends z.ZodType = z.ZodType> {
  /** Registry name (`--model`, run records, tables). Lower case, digits and '-'. */
  readonly name: string;
  /** Row label in tables and figures. */
  readonly label: string;
  /** One sentence for `dive train --help` and docs. */
  readonly description: string;
  readonly schema: S;
  /** This card's defaults over the schema's (a partial config), e.g. { useB: false }. */
  readonly defaults?: Readonly<Record<string, unknown>>;
  readonly traits: ModelTraits;
  /** Build the model from a full config (defaults applied) and the data geometry. */
  create(name: string, config: z.output<S>, info: DataInfo): Model;
  /** What the tuning stage searches (null: no hyper-parameters, not tuned). */
  readonly searchSpace: SearchSpace | null;
  /**
   * An ablation of one component: the model whose tuned configuration this one uses, instead of
   * being tuned on its own, so that only the ablated component differs (deepdive-concat: 'deepdive').
   */
  readonly tunedAs?: string;
  /** The config of this model's small networks in the quick and tiny protocols ({} when it has none). */
  sized?(size: NetworkSize): Readonly<Record<string, unknown>>;
}

/** A card with its schema type checked against its factory (and its name kept as a literal type). */
export function defineModelCard<S extends z.ZodType, const N extends string>(card: ModelCard<S> & { readonly name: N }): ModelCard<S> & { readonly name: N } {
  return card;
}
