/**
 * The declarative shapes of `dive reproduce`: an experiment is a table (rows × columns of cells,
 * each cell = one run *variant* evaluated over seeds, reduced to mean ± std of one metric) or a
 * figure set; expanding experiments under a protocol gives a flat, deduplicated list of runs.
 *
 * Vocabulary
 * - Variant: everything that defines a run except its seed (model, data family, horizon, model
 *   config overrides, training mode).
 * - RunSpec: a variant resolved against a protocol (concrete data set, epochs, subsets) plus a
 *   seed. Its run id is a stable hash of the whole spec (plan.ts).
 * - RunRecord: what one finished run writes to `results/runs/<run-id>.json` (store.ts).
 */
import type { DatasetName } from '../../data/registry';
import type { ProtocolName } from '../../data/protocols';
import type { NetworkSize } from '../../models/card';
import type { StopReason } from '../../train/trainer';

/**
 * Which real data set family a table is about. Each family resolves to the best available data
 * set (dataChoice.ts): gait → gaitmotion (user-supplied) → gaitndd → synthetic; electricity →
 * electricity-lstnet → ett-h1 → synthetic; benchmark → the shared disentanglement benchmark
 * (generated); ett → ett-h1 only (a published ETT protocol has no stand-in).
 */
export type DataFamily = 'gait' | 'electricity' | 'benchmark' | 'ett';

/** A metric a table cell shows: a metric card's key (lib/train/metrics; all computed on the test split). */
export type MetricKey = string;

export type TrainingMode = 'interleave' | 'joint';

/** One run minus its seed: what a table row/column cell evaluates. */
export interface Variant {
  /** Model registry name (lib/models/registry.ts, from the model cards). */
  readonly model: string;
  readonly family: DataFamily;
  /** Forecast horizon in rows; undefined = the data set's default (24 for hourly data). */
  readonly horizon?: number;
  /** Partial model config merged over the model's defaults (unknown fields are a UserError). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Training schedule mode. Default 'interleave' (models without phase M train jointly anyway). */
  readonly mode?: TrainingMode;
  /** Partial trainer config merged over the protocol's (e.g. a tuned learning rate; tune.ts). */
  readonly trainConfig?: Readonly<Record<string, unknown>>;
  /** A named forecasting protocol replacing the data set's window (lib/data/protocols.ts), e.g. 'tslib'. */
  readonly protocol?: ProtocolName;
  /** The variant's own epoch cap (a reference recipe's, e.g. TSLib's 10); the protocol's cap still bounds it. */
  readonly epochs?: number;
}

/** A value the paper reports for a cell, with its provenance (paper.ts). */
export interface PaperValue {
  readonly value: number;
  /** "≈" etc. when the source gives an approximate value. */
  readonly approximate?: boolean;
}

/**
 * A cell that chooses one of several candidate variants (e.g. a regularisation sweep) on a
 * validation metric: the candidate whose `criterion` has the best mean over the seeds present
 * (the criterion card's `better` gives the direction; ties go to the earlier candidate) is the
 * one the cell shows, and the table names it beside the value. Every candidate's runs are planned.
 */
export interface CellSelection {
  readonly candidates: readonly { readonly label: string; readonly variant: Variant }[];
  /** A metric card key read from each candidate's runs (never the test metric, unless the point is an oracle). */
  readonly criterion: MetricKey;
}

/** One cell of a table: the variant, the metric, and the paper's value if any. */
export interface CellSpec {
  /** The run variant; for a selecting cell, its first candidate's (what code that reads one variant per cell sees). */
  readonly variant: Variant;
  readonly metric: MetricKey;
  readonly paper?: PaperValue;
  /** Choose among candidates on a validation metric (above); the cell then shows `metric` of the chosen one. */
  readonly select?: CellSelection;
}

export interface ColumnSpec {
  readonly key: string;
  readonly title: string;
  /** Decimals in the Markdown table (CSV keeps full precision). Default 4. */
  readonly digits?: number;
  /** Show a side column with the paper's value. */
  readonly paperColumn?: boolean;
  /** Show a side column with the relative difference mean / paper − 1 (needs a paper value). */
  readonly paperDelta?: boolean;
}

export interface RowSpec {
  readonly label: string;
  /** Cells by column key; a missing key is an empty cell ("—"). */
  readonly cells: Readonly<Record<string, CellSpec | undefined>>;
  /** Row exists only in the paper (e.g. AutoCTS): paper values by column key, no runs. */
  readonly paperOnly?: Readonly<Record<string, PaperValue | undefined>>;
}

