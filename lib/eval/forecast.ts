/**
 * Point-forecast accuracy: RRSE, CORR (both as defined by LSTNet, Lai et al. 2018), MSE, MAE.
 *
 * Shapes: `prediction` and `truth` are row-major arrays of identical length; `channels` is the
 * size of the LAST axis. Everything before it is treated as rows, so both [n, channels]
 * (one target row per window, LSTNet) and [n, steps, channels] flattened (multi-step targets,
 * gait) are accepted: the latter simply has n·steps rows. CORR is per channel across all rows;
 * to get LSTNet's per-column CORR with (step, channel) as the column, pass
 * `channels = steps * channels`.
 *
 * Accumulation is float64. Any NaN/Infinity or a shape mismatch throws a one-line UserError.
 */
import type { Scaler } from '../data/types';
import { UserError } from '../util/errors';
import { assertFinite, assertLength, assertPositiveInt, type NumericArray } from './arrays';

/** The four forecast metrics of one evaluation, all in the units of the arrays given. */
export interface ForecastMetrics {
  /** Root relative squared error; 0 = perfect, 1 = as good as predicting the test mean. */
  readonly rrse: number;
  /** LSTNet CORR: mean over channels of the Pearson correlation across rows (NaN if no channel varies). */
  readonly corr: number;
  /** Mean squared error over all entries. */
  readonly mse: number;
  /** Mean absolute error over all entries. */
  readonly mae: number;
  /** Number of entries compared (rows × channels). */
  readonly count: number;
  /** Number of channels whose truth varies, i.e. that entered the CORR mean. */
  readonly corrChannels: number;
}

/** Metrics in the model's normalised units and in the data set's original units. */
export interface ForecastReport {
  /** Computed on the arrays as given (the scaler's output space). */
  readonly normalised: ForecastMetrics;
  /** Computed after `scaler.inverse` on copies of both arrays (LSTNet reports these). */
  readonly original: ForecastMetrics;
}

/** Validate a (prediction, truth) pair; returns the number of rows. */
function checkPair(prediction: NumericArray, truth: NumericArray, channels: number): number {
  assertPositiveInt(channels, 'channels');
  if (truth.length === 0) throw new UserError('truth is empty; evaluate on at least one window');
  assertLength(prediction, truth.length, 'prediction');
  if (truth.length % channels !== 0) {
    throw new UserError(
      `truth has ${truth.length} entries, not a multiple of channels=${channels}; pass the channel count of the last axis`,
    );
  }
  assertFinite(truth, channels, 'truth', 'clean the test data (missing values?) before evaluating');
  assertFinite(prediction, channels, 'prediction', 'the model produced non-finite outputs (diverged training?)');
  return truth.length / channels;
}

/**
 * Root relative squared error over all entries (LSTNet):
 *
 *     RRSE = sqrt( Σ (y − ŷ)² ) / sqrt( Σ (y − ȳ)² )
 *
 * where ȳ is the mean over ALL test entries (one scalar, not per channel). This equals
 * LSTNet's `sqrt(mean sq. error) / std(all test entries)` up to LSTNet's (T−1)/T factor in its
 * std (it multiplies the n−1 std over all entries by sqrt((T−1)/T) with T the number of rows,
 * a difference below 1e-3 relative for test sets of > 500 rows). RRSE is invariant to one global
 * affine map of both arrays, but not to per-channel rescaling. Throws if truth is constant.
 */
export function rrse(prediction: NumericArray, truth: NumericArray, channels = 1): number {
  checkPair(prediction, truth, channels);
  return rrseUnchecked(prediction, truth);
}

function rrseUnchecked(prediction: NumericArray, truth: NumericArray): number {
  const n = truth.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i];
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const e = truth[i] - prediction[i];
    const d = truth[i] - mean;
    num += e * e;
    den += d * d;
  }
  if (den === 0) {
    throw new UserError('RRSE is undefined because every truth value is identical; evaluate on a test set that varies');
  }
  return Math.sqrt(num) / Math.sqrt(den);
}

