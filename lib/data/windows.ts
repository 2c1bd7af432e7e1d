/**
 * Sliding windows over segments, as index arithmetic: a window is (segment, start row). With
 * spec (L = inputLength, h = horizon, T = targetLength) a window starting at row s has
 *   input rows  s … s+L−1                       (lastInput = s+L−1)
 *   target rows lastInput+h−T+1 … lastInput+h  (= s+L+h−T … s+L+h−1)
 * so it spans L+h rows. Windows never cross segment boundaries.
 *
 * `input(i)` / `target(i)` are `subarray` views into the (scaled) segment arrays — no copies;
 * `batch(indices)` copies the listed windows into contiguous arrays.
 */
import type { LabelSpec, WindowBatch, WindowSet, WindowSpec } from './types';
import { UserError } from '../util/errors';

/** The fix for windows longer than the data, in options that exist (dive train has --horizon; the input length is a config field). */
export const SHORTER_WINDOWS = `use shorter windows: dive train --horizon H, or --config FILE with {"data": {"inputLength": N}} (library: the inputLength / horizon options of prepareData)`;

/** Rows a window occupies: inputLength + horizon. */
export function windowSpan(spec: WindowSpec): number {
  return spec.inputLength + spec.horizon;
}

/** Validate a spec (whole numbers, 1 ≤ targetLength ≤ horizon, stride ≥ 1). */
export function checkWindowSpec(spec: WindowSpec): void {
  for (const k of ['inputLength', 'horizon', 'targetLength', 'stride'] as const) {
    if (!Number.isInteger(spec[k]) || spec[k] < 1) throw new UserError(`window ${k} must be a whole number ≥ 1, got ${spec[k]}`);
  }
  if (spec.targetLength > spec.horizon) {
    throw new UserError(`window targetLength (${spec.targetLength}) must not exceed horizon (${spec.horizon}): targets are the last targetLength rows up to lastInput+horizon`);
  }
}

/**
 * The rows of one segment that a split's windows may use: all rows in [inputFrom, end), and
 * every target row ≥ targetFrom.
 */
export interface WindowRange {
  readonly segment: number;
  readonly inputFrom: number;
  readonly targetFrom: number;
  readonly end: number;
}

/** Window positions of a split, in order. */
export interface WindowPositions {
  readonly segment: Int32Array;
  readonly start: Int32Array;
}

/**
 * Enumerate windows (stepping by spec.stride) inside the given ranges. A segment shorter than
 * one window is a UserError naming the data set, segment and sizes.
 */
export function enumerateWindows(
  ranges: readonly WindowRange[],
  spec: WindowSpec,
  segments: readonly { id: string; length: number }[],
  datasetName: string,
): WindowPositions {
  checkWindowSpec(spec);
  const span = windowSpan(spec);
  let total = 0;
  const firsts: number[] = [];
  for (const r of ranges) {
    const seg = segments[r.segment];
    if (span > seg.length) {
      throw new UserError(`window of ${span} rows (input ${spec.inputLength} + horizon ${spec.horizon}) is longer than segment '${seg.id}' of data set '${datasetName}' (${seg.length} rows); ${SHORTER_WINDOWS}`);
    }
    const first = Math.max(r.inputFrom, r.targetFrom - (spec.inputLength + spec.horizon - spec.targetLength), 0);
    const last = Math.min(r.end, seg.length) - span; // last admissible start
    firsts.push(first);
    if (last >= first) total += Math.floor((last - first) / spec.stride) + 1;
  }
  const segment = new Int32Array(total);
  const start = new Int32Array(total);
  let k = 0;
  ranges.forEach((r, j) => {
    const last = Math.min(r.end, segments[r.segment].length) - span;
    for (let s = firsts[j]; s <= last; s += spec.stride, k++) {
      segment[k] = r.segment;
      start[k] = s;
    }
  });
  return { segment, start };
}