export interface TableSpec {
  readonly name: string;
  readonly title: string;
  readonly family: DataFamily;
  readonly columns: readonly ColumnSpec[];
  readonly rows: readonly RowSpec[];
  /** Protocol and data differences from the paper, printed under the table. */
  readonly notes: readonly string[];
  /** Header of the row-label column (default 'model'). */
  readonly rowHeader?: string;
  /** Where the published values come from (default: the DeepDIVE paper's provenance, paper.ts). */
  readonly paperProvenance?: string;
  /** A note on how the columns' means change from one row to another (e.g. from ρ = 0 to ρ = 0.9), computed from the records. */
  readonly rowChange?: { readonly from: string; readonly to: string; readonly columns: readonly string[] };
}

/**
 * A line figure drawn from an experiment's table: x = one number per table row, one line per
 * named column through the cells' means, with ± sample-std error bars (report/figures.ts
 * `tableLineFigure`); written as figures/<name>.html and, with images, .svg/.png.
 */
export interface TableFigureSpec {
  readonly name: string;
  readonly title: string;
  /** The x value of each table row, in row order. */
  readonly x: readonly number[];
  readonly xTitle: string;
  readonly yTitle: string;
  /** Column keys drawn as lines (legend: the column titles), in drawing order. */
  readonly columns: readonly string[];
  /** Fixed y range, e.g. [0, 1] for a correlation. */
  readonly yRange?: readonly [number, number];
}

/** A named experiment: one table, or the figure set (whose runs are listed explicitly). */
export interface Experiment {
  readonly name: string;
  readonly title: string;
  readonly table?: TableSpec;
  /** Runs an experiment needs besides its table cells (figures). */
  readonly extraVariants?: readonly Variant[];
  /** Line figures of its table (written whenever the experiment is selected). */
  readonly figures?: readonly TableFigureSpec[];
}

/** How much compute a reproduction uses (protocol.ts: QUICK and FULL). */
export interface Protocol {
  readonly name: 'quick' | 'full' | 'tiny';
  /** Seeds 0..seeds-1. */
  readonly seeds: number;
  /** Maximum training epochs (early stopping may stop sooner). */
  readonly epochs: number;
  /** Keep at most this many windows per split (0 = all), chosen by a seeded permutation. */
  readonly maxWindows: { readonly train: number; readonly val: number; readonly test: number };
  /** Horizons of the horizons table. */
  readonly horizons: readonly number[];
  /** λ values of the λ sweep (DeepDIVE config `lambda`). */
  readonly lambdas: readonly number[];
  /** β_a values of the β_a sweep (DeepDIVE config `betaA`; null = the unit-variance bound 2/(L·C)). */
  readonly betaAs: readonly (number | null)[];
  /** Test windows whose latents are kept for figures. */
  readonly figurePoints: number;
  /** Smaller networks (quick and tiny protocols): each model card's `sized` turns them into its config; absent = the models' defaults. */
  readonly networkSize?: NetworkSize;
  /** Trainer overrides (batch size, patience, ...), passed to the training function. */
  readonly trainConfig: Readonly<Record<string, unknown>>;
  /** Per-model trainer overrides on top of `trainConfig` (e.g. fewer GRU batches in quick mode). */
  readonly modelTrainConfig: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Models of the horizons table besides the paper-only references. */
  readonly horizonModels: readonly string[];
  /** The tuning stage's budget (tune.ts); absent or budget 0 = no tuning. */
  readonly tuning?: TuningBudget;
}

/**
 * How much the tuning stage spends (tune.ts): the same for every tuned model. Trials are runs
 * (RunSpec.stage 'tune') chosen on the validation forecast MSE only.
 */
export interface TuningBudget {
  /** Configurations per model (trial 0 = the defaults, the rest drawn at random from the model's search space). */
  readonly budget: number;
  /** Training seeds per configuration (seeds 1000, 1001, …: disjoint from the test seeds 0..n−1). */
  readonly seeds: number;
  /** Epoch cap of a trial (early stopping as in the test runs). */
  readonly epochs: number;
  /** Window subsets of a trial (0 = all). */
  readonly maxWindows: { readonly train: number; readonly val: number; readonly test: number };
  /** Seed of the random search (draws of configurations). */
  readonly searchSeed: number;
}

