/**
 * Per-channel affine scalers, fitted on TRAINING rows only: scaled = (raw − offset) / scale.
 *
 * - `zscore`:   offset = mean, scale = population standard deviation (ETT, gait, synthetic);
 * - `maxabs`:   offset = 0, scale = max |value| per series (LSTNet). LSTNet's own code takes the
 *               max over ALL rows; here it is fitted on training rows only (no test leakage);
 * - `identity`: offset 0, scale 1.
 * A channel with zero variance (zscore) or all zeros (maxabs) gets scale 1, so it maps to a
 * constant instead of NaN. Statistics accumulate in float64. `inverse` is the exact algebraic
 * inverse (raw = scaled·scale + offset); a float32 round trip agrees to float32 rounding.
 */
import type { Scaler, Segment } from './types';
import type { RowRange } from './splits';
import { UserError } from '../util/errors';

export type ScalerKind = Scaler['kind'];
export const SCALER_KINDS: readonly ScalerKind[] = ['zscore', 'maxabs', 'identity'];

/** A scaler from explicit parameters (e.g. restored from a checkpoint). */
export class AffineScaler implements Scaler {
  constructor(
    readonly kind: ScalerKind,
    readonly offset: Float32Array,
    readonly scale: Float32Array,
  ) {
    if (offset.length !== scale.length) throw new Error(`scaler offset (${offset.length}) and scale (${scale.length}) lengths differ`);
    for (let c = 0; c < scale.length; c++) {
      if (!(Number.isFinite(scale[c]) && scale[c] !== 0 && Number.isFinite(offset[c]))) throw new Error(`scaler channel ${c} has offset ${offset[c]}, scale ${scale[c]}`);
    }
  }

  get channels(): number {
    return this.scale.length;
  }

  private checkShape(values: Float32Array): void {
    if (values.length % this.scale.length !== 0) throw new Error(`array of ${values.length} values is not [*, ${this.scale.length}]`);
  }

  transform(values: Float32Array): Float32Array {
    this.checkShape(values);
    const C = this.scale.length;
    for (let i = 0; i < values.length; i++) {
      const c = i % C;
      values[i] = (values[i] - this.offset[c]) / this.scale[c];
    }
    return values;
  }

  inverse(values: Float32Array): Float32Array {
    this.checkShape(values);
    const C = this.scale.length;
    for (let i = 0; i < values.length; i++) {
      const c = i % C;
      values[i] = values[i] * this.scale[c] + this.offset[c];
    }
    return values;
  }

  toJSON(): { kind: ScalerKind; offset: number[]; scale: number[] } {
    return { kind: this.kind, offset: Array.from(this.offset), scale: Array.from(this.scale) };
  }
}

/** Fit a scaler of `kind` on the given rows of the segments. */
export function fitScaler(kind: ScalerKind, segments: readonly Segment[], rows: readonly RowRange[]): AffineScaler {
  if (!SCALER_KINDS.includes(kind)) throw new UserError(`unknown scaler '${String(kind)}' (known: ${SCALER_KINDS.join(', ')})`);
  const C = segments[0]?.channels ?? 0;
  const offset = new Float32Array(C);
  const scale = new Float32Array(C).fill(1);
  if (kind === 'identity') return new AffineScaler(kind, offset, scale);
  const n = rows.reduce((s, r) => s + (r.to - r.from), 0);
  if (n === 0) throw new UserError('cannot fit a scaler: the training split has no rows; check the split fractions');
  if (kind === 'maxabs') {
    const mx = new Float64Array(C);
    for (const r of rows) {
      const v = segments[r.segment].values;
      for (let t = r.from; t < r.to; t++) for (let c = 0; c < C; c++) mx[c] = Math.max(mx[c], Math.abs(v[t * C + c]));
    }
    for (let c = 0; c < C; c++) scale[c] = mx[c] > 0 && Number.isFinite(mx[c]) ? mx[c] : 1;
    return new AffineScaler(kind, offset, scale);
  }
  // zscore: two passes in float64 (mean, then centred sum of squares) for accuracy.
  const mean = new Float64Array(C);
  for (const r of rows) {
    const v = segments[r.segment].values;
    for (let t = r.from; t < r.to; t++) for (let c = 0; c < C; c++) mean[c] += v[t * C + c];
  }
  for (let c = 0; c < C; c++) mean[c] /= n;
  const ss = new Float64Array(C);
  for (const r of rows) {
    const v = segments[r.segment].values;
    for (let t = r.from; t < r.to; t++) {
      for (let c = 0; c < C; c++) {
        const d = v[t * C + c] - mean[c];
        ss[c] += d * d;
      }
    }
  }
  for (let c = 0; c < C; c++) {
    offset[c] = mean[c];
    const sd = Math.sqrt(ss[c] / n);
    // A float32 scale that underflows or a (numerically) constant channel → 1 (documented above).
    scale[c] = sd > 1e-12 * Math.max(1, Math.abs(mean[c])) && Number.isFinite(sd) && Math.fround(sd) > 0 ? sd : 1;
  }
  return new AffineScaler(kind, offset, scale);
}
