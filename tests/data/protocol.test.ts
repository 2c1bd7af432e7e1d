import { describe, expect, it } from 'vitest';
import type { Segment, TimeSeriesDataset } from '../../lib/data/types';
import { enumerateWindows, SegmentWindowSet } from '../../lib/data/windows';
import { planSplit, assignSegments, ETT_SPLIT, LSTNET_SPLIT } from '../../lib/data/splits';
import { fitScaler } from '../../lib/data/scalers';
import { binOf, classFrequencies, fitQuantileEdges, meanStrideTime } from '../../lib/data/labels';
import { prepareData, prepareDataset } from '../../lib/data/prepare';
import { requireShared } from './helpers';

/** A one-segment hourly data set whose value at (t, c) is t * 10 + c. */
function ramp(rows: number, channels = 2, startMs = Date.UTC(2016, 6, 1)): TimeSeriesDataset {
  const values = new Float32Array(rows * channels);
  for (let t = 0; t < rows; t++) for (let c = 0; c < channels; c++) values[t * channels + c] = t * 10 + c;
  const timestamps = Float64Array.from({ length: rows }, (_, t) => startMs + t * 3600_000);
  return { name: 'ramp', source: 'test', channelNames: ['a', 'b'].slice(0, channels), sampleRateHz: 1 / 3600, segments: [{ id: 'ramp', values, length: rows, channels, timestamps }] };
}

describe('windows', () => {
  const spec = { inputLength: 5, horizon: 3, targetLength: 2, stride: 1 };
  const d = ramp(20);
  const pos = enumerateWindows([{ segment: 0, inputFrom: 0, targetFrom: 0, end: 20 }], spec, d.segments, 'ramp');
  const set = new SegmentWindowSet({ spec, channels: 2, data: [d.segments[0].values], positions: pos, labels: [], labelValues: [] });

  it('has the documented geometry: target rows lastInput+h-T+1 … lastInput+h', () => {
    expect(set.count).toBe(20 - 8 + 1);
    const x = set.input(4);
    expect(Array.from(x)).toEqual([40, 41, 50, 51, 60, 61, 70, 71, 80, 81]); // rows 4..8
    expect(Array.from(set.target(4))).toEqual([100, 101, 110, 111]); // lastInput 8 → rows 10, 11
  });
  it('returns views into the underlying buffer, and batches copies', () => {
    expect(set.input(3).buffer).toBe(d.segments[0].values.buffer);
    expect(set.target(3).buffer).toBe(d.segments[0].values.buffer);
    const b = set.batch([0, 12]);
    expect(b.size).toBe(2);
    expect(b.x.buffer).not.toBe(d.segments[0].values.buffer);
    expect(Array.from(b.x.subarray(10, 12))).toEqual([120, 121]);
    expect(Array.from(b.y.subarray(4, 8))).toEqual([180, 181, 190, 191]);
    expect(() => set.input(13)).toThrow(/out of range/);
  });
  it('never crosses segment boundaries and honours the stride', () => {
    const segs: Segment[] = [
      { id: 's0', values: new Float32Array(10), length: 10, channels: 1 },
      { id: 's1', values: new Float32Array(7), length: 7, channels: 1 },
    ];
    const p = enumerateWindows(
      [{ segment: 0, inputFrom: 0, targetFrom: 0, end: 10 }, { segment: 1, inputFrom: 0, targetFrom: 0, end: 7 }],
      { inputLength: 4, horizon: 2, targetLength: 1, stride: 2 },
      segs,
      'x',
    );
    expect(Array.from(p.segment)).toEqual([0, 0, 0, 1]);
    expect(Array.from(p.start)).toEqual([0, 2, 4, 0]); // 4+6 ≤ 10, start 6 would end at 12
  });
  it('a window longer than a segment is a UserError naming data set, segment and sizes', () => {
    expect(() => enumerateWindows([{ segment: 0, inputFrom: 0, targetFrom: 0, end: 20 }], { inputLength: 18, horizon: 3, targetLength: 1, stride: 1 }, d.segments, 'ramp')).toThrow(
      /window of 21 rows \(input 18 \+ horizon 3\) is longer than segment 'ramp' of data set 'ramp' \(20 rows\)/,
    );
  });
});

