/**
 * Core data contracts shared by every loader, the windowing layer, the models and the CLI.
 *
 * Conventions
 * - A multichannel series is stored row-major in ONE Float32Array: value (t, c) is at
 *   `values[t * channels + c]`. Rows are time steps, columns are channels.
 * - Windows are *views* (`subarray`) into such arrays, never copies, so that the full LSTNet
 *   electricity matrix (26,304 x 321 float32 ~ 34 MB) windows within 1 GB of memory.
 * - Timestamps are milliseconds since the Unix epoch, UTC, stored in a Float64Array (one per row).
 */

/** One contiguous multichannel recording (a subject's gait trial, a whole electricity table...). */
export interface Segment {
  /** Identifier unique within the data set, e.g. "park3" or "ETTh1". */
  readonly id: string;
  /** Row-major [length, channels] float32 values, in the data set's original units. */
  readonly values: Float32Array;
  /** Number of rows (time steps). */
  readonly length: number;
  /** Number of channels (columns). */
  readonly channels: number;
  /** Per-row timestamps (ms since epoch, UTC), when the data are calendar-indexed. */
  readonly timestamps?: Float64Array;
  /** Segment-level labels (e.g. gait group), keyed by label name, as class indices. */
  readonly segmentLabels?: Readonly<Record<string, number>>;
}

/** A loaded data set: one or more segments with the same channel layout. */
export interface TimeSeriesDataset {
  /** Registry name ("ett-h1", "gaitndd", "gaitmotion", "electricity-lstnet", "synthetic") or "file". */
  readonly name: string;
  /** Where the data came from (absolute path, "generated(seed=…)", …). */
  readonly source: string;
  readonly channelNames: readonly string[];
  /** Sampling rate in Hz (hourly data: 1/3600). */
  readonly sampleRateHz: number;
  readonly segments: readonly Segment[];
  /** Free-form per-data-set metadata shown by `dive data describe`. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Geometry of sliding windows. All lengths are in rows (time steps). */
export interface WindowSpec {
  /** Number of input rows fed to the model (LSTNet: 168). */
  readonly inputLength: number;
  /**
   * Offset from the last input row to the last target row (LSTNet: 24, "forecast 24 h ahead").
   * The target rows are `lastInput + horizon - targetLength + 1 … lastInput + horizon`.
   */
  readonly horizon: number;
  /** Number of target rows (LSTNet: 1, the single row at the horizon; gait: the whole horizon). */
  readonly targetLength: number;
  /** Step between consecutive window starts (default 1). */
  readonly stride: number;
}

/** A categorical label attached to every window (the supervision of one marginal latent b_i). */
export interface LabelSpec {
  /** e.g. "hour", "weekday", "month", "group", "speedBin", "regime". */
  readonly name: string;
  /** Class names, index = class id. */
  readonly classes: readonly string[];
  /** The classes form a cycle (hour of day, weekday, month): the last neighbours the first. */
  readonly cyclic?: boolean;
}

/** A batch of windows materialised (copied) into contiguous arrays, ready to become tensors. */
export interface WindowBatch {
  /** Number of windows in the batch. */
  readonly size: number;
  /** [size, inputLength, channels], scaled units. */
  readonly x: Float32Array;
  /** [size, targetLength, channels], scaled units. */
  readonly y: Float32Array;
  /** One Int32Array [size] of class ids per label, in the order of `WindowSet.labels`. */
  readonly labels: readonly Int32Array[];
  /** Ground-truth generative factors [size, factors] when known (synthetic), else undefined. */
  readonly factors?: Float32Array;
}

/** The windows of one split (train / val / test), as index arithmetic over segment views. */
export interface WindowSet {
  readonly spec: WindowSpec;
  readonly channels: number;
  /** Number of windows. */
  readonly count: number;
  readonly labels: readonly LabelSpec[];
  /** Names of the ground-truth factors in `WindowBatch.factors`, empty when none are known. */
  readonly factorNames: readonly string[];
  /**
   * When the factors are discrete levels (the shared benchmark): their level counts and
   * circularity, so evaluation can run the disentanglement suite. Views of a set keep it.
   */
  readonly discreteFactors?: DiscreteFactorInfo;
  /** View (no copy) of window i's input rows: length inputLength * channels. */
  input(i: number): Float32Array;
  /** View (no copy) of window i's target rows: length targetLength * channels. */
  target(i: number): Float32Array;
  /** Class id of window i for label `labelIndex`. */
  label(i: number, labelIndex: number): number;
  /** Copy the listed windows into one contiguous batch. */
  batch(indices: ArrayLike<number>): WindowBatch;
}

/** A fitted, invertible per-channel affine scaler: scaled = (raw - offset) / scale. */
export interface Scaler {
  readonly kind: 'zscore' | 'maxabs' | 'identity';
  readonly offset: Float32Array;
  readonly scale: Float32Array;
  /** In-place on a row-major [*, channels] array; returns the same array. */
  transform(values: Float32Array): Float32Array;
  inverse(values: Float32Array): Float32Array;
}

/** Train/validation/test windows plus the scaler fitted on train only. */
export interface PreparedData {
  readonly dataset: TimeSeriesDataset;
  readonly protocol: string;
  readonly scaler: Scaler;
  readonly train: WindowSet;
  readonly val: WindowSet;
  readonly test: WindowSet;
  /** Class frequencies per label on the training windows (the mixture weights pi_k). */
  readonly classFrequencies: readonly Float64Array[];
}

/** Level counts and circularity of a set's factors: present only when they are discrete levels. */
export interface DiscreteFactorInfo {
  readonly names: readonly string[];
  readonly levels: readonly number[];
  readonly circular: readonly boolean[];
}