export interface WindowSetParts {
  readonly spec: WindowSpec;
  readonly channels: number;
  /** Row-major [length, channels] scaled values per segment (windows are views into these). */
  readonly data: readonly Float32Array[];
  readonly positions: WindowPositions;
  readonly labels: readonly LabelSpec[];
  /** One Int32Array [count] of class ids per label. */
  readonly labelValues: readonly Int32Array[];
  readonly factorNames?: readonly string[];
  /** [count, factorNames.length] ground-truth factors, when known. */
  readonly factors?: Float32Array;
}

/** WindowSet over segment arrays (see module doc). */
export class SegmentWindowSet implements WindowSet {
  readonly spec: WindowSpec;
  readonly channels: number;
  readonly count: number;
  readonly labels: readonly LabelSpec[];
  readonly factorNames: readonly string[];
  readonly positions: WindowPositions;
  private readonly data: readonly Float32Array[];
  private readonly labelValues: readonly Int32Array[];
  private readonly factors?: Float32Array;
  /** Offset (rows) from a window's start to its first target row: L + h − T. */
  private readonly targetOffset: number;

  constructor(p: WindowSetParts) {
    this.spec = p.spec;
    this.channels = p.channels;
    this.data = p.data;
    this.positions = p.positions;
    this.count = p.positions.start.length;
    this.labels = p.labels;
    this.labelValues = p.labelValues;
    this.factorNames = p.factorNames ?? [];
    this.factors = p.factors;
    this.targetOffset = p.spec.inputLength + p.spec.horizon - p.spec.targetLength;
    if (p.labelValues.length !== p.labels.length) throw new Error(`${p.labels.length} label specs but ${p.labelValues.length} label arrays`);
    for (const v of p.labelValues) if (v.length !== this.count) throw new Error(`label array of ${v.length} for ${this.count} windows`);
    if (this.factors && this.factors.length !== this.count * this.factorNames.length) throw new Error('factor array size mismatch');
  }

  private check(i: number): void {
    if (!(i >= 0 && i < this.count && Number.isInteger(i))) throw new RangeError(`window index ${i} out of range [0, ${this.count})`);
  }

  /** Segment index of window i. */
  segmentOf(i: number): number {
    return this.positions.segment[i];
  }

  /** First (input) row of window i within its segment. */
  startOf(i: number): number {
    return this.positions.start[i];
  }

  input(i: number): Float32Array {
    this.check(i);
    const C = this.channels;
    const s = this.positions.start[i];
    return this.data[this.positions.segment[i]].subarray(s * C, (s + this.spec.inputLength) * C);
  }

  target(i: number): Float32Array {
    this.check(i);
    const C = this.channels;
    const s = this.positions.start[i] + this.targetOffset;
    return this.data[this.positions.segment[i]].subarray(s * C, (s + this.spec.targetLength) * C);
  }

  label(i: number, labelIndex: number): number {
    this.check(i);
    return this.labelValues[labelIndex][i];
  }

  /** Ground-truth factors of window i (a view), when known. */
  factorsOf(i: number): Float32Array | undefined {
    this.check(i);
    const F = this.factorNames.length;
    return this.factors?.subarray(i * F, (i + 1) * F);
  }

  batch(indices: ArrayLike<number>): WindowBatch {
    const n = indices.length;
    const xi = this.spec.inputLength * this.channels;
    const yi = this.spec.targetLength * this.channels;
    const x = new Float32Array(n * xi);
    const y = new Float32Array(n * yi);
    const labels = this.labelValues.map(() => new Int32Array(n));
    const F = this.factorNames.length;
    const factors = this.factors ? new Float32Array(n * F) : undefined;
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      x.set(this.input(i), k * xi);
      y.set(this.target(i), k * yi);
      for (let l = 0; l < labels.length; l++) labels[l][k] = this.labelValues[l][i];
      if (factors) factors.set(this.factors!.subarray(i * F, (i + 1) * F), k * F);
    }
    return { size: n, x, y, labels, factors };
  }
}