/**
 * LSTNet's empirical correlation coefficient:
 *
 *     CORR = mean over channels c with σ(y_c) > 0 of  Σ_t (y_tc − ȳ_c)(ŷ_tc − ŷ̄_c) / sqrt(Σ_t (y_tc − ȳ_c)² Σ_t (ŷ_tc − ŷ̄_c)²)
 *
 * i.e. the Pearson correlation of each channel across rows (time), averaged over the channels
 * whose truth is not constant (LSTNet's `index = sigma_g != 0`). A channel whose truth varies but
 * whose prediction is constant counts as correlation 0 (LSTNet would produce NaN there and
 * poison the mean). Returns NaN when no channel varies (e.g. a single test row).
 */
export function corr(prediction: NumericArray, truth: NumericArray, channels = 1): number {
  const rows = checkPair(prediction, truth, channels);
  return corrUnchecked(prediction, truth, rows, channels).corr;
}

function corrUnchecked(
  prediction: NumericArray,
  truth: NumericArray,
  rows: number,
  channels: number,
): { corr: number; valid: number } {
  const mp = new Float64Array(channels);
  const mg = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    const o = r * channels;
    for (let c = 0; c < channels; c++) {
      mp[c] += prediction[o + c];
      mg[c] += truth[o + c];
    }
  }
  for (let c = 0; c < channels; c++) {
    mp[c] /= rows;
    mg[c] /= rows;
  }
  const sxy = new Float64Array(channels);
  const sxx = new Float64Array(channels);
  const syy = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    const o = r * channels;
    for (let c = 0; c < channels; c++) {
      const dp = prediction[o + c] - mp[c];
      const dg = truth[o + c] - mg[c];
      sxy[c] += dp * dg;
      sxx[c] += dp * dp;
      syy[c] += dg * dg;
    }
  }
  let sum = 0;
  let valid = 0;
  for (let c = 0; c < channels; c++) {
    if (syy[c] === 0) continue; // constant truth: correlation undefined, skipped as in LSTNet
    valid++;
    if (sxx[c] > 0) sum += sxy[c] / Math.sqrt(sxx[c] * syy[c]);
  }
  return { corr: valid > 0 ? sum / valid : NaN, valid };
}

/** Mean squared error over all entries. */
export function mse(prediction: NumericArray, truth: NumericArray, channels = 1): number {
  checkPair(prediction, truth, channels);
  let s = 0;
  for (let i = 0; i < truth.length; i++) {
    const e = truth[i] - prediction[i];
    s += e * e;
  }
  return s / truth.length;
}

/** Mean absolute error over all entries. */
export function mae(prediction: NumericArray, truth: NumericArray, channels = 1): number {
  checkPair(prediction, truth, channels);
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += Math.abs(truth[i] - prediction[i]);
  return s / truth.length;
}

/** RRSE, CORR, MSE and MAE of one (prediction, truth) pair, in the units given. */
export function forecastMetrics(prediction: NumericArray, truth: NumericArray, channels: number): ForecastMetrics {
  const rows = checkPair(prediction, truth, channels);
  const { corr: c, valid } = corrUnchecked(prediction, truth, rows, channels);
  let se = 0;
  let ae = 0;
  for (let i = 0; i < truth.length; i++) {
    const e = truth[i] - prediction[i];
    se += e * e;
    ae += Math.abs(e);
  }
  return {
    rrse: rrseUnchecked(prediction, truth),
    corr: c,
    mse: se / truth.length,
    mae: ae / truth.length,
    count: truth.length,
    corrChannels: valid,
  };
}

/**
 * Forecast metrics in normalised units (as given) and in original units (after
 * `scaler.inverse`, applied to float32 copies — the inputs are not modified).
 *
 * @param prediction model output in the scaler's normalised units, [rows, channels] or
 *   [n, steps, channels] flattened.
 * @param truth targets in the same units and shape (e.g. `WindowBatch.y`).
 * @param channels size of the last axis; must equal the scaler's channel count.
 */
export function forecastReport(
  prediction: NumericArray,
  truth: NumericArray,
  channels: number,
  scaler: Scaler,
): ForecastReport {
  const normalised = forecastMetrics(prediction, truth, channels);
  if (scaler.offset.length !== channels || scaler.scale.length !== channels) {
    throw new UserError(
      `scaler has ${scaler.offset.length} channels but the forecasts have ${channels}; pass the scaler fitted on this data set`,
    );
  }
  const p = scaler.inverse(Float32Array.from(prediction));
  const t = scaler.inverse(Float32Array.from(truth));
  return { normalised, original: forecastMetrics(p, t, channels) };
}
