/**
 * Train / validation / test split protocols, expressed as row ranges per segment (windows.ts
 * turns them into windows) plus the rows a scaler may be fitted on (training rows only).
 *
 * - `fractions` (LSTNet, chronological): per segment of n rows, cut points
 *   trainEnd = ⌊train·n⌋ and valEnd = ⌊(train+val)·n⌋. Like LSTNet's own code
 *   (`_split`: train = range(P+h−1, trainEnd), valid = range(trainEnd, valEnd), test = …), the
 *   split is over TARGET indices: a validation window's target rows lie in [trainEnd, valEnd),
 *   while its input rows may reach back into the training rows; test likewise. Default 0.6/0.2.
 * - `ett` (the standard ETT long-horizon protocol, Zhou et al. 2021): 12/4/4 months of 30 days
 *   (ETTh: rows 0–8639 train, 8640–11519 val, 11520–14399 test). As in the Informer code
 *   (border1s = [0, 8640 − L, 11520 − L]), a whole val/test window lies inside
 *   [border − inputLength, border2): its input may start inputLength rows before the border,
 *   while its targets are inside the split. Rows after month 20 are unused.
 * - `by-segment` (gait subjects, synthetic segments): whole segments are assigned to one split
 *   (no subject in two splits), seeded, stratified by a segment label when given: per class of
 *   n segments, round(val·n) go to val and round(test·n) to test (at least one each when
 *   n ≥ 3), the rest to train. Default 0.8/0.1 (8:1:1). With `groupBy` (a segment label, e.g.
 *   GaitMotion's `subject`, whose trials of all three gait types are separate segments) the
 *   units assigned are the groups of segments sharing that label's value, not single segments:
 *   the same rule over n groups, so every segment of a subject lands in the same split;
 *   `stratifyBy` then needs the same class on all segments of a group.
 * - `dates` (any data set with timestamps, e.g. a CSV): per segment, training rows are those
 *   dated before `trainEnd`, validation rows those before `valEnd`, test rows the rest (before
 *   `testEnd` when given, else to the end). Boundaries are ISO dates (`YYYY-MM-DD[ HH:MM]`, UTC).
 *   Windows follow the ETT/Informer convention above: a whole val/test window lies inside
 *   [border − inputLength, next border), so its input may start up to inputLength rows before
 *   its split. ETT's 12/4/4 months of ETTh1 are the dates 2017-06-26, 2017-10-24, 2018-02-21.
 */
import type { TimeSeriesDataset, WindowSpec } from './types';
import type { WindowRange } from './windows';
import { UserError } from '../util/errors';
import { makeRng, permutation } from '../util/random';
import { parseUserDate } from './dates';

export type SplitProtocol =
  | { readonly kind: 'fractions'; readonly train: number; readonly val: number }
  | { readonly kind: 'ett'; readonly trainMonths: number; readonly valMonths: number; readonly testMonths: number }
  | { readonly kind: 'by-segment'; readonly train: number; readonly val: number; readonly seed: number; readonly stratifyBy?: string; readonly groupBy?: string }
  | { readonly kind: 'dates'; readonly trainEnd: string; readonly valEnd: string; readonly testEnd?: string };

export const LSTNET_SPLIT: SplitProtocol = { kind: 'fractions', train: 0.6, val: 0.2 };
export const ETT_SPLIT: SplitProtocol = { kind: 'ett', trainMonths: 12, valMonths: 4, testMonths: 4 };
export const BY_SEGMENT_SPLIT: SplitProtocol = { kind: 'by-segment', train: 0.8, val: 0.1, seed: 0 };

/** A half-open row range [from, to) of one segment. */
export interface RowRange {
  readonly segment: number;
  readonly from: number;
  readonly to: number;
}

export type SplitName = 'train' | 'val' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test'];

export interface SplitPlan {
  /** Window ranges per split. */
  readonly ranges: Readonly<Record<SplitName, readonly WindowRange[]>>;
  /** Rows that belong to each split (targets' rows; for the scaler: train rows only). */
  readonly rows: Readonly<Record<SplitName, readonly RowRange[]>>;
  /** One-line human description of the protocol. */
  readonly description: string;
}

