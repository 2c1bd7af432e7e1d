/**
 * A data set card: everything divelab knows about one data set, declared once — description,
 * where its files live, how a user gets them, its loader, its labels and calendar, and the
 * default protocol (window, split, scaler, season) that prepare.ts applies. The registry
 * (registry.ts) lists the cards; `dive data list|describe|fetch`, `dive train --data`, the run
 * records' provenance and the models' data-dependent config read them. Adding a data set is one
 * card file (cards/) and its line in the registry (docs/architecture.md, "Recipes").
 */
import type { TimeSeriesDataset, WindowSpec } from './types';
import type { SplitProtocol } from './splits';
import type { ScalerKind } from './scalers';
import type { SyntheticConfig } from './synthetic';
import type { BenchmarkConfig } from './benchmark';
import type { CsvOptions } from './csv';

/** Options a loader understands (each ignores the ones that are not its own). */
export interface LoadOptions {
  /** gaitndd: integer block-averaging factor (default 3: 300 → 100 Hz). */
  readonly downsample?: number;
  /** synthetic: generator settings (seed defaults to the prepare seed). */
  readonly synthetic?: Partial<SyntheticConfig>;
  /** benchmark: generator settings (lib/data/benchmark.ts; seed defaults to the prepare seed). */
  readonly benchmark?: Partial<BenchmarkConfig>;
  /** CSV cards (cards/csv.ts): how to read the file, on top of the card's own CSV options. */
  readonly csv?: CsvOptions;
}

/** Per-data-set defaults of the preparation protocol. */
export interface DatasetDefaults {
  readonly window: WindowSpec;
  readonly split: SplitProtocol;
  readonly scaler: ScalerKind;
  /**
   * Length of the data's natural cycle in seconds (the seasonal-naive season): one day for
   * hourly load data, one stride (≈ 1.1 s, the median stride time of gaitndd's training
   * subjects; GaitMotion uses the same) for gait, 24 samples for the synthetic generator (the
   * geometric middle of its 12–48-row periods). GaitMotion's 1.1 s (1,100 rows) exceeds its
   * 1,000-row input, so seasonal-naive there needs {"model": {"season": ROWS ≤ 1000}}.
   */
  readonly seasonSeconds: number;
  /** Horizons (rows ahead) of the data set's published protocol, when it has several (LSTNet: 3, 6, 12, 24). */
  readonly horizons?: readonly number[];
}

export interface DatasetCard {
  /** Registry name (`--data`, run records). Lower case, digits and '-'. */
  readonly name: string;
  readonly description: string;
  /** 'file' / 'folder': read from disk; 'generated': no files. */
  readonly kind: 'file' | 'folder' | 'generated';
  /** Candidate paths of the file/folder relative to a data root (cache, mirror), in order. */
  readonly locations: readonly string[];
  readonly defaults: DatasetDefaults;
  /**
   * Hundreds of series (LSTNet electricity 321, traffic 862, solar 137): models with a
   * flattened-window MLP trunk get the channel-shared trunk on it (lib/models/registry.ts
   * `dataModelConfig`).
   */
  readonly manySeries?: boolean;
  /**
   * How a user gets it: 'fetch' — `dive data fetch NAME` downloads it (data/manifest.json,
   * checksums verified); 'bring' — the user brings the file (`list`: the one-line hint of
   * `dive data list`; `fix(baseUrl)`: what the not-found error tells them to do); 'generated' — no
   * files (`source`: what run records cite as its provenance).
   */
  readonly obtain:
    | { readonly kind: 'fetch' }
    | { readonly kind: 'bring'; readonly list: string; fix(baseUrl: string | undefined): string }
    | { readonly kind: 'generated'; readonly source: string };
  /** The labels its windows carry (the marginal code's supervision; lib/data/labels.ts). */
  readonly labels: string;
  /** How its rows are placed in time (the calendar labels and the seasonal-naive season come from it). */
  readonly calendar: string;
  /** A CSV card (made by `csvCard`, cards/csv.ts): its CSV reading options; `dive train` / `dive data describe` accept the CSV options only for such cards. */
  readonly csv?: CsvOptions;
  /**
   * Defaults that depend on the loaded data (the CSV cards: window and season from the inferred
   * interval). `prepareData` and the models' season use them instead of `defaults` when present;
   * `defaults` stays what the card promises before any file is read.
   */
  defaultsFor?(dataset: TimeSeriesDataset): DatasetDefaults;
  /** Load from an explicit path (ignored for 'generated'). */
  load(file: string | undefined, options: LoadOptions): TimeSeriesDataset;
}
