import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEtt } from '../../lib/data/ett';
import { loadLstnet } from '../../lib/data/lstnet';
import { loadGaitndd } from '../../lib/data/gaitndd';
import { decode212, encode212, readWfdbRecord, wfdbChecksum } from '../../lib/data/wfdb';
import { datasetInfo } from '../../lib/data/registry';
import { prepareData, prepareDataset } from '../../lib/data/prepare';
import { tempDir, userError } from './helpers';


function write(dir: string, name: string, data: string | Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
}

describe('format 212 codec', () => {
  it('round-trips every 12-bit value, odd and even counts', () => {
    const all = Int16Array.from({ length: 4096 }, (_, i) => i - 2048);
    expect(Array.from(decode212(encode212(all), 4096))).toEqual(Array.from(all));
    const odd = [5, -7, 2047];
    expect(Array.from(decode212(encode212(odd), 3))).toEqual(odd);
  });
  it('packs as documented: byte1 low nibble = high bits of s0, high nibble = high bits of s1', () => {
    // s0 = 0x123, s1 = -1 (0xFFF)
    expect(Array.from(encode212([0x123, -1]))).toEqual([0x23, 0xf1, 0xff]);
  });
});

/** Write a 2-signal gaitndd-style record (NAME.let/.rit/.hea/.ts) into dir. */
function writeRecord(dir: string, name: string, left: number[], right: number[], opts: { truncate?: number; gain?: number } = {}): void {
  const gain = opts.gain ?? 1000;
  const l = encode212(left);
  write(dir, `${name}.let`, opts.truncate ? l.subarray(0, l.length - opts.truncate) : l);
  write(dir, `${name}.rit`, encode212(right));
  write(
    dir,
    `${name}.hea`,
    `${name} 2 300 ${left.length}\r\n${name}.let 212 ${gain} 12 0 ${left[0]} ${wfdbChecksum(left)} 0 left-foot\r\n${name}.rit 212 ${gain} 12 0 ${right[0]} ${wfdbChecksum(right)} 0 right-foot\r\n`,
  );
  write(dir, `${name}.ts`, '22.3200\t1.2\t1.4\t0.4\t0.4\t31\t30\t0.8\t0.9\t68\t69\t0.4\t36\n23.5\t1.0\t1.2\t0.4\t0.4\t31\t30\t0.8\t0.9\t68\t69\t0.4\t36\n');
}