/** Count rows in a list of ranges. */
export function countRows(ranges: readonly RowRange[]): number {
  return ranges.reduce((s, r) => s + (r.to - r.from), 0);
}

function checkFractions(train: number, val: number): void {
  if (!(train > 0 && val >= 0 && train + val < 1)) {
    throw new UserError(`split fractions must satisfy train > 0, val ≥ 0, train + val < 1; got train ${train}, val ${val}`);
  }
}

/** Plan a split of `dataset` under `protocol` for windows of `spec`. */
export function planSplit(dataset: TimeSeriesDataset, protocol: SplitProtocol, spec: WindowSpec): SplitPlan {
  const segs = dataset.segments;
  switch (protocol.kind) {
    case 'fractions': {
      checkFractions(protocol.train, protocol.val);
      const ranges: Record<SplitName, WindowRange[]> = { train: [], val: [], test: [] };
      const rows: Record<SplitName, RowRange[]> = { train: [], val: [], test: [] };
      segs.forEach((s, i) => {
        const n = s.length;
        // + 1e-9: 0.7 + 0.1 is 0.7999999999999999 in floating point, and 0.8 × 600 must be 480.
        const a = Math.floor(protocol.train * n + 1e-9);
        const b = Math.floor((protocol.train + protocol.val) * n + 1e-9);
        ranges.train.push({ segment: i, inputFrom: 0, targetFrom: 0, end: a });
        ranges.val.push({ segment: i, inputFrom: 0, targetFrom: a, end: b });
        ranges.test.push({ segment: i, inputFrom: 0, targetFrom: b, end: n });
        rows.train.push({ segment: i, from: 0, to: a });
        rows.val.push({ segment: i, from: a, to: b });
        rows.test.push({ segment: i, from: b, to: n });
      });
      const t = Math.round((1 - protocol.train - protocol.val) * 100) / 100;
      return { ranges, rows, description: `chronological ${protocol.train}/${protocol.val}/${t} by target index (LSTNet)` };
    }
    case 'ett': {
      const rowsPerMonth = Math.round(30 * 86400 * dataset.sampleRateHz);
      if (!(rowsPerMonth >= 1)) throw new UserError(`the ETT protocol needs a calendar sample rate; data set '${dataset.name}' has ${dataset.sampleRateHz} Hz`);
      const b1 = protocol.trainMonths * rowsPerMonth;
      const b2 = b1 + protocol.valMonths * rowsPerMonth;
      const b3 = b2 + protocol.testMonths * rowsPerMonth;
      const L = spec.inputLength;
      const ranges: Record<SplitName, WindowRange[]> = { train: [], val: [], test: [] };
      const rows: Record<SplitName, RowRange[]> = { train: [], val: [], test: [] };
      segs.forEach((s, i) => {
        if (s.length < b3) {
          throw new UserError(`the ETT protocol (${protocol.trainMonths}/${protocol.valMonths}/${protocol.testMonths} months = ${b3} rows) needs ${b3} rows but segment '${s.id}' of '${dataset.name}' has ${s.length}; use a fractions split instead (--split 0.7,0.1)`);
        }
        ranges.train.push({ segment: i, inputFrom: 0, targetFrom: 0, end: b1 });
        ranges.val.push({ segment: i, inputFrom: Math.max(0, b1 - L), targetFrom: 0, end: b2 });
        ranges.test.push({ segment: i, inputFrom: Math.max(0, b2 - L), targetFrom: 0, end: b3 });
        rows.train.push({ segment: i, from: 0, to: b1 });
        rows.val.push({ segment: i, from: b1, to: b2 });
        rows.test.push({ segment: i, from: b2, to: b3 });
      });
      return {
        ranges,
        rows,
        description: `ETT ${protocol.trainMonths}/${protocol.valMonths}/${protocol.testMonths} months (rows 0–${b1 - 1}, ${b1}–${b2 - 1}, ${b2}–${b3 - 1}; val/test inputs may start ${L} rows before their border)`,
      };
    }
    case 'dates': {
      const b1t = parseUserDate(protocol.trainEnd, 'split trainEnd');
      const b2t = parseUserDate(protocol.valEnd, 'split valEnd');
      const b3t = protocol.testEnd !== undefined ? parseUserDate(protocol.testEnd, 'split testEnd') : Infinity;
      if (!(b1t < b2t && b2t < b3t)) throw new UserError(`split dates must increase: trainEnd ${protocol.trainEnd} < valEnd ${protocol.valEnd}${protocol.testEnd ? ` < testEnd ${protocol.testEnd}` : ''}; fix their order`);
      const L = spec.inputLength;
      const ranges: Record<SplitName, WindowRange[]> = { train: [], val: [], test: [] };
      const rows: Record<SplitName, RowRange[]> = { train: [], val: [], test: [] };
      segs.forEach((s, i) => {
        const ts = s.timestamps;
        if (!ts) throw new UserError(`a split by dates needs dates, and segment '${s.id}' of '${dataset.name}' has none; use a fractions split ({"train": 0.7, "val": 0.1})`);
        const firstAt = (t: number): number => {
          let lo = 0;
          let hi = s.length;
          while (lo < hi) {
            const m = (lo + hi) >> 1;
            if (ts[m] < t) lo = m + 1;
            else hi = m;
          }
          return lo;
        };
        const [b1, b2, b3] = [firstAt(b1t), firstAt(b2t), firstAt(b3t)];
        const span = `${new Date(ts[0]).toISOString().slice(0, 16)} … ${new Date(ts[s.length - 1]).toISOString().slice(0, 16)}`;
        if (b1 === 0) throw new UserError(`no row of '${dataset.name}' (${span}) is before the split's trainEnd ${protocol.trainEnd}; pick a later date`);
        if (b2 === b1) throw new UserError(`no row of '${dataset.name}' (${span}) lies between trainEnd ${protocol.trainEnd} and valEnd ${protocol.valEnd}; the validation split would be empty`);
        if (b3 === b2) throw new UserError(`no row of '${dataset.name}' (${span}) is on or after valEnd ${protocol.valEnd}${protocol.testEnd ? ` and before testEnd ${protocol.testEnd}` : ''}; the test split would be empty`);
        ranges.train.push({ segment: i, inputFrom: 0, targetFrom: 0, end: b1 });
        ranges.val.push({ segment: i, inputFrom: Math.max(0, b1 - L), targetFrom: 0, end: b2 });
        ranges.test.push({ segment: i, inputFrom: Math.max(0, b2 - L), targetFrom: 0, end: b3 });
        rows.train.push({ segment: i, from: 0, to: b1 });
        rows.val.push({ segment: i, from: b1, to: b2 });
        rows.test.push({ segment: i, from: b2, to: b3 });
      });
      const r = segs.length === 1 ? ` (rows 0–${rows.train[0].to - 1}, ${rows.val[0].from}–${rows.val[0].to - 1}, ${rows.test[0].from}–${rows.test[0].to - 1})` : '';
      return {
        ranges,
        rows,
        description: `by dates: train before ${protocol.trainEnd}, val before ${protocol.valEnd}, test ${protocol.testEnd ? `before ${protocol.testEnd}` : 'to the end'}${r}; val/test inputs may start ${L} rows before their border`,
      };
    }
    case 'by-segment': {
      checkFractions(protocol.train, protocol.val);
      const assignment = assignSegments(dataset, protocol);
      const ranges: Record<SplitName, WindowRange[]> = { train: [], val: [], test: [] };
      const rows: Record<SplitName, RowRange[]> = { train: [], val: [], test: [] };
      assignment.forEach((split, i) => {
        const n = segs[i].length;
        ranges[split].push({ segment: i, inputFrom: 0, targetFrom: 0, end: n });
        rows[split].push({ segment: i, from: 0, to: n });
      });
      const t = Math.round((1 - protocol.train - protocol.val) * 100) / 100;
      const by = protocol.stratifyBy ? `, stratified by ${protocol.stratifyBy}` : '';
      const counts = `${rows.train.length}/${rows.val.length}/${rows.test.length} segments`;
      const g = protocol.groupBy;
      if (g !== undefined) {
        const groups = (split: SplitName) => new Set(rows[split].map((r) => segs[r.segment].segmentLabels![g])).size;
        return {
          ranges,
          rows,
          description: `by ${g} ${protocol.train}/${protocol.val}/${t} (seed ${protocol.seed}${by}; ${groups('train')}/${groups('val')}/${groups('test')} ${g}s, ${counts})`,
        };
      }
      return { ranges, rows, description: `by segment ${protocol.train}/${protocol.val}/${t} (seed ${protocol.seed}${by}; ${counts})` };
    }
  }
}