describe('splits', () => {
  it('LSTNet fractions split target indices; val inputs may reach into train rows', () => {
    const d = ramp(1000);
    const spec = { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 };
    const plan = planSplit(d, LSTNET_SPLIT, spec);
    const tr = enumerateWindows(plan.ranges.train, spec, d.segments, 'r');
    const va = enumerateWindows(plan.ranges.val, spec, d.segments, 'r');
    const te = enumerateWindows(plan.ranges.test, spec, d.segments, 'r');
    const target = (s: number) => s + 168 + 24 - 1;
    // LSTNet: train targets range(P+h-1, 600), valid range(600, 800), test range(800, 1000).
    expect([target(tr.start[0]), target(tr.start[tr.start.length - 1])]).toEqual([191, 599]);
    expect([target(va.start[0]), target(va.start[va.start.length - 1])]).toEqual([600, 799]);
    expect([target(te.start[0]), target(te.start[te.start.length - 1])]).toEqual([800, 999]);
    expect(va.start[0]).toBeLessThan(600);
    expect(plan.rows.train).toEqual([{ segment: 0, from: 0, to: 600 }]);
  });
  it('ETT 12/4/4: rows 0–8639 / 8640–11519 / 11520–14399, val/test inputs start inputLength before the border', () => {
    const d = ramp(17420);
    const spec = { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 };
    const plan = planSplit(d, ETT_SPLIT, spec);
    expect(plan.rows.train).toEqual([{ segment: 0, from: 0, to: 8640 }]);
    expect(plan.rows.val).toEqual([{ segment: 0, from: 8640, to: 11520 }]);
    expect(plan.rows.test).toEqual([{ segment: 0, from: 11520, to: 14400 }]);
    const va = enumerateWindows(plan.ranges.val, spec, d.segments, 'r');
    const te = enumerateWindows(plan.ranges.test, spec, d.segments, 'r');
    expect(va.start[0]).toBe(8640 - 168);
    expect(va.start[va.start.length - 1] + 192).toBe(11520);
    expect(te.start[0]).toBe(11520 - 168);
    expect(te.start[te.start.length - 1] + 192).toBe(14400);
    expect(va.start.length).toBe(2880 + 168 - 192 + 1);
  });
  it('ETT protocol on a too-short file is a UserError', () => {
    expect(() => planSplit(ramp(1000), ETT_SPLIT, { inputLength: 168, horizon: 24, targetLength: 1, stride: 1 })).toThrow(/needs 14400 rows but segment 'ramp'/);
  });
  it('by-segment: seeded, stratified, no segment in two splits', () => {
    const segs: Segment[] = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, values: new Float32Array(4), length: 4, channels: 1, segmentLabels: { g: i % 4 } }));
    const d: TimeSeriesDataset = { name: 'x', source: 't', channelNames: ['v'], sampleRateHz: 1, segments: segs };
    const p = { kind: 'by-segment' as const, train: 0.8, val: 0.1, seed: 5, stratifyBy: 'g' };
    const a = assignSegments(d, p);
    expect(assignSegments(d, p)).toEqual(a);
    expect(assignSegments(d, { ...p, seed: 6 })).not.toEqual(a);
    for (let g = 0; g < 4; g++) {
      const mine = a.filter((_, i) => i % 4 === g);
      expect(mine.filter((s) => s === 'val')).toHaveLength(1);
      expect(mine.filter((s) => s === 'test')).toHaveLength(1);
      expect(mine.filter((s) => s === 'train')).toHaveLength(8);
    }
  });
});

describe('scalers', () => {
  const d = ramp(100);
  it('z-score fitted on training rows only, with an exact inverse', () => {
    const s = fitScaler('zscore', d.segments, [{ segment: 0, from: 0, to: 50 }]);
    expect(s.offset[0]).toBeCloseTo(245, 4); // mean of 0,10,…,490
    expect(s.scale[0]).toBeCloseTo(Math.sqrt((50 * 50 - 1) / 12) * 10, 3);
    const x = Float32Array.from(d.segments[0].values);
    s.inverse(s.transform(x));
    for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - d.segments[0].values[i])).toBeLessThanOrEqual(1e-6 * Math.abs(d.segments[0].values[i]) + 1e-4);
  });
  it('max-abs per series, offset 0; round trip', () => {
    const s = fitScaler('maxabs', d.segments, [{ segment: 0, from: 0, to: 60 }]);
    expect(Array.from(s.scale)).toEqual([590, 591]);
    expect(Array.from(s.offset)).toEqual([0, 0]);
    const x = Float32Array.from([590, 591, -295, 0]);
    expect(Array.from(s.transform(x))).toEqual([1, 1, -0.5, 0]);
    expect(Array.from(s.inverse(x))).toEqual([590, 591, -295, 0]);
  });
  it('constant or all-zero channels get scale 1, never NaN', () => {
    const seg: Segment = { id: 'k', values: Float32Array.from([3, 0, 3, 0, 3, 0]), length: 3, channels: 2 };
    const rows = [{ segment: 0, from: 0, to: 3 }];
    for (const kind of ['zscore', 'maxabs'] as const) {
      const s = fitScaler(kind, [seg], rows);
      expect(s.scale[1]).toBe(1);
      const out = s.transform(Float32Array.from(seg.values));
      for (const v of out) expect(Number.isFinite(v)).toBe(true);
    }
    expect(fitScaler('zscore', [seg], rows).scale[0]).toBe(1);
  });
});