/** A concrete run: a variant resolved against the protocol and the available data, plus a seed. */
export interface RunSpec {
  readonly model: string;
  readonly data: DatasetName;
  /** Resolved horizon (never undefined). */
  readonly horizon: number;
  readonly seed: number;
  readonly mode: TrainingMode;
  readonly epochs: number;
  /** Model config overrides (protocol defaults merged with the variant's). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly trainConfig: Readonly<Record<string, unknown>>;
  readonly maxWindows: Protocol['maxWindows'];
  readonly figurePoints: number;
  /** The named forecasting protocol of the data (lib/data/protocols.ts); absent = the data set's own. */
  readonly protocol?: ProtocolName;
  /** 'tune' for a tuning trial (tune.ts): evaluated on the validation split only, never on test. Absent for the test runs. */
  readonly stage?: 'tune';
}

/** The data set a family resolved to, and why. */
export interface DataChoice {
  readonly family: DataFamily;
  readonly data: DatasetName;
  /** Human-readable reason, e.g. "GaitMotion not found (…); gaitndd used (…)". */
  readonly note: string;
}

/** One training curve point (per epoch): mean loss of every term per phase. */
export interface HistoryEpoch {
  readonly epoch: number;
  /** phase name → term → mean over the epoch's batches. */
  readonly phases: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Validation forecast error (MSE in scaled units) after the epoch, when computed. */
  readonly valForecast?: number;
}

/** Gradient conflict samples: cosine similarity of two terms' gradients on the shared trunk. */
export interface ConflictSample {
  readonly step: number;
  /** "forecast|ce" → cosine in [−1, 1]. */
  readonly cosines: Readonly<Record<string, number>>;
}

/** Compact arrays kept for figures (4 significant digits). */
export interface RunArtifacts {
  /** Latent means of up to `figurePoints` evenly spaced test windows: row-major [n, aDim] and [n, bDim]. */
  readonly latentA?: { readonly dims: number; readonly values: number[] };
  readonly latentB?: { readonly dims: number; readonly values: number[] };
  /** Labels of the same windows: name, class names, ids. */
  readonly labels: readonly { readonly name: string; readonly classes: readonly string[]; readonly ids: number[] }[];
  /** RBF centres and widths (σ) per label, when the model has them. */
  readonly rbf?: readonly { readonly centres: number[]; readonly widths: number[] }[];
  /** A few test windows of one channel in original units: last input rows, truth, forecast. */
  readonly forecasts: readonly { readonly window: number; readonly channel: string; readonly input: number[]; readonly truth: number[]; readonly forecast: number[] }[];
}

export interface RunRecord {
  readonly schema: 1;
  readonly id: string;
  readonly spec: RunSpec;
  readonly data: {
    readonly name: string;
    readonly source: string;
    /** sha256 of the data file when the manifest lists one. */
    readonly sha256?: string;
    readonly protocol: string;
    readonly windows: { readonly train: number; readonly val: number; readonly test: number };
  };
  readonly backend: string;
  /** The code that produced the run (execute.ts codeVersion): git commit and a hash of lib/**.ts. */
  readonly code?: { readonly commit: string; readonly libSha256: string };
  /** Wall-clock seconds of training + evaluation. */
  readonly seconds: number;
  /** Epochs actually trained. */
  readonly epochs: number;
  /** Why training ended (lib/train/trainer.ts StopReason); absent in records of older code and of the pipelines. */
  readonly stopReason?: StopReason;
  /** The full (defaults-applied) model config. */
  readonly modelConfig: object;
  /** Metric values; null where a metric does not apply (e.g. reconRrse of persistence). */
  readonly metrics: Readonly<Partial<Record<MetricKey, number | null>>> & Readonly<Record<string, number | null>>;
  readonly history: { readonly epochs: readonly HistoryEpoch[]; readonly conflict: readonly ConflictSample[]; readonly conflictNote?: string };
  readonly artifacts?: RunArtifacts;
  /**
   * Per test window: the mean squared forecast error over the window's target values in
   * original units (4 significant digits), in test-window order — the losses of the
   * Diebold–Mariano test in the claims table (claims.ts). Absent for tuning trials.
   */
  readonly testWindowSquaredErrors?: number[];
  /** Why a tuning trial failed (its record then has no score; reproduce.ts). */
  readonly error?: string;
}