/** Seeded, stratified assignment of whole segments (or groups of them) to splits (see module doc). */
export function assignSegments(dataset: TimeSeriesDataset, protocol: Extract<SplitProtocol, { kind: 'by-segment' }>): SplitName[] {
  const segs = dataset.segments;
  const labelOf = (i: number, key: string): number => {
    const v = segs[i].segmentLabels?.[key];
    if (v === undefined) throw new UserError(`segment '${segs[i].id}' of '${dataset.name}' has no '${key}' label to ${key === protocol.groupBy ? 'group' : 'stratify'} by`);
    return v;
  };
  // Units: single segments, or the groups of segments sharing the groupBy label (by label value).
  let units: number[][];
  if (protocol.groupBy === undefined) units = segs.map((_, i) => [i]);
  else {
    const byValue = new Map<number, number[]>();
    segs.forEach((_, i) => {
      const v = labelOf(i, protocol.groupBy!);
      const list = byValue.get(v) ?? [];
      list.push(i);
      byValue.set(v, list);
    });
    units = [...byValue.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }
  const what = protocol.groupBy === undefined ? 'segments' : `'${protocol.groupBy}' values`;
  if (units.length < 3) throw new UserError(`a by-segment split needs at least 3 ${what}; data set '${dataset.name}' has ${units.length}; use a fractions split`);
  const key = protocol.stratifyBy;
  const classes = new Map<number, number[]>();
  units.forEach((members, u) => {
    let c = 0;
    if (key !== undefined) {
      c = labelOf(members[0], key);
      for (const i of members) {
        if (labelOf(i, key) !== c) {
          throw new UserError(`segments '${segs[members[0]].id}' and '${segs[i].id}' of '${dataset.name}' share ${protocol.groupBy} ${labelOf(i, protocol.groupBy!)} but differ in '${key}'; drop stratifyBy or groupBy`);
        }
      }
    }
    const list = classes.get(c) ?? [];
    list.push(u);
    classes.set(c, list);
  });
  const out: SplitName[] = new Array<SplitName>(segs.length).fill('train');
  const rng = makeRng(protocol.seed);
  const testFrac = 1 - protocol.train - protocol.val;
  for (const c of [...classes.keys()].sort((a, b) => a - b)) {
    const members = classes.get(c)!;
    const n = members.length;
    let nVal = Math.round(protocol.val * n);
    let nTest = Math.round(testFrac * n);
    if (n >= 3) {
      nVal = Math.max(1, nVal);
      nTest = Math.max(1, nTest);
    }
    while (nVal + nTest > n - 1 && nVal + nTest > 0) {
      if (nTest >= nVal && nTest > 0) nTest--;
      else nVal--;
    }
    const perm = permutation(n, rng);
    for (let k = 0; k < n; k++) {
      const split: SplitName = k < nVal ? 'val' : k < nVal + nTest ? 'test' : 'train';
      for (const seg of units[members[perm[k]]]) out[seg] = split;
    }
  }
  return out;
}