describe('gaitndd on a generated WFDB-212 folder', () => {
  it('round-trips through encode212 → files → loader, with physical units and invalid-sample fill', () => {
    const dir = tempDir();
    const n = 12;
    const left = Array.from({ length: n }, (_, i) => (i * 173) % 4000 - 1900);
    const right = Array.from({ length: n }, (_, i) => 100 - i * 9);
    right[5] = -2048; // invalid sample → interpolated between neighbours
    writeRecord(dir, 'park1', left, right, { gain: 1000 });
    writeRecord(dir, 'control1', right.map((v) => (v === -2048 ? 0 : v)), left, { gain: 1000 });
    write(dir, 'subject-description.txt', '\tGROUP\tAGE\tH\tW\tg\tspeed\tsev\npark1\tpark\t70\t1.8\t80\tm\t1.1\t2\ncontrol1\tcontrol\t30\t1.7\t60\tf\tMISSING\t0\n');
    const d = loadGaitndd(dir, { downsample: 1, records: ['park1', 'control1'] });
    expect(d.segments.map((s) => s.segmentLabels!.group)).toEqual([3, 0]);
    const v = d.segments[0].values;
    for (let t = 0; t < n; t++) expect(v[2 * t]).toBe(Math.fround(left[t] / 1000));
    expect(v[2 * 5 + 1]).toBeCloseTo((right[4] + right[6]) / 2 / 1000, 6);
    expect(d.subjects[0].invalidSamples).toEqual([0, 1]);
    expect(d.subjects[1].gaitSpeed).toBeNaN();
    const d2 = loadGaitndd(dir, { downsample: 2, records: ['park1'] });
    expect(d2.segments[0].length).toBe(6);
    expect(d2.segments[0].values[0]).toBeCloseTo((left[0] + left[1]) / 2000, 6);
  });
  it('truncated WFDB data is a UserError naming the file and sizes', () => {
    const dir = tempDir();
    writeRecord(dir, 'park1', [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6], { truncate: 3 });
    userError(() => readWfdbRecord(path.join(dir, 'park1.hea')), /park1\.let is truncated: 6 bytes, but .*declares 6 samples \(9 bytes/);
  });
  it('a checksum mismatch is a UserError', () => {
    const dir = tempDir();
    writeRecord(dir, 'park1', [1, 2, 3, 4], [1, 2, 3, 4]);
    fs.writeFileSync(path.join(dir, 'park1.let'), encode212([1, 2, 3, 5]));
    userError(() => readWfdbRecord(path.join(dir, 'park1.hea')), /park1\.let: checksum of signal .left-foot. is 11, header says 10 \(corrupted data\)/);
  });
  it('a missing folder is a UserError with the fix', () => {
    userError(() => loadGaitndd('/nonexistent/gaitndd'), /gaitndd folder not found: \/nonexistent\/gaitndd; run 'dive data fetch gaitndd'/);
  });
});

describe('bad CSV / matrix input', () => {
  const header = 'date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT\n';
  const row = (h: number, v = '1') => `2016-07-01 ${String(h).padStart(2, '0')}:00:00,${[v, 2, 3, 4, 5, 6, 7].join(',')}\n`;
  it('missing file', () => {
    userError(() => loadEtt('/nonexistent/ETTh1.csv'), /file not found: \/nonexistent\/ETTh1\.csv; run 'dive data fetch ett-h1' or pass --file PATH/);
    userError(() => loadLstnet('/nonexistent/electricity.txt'), /file not found: .*electricity\.txt; download/);
  });
  it('a row with the wrong number of fields names file and line', () => {
    const dir = tempDir();
    const f = write(dir, 'e.csv', header + row(0) + row(1) + '2016-07-01 02:00:00,1,2,3\n');
    userError(() => loadEtt(f), /e\.csv:4: has 4 fields, expected 8 \(as on line 2\); fix or remove that row/);
    const g = write(dir, 'm.txt', '1,2,3\n4,5,6\n7,8\n');
    userError(() => loadLstnet(g), /m\.txt:3: has 2 fields, expected 3/);
  });
  it('a non-numeric value names file, line and column', () => {
    const dir = tempDir();
    const f = write(dir, 'e.csv', header + row(0) + row(1, 'abc'));
    userError(() => loadEtt(f), /e\.csv:3: field 2 'HUFL' is not a number: 'abc'; fix the value/);
  });
  it('NaN and empty values', () => {
    const dir = tempDir();
    userError(() => loadLstnet(write(dir, 'n.txt', '1,2\nNaN,3\n')), /n\.txt:2: field 1 is 'NaN' \(missing\/non-finite values are not allowed\)/);
    userError(() => loadLstnet(write(dir, 'e.txt', '1,2\n,3\n')), /e\.txt:2: field 1 is empty/);
  });
  it('empty series', () => {
    const dir = tempDir();
    userError(() => loadLstnet(write(dir, 'empty.txt', '')), /empty\.txt has no data rows/);
    userError(() => loadEtt(write(dir, 'h.csv', header)), /h\.csv has no data rows/);
  });
  it('unreadable gzip', () => {
    const dir = tempDir();
    const f = write(dir, 'bad.txt.gz', Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6]));
    userError(() => loadLstnet(f), /bad\.txt\.gz starts like a gzip file but cannot be decompressed/);
  });
  it('a window longer than the series', () => {
    const dir = tempDir();
    const d = loadLstnet(write(dir, 'short.txt', '1,2\n3,4\n5,6\n7,8\n9,10\n'));
    userError(() => prepareDataset(d, { inputLength: 168, horizon: 24 }), /window of 192 rows \(input 168 \+ horizon 24\) is longer than segment 'short' of data set 'electricity-lstnet' \(5 rows\)/);
  });
  it('unknown data set name', () => {
    userError(() => datasetInfo('mnist'), /unknown data set 'mnist' \(known: ett-h1, gaitndd, gaitmotion, electricity-lstnet, traffic, solar-al, exchange-rate, synthetic, benchmark, csv\)/);
    userError(() => prepareData('mnist'), /unknown data set 'mnist'/);
  });
});
