import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadEtt, parseUtcDateTime } from '../../lib/data/ett';
import { loadLstnet } from '../../lib/data/lstnet';
import { loadGaitndd, parseSubjectDescription, blockAverage } from '../../lib/data/gaitndd';
import { generateSynthetic, waveform } from '../../lib/data/synthetic';
import { parseDecimal } from '../../lib/data/textscan';
import { requireShared, tempDir } from './helpers';

describe('parseDecimal', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('parses decimals exactly like Number()', () => {
    for (const s of ['0', '-1.5', '5.827000141143799', '10.11400032043457', '1e-3', '-2.5E+4', '123456789012345678901', '.5', '7.', ' 3.25 ', '+4', '0.1', '1e300']) {
      expect(parseDecimal(enc(s), 0, enc(s).length)).toBe(Number(s));
    }
  });
  it('rejects non-numbers', () => {
    for (const s of ['', 'abc', '1.2.3', '1e', '-', 'NaN', '1,5', '--1', '1e5x']) expect(parseDecimal(enc(s), 0, enc(s).length)).toBeNaN();
  });
});

describe('ett-h1 loader (real ETTh1.csv)', () => {
  it('reads 17,420 rows x 7 channels with UTC timestamps', () => {
    const d = loadEtt(requireShared('ett/ETTh1.csv'));
    expect(d.channelNames).toEqual(['HUFL', 'HULL', 'MUFL', 'MULL', 'LUFL', 'LULL', 'OT']);
    expect(d.segments).toHaveLength(1);
    const s = d.segments[0];
    expect(s.length).toBe(17420);
    expect(s.channels).toBe(7);
    expect(d.sampleRateHz).toBeCloseTo(1 / 3600, 12);
    expect(new Date(s.timestamps![0]).toISOString()).toBe('2016-07-01T00:00:00.000Z');
    expect(new Date(s.timestamps![17419]).toISOString()).toBe('2018-06-26T19:00:00.000Z');
    expect(s.values[0]).toBe(Math.fround(5.827000141143799));
    expect(s.values[6]).toBe(Math.fround(30.5310001373291));
    expect(s.values[17419 * 7 + 6]).toBe(Math.fround(9.56700038909912));
  });
  it('parses dates as UTC and rejects impossible ones', () => {
    expect(parseUtcDateTime('2017-03-26 02:00:00')).toBe(Date.UTC(2017, 2, 26, 2));
    expect(parseUtcDateTime('2017-02-30 00:00:00')).toBeNaN();
    expect(parseUtcDateTime('26/03/2017')).toBeNaN();
  });
});

/** A deterministic LSTNet-format text matrix [rows, cols]. */
function lstnetText(rows: number, cols: number): { text: string; at: (r: number, c: number) => number } {
  const at = (r: number, c: number) => Math.round(((r * 31 + c * 17) % 1000) * 1.25 * 1000) / 1000;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(Array.from({ length: cols }, (_, c) => String(at(r, c))).join(','));
  return { text: `${lines.join('\n')}\n`, at };
}

describe('electricity-lstnet loader (generated files)', () => {
  it('reads a plain and a gzipped file (gzip by magic bytes, not extension) identically', () => {
    const dir = tempDir();
    const { text, at } = lstnetText(50, 7);
    fs.writeFileSync(path.join(dir, 'plain.txt'), text);
    fs.writeFileSync(path.join(dir, 'zipped.txt'), zlib.gzipSync(text)); // no .gz extension on purpose
    const a = loadLstnet(path.join(dir, 'plain.txt'));
    const b = loadLstnet(path.join(dir, 'zipped.txt'));
    expect(a.segments[0].length).toBe(50);
    expect(a.segments[0].channels).toBe(7);
    expect(Array.from(b.segments[0].values)).toEqual(Array.from(a.segments[0].values));
    expect(a.segments[0].values[13 * 7 + 4]).toBe(Math.fround(at(13, 4)));
    const ts = a.segments[0].timestamps!;
    expect(new Date(ts[0]).toISOString()).toBe('2012-01-01T00:00:00.000Z');
    expect(ts[49] - ts[0]).toBe(49 * 3600 * 1000);
    expect(a.sampleRateHz).toBeCloseTo(1 / 3600, 12);
  });
  it('accepts CRLF line endings', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'crlf.txt'), '1,2\r\n3,4\r\n');
    expect(Array.from(loadLstnet(path.join(dir, 'crlf.txt')).segments[0].values)).toEqual([1, 2, 3, 4]);
  });
});