describe('labels', () => {
  it('quantile bins fitted on training values', () => {
    const edges = fitQuantileEdges([1, 2, 3, 4, 5, 6, 7, 8], 4);
    expect(edges).toEqual([2.75, 4.5, 6.25]);
    expect([1, 2.75, 4.4, 6.25, 100].map((v) => binOf(edges, v))).toEqual([0, 1, 1, 3, 3]);
  });
  it('mean stride time over the window span, nearest stride when none ends inside', () => {
    const time = Float64Array.from([21, 22, 23, 24]);
    const stride = Float64Array.from([1, 2, 3, 4]);
    expect(meanStrideTime(time, stride, 21.5, 23.5)).toBe(2.5);
    expect(meanStrideTime(time, stride, 0, 2)).toBe(1);
    expect(meanStrideTime(time, stride, 30, 32)).toBe(4);
  });
  it('hour / weekday / month of the TARGET time (UTC) and class frequencies on train', () => {
    const d = ramp(600, 2, Date.UTC(2016, 6, 1, 0)); // 2016-07-01 was a Friday
    const p = prepareDataset(d, { inputLength: 10, horizon: 5, targetLength: 1, stride: 1 }, 'none');
    expect(p.train.labels.map((l) => l.name)).toEqual(['hour', 'weekday', 'month']);
    // window 0: rows 0..9, target row 14 → 14:00 Friday July
    expect([p.train.label(0, 0), p.train.label(0, 1), p.train.label(0, 2)]).toEqual([14, 5, 6]);
    const f = p.classFrequencies;
    expect(f[0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    let n14 = 0;
    for (let i = 0; i < p.train.count; i++) if (p.train.label(i, 0) === 14) n14++;
    expect(f[0][14]).toBeCloseTo(n14 / p.train.count, 12);
    expect(classFrequencies(p.train)).toEqual(f);
  });
});

describe('prepareData', () => {
  it('ett-h1 with the default protocol', () => {
    const p = prepareData('ett-h1', { file: requireShared('ett/ETTh1.csv') });
    expect(p.train.count).toBe(8640 - 192 + 1);
    expect(p.val.count).toBe(2880 + 168 - 192 + 1);
    expect(p.test.count).toBe(2880 + 168 - 192 + 1);
    expect(p.scaler.kind).toBe('zscore');
    // Scaler fitted on train rows: train windows' scaled inputs have mean ≈ 0 over rows 0..8639.
    const raw = p.dataset.segments[0].values;
    let mean = 0;
    for (let t = 0; t < 8640; t++) mean += raw[t * 7 + 6];
    expect(p.scaler.offset[6]).toBeCloseTo(mean / 8640, 3);
    // windows view the scaled copy, never the raw data
    expect(p.train.input(0).buffer).not.toBe(raw.buffer);
    expect(p.train.input(0)[6]).toBeCloseTo((raw[6] - p.scaler.offset[6]) / p.scaler.scale[6], 5);
    expect(p.train.labels.map((l) => l.classes.length)).toEqual([24, 7, 12]);
  });
  it('synthetic: seeded, with factors per window and labels regime + freqBin', () => {
    const a = prepareData('synthetic', { seed: 1 });
    const b = prepareData('synthetic', { seed: 1 });
    expect(a.train.factorNames).toEqual(['regime', 'frequency', 'amplitude', 'phase', 'trend', 'noise']);
    expect(a.train.labels.map((l) => l.name)).toEqual(['regime', 'freqBin']);
    const ba = a.train.batch([0, 5, 9]);
    const bb = b.train.batch([0, 5, 9]);
    expect(Array.from(ba.x)).toEqual(Array.from(bb.x));
    expect(Array.from(ba.factors!)).toEqual(Array.from(bb.factors!));
    expect(ba.factors![0]).toBe(ba.labels[0][0]); // regime factor = regime label
    // default: 10,400 segments of 80 rows, one 80-row window (64 input + horizon 16) each
    expect(a.train.count + a.val.count + a.test.count).toBe(10_400 * (Math.floor((80 - 80) / 8) + 1));
  });
  it('gaitndd: by-subject split, labels group + strideBin fitted on train', () => {
    const p = prepareData('gaitndd', { file: requireShared('gaitndd') });
    const subjectsOf = (s: typeof p.train) => new Set(Array.from(s.positions.segment));
    const tr = subjectsOf(p.train), va = subjectsOf(p.val), te = subjectsOf(p.test);
    expect(tr.size + va.size + te.size).toBe(64);
    for (const s of va) expect(tr.has(s) || te.has(s)).toBe(false);
    for (const s of te) expect(tr.has(s)).toBe(false);
    expect(p.train.labels.map((l) => `${l.name}:${l.classes.length}`)).toEqual(['group:4', 'strideBin:4']);
    // quantile bins on train → each of the 4 stride bins holds about a quarter of train windows
    for (const f of p.classFrequencies[1]) expect(Math.abs(f - 0.25)).toBeLessThan(0.02);
    for (const g of [0, 1, 2, 3]) expect(p.classFrequencies[0][g]).toBeGreaterThan(0);
    expect(p.train.spec).toEqual({ inputLength: 200, horizon: 100, targetLength: 100, stride: 50 });
    const sp = prepareData('gaitndd', { file: requireShared('gaitndd'), gaitMeasure: 'speed' });
    expect(sp.notes.join(' ')).toMatch(/als4: gait speed MISSING, imputed/);
  });
});