describe('gaitndd loader (real PhysioNet files)', () => {
  const dir = requireShared('gaitndd');
  it('loads 64 subjects in 4 groups, [left, right] at 100 Hz', () => {
    const d = loadGaitndd(dir);
    expect(d.segments).toHaveLength(64);
    expect(d.sampleRateHz).toBe(100);
    expect(d.channelNames).toEqual(['left-foot', 'right-foot']);
    const counts = [0, 0, 0, 0];
    for (const s of d.subjects) counts[s.groupIndex]++;
    expect(counts).toEqual([16, 13, 20, 15]); // control, als, hunt, park
    for (const s of d.segments) {
      expect(s.length).toBe(30000);
      expect(s.channels).toBe(2);
      let bad = 0;
      for (const v of s.values) if (!Number.isFinite(v)) bad++;
      expect(bad).toBe(0);
    }
    const byId = new Map(d.subjects.map((s) => [s.id, s]));
    expect(byId.get('control1')!.gaitSpeed).toBe(1.33);
    expect(byId.get('als4')!.gaitSpeed).toBeNaN();
    expect(byId.get('hunt20')!.gaitSpeed).toBeNaN();
    expect(byId.get('hunt20')!.severity).toBe(9);
    expect(byId.get('hunt13')!.invalidSamples[1]).toBe(2251);
    expect(byId.get('als1')!.strides.time[0]).toBeCloseTo(22.32, 6);
    expect(byId.get('als1')!.strides.strideTime[0]).toBeCloseTo((1.2833 + 1.3533) / 2, 6);
  });
  it('applies (adc - baseline) / gain and block-averages by the factor', () => {
    const full = loadGaitndd(dir, { downsample: 1, records: ['control1'] });
    const down = loadGaitndd(dir, { downsample: 3, records: ['control1'] });
    expect(full.sampleRateHz).toBe(300);
    const f = full.segments[0].values;
    // control1.hea: left initval 503, gain 3000, baseline 0 (adczero).
    expect(f[0]).toBe(Math.fround(503 / 3000));
    const d = down.segments[0].values;
    for (const t of [0, 1, 12345, 29999]) {
      for (const c of [0, 1]) expect(d[t * 2 + c]).toBeCloseTo((f[(3 * t) * 2 + c] + f[(3 * t + 1) * 2 + c] + f[(3 * t + 2) * 2 + c]) / 3, 6);
    }
  });
  it('block averaging drops a partial tail', () => {
    expect(Array.from(blockAverage(Float32Array.from([1, 10, 3, 30, 5, 50]), 2, 2))).toEqual([2, 20]);
  });
  it('merges the broken hunt20 line of subject-description.txt', () => {
    const rows = parseSubjectDescription('\tGROUP\tAGE\nhunt20\thunt\t33\t1.57\t45\tf\tMISSING\n\t9\npark1\tpark\t77\t2\t86\tm\t0.98\t4\n', 'x.txt');
    expect(rows.get('hunt20')!.severity).toBe(9);
    expect(rows.get('hunt20')!.gaitSpeed).toBeNaN();
    expect(rows.get('park1')!.gaitSpeed).toBe(0.98);
  });
});

describe('synthetic generator', () => {
  it('is seeded: same config + seed → same numbers; another seed differs', () => {
    const a = generateSynthetic({ seed: 7, segments: 5, length: 40 });
    const b = generateSynthetic({ seed: 7, segments: 5, length: 40 });
    const c = generateSynthetic({ seed: 8, segments: 5, length: 40 });
    expect(Array.from(a.segments[3].values)).toEqual(Array.from(b.segments[3].values));
    expect(a.factors).toEqual(b.factors);
    expect(Array.from(a.segments[3].values)).not.toEqual(Array.from(c.segments[3].values));
  });
  it('follows its documented formula with known factors', () => {
    const d = generateSynthetic({ seed: 3, segments: 8, length: 100, channels: 3, noiseRange: [0, 0] });
    for (let s = 0; s < 8; s++) {
      const f = d.factors[s];
      for (const t of [0, 17, 99]) {
        const phi = f.phase + 2 * Math.PI * f.frequency * t;
        const expected0 = f.amplitude * waveform(f.regime, phi) + (f.trend * t) / 99; // channel 0: θ = 0
        expect(d.segments[s].values[t * 3]).toBeCloseTo(expected0, 5);
      }
      expect(d.segments[s].segmentLabels!.regime).toBe(f.regime);
    }
  });
  it('waveforms have range [-1, 1] and period 2π', () => {
    for (let r = 0; r < 4; r++) {
      for (const phi of [0.1, 1, 2.5, 4, 6]) {
        const v = waveform(r, phi);
        expect(Math.abs(v)).toBeLessThanOrEqual(1);
        expect(waveform(r, phi + 2 * Math.PI)).toBeCloseTo(v, 9);
      }
    }
  });
});
